"""The escalation ladder: one rung up with new deadlines and mails; past the appeal, the referral."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mailbot.cases.lifecycle import Transition
from mailbot.cases.work import CaseWork, next_level
from mailbot.clock import iso
from mailbot.kinds import MailKind
from mailbot.models import Case, Category, Level, ParsedMail
from mailbot.workdays import format_datetime_nl


@dataclass(frozen=True)
class Rung:
    """Where an escalation takes a case: its level, new deadlines and owner."""

    level: Level
    ack_due: datetime
    solution_due: datetime
    owner: str | None


@dataclass(frozen=True)
class Ask:
    """Who asks for the escalation and how its mails go out."""

    actor: str
    reply_to: ParsedMail | None = None
    rules: tuple[str, ...] = ()
    excerpt: str = ""
    automatic: bool = True


def escalate(
    work: CaseWork,
    case: Case,
    actor: str,
    now: datetime,
    start: datetime,
    *,
    reply_to: ParsedMail | None = None,
    rules: tuple[str, ...] = (),
    urgent: bool = False,
    level: Level | None = None,
    excerpt: str = "",
    automatic: bool = True,
) -> Case:
    """Move ``case`` one rung up (or to ``level``, never further than one rung), re-acknowledged
    with new deadlines counted from ``start``; one rung past the last internal stage is the referral.

    Whoever asks (a customer's words, a rule, a member of staff), a case never skips a rung.
    ``automatic`` False: a person decided, so the acknowledgement is no automatic reply.
    """
    to = min(level, next_level(case.level)) if level is not None else next_level(case.level)
    ask = Ask(actor, reply_to, rules, excerpt, automatic)
    received = format_datetime_nl(start.astimezone(work.calendar.zone))
    if to >= Level.DISPUTE:
        return refer(work, case, ask, now, received)
    rung = next_rung(work, case, to, start)
    case, move = climb(work, case, rung, ask, now, urgent)
    send_escalation_mail(work, case, move, ask, now, received)
    work.schedule_deadlines(case, now, start=start)
    return case


def refer(work: CaseWork, case: Case, ask: Ask, now: datetime, received: str) -> Case:
    """Past the last internal stage: the referral to the disputes committee, with the table's mails."""
    case, move = work.step(case, "refer", ask.actor, now, level_from=case.level.label, rules=list(ask.rules))
    work.store.update_case(
        case.id, now, level=Level.DISPUTE, category=Category.ESCALATION.value, awaiting_verdict=False
    )
    case = work.store.case(case.id)
    assert move.customer_mail and move.staff_mail  # the table's mails for the referral
    work.to_customer(
        case, MailKind.REFERRAL, move.customer_mail, now, reply_to=ask.reply_to, automatic=False, received=received
    )
    work.to_staff(case, MailKind.NOTIFY, move.staff_mail, now, work.staff_for(case), excerpt=ask.excerpt)
    return case


def next_rung(work: CaseWork, case: Case, to: Level, start: datetime) -> Rung:
    """The level ``to`` with its deadlines counted from ``start``; an appeal gets the director as owner."""
    return Rung(
        level=to,
        ack_due=work.calendar.deadline(start, work.rules.deadlines.acknowledge),
        solution_due=work.solve_deadline(start, to),
        owner=work.owner_for_level(to) or case.owner_email,
    )


def climb(work: CaseWork, case: Case, rung: Rung, ask: Ask, now: datetime, urgent: bool) -> tuple[Case, Transition]:
    """Take the lifecycle step and set the case's new level, deadlines and owner; return the step too."""
    case, move = work.step(
        case,
        "escalate",
        ask.actor,
        now,
        level_from=case.level.label,
        level_to=rung.level.label,
        rules=list(ask.rules),
        ack_due=iso(rung.ack_due),
        solution_due=iso(rung.solution_due),
    )
    work.store.update_case(
        case.id,
        now,
        category=Category.ESCALATION.value,
        level=rung.level,
        ack_due=rung.ack_due,
        ack_sent_at=None,
        solution_due=rung.solution_due,
        owner_email=rung.owner,
        answered=False,
        solved_at=None,
        urgent=case.urgent or urgent,
        awaiting_verdict=False,
    )
    return work.store.case(case.id), move


def send_escalation_mail(work: CaseWork, case: Case, move: Transition, ask: Ask, now: datetime, received: str) -> None:
    """The customer's new acknowledgement and the staff notice the lifecycle table names for the step."""
    assert move.customer_mail and move.staff_mail  # the table's mails for an escalation
    work.to_customer(
        case, MailKind.ACK, move.customer_mail, now, reply_to=ask.reply_to, automatic=ask.automatic, received=received
    )
    work.to_staff(case, MailKind.NOTIFY, move.staff_mail, now, work.staff_for(case), excerpt=ask.excerpt)
