"""The timers of personal contact and progress: the contact check, and the interim update that says
what happened (or first asks the owner, when nothing did). The policy itself is in progress.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from mailbot.cases.lifecycle import ACTIVE, staff_mail
from mailbot.cases.progress import after_last, ask_owner_first, contact_made, happened_since, span_nl
from mailbot.cases.work import CaseWork
from mailbot.clock import from_iso, iso
from mailbot.config import Span
from mailbot.kinds import EventKind, MailKind, TimerKind
from mailbot.models import Case, Timer
from mailbot.workdays import format_date_nl, format_datetime_nl

NEXT_MORNING = Span(1, "working_days")


def check_contact(work: CaseWork, case: Case, timer: Timer, now: datetime) -> bool:
    """No personal contact recorded since the level began: the owner and the coordinator hear of it.

    False (nothing sent) when the case ended, moved up a level (which has its own check), or
    contact was made: a staff reply, #contact, a conversation planned, a complaint taken by phone.
    """
    if case.status not in ACTIVE or timer.detail.get("level") != case.level.label:
        return False
    log = work.store.events(case.id)
    # The level began at its escalation (#escaleren counts its deadlines from the first receipt).
    escalated = [e.at for e in log if e.kind == EventKind.ESCALATE]
    since = max([from_iso(str(timer.detail["since"])), *escalated])
    if contact_made(after_last(log, EventKind.ESCALATE), since):
        return False
    within = work.rules.policy.contact_within
    people = [work.rules.coordinator, *work.owner_people(case)]
    work.to_staff(
        case,
        "contact-missing",
        staff_mail("contact-missing"),
        now,
        people,
        waiting_since=format_date_nl(since.astimezone(work.calendar.zone)),
        contact_within=span_nl(within.amount, within.unit),
        bot_address=work.rules.bot_address,
    )
    work.store.add_event(case.id, "contact-missing", "timer", now, since=iso(since))
    return True


def interim_update(work: CaseWork, case: Case, timer: Timer, now: datetime) -> bool:
    """The interim update that is due now: what happened since the customer's last mail (or the last
    update) and what happens next; with nothing to tell, the owner is asked first and the standard
    update follows the next working morning unless the owner answers with #tussenbericht."""
    happened = news(work, case)
    standard_at = work.morning_after(now, NEXT_MORNING)
    if not ask_owner_first(happened, bool(timer.detail.get("asked")), standard_at, case.solution_due):
        send_interim_update(work, case, "timer", now, happened=happened)
        return True
    work.to_staff(
        case,
        "interim-update-asked",
        staff_mail("interim-update-asked"),
        now,
        work.owner_people(case),
        standard_at=format_datetime_nl(standard_at.astimezone(work.calendar.zone)),
    )
    work.store.add_event(case.id, "interim-update-asked", "timer", now, standard_at=iso(standard_at))
    work.store.schedule(
        f"{case.id}:interim-update:{iso(standard_at)}",
        case.id,
        TimerKind.INTERIM_UPDATE,
        standard_at,
        level=case.level.label,
        asked=True,
    )
    return True


def news(work: CaseWork, case: Case) -> list[str]:
    """What happened on the case since the customer's last mail or the last interim update, in Dutch."""
    events = after_last(work.store.events(case.id), "interim-update")
    return happened_since(events, work.last_customer_mail(case)[0], work.calendar.zone)


def send_interim_update(
    work: CaseWork, case: Case, actor: str, now: datetime, *, happened: Sequence[str] = (), owner_text: str = ""
) -> None:
    """Mail the customer the interim update now and set the next one; ``owner_text`` is the owner's own
    words (#tussenbericht), which replace a pending standard update."""
    _, step = work.step(case, "interim-update", actor, now, **({"text": owner_text} if owner_text else {}))
    assert step.customer_mail
    work.to_customer(
        case,
        MailKind.INTERIM_UPDATE,
        step.customer_mail,
        now,
        automatic=False,
        happened=list(happened),
        owner_text=owner_text,
    )
    work.store.cancel_timers(case.id, (TimerKind.INTERIM_UPDATE,), now)
    work.schedule_interim_update(case, work.morning_after(now, work.rules.policy.interim_update_every))
