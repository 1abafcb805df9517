"""The rows the store hands out for reading: the event log, the dossier's messages, the outbox.

Each is what one row says, typed: moments as datetimes, JSON columns parsed. The store builds
them (store/events.py, store/dossier.py, store/outbox.py); the rest of mailbot reads their fields.
A due timer is ``Timer`` (case.py). Kinds stay ``str`` here: the log and the outbox hold more kinds
than the enums of kinds.py name, and a StrEnum member compares equal to its stored value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mailbot.models.mail import Attachment, Direction, Role


@dataclass(frozen=True)
class EventRecord:
    """One entry of the event log: what happened to a case (``case_id`` None: to the system).

    ``kind`` is a str, not an ``EventKind``: each lifecycle step, timer and command also writes
    its own name; compare it with ``EventKind`` members where the enum has one.
    """

    case_id: int | None
    at: datetime
    kind: str
    actor: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class FailureRecord:
    """A failure event to tell the coordinator of, with what it concerned (ops/failures.py).

    ``ref`` is the case's reference, if any; ``subject`` and ``recipients`` those of the outgoing
    mail the event's detail names, if any.
    """

    id: int
    at: datetime
    kind: str
    detail: dict[str, Any]
    ref: str | None
    subject: str | None
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class MessageRecord:
    """One message of a case's dossier, as received or recorded (cases/messagerecord.py writes it)."""

    id: int
    case_id: int
    key: str
    message_id: str
    direction: Direction
    role: Role
    internal: bool  # a staff note kept in the dossier, never sent to the customer
    from_email: str
    from_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    date: datetime
    text: str
    stripped: str  # the text without quoted earlier mail and signature
    headers: dict[str, str]
    attachments: tuple[Attachment, ...]
    raw_sha256: str | None  # None once erased
    verdict: dict[str, Any] | None  # Verdict.as_record() of a classified message
    flag: str | None
    created_at: datetime


@dataclass(frozen=True)
class OutboxRecord:
    """A mail in the outbox, for display: where it stands, without its bytes.

    ``kind`` is a str: besides the ``MailKind`` members, a step's or command's mail has the kind of its name.
    """

    id: int
    case_id: int | None
    kind: str
    message_id: str
    recipients: tuple[str, ...]
    subject: str
    status: str  # pending, sending (handed to SMTP, or in doubt after a crash), sent, parked or cancelled
    attempts: int
    not_before: datetime
    sent_at: datetime | None
    last_error: str | None
