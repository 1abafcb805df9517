"""The kinds of things the store keeps by name: timers (and, as they come, mails and events).

Each value is what the database holds, so a value never changes; a new kind is a new member.
They live beside ``models.py`` (the lowest layer), which has no room left under the size rule.
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
