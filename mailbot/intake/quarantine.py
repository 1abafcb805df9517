"""The coordinator's notice of a message set aside in quarantine, in plain Dutch."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from mailbot.config import Rules
from mailbot.intake.reasons import reason_nl
from mailbot.kinds import MailKind
from mailbot.logs import log_failure
from mailbot.mail.compose import Composer
from mailbot.mail.parse import header_hint
from mailbot.models import Address, OutgoingMail
from mailbot.workdays import format_datetime_nl, format_size_nl

log = logging.getLogger("mailbot.pipeline")  # a step of the pipeline: its log lines are the pipeline's


def quarantine_notice(
    composer: Composer,
    rules: Rules,
    zone: ZoneInfo,
    raw: bytes,
    digest: str,
    reason: str,
    now: datetime,
    *,
    size: int,
    last_this_hour: bool,
    held_back: int,
) -> OutgoingMail | None:
    """The coordinator's notice of a message set aside; None (logged) when it cannot be made,
    for a message must reach quarantine even then."""
    coordinator = rules.coordinator
    try:
        return composer.build(
            kind=MailKind.QUARANTINE_NOTICE,
            template="quarantine_notice",
            context={
                "reason": reason_nl(reason),
                "folder": rules.mailbox.quarantine,
                "sender": header_hint(raw, "From"),
                "subject": header_hint(raw, "Subject"),
                "size": format_size_nl(size),
                "set_aside": format_datetime_nl(now.astimezone(zone)),
                "sha256": digest,
                "last_this_hour": last_this_hour,
                "held_back": held_back,
            },
            to=[Address(coordinator.email, coordinator.name)],
            ref=None,
            now=now,
            not_before=now,
            automatic=False,
        )
    except Exception:
        log_failure(log, f"no quarantine notice for message {digest[:12]}")
        return None
