"""The nouns of a case: what a message is (the verdict), the case, its timers and agreements."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from mailbot.kinds import TimerKind
from mailbot.models.mail import Address


class Category(enum.StrEnum):
    """What a message is, as far as the complaint policy is concerned."""

    COMPLIMENT = "compliment"
    COMPLAINT = "complaint"
    ESCALATION = "escalation"
    AUTO = "auto"


class Level(enum.IntEnum):
    """Rungs of the escalation ladder, in order."""

    FIRST_LINE = 0
    FORMAL = 1
    APPEAL = 2
    DISPUTE = 3

    @property
    def label(self) -> str:
        """The lower-case name used in rules.yaml and in the database."""
        return self.name.lower()

    @classmethod
    def from_label(cls, label: str) -> Level:
        """Parse a rules.yaml level name such as ``appeal``."""
        return cls[label.strip().upper()]


class SubjectType(enum.StrEnum):
    """What a complaint is about."""

    SERVICE = "service"
    PRODUCT = "product"
    BEHAVIOUR = "behaviour"


class Status(enum.StrEnum):
    """Where a case stands."""

    OPEN = "open"  # received and acknowledged; nobody has spoken to the customer yet
    IN_PROGRESS = "in_progress"  # in behandeling: personal contact made, or set by staff
    WAITING = "waiting"  # wacht op klant
    SOLUTION_PROPOSED = "solution_proposed"  # #oplossing mailed to the customer
    SOLVED = "solved"  # #opgelost: the solution confirmed by email; satisfaction check follows
    SATISFACTION_CHECK = "satisfaction_check"  # asked whether the customer is satisfied
    REFERRED = "referred"  # geschil: referred to the independent disputes committee
    CLOSED = "closed"


@dataclass(frozen=True)
class Verdict:
    """The classifier's decision, with the names of the rules that led to it."""

    category: Category
    urgent: bool
    subject_type: SubjectType
    rules: tuple[str, ...]
    level: Level | None = None
    auto_reason: str | None = None
    scores: dict[str, int] = field(default_factory=dict)
    # How sure the classifier is of ``category`` (0-1); below rules.classification.min_confidence
    # a person decides.
    confidence: float = 1.0
    # Why, in Dutch, for staff: "Herkend als compliment: lof voor een medewerker ('erg blij mee')".
    explanation: str = ""

    def as_record(self) -> dict[str, object]:
        """JSON-ready form, as stored with the message and printed by `mailbot classify`."""
        return {
            "category": self.category.value,
            "urgent": self.urgent,
            "subject_type": self.subject_type.value,
            "rules": list(self.rules),
            "level": self.level.label if self.level is not None else None,
            "auto_reason": self.auto_reason,
            "scores": self.scores,
            "confidence": round(self.confidence, 3),
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class CaseHistory:
    """What the classifier may know about the case a message threads into."""

    level: Level
    answered: bool
    category: Category


@dataclass(frozen=True)
class Case:
    """A case as stored: one complaint or compliment and everything that followed."""

    id: int
    ref: str
    category: Category
    level: Level
    urgent: bool
    subject_type: SubjectType
    status: Status
    customer: Address
    subject: str
    owner_team: str | None
    owner_email: str | None
    received_at: datetime
    ack_due: datetime | None
    ack_sent_at: datetime | None
    solution_due: datetime | None
    answered: bool
    linked_case_id: int | None = None
    channel: str = "email"
    contact_at: datetime | None = None
    solution: str | None = None
    solved_at: datetime | None = None
    closed_at: datetime | None = None
    # The classifier was unsure: a person chooses the category (#soort) before the customer's mail follows.
    awaiting_verdict: bool = False
    # The lawyer, court or outside body the customer named ("advocaat, ombudsman"), if any.
    dispute_flag: str | None = None


@dataclass(frozen=True)
class Timer:
    """A due action the daemon's loop evaluates against the clock; a case's timers show in its dossier."""

    id: int
    key: str
    case_id: int | None
    kind: TimerKind
    due_at: datetime
    detail: dict[str, object]
    status: str = "pending"  # then fired, skipped, cancelled or failed
    fired_at: datetime | None = None  # when it left 'pending'


@dataclass(frozen=True)
class Agreement:
    """An agreement made with a customer (afspraak), watched until its date and past it until kept."""

    id: int
    case_id: int
    text: str
    due_date: str
    created_by: str
    kept_at: str | None = None  # `#afspraak nagekomen`: from then on its date passing alerts nobody
