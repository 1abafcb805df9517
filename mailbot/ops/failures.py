"""One item's failure is that item's alone: the coordinator hears of parked mail, refused recipients,
timers and archives that failed, in one notice per pass and at most a few an hour."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from mailbot.config import Rules
from mailbot.kinds import EventKind, MailKind, TimerKind
from mailbot.logs import log_failure
from mailbot.mail.compose import Composer
from mailbot.models import Address, FailureRecord
from mailbot.store import Store
from mailbot.workdays import WorkCalendar, format_datetime_nl

log = logging.getLogger("mailbot.failures")
# The event kinds a failing item leaves (outbox.py, timers.py, pipeline.py).
FAILURE_KINDS = (EventKind.SEND_FAILED, EventKind.RECIPIENT_REFUSED, EventKind.TIMER_FAILED, EventKind.ARCHIVE_FAILED)
NOTICE_KIND = MailKind.FAILURE_NOTICE
# One notice lists at most this many; the rest follow in the next one.
NOTICE_LINES = 50
# What each failure means for the coordinator, in the notice's words.
WHAT: dict[str, str] = {  # keyed by EventKind; looked up with the stored string
    EventKind.SEND_FAILED: "Bericht niet verstuurd",
    EventKind.RECIPIENT_REFUSED: "Ontvanger geweigerd",
    EventKind.TIMER_FAILED: "Geplande actie mislukt",
    EventKind.ARCHIVE_FAILED: "Archief niet bijgewerkt",
}


# Timers by what they do, in the notice's words.
TIMER_NAMES: dict[str, str] = {  # keyed by TimerKind; looked up with the stored string
    TimerKind.INTERIM_UPDATE: "tussentijds bericht aan de klant",
    TimerKind.CONTACT_CHECK: "controle op persoonlijk contact met de klant",
    TimerKind.SATISFACTION_CHECK: "vraag aan de klant of de klacht naar tevredenheid is opgelost",
    TimerKind.ACK_REMINDER: "herinnering aan de termijn voor de ontvangstbevestiging",
    TimerKind.SOLUTION_REMINDER: "herinnering aan de termijn voor de oplossing",
    TimerKind.ACK_PASSED: "melding: termijn voor de ontvangstbevestiging verlopen",
    TimerKind.SOLUTION_PASSED: "melding: termijn voor de oplossing verlopen",
    TimerKind.AGREEMENT_DUE: "herinnering aan een afspraak met de klant",
    TimerKind.AGREEMENT_OVERDUE: "melding: afspraak met de klant niet nagekomen",
    TimerKind.DIGEST: "dagelijks overzicht",
}


@dataclass(frozen=True)
class Failure:
    """One failed item, as the notice lists it."""

    what: str
    case_ref: str | None
    at: str
    subject: str
    reason: str  # in Dutch, for the coordinator
    detail: str  # the technical reason, as the server or the code gave it


def describe(event: FailureRecord, calendar: WorkCalendar) -> Failure:
    """The notice's line for one failure event (store.failures_to_notice)."""
    detail, kind = event.detail, event.kind
    error = str(detail.get("error") or detail.get("reason") or "")
    if kind == EventKind.RECIPIENT_REFUSED:
        subject = f'e-mail "{event.subject or "?"}" aan {detail.get("recipient", "?")}'
    elif kind == EventKind.TIMER_FAILED:
        subject = TIMER_NAMES.get(str(detail.get("timer")), str(detail.get("timer", "?")))
    elif kind == EventKind.ARCHIVE_FAILED:
        subject = "dossier in het archief"
    else:
        to = ", ".join(event.recipients) or "?"
        subject = f'e-mail "{event.subject or "?"}" aan {to}'
    return Failure(
        WHAT.get(kind, kind),
        event.ref or None,
        format_datetime_nl(event.at.astimezone(calendar.zone)),
        subject,
        reason_nl(kind, error),
        error[:300],
    )


def reason_nl(kind: str, error: str) -> str:
    """What a failure means, in plain Dutch; the technical text goes beside it."""
    if kind == EventKind.TIMER_FAILED:
        return "De actie gaf een fout. Vaak is kort daarvoor een sjabloon aangepast."
    if kind == EventKind.ARCHIVE_FAILED:
        return "Het archief kon niet worden geschreven. Controleer de schijfruimte en de rechten van de map."
    if "SMTPUTF8" in error:
        return (
            "Het adres heeft vóór de @ letters buiten het gewone alfabet. Onze mailserver kan zulke adressen "
            "niet versturen."
        )
    if "not a mail address" in error or "cannot carry" in error or "not a valid internationalised" in error:
        return "Dit is geen geldig e-mailadres."
    if error.startswith("unexpected error"):
        return "Er ging iets onverwachts mis in mailbot bij het versturen van dit bericht."
    if re.search(r"(^|\D)5\d\d(\D|$)", error):
        return "De mailserver weigert dit adres. Misschien bestaat het adres niet meer of is het verkeerd geschreven."
    return "De mailserver gaf het na herhaalde pogingen op."


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
        up_to = shown[-1].id
        with self.store.transaction():
            if notice is not None:
                self.store.enqueue(notice, None, now)
            self.store.add_event(
                None, NOTICE_KIND, "system", now, up_to=up_to, count=len(shown), sent=notice is not None
            )
        log.warning("%d failed item(s) since the last notice; the coordinator is told", len(shown))
        return len(shown)
