"""What a pass gathers for the coordinator: one summary of late deadlines, one of cases registered quietly.

Deadlines that had passed before mailbot saw the mail, alerts that come late because mailbot was not
running, and cases a backfill registered without mail: one mail per pass, not one per case.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from mailbot.cases.deadlines import DEADLINE_NAMES, unmet_deadline
from mailbot.cases.lifecycle import ACTIVE
from mailbot.cases.work import CaseWork
from mailbot.clock import iso
from mailbot.kinds import TimerKind
from mailbot.logs import log_failure
from mailbot.models import Address, Case, Timer
from mailbot.workdays import format_date_nl, format_datetime_nl

log = logging.getLogger("mailbot.timers")
# Timers that each pass gathers into one mail to the coordinator instead of one mail per case:
# deadlines that had passed before mailbot saw the mail, and cases a backfill registered quietly.
GATHERED = {TimerKind.DEADLINE_LATE: "late_deadlines", TimerKind.BACKFILL_REGISTERED: "backfill_registered"}
# The daemon wakes for each timer within seconds: an alert this late means mailbot was not running
# when the deadline passed (a holiday, an outage), and it joins the same summary.
LATE_ALERT = timedelta(hours=1)


def send_gathered(work: CaseWork, now: datetime) -> int:
    """Each gathered kind's due timers as one mail to the coordinator; return how many timers it took.

    One pass (a sync, or `run --once`) on a backlog gives one summary, not a mail per case.
    A summary that cannot be made is logged and tried again in the next pass.
    """
    gathered = 0
    for kind, template in GATHERED.items():
        timers = work.store.due_timers_of(kind, now)
        if kind == TimerKind.DEADLINE_LATE:
            timers += [
                t
                for k in (TimerKind.ACK_PASSED, TimerKind.SOLUTION_PASSED)
                for t in work.store.due_timers_of(k, now - LATE_ALERT)
            ]
        if not timers:
            continue
        try:
            with work.store.transaction():
                used = {t.id for t in timers}
                if kind == TimerKind.DEADLINE_LATE:
                    rows, used = late_rows(work, timers, now)
                else:
                    rows = registered_rows(work, timers)
                if rows:
                    to_coordinator(work, kind, template, now, rows)
                for timer in timers:
                    work.store.finish_timer(timer.id, "fired" if timer.id in used else "skipped", now)
        except Exception:
            log_failure(log, f"no {template} summary this pass ({len(timers)} case timers); trying again next pass")
            continue
        gathered += len(timers)
    return gathered


def late_rows(work: CaseWork, timers: list[Timer], now: datetime) -> tuple[list[dict[str, Any]], set[int]]:
    """The cases with deadlines that passed before mailbot saw the mail ("deadline-late") or while
    it was not running (an alert over LATE_ALERT late), each with those deadlines; and the timers
    that still applied."""
    zone = work.calendar.zone
    passed: dict[int, list[str]] = {}
    down: set[int] = set()
    used: set[int] = set()
    for timer in timers:
        assert timer.case_id is not None
        case = work.store.case(timer.case_id)
        unseen = timer.kind == TimerKind.DEADLINE_LATE
        which = str(timer.detail.get("which")) if unseen else timer.kind.split("-")[0]
        due = case.ack_due if which == "ack" else case.solution_due
        if not unseen:
            due = unmet_deadline(case, which)  # an alert only for a deadline still unmet, as _deadline
        if case.status not in ACTIVE or due is None or iso(due) != timer.detail.get("deadline"):
            continue  # ended, met, or an escalation set new deadlines
        used.add(timer.id)
        if not unseen:
            down.add(case.id)
        passed.setdefault(case.id, []).append(f"{DEADLINE_NAMES[which]} ({format_date_nl(due.astimezone(zone))})")
        work.store.add_event(
            case.id, "deadline-passed", "timer", now, deadline=which, due=iso(due), unseen=unseen, late=not unseen
        )
    rows = [
        summary_row(work, work.store.case(case_id), passed=", ".join(names), while_down=case_id in down)
        for case_id, names in passed.items()
    ]
    return rows, used


def registered_rows(work: CaseWork, timers: list[Timer]) -> list[dict[str, Any]]:
    """The cases a backfill registered without mail."""
    return [summary_row(work, work.store.case(t.case_id)) for t in timers if t.case_id is not None]


def summary_row(work: CaseWork, case: Case, **extra: Any) -> dict[str, Any]:
    """One case as a line of a summary: reference, subject, customer, team, when it came in."""
    team = work.rules.teams.get(case.owner_team or "")
    return {
        "ref": case.ref,
        "subject": case.subject,
        "customer": case.customer.email,
        "urgent": case.urgent,
        "team": team.name if team else work.rules.organisation,
        "received": format_datetime_nl(case.received_at.astimezone(work.calendar.zone)),
        **extra,
    }


def to_coordinator(work: CaseWork, kind: str, template: str, now: datetime, rows: list[dict[str, Any]]) -> None:
    """Queue one summary of ``rows`` to the coordinator, sorted by reference."""
    backfill = work.rules.mailbox.backfill
    context = {
        "cases": sorted(rows, key=lambda r: str(r["ref"])),
        "older_than_days": backfill.older_than_days,
        "bot_address": work.rules.bot_address,
        "coordinator_name": work.rules.coordinator.name,
    }
    to = Address(work.rules.coordinator.email, work.rules.coordinator.name)
    out = work.composer.build(
        kind=kind, template=template, context=context, to=[to], ref=None, now=now, not_before=now, automatic=False
    )
    work.store.enqueue(out, None, now)
    work.store.add_event(None, kind, "timer", now, cases=len(rows))
    log.info("%s queued for the coordinator: %d case(s)", kind, len(rows))
