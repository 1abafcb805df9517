"""Opening a case, step by step: where it goes, the case itself, its opening event, its first mails."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from mailbot.cases.compliments import PersonMatch, default_compliment_target, named_in_text
from mailbot.cases.lifecycle import Status
from mailbot.cases.recorded import recorded_words
from mailbot.cases.work import CaseWork, reminder_moment
from mailbot.clock import iso_or_none
from mailbot.commands.category import DUTCH_CATEGORIES
from mailbot.intake.thread import ThreadMatch, case_prefixes, clean_subject, ref_prefix
from mailbot.kinds import EventKind, MailKind, TimerKind
from mailbot.models import Address, Case, Category, Direction, Level, ParsedMail, Role, SubjectType, Verdict

# What a person calls each category in mail to staff: the words of the #soort command.
CATEGORY_NAMES_NL = {category: word for word, category in DUTCH_CATEGORIES.items()}


@dataclass(frozen=True)
class Routing:
    """Where a new case goes: its category and level, whether a person must decide, its team and owner."""

    category: Category
    level: Level
    unsure: bool
    team: str
    owner: str | None
    named: PersonMatch | None  # for a compliment: whom it is for


@dataclass(frozen=True)
class Intake:
    """How the case came in: the channel, who it is for, the case it follows up."""

    customer: Address
    channel: str
    linked_to: int | None


def route(work: CaseWork, mail: ParsedMail, verdict: Verdict, channel: str) -> Routing:
    """Category, level, team and owner of a new case.

    When the classifier is unsure (confidence below ``classification.min_confidence``) a person
    decides: until then the case is an open complaint.
    """
    rules = work.rules
    unsure = channel == "email" and verdict.confidence < rules.classification.min_confidence
    category = Category.COMPLAINT if unsure else verdict.category
    level = opening_level(work, mail, verdict, category)
    named = named_in_text(rules, f"{mail.subject}\n{mail.stripped}")
    team = rules.by_type.get(verdict.subject_type, rules.default_team)
    owner = work.owner_for_level(level)
    if category == Category.COMPLIMENT:
        named = named or default_compliment_target(rules)
        team = named.team
    elif verdict.subject_type == SubjectType.BEHAVIOUR:
        # A complaint about someone's conduct goes to the manager of that person's department.
        if named is not None:
            team = named.team
        owner = owner or rules.teams[team].manager
    return Routing(category, level, unsure, team, owner, named)


def opening_level(work: CaseWork, mail: ParsedMail, verdict: Verdict, category: Category) -> Level:
    """Formal when written to the formal address or an escalation; never beyond the appeal."""
    to_formal = any(work.rules.addresses.get(a.email) == "formal" for a in mail.recipients)
    level = Level.FORMAL if to_formal else Level.FIRST_LINE
    if category == Category.ESCALATION:
        level = max(level, verdict.level or Level.FORMAL)
    # Never at the disputes stage: a referral comes only from the last internal stage.
    return min(level, Level.APPEAL)


def insert_case(
    work: CaseWork,
    routing: Routing,
    mail: ParsedMail,
    verdict: Verdict,
    thread: ThreadMatch,
    intake: Intake,
    received_at: datetime,
    now: datetime,
) -> Case:
    """The new case with its reference and deadlines, stored; a compliment is closed at once."""
    rules, calendar = work.rules, work.calendar
    compliment = routing.category == Category.COMPLIMENT
    case = Case(
        id=0,
        ref=work.store.next_ref(ref_prefix(rules, routing.category), received_at.astimezone(calendar.zone).year),
        category=routing.category,
        level=routing.level,
        urgent=verdict.urgent,
        subject_type=verdict.subject_type,
        status=Status.CLOSED if compliment else Status.OPEN,
        customer=intake.customer,
        subject=clean_subject(mail.subject, case_prefixes(rules.cases)) or "(geen onderwerp)",
        owner_team=routing.team,
        owner_email=routing.owner,
        received_at=received_at,
        ack_due=None if compliment else calendar.deadline(received_at, rules.deadlines.acknowledge),
        ack_sent_at=None,
        solution_due=None if compliment else work.solve_deadline(received_at, routing.level),
        answered=False,
        linked_case_id=thread.stranger_of or intake.linked_to,
        channel=intake.channel,
        closed_at=now if compliment else None,
        awaiting_verdict=routing.unsure,
    )
    return replace(case, id=work.store.insert_case(case, now))


def record_opening(
    work: CaseWork,
    case: Case,
    routing: Routing,
    mail: ParsedMail,
    verdict: Verdict,
    flag: str | None,
    now: datetime,
) -> None:
    """The received message in the dossier and the ``opened`` event with what was decided and why."""
    channel = case.channel
    role = Role.CUSTOMER if channel == "email" else Role.STAFF
    work.store_message(case.id, mail, Direction.IN, role, verdict, flag, now, internal=channel != "email")
    work.store.add_event(
        case.id,
        EventKind.OPENED,
        "system",
        now,
        category=case.category.value,
        level=routing.level.label,
        urgent=case.urgent,
        subject_type=case.subject_type.value,
        team=routing.team,
        owner=routing.owner,
        channel=channel,
        rules=list(verdict.rules),
        ack_due=iso_or_none(case.ack_due),
        solution_due=iso_or_none(case.solution_due),
        confidence=round(verdict.confidence, 3),
        **({"awaiting_verdict": True, "guess": verdict.category.value} if routing.unsure else {}),
    )


def ask_for_verdict(
    work: CaseWork, case: Case, mail: ParsedMail, verdict: Verdict, now: datetime, sender_warning: str | None
) -> None:
    """Unsure of the category: a neutral acknowledgement, and the coordinator asked for one ``#soort``.

    The neutral acknowledgement keeps the acknowledgement deadline; the coordinator is reminded in time.
    """
    rules = work.rules
    work.to_customer(case, MailKind.ACK, "ack_neutral", now, reply_to=mail)
    # Urgent and unsure: the director is told at once too, as with any urgent case; the
    # choice of category must not hold up the alert.
    triage_people = [rules.coordinator, *([rules.director] if case.urgent else [])]
    work.to_staff(
        case,
        "triage",
        "triage_request",
        now,
        triage_people,
        excerpt=mail.stripped,
        guess=CATEGORY_NAMES_NL.get(verdict.category, verdict.category.value),
        confidence=f"{round(verdict.confidence * 100)} %",
        explanation=verdict.explanation,
        sender_warning=sender_warning,
    )
    work.schedule_deadlines(case, now)
    if not work.quiet and case.ack_due is not None:
        # The neutral acknowledgement promised an answer by ack_due: remind the coordinator in time.
        due = reminder_moment(work.calendar, rules.policy, case.ack_due)
        work.store.schedule(f"{case.id}:verdict-reminder", case.id, TimerKind.VERDICT_REMINDER, max(due, now))


def acknowledge_complaint(
    work: CaseWork,
    case: Case,
    mail: ParsedMail,
    verdict: Verdict,
    intake: Intake,
    received_at: datetime,
    now: datetime,
    sender_warning: str | None,
) -> None:
    """A complaint's acknowledgement to the customer, the notice to staff and the deadline timers."""
    if intake.channel != "email":
        # The note is for colleagues: the customer reads only the summary written for them (recorded.py).
        words = recorded_words(mail.stripped, received_at.astimezone(work.calendar.zone))
        work.to_customer(
            case, MailKind.ACK, "complaint_recorded", now, automatic=False, channel=intake.channel, **words
        )
    else:
        template = "ack_escalation" if case.category == Category.ESCALATION else "ack_complaint"
        work.to_customer(
            case,
            MailKind.ACK,
            template,
            now,
            reply_to=mail,
            meeting=case.subject_type == SubjectType.BEHAVIOUR and work.rules.policy.behaviour_meeting,
        )
    work.to_staff(
        case,
        "notify",
        "notify_new",
        now,
        work.staff_for(case),
        excerpt=mail.stripped,
        rules_fired=", ".join(verdict.rules),
        linked_ref=work.store.case(intake.linked_to).ref if intake.linked_to is not None else "",
        sender_warning=sender_warning,
    )
    work.schedule_deadlines(case, now)
