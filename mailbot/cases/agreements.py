"""The timers of an agreement with the customer: a reminder on its date, an alert the working day after
while it is not kept (`#afspraak nagekomen`)."""

from __future__ import annotations

from datetime import datetime

from mailbot.cases.lifecycle import staff_mail
from mailbot.cases.work import CaseWork
from mailbot.models import Case, Timer


def agreement_timer(work: CaseWork, case: Case, timer: Timer, now: datetime) -> bool:
    """On the date: remind the owner. The working day after: alert the owner and the coordinator,
    unless the agreement was kept. False when there is nothing (left) to say."""
    text, day = str(timer.detail.get("text", "")), str(timer.detail.get("date", ""))
    kept = [a for a in work.store.agreements(case.id) if a.text == text and a.due_date == day and a.kept_at]
    if kept:
        return False
    people = work.owner_people(case)
    if timer.kind == "agreement-overdue":
        people = [*people, work.rules.coordinator]
    work.to_staff(case, timer.kind, staff_mail(timer.kind), now, people, text=text, date=day)
    work.store.add_event(case.id, timer.kind, "timer", now, text=text, date=day)
    return True
