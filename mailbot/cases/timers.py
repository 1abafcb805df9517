"""Due actions, evaluated by the daemon's loop against the clock: reminders, alerts, updates, digests.

Each timer fires in the same transaction as the mail it sends, and is marked done there:
a crash before the commit fires it again, a crash after it never repeats it.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from mailbot.cases.agreements import agreement_timer
from mailbot.cases.contact import check_contact, interim_update
from mailbot.cases.deadlines import DEADLINE_NAMES, unmet_deadline
from mailbot.cases.deadlines import DeadlineRisk as DeadlineRisk
from mailbot.cases.deadlines import deadlines_at_risk as deadlines_at_risk
from mailbot.cases.digest import send_digest
from mailbot.cases.gathered import GATHERED, send_gathered
from mailbot.cases.lifecycle import ACTIVE, Status, staff_mail
from mailbot.cases.work import CaseWork
from mailbot.clock import iso
from mailbot.config import Span
from mailbot.kinds import EventKind, TimerKind
from mailbot.logs import describe_error, log_failure
from mailbot.models import Case, Timer
from mailbot.workdays import format_date_nl

log = logging.getLogger("mailbot.timers")


def interim_update_moment(
    morning_after: Callable[[datetime, Span], datetime], last_mail: datetime | None, span: Span, now: datetime
) -> datetime | None:
    """Where an interim update due at ``now`` moves to, or None when it goes now.

    It counts from the last mail the customer got about the case (the acknowledgement included, or
    one still waiting to go): an update due within ``span`` of that mail moves to the morning
    ``span`` after it, so that no customer gets two mails about one complaint close together.
    """
    if last_mail is None:
        return None
    moved = morning_after(last_mail, span)
    return moved if moved > now else None


class TimerDesk:
    """Fires due timers and keeps the coordinator's digest scheduled."""

    def __init__(self, work: CaseWork) -> None:
        self.work = work
        self.store = work.store
        self.rules = work.rules

    def run_due(self, now: datetime) -> int:
        """Fire every timer due at ``now``, each in its own transaction; return how many fired."""
        fired = send_gathered(self.work, now)
        while True:
            due = self.store.due_timers(now, limit=50, skip_kinds=tuple(GATHERED))
            if not due:
                return fired
            for timer in due:
                fired += self._fire_alone(timer, now)

    def _fire_alone(self, timer: Timer, now: datetime) -> bool:
        """Fire one timer in its own transaction; one that fails (a template that does not render, a
        bug) is marked failed with its reason and told to the coordinator, and the others go on."""
        try:
            with self.store.transaction():
                done = self.fire(timer, now)
                self.store.finish_timer(timer.id, "fired" if done else "skipped", now)
            return done
        except sqlite3.Error:
            raise  # the database itself: the daemon's loop waits and tries again
        except Exception as exc:
            log_failure(log, f"timer {timer.kind} failed; set aside")
            with self.store.transaction():
                self.store.finish_timer(timer.id, "failed", now)
                self.store.add_event(
                    timer.case_id,
                    EventKind.TIMER_FAILED,
                    "timer",
                    now,
                    timer=timer.kind,
                    error=_reason(exc),
                    key=timer.key,
                )
            return False

    def fire(self, timer: Timer, now: datetime) -> bool:
        """Carry out one timer; False when the case has moved on and it no longer applies."""
        if timer.kind == TimerKind.DIGEST:
            send_digest(self.work, now)
            return True
        assert timer.case_id is not None
        case = self.store.case(timer.case_id)
        handler = {
            TimerKind.ACK_REMINDER: self._deadline,
            TimerKind.ACK_PASSED: self._deadline,
            TimerKind.SOLUTION_REMINDER: self._deadline,
            TimerKind.SOLUTION_PASSED: self._deadline,
            TimerKind.INTERIM_UPDATE: self._interim_update,
            TimerKind.CONTACT_CHECK: lambda case, timer, now: check_contact(self.work, case, timer, now),
            TimerKind.SATISFACTION_CHECK: self._satisfaction_check,
            TimerKind.AGREEMENT_DUE: self._agreement,
            TimerKind.AGREEMENT_OVERDUE: self._agreement,
            TimerKind.VERDICT_REMINDER: self._verdict_reminder,
        }[timer.kind]
        return handler(case, timer, now)

    def ensure_digest(self, now: datetime) -> None:
        """Keep the next daily digest scheduled (working days, at the configured time)."""
        at = self.rules.policy.digest_time
        if at is None:
            return
        zone = self.work.calendar.zone
        day = now.astimezone(zone).date()
        moment = datetime.combine(day, at, tzinfo=zone)
        while moment <= now or not self.work.calendar.is_working_day(moment.date()):
            day += timedelta(days=1)
            moment = datetime.combine(day, at, tzinfo=zone)
        with self.store.transaction():
            self.store.schedule(f"digest:{moment.date().isoformat()}", None, TimerKind.DIGEST, moment)

    # --- the kinds ----------------------------------------------------------------------------

    def _deadline(self, case: Case, timer: Timer, now: datetime) -> bool:
        which, what = timer.kind.split("-")
        current = unmet_deadline(case, which)
        if current is None or iso(current) != timer.detail.get("deadline"):
            return False  # met, or moved (an escalation set new ones)
        if what == "reminder" and now >= current:
            return False  # too late to remind (the daemon was down): the alert that it passed says it
        work = self.work
        extra: dict[str, Any] = {
            "deadline_name": DEADLINE_NAMES[which],
            "deadline": format_date_nl(current.astimezone(work.calendar.zone)),
        }
        if what == "reminder":
            people = work.owner_people(case)
            work.to_staff(case, "deadline-reminder", staff_mail("deadline-reminder"), now, people, **extra)
        else:
            people = [self.rules.coordinator, *work.owner_people(case)]
            work.to_staff(case, "deadline-passed", staff_mail("deadline-passed"), now, people, **extra)
        self.store.add_event(case.id, f"deadline-{what}", "timer", now, deadline=which, due=iso(current))
        return True

    def _interim_update(self, case: Case, timer: Timer, now: datetime) -> bool:
        if case.status not in ACTIVE or timer.detail.get("level") != case.level.label:
            return False
        work, policy = self.work, self.rules.policy
        moved = interim_update_moment(
            work.morning_after,
            self.store.last_mail_to(case.id, case.customer.email),
            policy.interim_update_after if timer.detail.get("first") else policy.interim_update_every,
            now,
        )
        if moved is not None:
            work.schedule_interim_update(case, moved)
            self.store.add_event(case.id, "interim-update-moved", "timer", now, to=iso(moved))
            return False
        return interim_update(work, case, timer, now)

    def _satisfaction_check(self, case: Case, timer: Timer, now: datetime) -> bool:
        # Only for the solution it was set for: not after an escalation, whose decision has its own mail.
        if case.status != Status.SOLVED or timer.detail.get("level", case.level.label) != case.level.label:
            return False
        work = self.work
        case, step = work.step(case, "satisfaction-check", "timer", now)
        assert step.customer_mail
        work.to_customer(case, "satisfaction-check", step.customer_mail, now, automatic=False)
        return True

    def _verdict_reminder(self, case: Case, timer: Timer, now: datetime) -> bool:
        """The coordinator has not chosen the category yet, and the customer was promised an answer."""
        if not case.awaiting_verdict or case.status not in ACTIVE:
            return False
        self.work.to_staff(case, "verdict-reminder", "verdict_reminder", now, [self.rules.coordinator])
        self.store.add_event(case.id, "verdict-reminder", "timer", now)
        return True

    def _agreement(self, case: Case, timer: Timer, now: datetime) -> bool:
        return agreement_timer(self.work, case, timer, now)


def _reason(exc: Exception) -> str:
    """A failure's reason for the coordinator: the exception's own words, cut short."""
    return describe_error(exc)[:300]
