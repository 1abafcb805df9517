"""The kinds of things the store keeps by name: timers, and the events the reports read.

Each value is what the database holds, so a value never changes; a new kind is a new member.
They are the base layer beside ``models/``: every layer names them, and the nouns use them.
"""

from __future__ import annotations

import enum


class TimerKind(enum.StrEnum):
    """What a timer does when it comes due (``cases/timers.py`` fires it)."""

    ACK_REMINDER = "ack-reminder"  # the owner: the acknowledgement is due soon
    ACK_PASSED = "ack-passed"  # the owner and coordinator: the acknowledgement's term passed
    SOLUTION_REMINDER = "solution-reminder"
    SOLUTION_PASSED = "solution-passed"
    DEADLINE_LATE = "deadline-late"  # a term that passed before mailbot saw the mail (gathered)
    INTERIM_UPDATE = "interim-update"  # the customer hears how far the case is
    CONTACT_CHECK = "contact-check"  # has a person spoken to the customer yet?
    SATISFACTION_CHECK = "satisfaction-check"  # ask the customer whether the solution satisfies
    AGREEMENT_DUE = "agreement-due"
    AGREEMENT_OVERDUE = "agreement-overdue"
    VERDICT_REMINDER = "verdict-reminder"  # nobody chose the category of an unsure case yet
    BACKFILL_REGISTERED = "backfill-registered"  # a case registered without mail (gathered)
    DIGEST = "digest"  # the coordinator's daily overview


class EventKind(enum.StrEnum):
    """Kinds of the case's event log that the reports, the lifecycle's policy and the failure notices
    read (the log holds more: each lifecycle step, timer and command writes its own name)."""

    OPENED = "opened"
    SENT = "sent"
    ESCALATE = "escalate"
    REFER = "refer"
    SOLVE = "solve"
    CLOSE = "close"
    EXTEND = "extend"
    WITHDRAW = "withdraw"
    NOT_HANDLED = "not-handled"
    SATISFACTION_CHECK = "satisfaction-check"
    SATISFIED = "satisfied"
    OUTCOME = "outcome"  # #oordeel's judgement
    COMPLIMENT_ROUTED = "compliment-routed"
    IMPROVEMENT = "improvement"  # #verbeter
    IMPROVEMENT_FORM = "improvement-form"
    LETTER_QUEUED = "letter-queued"
    LETTER_POSTED = "letter-posted"
    REGISTERED = "registered"  # a case entered by staff (#telefonisch and the like)
    PERSONAL_CONTACT = "personal-contact"  # a staff member's reply with mailbot in Cc
    STAFF_REPLY = "staff-reply"
    CONTACT = "contact"  # #contact
    MEETING = "meeting"  # #gesprek
    AGREEMENT = "agreement"  # #afspraak
    AGREEMENT_KEPT = "agreement-kept"
    PROPOSE_SOLUTION = "propose-solution"  # #oplossing
    # Failures, told to the coordinator in a notice (ops/failures.py).
    SEND_FAILED = "send-failed"
    RECIPIENT_REFUSED = "recipient-refused"
    TIMER_FAILED = "timer-failed"
    ARCHIVE_FAILED = "archive-failed"


class MailKind(enum.StrEnum):
    """Kinds of outgoing mail (the outbox's ``kind``) that the code names. The outbox holds more:
    a staff command's or lifecycle step's mail is of the kind of its name or template."""

    ACK = "ack"  # the acknowledgement of a complaint
    THANKS = "thanks"  # the thanks for a compliment, its acknowledgement
    INTERIM_UPDATE = "interim-update"
    REFERRAL = "referral"  # the customer hears of the disputes committee
    NOTIFY = "notify"  # staff hear of an escalation or referral
    LETTER = "letter"  # the staff mail that carries a letter to post
    DIGEST = "digest"
    FAILURE_NOTICE = "failure-notice"
    QUARANTINE_NOTICE = "quarantine-notice"
