"""The coordinator's daily digest: open cases, deadlines in the next days, breaches, new compliments."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from mailbot.cases.lifecycle import ACTIVE
from mailbot.cases.work import CaseWork
from mailbot.kinds import MailKind
from mailbot.models import Address, Case, Category
from mailbot.workdays import format_date_nl

log = logging.getLogger("mailbot.timers")
DIGEST_DAYS_AHEAD = 3


def send_digest(work: CaseWork, now: datetime) -> None:
    """Open cases, deadlines in the next days, breaches and new compliments, to the coordinator."""
    zone, rules = work.calendar.zone, work.rules
    horizon = work.calendar.add_working_days(now, DIGEST_DAYS_AHEAD)
    since = now - timedelta(days=1)
    cases = work.store.cases()
    open_cases = [c for c in cases if c.category != Category.COMPLIMENT and c.status in ACTIVE]

    def row(c: Case, when: datetime | None = None) -> dict[str, Any]:
        return {
            "ref": c.ref,
            "subject": c.subject,
            "customer": c.customer.email,
            "urgent": c.urgent,
            "status": c.status,
            "team": c.owner_team,
            "when": format_date_nl(when.astimezone(zone)) if when else "",
        }

    context = {
        "day": format_date_nl(now.astimezone(zone)),
        "open_cases": [row(c, c.solution_due) for c in open_cases],
        "due_soon": [row(c, c.solution_due) for c in open_cases if c.solution_due and now <= c.solution_due <= horizon],
        "breaches": [row(c, c.solution_due) for c in open_cases if c.solution_due and c.solution_due < now]
        + [row(c, c.ack_due) for c in open_cases if c.ack_sent_at is None and c.ack_due and c.ack_due < now],
        "compliments": [
            row(c, c.received_at) for c in cases if c.category == Category.COMPLIMENT and c.received_at >= since
        ],
        # Cases whose customer waits for the coordinator's #soort (mailbot was unsure).
        "awaiting_verdict": [row(c, c.received_at) for c in open_cases if c.awaiting_verdict],
    }
    to = Address(rules.coordinator.email, rules.coordinator.name)
    out = work.composer.build(
        kind=MailKind.DIGEST,
        template="digest",
        context=context,
        to=[to],
        ref=None,
        now=now,
        not_before=now,
        automatic=False,
    )
    work.store.enqueue(out, None, now)
    work.store.add_event(None, "digest", "timer", now, open=len(open_cases), breaches=len(context["breaches"]))
    log.info("digest queued: %d open cases, %d breaches", len(open_cases), len(context["breaches"]))
