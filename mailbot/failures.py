"""One item's failure is that item's alone: the coordinator hears of parked mail, refused recipients,
timers and archives that failed, in one notice per pass and at most a few an hour."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from mailbot.compose import Composer
from mailbot.config import Rules
from mailbot.logs import log_failure
from mailbot.models import Address
from mailbot.store import Store
from mailbot.workdays import WorkCalendar, format_datetime_nl

log = logging.getLogger("mailbot.failures")
# The event kinds a failing item leaves (outbox.py, timers.py, pipeline.py).
FAILURE_KINDS = ("send-failed", "recipient-refused", "timer-failed", "archive-failed")
NOTICE_KIND = "failure-notice"
# One notice lists at most this many; the rest follow in the next one.
NOTICE_LINES = 50
# What each failure means for the coordinator, in the notice's words.
WHAT = {
    "send-failed": "Bericht niet verstuurd",
    "recipient-refused": "Ontvanger geweigerd",
    "timer-failed": "Geplande actie mislukt",
    "archive-failed": "Archief niet bijgewerkt",
}


@dataclass(frozen=True)
class Failure:
    """One failed item, as the notice lists it."""

    what: str
    case_ref: str | None
    at: str
    subject: str
    reason: str


def describe(event: dict[str, object], calendar: WorkCalendar) -> Failure:
    """The notice's line for one failure event."""
    detail = event["detail"]
    assert isinstance(detail, dict)
    at = event["at"]
    assert isinstance(at, datetime)
    kind = str(event["kind"])
    if kind == "recipient-refused":
        subject = f"{detail.get('kind', 'bericht')} aan {detail.get('recipient', '?')}"
    elif kind == "timer-failed":
        subject = str(detail.get("timer", "?"))
    elif kind == "archive-failed":
        subject = "dossier in het archief"
    else:
        subject = f"{detail.get('kind', 'bericht')} ({detail.get('message_id', '?')})"
    reason = str(detail.get("error") or detail.get("reason") or "onbekend")
    ref = event.get("ref")
    return Failure(
        WHAT.get(kind, kind),
        str(ref) if ref else None,
        format_datetime_nl(at.astimezone(calendar.zone)),
        subject,
        reason[:300],
    )


class FailureNotices:
    """Tells the coordinator what failed since the last notice, within the hourly cap of notices."""

    def __init__(self, rules: Rules, store: Store, composer: Composer, calendar: WorkCalendar) -> None:
        self.rules, self.store, self.composer, self.calendar = rules, store, composer, calendar

    def notify(self, now: datetime) -> int:
        """Queue one notice of the failures not told yet; return how many it lists (0: none queued)."""
        events = self.store.failures_to_notice(FAILURE_KINDS, NOTICE_KIND, NOTICE_LINES + 1)
        if not events:
            return 0
        cap = self.rules.cases.quarantine_notices_per_hour
        if self.store.events_since(NOTICE_KIND, now - timedelta(hours=1)) >= cap:
            return 0  # the next notice after the hour lists these too
        shown = events[:NOTICE_LINES]
        failures = [describe(e, self.calendar) for e in shown]
        coordinator = self.rules.coordinator
        try:
            notice = self.composer.build(
                kind=NOTICE_KIND,
                template="failure_notice",
                context={"failures": failures, "more": len(events) > NOTICE_LINES},
                to=[Address(coordinator.email, coordinator.name)],
                ref=None,
                now=now,
                not_before=now,
                automatic=False,
            )
        except Exception:  # the failures stay listed in `mailbot status`; the notice is not retried
            log_failure(log, "no failure notice could be made")
            notice = None
        up_to = int(str(shown[-1]["id"]))
        with self.store.transaction():
            if notice is not None:
                self.store.enqueue(notice, None, now)
            self.store.add_event(
                None, NOTICE_KIND, "system", now, up_to=up_to, count=len(shown), sent=notice is not None
            )
        log.warning("%d failed item(s) since the last notice; the coordinator is told", len(shown))
        return len(shown)
