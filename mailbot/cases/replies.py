"""A customer's mail on their open (or closed) case: kept in the dossier, read as an answer, acted on."""

from __future__ import annotations

from datetime import datetime

from mailbot.cases.disputes import flag_dispute
from mailbot.cases.escalation import escalate
from mailbot.cases.lifecycle import AWAITING_ANSWER, FINAL, Status
from mailbot.cases.templatecontext import LEVEL_NAMES
from mailbot.cases.work import CaseWork, next_level
from mailbot.config import Rules
from mailbot.intake.answers import Answer, Reading, cross_checked, read_answer
from mailbot.intake.thread import ThreadMatch
from mailbot.models import Case, Category, Direction, ParsedMail, Role, Verdict


def read_reply(rules: Rules, mail: ParsedMail) -> Reading:
    """The customer's answer, read with the administrator's extra phrases."""
    policy = rules.policy
    return read_answer(mail.stripped, policy.satisfied_phrases, policy.dissatisfied_phrases)


def customer_reply(
    work: CaseWork,
    case: Case,
    mail: ParsedMail,
    verdict: Verdict,
    thread: ThreadMatch,
    received_at: datetime,
    now: datetime,
    flag: str | None,
    reading: Reading | None,
) -> None:
    """A customer's mail on their case: stored, flagged if it names a dispute body, then acted on."""
    sender = mail.sender.email if mail.sender else ""
    status = case.status
    work.store_message(case.id, mail, Direction.IN, Role.CUSTOMER, verdict, flag, now)
    work.store.add_event(case.id, "customer-reply", sender or "unknown", now, via=thread.via, rules=list(verdict.rules))
    flag_dispute(work, case, mail.stripped, now)
    if reading is not None:
        min_confidence = work.rules.classification.min_confidence
        reading = cross_checked(reading, verdict.category, verdict.confidence, min_confidence)
        work.store.add_event(case.id, "answer-read", "system", now, answer=reading.answer.value, reason=reading.reason)
    if status == Status.CLOSED:
        if reading is not None and reading.answer == Answer.UNCLEAR:
            work.to_staff(case, "notify-reply", "notify_reply", now, work.owner_people(case), excerpt=mail.stripped)
        return  # a thank-you (or any kind word) on a closed case is kept in the dossier, without mail
    if reading is not None:
        act_on_answer(work, case, mail, verdict, reading, received_at, now)
    else:
        act_on_mail(work, case, mail, verdict, received_at, now)


def act_on_answer(
    work: CaseWork,
    case: Case,
    mail: ParsedMail,
    verdict: Verdict,
    reading: Reading,
    received_at: datetime,
    now: datetime,
) -> None:
    """An answer to our question: dissatisfied escalates, satisfied closes the wait; else the owner decides."""
    sender = mail.sender.email if mail.sender else ""
    if reading.answer == Answer.DISSATISFIED:
        escalate_for_customer(work, case, mail, verdict, received_at, now)
    elif reading.answer == Answer.SATISFIED and case.status in AWAITING_ANSWER:
        case, step = work.step(case, "satisfied", sender, now, reason=reading.reason)
        work.step_staff_mail(case, step, now, work.owner_people(case))
    else:
        # Unclear, or a proposal accepted (the owner still carries it out and confirms
        # it with #opgelost): the owner decides, nothing changes.
        work.to_staff(
            case,
            "answer-read",
            "answer_read",
            now,
            work.owner_people(case),
            excerpt=mail.stripped,
            answer=reading.answer.value,
            reason=reading.reason,
            next_level=LEVEL_NAMES[next_level(case.level)],
        )


def act_on_mail(
    work: CaseWork, case: Case, mail: ParsedMail, verdict: Verdict, received_at: datetime, now: datetime
) -> None:
    """Any other mail on an open case: a sure escalation goes one rung up; the rest the owner reads."""
    status = case.status
    sure = verdict.confidence >= work.rules.classification.min_confidence
    if verdict.category == Category.ESCALATION and status not in FINAL and sure and not case.awaiting_verdict:
        escalate_for_customer(work, case, mail, verdict, received_at, now)
        return
    if status not in FINAL:
        # An escalation mailbot is unsure of, or on a case still waiting for its verdict, is
        # for a person: the owner reads it (and the coordinator, who has the verdict to give).
        people = work.owner_people(case) + ([work.rules.coordinator] if case.awaiting_verdict else [])
        work.to_staff(case, "notify-reply", "notify_reply", now, people, excerpt=mail.stripped)


def escalate_for_customer(
    work: CaseWork, case: Case, mail: ParsedMail, verdict: Verdict, received_at: datetime, now: datetime
) -> None:
    """One rung up the ladder, re-acknowledged with new deadlines; past the appeal: the disputes committee."""
    escalate(
        work,
        case,
        "customer",
        now,
        received_at,
        reply_to=mail,
        rules=verdict.rules,
        urgent=verdict.urgent,
        excerpt=mail.stripped,
    )
