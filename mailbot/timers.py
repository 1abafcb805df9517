"""Due actions, evaluated by the daemon's loop against the clock: reminders, alerts, updates, digests.

Each timer fires in the same transaction as the mail it sends, and is marked done there:
a crash before the commit fires it again, a crash after it never repeats it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mailbot.casework import CaseWork, reminder_moment
from mailbot.clock import iso
from mailbot.config import PolicyRules
from mailbot.lifecycle import ACTIVE, Status
from mailbot.models import Address, Case, Category, Timer
from mailbot.workdays import WorkCalendar, format_date_nl

log = logging.getLogger("mailbot.timers")
DEADLINE_NAMES = {"ack": "ontvangstbevestiging", "solution": "oplossing"}
DIGEST_DAYS_AHEAD = 3


@dataclass(frozen=True)
class DeadlineRisk:
    """A deadline of an active case inside its reminder window, or passed."""

    ref: str
    deadline: str  # "ack" or "solution"
    due: datetime
    passed: bool
    team: str | None


def unmet_deadline(case: Case, which: str) -> datetime | None:
    """The case's ``which`` deadline ("ack" or "solution") while it still has to be met, else None."""
    if Status(case.status) not in ACTIVE:
        return None  # a solution proposed and accepted, or the case ended: nothing is owed any more
    if which == "ack":
        return case.ack_due if case.ack_sent_at is None else None
    return case.solution_due


def deadlines_at_risk(
    cases: Iterable[Case], now: datetime, calendar: WorkCalendar, policy: PolicyRules
) -> list[DeadlineRisk]:
    """Unmet deadlines whose reminder time has come (the owner was, or is about to be, reminded), soonest first."""
    risks = []
    for case in cases:
        for which in DEADLINE_NAMES:
            due = unmet_deadline(case, which)
            if due is not None and now >= reminder_moment(calendar, policy, due):
                risks.append(DeadlineRisk(case.ref, which, due, now >= due, case.owner_team))
    return sorted(risks, key=lambda r: (r.due, r.ref))


class TimerDesk:
    """Fires due timers and keeps the coordinator's digest scheduled."""

    def __init__(self, work: CaseWork) -> None:
        self.work = work
        self.store = work.store
        self.rules = work.rules

    def run_due(self, now: datetime) -> int:
        """Fire every timer due at ``now``, each in its own transaction; return how many fired."""
        fired = 0
        while True:
            due = self.store.due_timers(now, limit=50)
            if not due:
                return fired
            for timer in due:
                with self.store.transaction():
                    done = self.fire(timer, now)
                    self.store.finish_timer(timer.id, "fired" if done else "skipped", now)
                fired += done

    def fire(self, timer: Timer, now: datetime) -> bool:
        """Carry out one timer; False when the case has moved on and it no longer applies."""
        if timer.kind == "digest":
            self.send_digest(timer, now)
            return True
        assert timer.case_id is not None
        case = self.store.case(timer.case_id)
        handler = {
            "ack-reminder": self._deadline,
            "ack-passed": self._deadline,
            "solution-reminder": self._deadline,
            "solution-passed": self._deadline,
            "interim-update": self._interim_update,
            "satisfaction-check": self._satisfaction_check,
            "agreement-due": self._agreement_due,
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
            self.store.schedule(f"digest:{moment.date().isoformat()}", None, "digest", moment)

    # --- the kinds ----------------------------------------------------------------------------

    def _deadline(self, case: Case, timer: Timer, now: datetime) -> bool:
        which, what = timer.kind.split("-")
        current = unmet_deadline(case, which)
        if current is None or iso(current) != timer.detail.get("deadline"):
            return False  # met, or moved (an escalation set new ones)
        work = self.work
        extra = {
            "deadline_name": DEADLINE_NAMES[which],
            "deadline": format_date_nl(current.astimezone(work.calendar.zone)),
        }
        if what == "reminder":
            work.to_staff(case, "deadline-reminder", "deadline_reminder", now, work.owner_people(case), **extra)
        else:
            people = [self.rules.coordinator, *work.owner_people(case)]
            work.to_staff(case, "deadline-passed", "deadline_passed", now, people, **extra)
        self.store.add_event(case.id, f"deadline-{what}", "timer", now, deadline=which, due=iso(current))
        return True

    def _interim_update(self, case: Case, timer: Timer, now: datetime) -> bool:
        if Status(case.status) not in ACTIVE or timer.detail.get("level") != case.level.label:
            return False
        work = self.work
        work.step(case, "interim-update", "timer", now)
        work.to_customer(case, "interim-update", "interim_update", now, automatic=False)
        following = work.morning_after(now, self.rules.policy.interim_update_every)
        if case.solution_due is None or following < case.solution_due:
            self.store.schedule(
                f"{case.id}:interim-update:{iso(following)}",
                case.id,
                "interim-update",
                following,
                level=case.level.label,
            )
        return True

    def _satisfaction_check(self, case: Case, timer: Timer, now: datetime) -> bool:
        if Status(case.status) != Status.SOLVED:
            return False
        work = self.work
        case, step = work.step(case, "satisfaction-check", "timer", now)
        assert step.customer_mail
        work.to_customer(case, "satisfaction-check", step.customer_mail, now, automatic=False)
        return True

    def _agreement_due(self, case: Case, timer: Timer, now: datetime) -> bool:
        work = self.work
        work.to_staff(
            case,
            "agreement-due",
            "agreement_due",
            now,
            work.owner_people(case),
            text=timer.detail.get("text", ""),
            date=timer.detail.get("date", ""),
        )
        self.store.add_event(
            case.id, "agreement-due", "timer", now, text=timer.detail.get("text"), date=timer.detail.get("date")
        )
        return True

    # --- the coordinator's digest -----------------------------------------------------------

    def send_digest(self, timer: Timer, now: datetime) -> None:
        """Open cases, deadlines in the next days, breaches and new compliments, to the coordinator."""
        work, zone = self.work, self.work.calendar.zone
        horizon = work.calendar.add_working_days(now, DIGEST_DAYS_AHEAD)
        since = now - timedelta(days=1)
        cases = self.store.cases()
        open_cases = [c for c in cases if c.category != Category.COMPLIMENT and Status(c.status) in ACTIVE]

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
            "due_soon": [
                row(c, c.solution_due) for c in open_cases if c.solution_due and now <= c.solution_due <= horizon
            ],
            "breaches": [row(c, c.solution_due) for c in open_cases if c.solution_due and c.solution_due < now]
            + [row(c, c.ack_due) for c in open_cases if c.ack_sent_at is None and c.ack_due and c.ack_due < now],
            "compliments": [
                row(c, c.received_at) for c in cases if c.category == Category.COMPLIMENT and c.received_at >= since
            ],
        }
        to = Address(self.rules.coordinator.email, self.rules.coordinator.name)
        out = work.composer.build(
            kind="digest",
            template="digest",
            context=context,
            to=[to],
            ref=None,
            now=now,
            not_before=now,
            automatic=False,
        )
        self.store.enqueue(out, None, now)
        self.store.add_event(None, "digest", "timer", now, open=len(open_cases), breaches=len(context["breaches"]))
        log.info("digest queued: %d open cases, %d breaches", len(open_cases), len(context["breaches"]))
