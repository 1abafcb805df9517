"""Due actions, evaluated by the daemon's loop against the clock: reminders, alerts, updates, digests.

Each timer fires in the same transaction as the mail it sends, and is marked done there:
a crash before the commit fires it again, a crash after it never repeats it.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mailbot.cases.agreements import agreement_timer
from mailbot.cases.contact import check_contact, interim_update
from mailbot.cases.lifecycle import ACTIVE, Status, staff_mail
from mailbot.cases.work import CaseWork, reminder_moment
from mailbot.clock import iso
from mailbot.config import PolicyRules, Span
from mailbot.logs import log_failure
from mailbot.models import Address, Case, Category, Timer
from mailbot.workdays import WorkCalendar, format_date_nl, format_datetime_nl

log = logging.getLogger("mailbot.timers")
DEADLINE_NAMES = {"ack": "ontvangstbevestiging", "solution": "oplossing"}
DIGEST_DAYS_AHEAD = 3
# Timers that each pass gathers into one mail to the coordinator instead of one mail per case:
# deadlines that had passed before mailbot saw the mail, and cases a backfill registered quietly.
GATHERED = {"deadline-late": "late_deadlines", "backfill-registered": "backfill_registered"}
# The daemon wakes for each timer within seconds: an alert this late means mailbot was not running
# when the deadline passed (a holiday, an outage), and it joins the same summary.
LATE_ALERT = timedelta(hours=1)


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
        fired = self.send_gathered(now)
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
                    timer.case_id, "timer-failed", "timer", now, timer=timer.kind, error=_reason(exc), key=timer.key
                )
            return False

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
            "contact-check": lambda case, timer, now: check_contact(self.work, case, timer, now),
            "satisfaction-check": self._satisfaction_check,
            "agreement-due": self._agreement,
            "agreement-overdue": self._agreement,
            "verdict-reminder": self._verdict_reminder,
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
        if Status(case.status) not in ACTIVE or timer.detail.get("level") != case.level.label:
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
        if Status(case.status) != Status.SOLVED or timer.detail.get("level", case.level.label) != case.level.label:
            return False
        work = self.work
        case, step = work.step(case, "satisfaction-check", "timer", now)
        assert step.customer_mail
        work.to_customer(case, "satisfaction-check", step.customer_mail, now, automatic=False)
        return True

    def _verdict_reminder(self, case: Case, timer: Timer, now: datetime) -> bool:
        """The coordinator has not chosen the category yet, and the customer was promised an answer."""
        if not case.awaiting_verdict or Status(case.status) not in ACTIVE:
            return False
        self.work.to_staff(case, "verdict-reminder", "verdict_reminder", now, [self.rules.coordinator])
        self.store.add_event(case.id, "verdict-reminder", "timer", now)
        return True

    def _agreement(self, case: Case, timer: Timer, now: datetime) -> bool:
        return agreement_timer(self.work, case, timer, now)

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
            # Cases whose customer waits for the coordinator's #soort (mailbot was unsure).
            "awaiting_verdict": [row(c, c.received_at) for c in open_cases if c.awaiting_verdict],
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

    # --- what a pass gathers for the coordinator ---------------------------------------------

    def send_gathered(self, now: datetime) -> int:
        """Each gathered kind's due timers as one mail to the coordinator; return how many timers it took.

        One pass (a sync, or `run --once`) on a backlog gives one summary, not a mail per case.
        A summary that cannot be made is logged and tried again in the next pass.
        """
        gathered = 0
        for kind, template in GATHERED.items():
            timers = self.store.due_timers_of(kind, now)
            if kind == "deadline-late":
                timers += [
                    t for k in ("ack-passed", "solution-passed") for t in self.store.due_timers_of(k, now - LATE_ALERT)
                ]
            if not timers:
                continue
            try:
                with self.store.transaction():
                    used = {t.id for t in timers}
                    if kind == "deadline-late":
                        rows, used = self._late_rows(timers, now)
                    else:
                        rows = self._registered_rows(timers)
                    if rows:
                        self._to_coordinator(kind, template, now, rows)
                    for timer in timers:
                        self.store.finish_timer(timer.id, "fired" if timer.id in used else "skipped", now)
            except Exception:
                log_failure(log, f"no {template} summary this pass ({len(timers)} case timers); trying again next pass")
                continue
            gathered += len(timers)
        return gathered

    def _late_rows(self, timers: list[Timer], now: datetime) -> tuple[list[dict[str, Any]], set[int]]:
        """The cases with deadlines that passed before mailbot saw the mail ("deadline-late") or while
        it was not running (an alert over LATE_ALERT late), each with those deadlines; and the timers
        that still applied."""
        zone = self.work.calendar.zone
        passed: dict[int, list[str]] = {}
        down: set[int] = set()
        used: set[int] = set()
        for timer in timers:
            assert timer.case_id is not None
            case = self.store.case(timer.case_id)
            unseen = timer.kind == "deadline-late"
            which = str(timer.detail.get("which")) if unseen else timer.kind.split("-")[0]
            due = case.ack_due if which == "ack" else case.solution_due
            if not unseen:
                due = unmet_deadline(case, which)  # an alert only for a deadline still unmet, as _deadline
            if Status(case.status) not in ACTIVE or due is None or iso(due) != timer.detail.get("deadline"):
                continue  # ended, met, or an escalation set new deadlines
            used.add(timer.id)
            if not unseen:
                down.add(case.id)
            passed.setdefault(case.id, []).append(f"{DEADLINE_NAMES[which]} ({format_date_nl(due.astimezone(zone))})")
            self.store.add_event(
                case.id, "deadline-passed", "timer", now, deadline=which, due=iso(due), unseen=unseen, late=not unseen
            )
        rows = [
            self._row(self.store.case(case_id), passed=", ".join(names), while_down=case_id in down)
            for case_id, names in passed.items()
        ]
        return rows, used

    def _registered_rows(self, timers: list[Timer]) -> list[dict[str, Any]]:
        """The cases a backfill registered without mail."""
        return [self._row(self.store.case(t.case_id)) for t in timers if t.case_id is not None]

    def _row(self, case: Case, **extra: Any) -> dict[str, Any]:
        team = self.rules.teams.get(case.owner_team or "")
        return {
            "ref": case.ref,
            "subject": case.subject,
            "customer": case.customer.email,
            "urgent": case.urgent,
            "team": team.name if team else self.rules.organisation,
            "received": format_datetime_nl(case.received_at.astimezone(self.work.calendar.zone)),
            **extra,
        }

    def _to_coordinator(self, kind: str, template: str, now: datetime, rows: list[dict[str, Any]]) -> None:
        backfill = self.rules.mailbox.backfill
        context = {
            "cases": sorted(rows, key=lambda r: str(r["ref"])),
            "older_than_days": backfill.older_than_days,
            "bot_address": self.rules.bot_address,
            "coordinator_name": self.rules.coordinator.name,
        }
        to = Address(self.rules.coordinator.email, self.rules.coordinator.name)
        out = self.work.composer.build(
            kind=kind, template=template, context=context, to=[to], ref=None, now=now, not_before=now, automatic=False
        )
        self.store.enqueue(out, None, now)
        self.store.add_event(None, kind, "timer", now, cases=len(rows))
        log.info("%s queued for the coordinator: %d case(s)", kind, len(rows))


def _reason(exc: Exception) -> str:
    """A failure's reason for the coordinator: the exception's own words, cut short."""
    return f"{type(exc).__name__}: {exc}"[:300]
