"""Which deadlines of a case are still owed, and which are at risk: pure policy over cases."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from mailbot.cases.lifecycle import ACTIVE
from mailbot.cases.work import reminder_moment
from mailbot.config import PolicyRules
from mailbot.models import Case
from mailbot.workdays import WorkCalendar

DEADLINE_NAMES = {"ack": "ontvangstbevestiging", "solution": "oplossing"}


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
    if case.status not in ACTIVE:
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
