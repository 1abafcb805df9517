"""The timers of an agreement with the customer: a reminder on its date, an alert the working day after
while it is not kept (`#afspraak nagekomen`)."""

from __future__ import annotations

from datetime import date, datetime, time

from mailbot.cases.lifecycle import staff_mail
from mailbot.cases.work import CaseWork
from mailbot.kinds import TimerKind
from mailbot.models import Case, Timer


def agreement_timer(work: CaseWork, case: Case, timer: Timer, now: datetime) -> bool:
    """On the date: remind the owner. The working day after: alert the owner and the coordinator,
    unless the agreement was kept. False when there is nothing (left) to say."""
    text, day = str(timer.detail.get("text", "")), str(timer.detail.get("date", ""))
    kept = [a for a in work.store.agreements(case.id) if a.text == text and a.due_date == day and a.kept_at]
    if kept:
        return False
    people = work.owner_people(case)
    if timer.kind == TimerKind.AGREEMENT_OVERDUE:
        people = [*people, work.rules.coordinator]
    work.to_staff(case, timer.kind, staff_mail(timer.kind), now, people, text=text, date=day)
    work.store.add_event(case.id, timer.kind, "timer", now, text=text, date=day)
    if timer.kind == TimerKind.AGREEMENT_DUE:
        watch_agreement(work, case.id, text, date.fromisoformat(day))  # an agreement made before the alert existed
    return True


def watch_agreement(work: CaseWork, case_id: int, text: str, due: date) -> None:
    """The reminder at opening time on the agreed date (or the first working day after it), and the
    alert at opening time the working day after that; each once (the timer's key)."""
    calendar = work.calendar
    remind = calendar.at_opening(datetime.combine(due, time(0, 0), tzinfo=calendar.zone))
    overdue = datetime.combine(calendar.next_working_day(remind.date()), time(0, 0), tzinfo=calendar.zone)
    for kind, at in ((TimerKind.AGREEMENT_DUE, remind), (TimerKind.AGREEMENT_OVERDUE, calendar.at_opening(overdue))):
        key = f"{case_id}:{kind}:{due}:{text[:40]}"
        work.store.schedule(key, case_id, kind, at, text=text, date=due.isoformat())
