"""The nouns passed between the steps: mail, verdict, case, people, the rows the store hands out.

The lowest layer: nothing here imports the rest of mailbot but ``kinds.py``. One module per family
(``mail.py``, ``case.py``, ``people.py``, ``records.py``: the rows the store hands out); import
them from here: ``from mailbot.models import Case``.
"""

from __future__ import annotations

from mailbot.models.case import (
    Agreement,
    Case,
    CaseHistory,
    Category,
    Level,
    Status,
    SubjectType,
    Timer,
    Verdict,
)
from mailbot.models.mail import (
    ACKNOWLEDGING,
    Address,
    Attachment,
    Direction,
    MailLogEntry,
    OutgoingMail,
    ParsedMail,
    Quarantine,
    QueuedMail,
    Role,
)
from mailbot.models.people import Person, Team
from mailbot.models.records import EventRecord, FailureRecord, MessageRecord, OutboxRecord

__all__ = [
    "ACKNOWLEDGING",
    "Address",
    "Agreement",
    "Attachment",
    "Case",
    "CaseHistory",
    "Category",
    "Direction",
    "EventRecord",
    "FailureRecord",
    "Level",
    "MailLogEntry",
    "MessageRecord",
    "OutboxRecord",
    "OutgoingMail",
    "ParsedMail",
    "Person",
    "Quarantine",
    "QueuedMail",
    "Role",
    "Status",
    "SubjectType",
    "Team",
    "Timer",
    "Verdict",
]
