"""The nouns of mail: a received message decoded, its parties and attachments, a mail to send."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from mailbot.kinds import MailKind


class Quarantine(Exception):
    """A message that cannot become case state; it is set aside with this reason."""


class Direction(enum.StrEnum):
    """Whether a message reached the organisation or left it."""

    IN = "in"
    OUT = "out"


class Role(enum.StrEnum):
    """Who wrote a message in a case's dossier."""

    CUSTOMER = "customer"
    STAFF = "staff"
    SYSTEM = "system"


# Kinds of customer mail whose sending keeps the policy's acknowledgement promise (the complaint's
# acknowledgement, a compliment's thanks): sent by the outbox, or posted as a letter.
ACKNOWLEDGING = frozenset({MailKind.ACK, MailKind.THANKS})


@dataclass(frozen=True)
class Address:
    """A mail address with its display name; ``email`` is always lower-case.

    A customer who has no e-mail address (a phone call, a letter) has ``email`` "" and a
    ``postal`` address, one line per line: every mail to them becomes a letter (cases/letters.py).
    """

    email: str
    name: str = ""
    postal: str = ""

    def __str__(self) -> str:
        return self.email


@dataclass(frozen=True)
class Attachment:
    """An attachment stored content-addressed under the data folder."""

    filename: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ParsedMail:
    """One received message, decoded: what every later step reads instead of raw bytes.

    ``key`` identifies the message for deduplication: its Message-ID, or a digest of the
    raw bytes when the header is missing.
    """

    key: str
    message_id: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    subject: str
    sender: Address | None
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    reply_to: tuple[Address, ...]
    date: datetime
    text: str
    stripped: str
    headers: dict[str, str]
    attachments: tuple[Attachment, ...]
    raw_sha256: str
    size: int
    defects: tuple[str, ...] = ()

    @property
    def recipients(self) -> tuple[Address, ...]:
        """Everyone the message was addressed to (To and Cc)."""
        return self.to + self.cc

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Message-IDs this message answers, most specific first."""
        seen: dict[str, None] = {}
        for mid in (*self.in_reply_to, *reversed(self.references)):
            seen.setdefault(mid, None)
        return tuple(seen)


@dataclass(frozen=True)
class OutgoingMail:
    """A rendered message ready for the outbox: sent byte for byte as built."""

    kind: str
    message_id: str
    sender: str
    recipients: tuple[str, ...]
    subject: str
    raw: bytes
    not_before: datetime
    automatic: bool


@dataclass(frozen=True)
class MailLogEntry:
    """What became of one received message."""

    raw_sha256: str
    key: str
    outcome: str
    case_id: int | None
    reason: str | None


@dataclass(frozen=True)
class QueuedMail:
    """A row of the outbox that is due for sending."""

    id: int
    case_id: int | None
    kind: str
    message_id: str
    sender: str
    recipients: tuple[str, ...]
    raw: bytes
    attempts: int
