"""A case's life as an explicit state machine: states, transitions, who triggers each, what mail it sends.

This module is the policy's one description of what may happen to a case. It holds no I/O:
``cases/work.py`` asks it whether a step is allowed and what follows from it, then writes the
change, the event and the outgoing mail in one transaction.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from mailbot.models import Status as Status  # re-exported: the lifecycle speaks of it

ACTIVE = frozenset({Status.OPEN, Status.IN_PROGRESS, Status.WAITING, Status.SOLUTION_PROPOSED})
AWAITING_ANSWER = frozenset({Status.SOLVED, Status.SATISFACTION_CHECK})
FINAL = frozenset({Status.REFERRED, Status.CLOSED})
NOT_FINAL = frozenset(Status) - FINAL


class Trigger(enum.StrEnum):
    """Who or what sets a transition off."""

    CUSTOMER = "customer"  # a mail from the customer
    STAFF = "staff"  # a staff member's mail or command
    TIMER = "timer"  # a due time, evaluated by the daemon's loop
    SYSTEM = "system"  # mailbot itself, as a consequence of another step


@dataclass(frozen=True)
class Transition:
    """One allowed step: from which states, to which, set off by whom, and the mail it sends.

    ``to`` None keeps the status. ``customer_mail`` and ``staff_mail`` name templates: the code
    that takes the step sends them (casework, commands/, timers), reading them from here.
    ``appeal_mail`` replaces the customer mail on an appeal: the decision is the director's letter.
    """

    name: str
    sources: frozenset[Status]
    to: Status | None
    trigger: Trigger
    how: str
    customer_mail: str | None = None
    staff_mail: str | None = None
    appeal_mail: str | None = None
    # The customer mail is our answer on the complaint (a proposal, a solution, a decision): from
    # then on a reply may be an escalation, and rules.yaml's when_answered rules apply.
    answers: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "personal-contact",
        frozenset({Status.OPEN}),
        Status.IN_PROGRESS,
        Trigger.STAFF,
        "the first staff reply to the customer (bot in Cc or answering the thread)",
    ),
    Transition(
        "contact",
        ACTIVE,
        None,
        Trigger.STAFF,
        "#contact <notitie>: personal contact outside mail (a call, a visit); from open, personal-contact follows",
    ),
    Transition(
        "contact-missing",
        ACTIVE,
        None,
        Trigger.TIMER,
        "no personal contact policy.contact_within after the acknowledgement: owner and coordinator",
        staff_mail="contact_missing",
    ),
    Transition("set-status", ACTIVE, None, Trigger.STAFF, "#status in behandeling | wacht op klant | open"),
    Transition("assign", NOT_FINAL, None, Trigger.STAFF, "#eigenaar / #team", staff_mail="assigned"),
    Transition("classify", NOT_FINAL, None, Trigger.STAFF, "#urgent / #type"),
    Transition(
        "reclassify",
        NOT_FINAL,
        None,
        Trigger.STAFF,
        "#soort compliment|klacht|escalatie: a person's verdict (asked for when the classifier is unsure);"
        " the customer then gets the acknowledgement or the thanks the category calls for",
    ),
    Transition(
        "propose-solution",
        ACTIVE,
        Status.SOLUTION_PROPOSED,
        Trigger.STAFF,
        "#oplossing <text>",
        customer_mail="solution_proposal",
        answers=True,
    ),
    Transition(
        "solve",
        ACTIVE,
        Status.SOLVED,
        Trigger.STAFF,
        "#opgelost [text]; on an appeal the director's decision letter, and no satisfaction check",
        customer_mail="solution_confirmed",
        appeal_mail="appeal_decision",
        answers=True,
    ),
    Transition("outcome", frozenset(Status), None, Trigger.STAFF, "#oordeel gegrond | deels gegrond | ongegrond"),
    Transition(
        "satisfaction-check",
        frozenset({Status.SOLVED}),
        Status.SATISFACTION_CHECK,
        Trigger.TIMER,
        "some working days after #opgelost",
        customer_mail="satisfaction_check",
    ),
    Transition(
        "satisfied",
        AWAITING_ANSWER,
        Status.CLOSED,
        Trigger.CUSTOMER,
        "a positive answer to the satisfaction check (or #tevreden when the owner read it)",
        staff_mail="improvement_request",
    ),
    Transition(
        "escalate",
        NOT_FINAL,
        Status.OPEN,
        Trigger.CUSTOMER,
        "not satisfied (a negative answer, an escalation in a reply, or #escaleren): one level up the ladder",
        customer_mail="ack_escalation",
        staff_mail="notify_escalation",
    ),
    Transition(
        "refer",
        NOT_FINAL,
        Status.REFERRED,
        Trigger.CUSTOMER,
        "an escalation from the last internal stage (the appeal): referral to the disputes committee",
        customer_mail="referral",
        staff_mail="notify_escalation",
    ),
    Transition(
        "meeting", NOT_FINAL, None, Trigger.STAFF, "#gesprek <date and time>", customer_mail="meeting_invitation"
    ),
    Transition(
        "agreement",
        frozenset(Status),  # agreements are watched after the case is closed too
        None,
        Trigger.STAFF,
        "#afspraak <text> voor <date> (all lines of one mail: one letter); #afspraak nagekomen [text]",
        customer_mail="agreements_letter",
    ),
    Transition(
        "extend",
        ACTIVE,
        None,
        Trigger.STAFF,
        "#uitstel <date> <reason> [toestemming]: a later solution date, within the policy's limits",
        customer_mail="extension_notice",
    ),
    Transition("improvement", frozenset(Status), None, Trigger.STAFF, "#verbeter <text>"),
    Transition(
        "letter-posted",
        frozenset(Status),
        None,
        Trigger.STAFF,
        "#verstuurd: the letters to a customer without e-mail (cases/letters.py) are in the post",
    ),
    Transition("close", NOT_FINAL, Status.CLOSED, Trigger.STAFF, "#sluiten", staff_mail="improvement_request"),
    Transition(
        "not-handled",
        ACTIVE,
        Status.CLOSED,
        Trigger.STAFF,
        "#niet-behandelen <reden>: not handled (Awb 9:8), the reason told in writing",
        customer_mail="not_handled",
    ),
    Transition(
        "interim-update",
        ACTIVE,
        None,
        Trigger.TIMER,
        "every few working days without a solution: what happened and what comes next; or #tussenbericht <tekst>",
        customer_mail="interim_update",
    ),
    Transition(
        "interim-update-asked",
        ACTIVE,
        None,
        Trigger.TIMER,
        "an interim update with nothing new to tell: the owner is asked first; unanswered, the next working"
        " morning the standard update goes",
        staff_mail="interim_update_ask",
    ),
    Transition(
        "deadline-reminder",
        ACTIVE,
        None,
        Trigger.TIMER,
        "some working days before a deadline",
        staff_mail="deadline_reminder",
    ),
    Transition("deadline-passed", ACTIVE, None, Trigger.TIMER, "a deadline passed unmet", staff_mail="deadline_passed"),
    Transition(
        "agreement-due",
        NOT_FINAL | FINAL,
        None,
        Trigger.TIMER,
        "the date of an agreement arrives",
        staff_mail="agreement_due",
    ),
    Transition(
        "agreement-overdue",
        frozenset(Status),
        None,
        Trigger.TIMER,
        "the working day after an agreement's date, while not #afspraak nagekomen: owner and coordinator",
        staff_mail="agreement_overdue",
    ),
)
BY_NAME = {t.name: t for t in TRANSITIONS}


class NotAllowed(Exception):
    """A step the state machine does not allow from the case's current status."""


def transition(name: str, status: Status) -> Transition:
    """The transition ``name`` if it is allowed from ``status``; NotAllowed (with a Dutch reason) if not."""
    step = BY_NAME[name]
    if status not in step.sources:
        raise NotAllowed(f"Dat kan niet bij een dossier met status '{STATUS_NAMES_NL[status]}'.")
    return step


def mail_templates() -> frozenset[str]:
    """Every template the table names, for the check at start-up."""
    return frozenset(m for t in TRANSITIONS for m in (t.customer_mail, t.staff_mail, t.appeal_mail) if m)


def staff_mail(name: str) -> str:
    """The template of the staff mail the transition ``name`` sends (a timer's, taken without a step)."""
    template = BY_NAME[name].staff_mail
    if template is None:
        raise KeyError(f"transition {name} declares no staff mail")
    return template


def next_status(step: Transition, status: Status) -> Status:
    """The status after ``step``."""
    return step.to if step.to is not None else status


STATUS_NAMES_NL = {
    Status.OPEN: "open",
    Status.IN_PROGRESS: "in behandeling",
    Status.WAITING: "wacht op klant",
    Status.SOLUTION_PROPOSED: "oplossing voorgesteld",
    Status.SOLVED: "opgelost",
    Status.SATISFACTION_CHECK: "tevredenheid gevraagd",
    Status.REFERRED: "doorverwezen (na het beroep)",
    Status.CLOSED: "gesloten",
}


def describe() -> str:
    """The state machine as a readable table (for the README and `mailbot lifecycle`)."""
    lines = []
    for t in TRANSITIONS:
        sources = ", ".join(sorted(s.value for s in t.sources)) if t.sources != frozenset(Status) else "any"
        mails = ", ".join(
            m
            for m in (
                t.customer_mail and f"customer: {t.customer_mail}",
                t.appeal_mail and f"on an appeal: {t.appeal_mail}",
                t.staff_mail and f"staff: {t.staff_mail}",
            )
            if m
        )
        to = t.to.value if t.to else "(same)"
        lines.append(
            f"{t.name:<19} {sources} -> {to}\n{'':<19} by {t.trigger.value}: {t.how}"
            + (f"\n{'':<19} mail: {mails}" if mails else "")
        )
    return "\n".join(lines)
