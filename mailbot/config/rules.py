"""The schema of rules.yaml: frozen dataclasses, each field's default the one default of its key.

load.py reads rules.yaml into these; a key left out of the file takes the field's default here,
and a section's allowed keys are its fields (where the names match), so a new key is added once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path

from mailbot.config.mailboxrules import BACKFILL_MODES as BACKFILL_MODES
from mailbot.config.mailboxrules import SENT_COPIES as SENT_COPIES
from mailbot.config.mailboxrules import BackfillRules as BackfillRules
from mailbot.config.mailboxrules import MailboxRules as MailboxRules
from mailbot.models import Level, Person, SubjectType, Team

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ROLES = ("formal", "first_line")
LIBERATION_DAY_MODES = ("every_year", "lustrum", "never")
SPAN_UNITS = {
    "working day": "working_days",
    "working days": "working_days",
    "werkdag": "working_days",
    "werkdagen": "working_days",
    "day": "days",
    "days": "days",
    "dag": "days",
    "dagen": "days",
    "week": "weeks",
    "weeks": "weeks",
    "weken": "weeks",
}
EMAIL_RE = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class CalendarRules:
    """When the organisation works: the basis of every deadline.

    ``working_days`` holds ISO weekday numbers minus one (0 = Monday).
    ``liberation_day`` is ``every_year`` (as the Algemene termijnenwet counts 5 May),
    ``lustrum`` (only every fifth year, as the ``holidays`` package does) or ``never``.
    """

    timezone: str = "Europe/Amsterdam"
    working_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    office_hours: tuple[time, time] = (time(8, 30), time(17, 0))
    sending_hours: tuple[time, time] | None = None
    closure_days: frozenset[date] = frozenset()
    good_friday: bool = True
    liberation_day: str = "every_year"


@dataclass(frozen=True)
class Span:
    """A length of time as the policy states it: ``3 working days``, ``2 weeks``."""

    amount: int
    unit: str  # "working_days" | "days" | "weeks"

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.replace('_', ' ')}"


@dataclass(frozen=True)
class NextStep:
    """After a decision below ``level``: whom to turn to (``name`` with article, ``term``: "Doe dat ...")."""

    level: Level
    name: str
    address: str = ""
    url: str = ""
    phone: str = ""
    term: str = ""


@dataclass(frozen=True)
class Rule:
    """One classification rule; see rules.yaml for what each field means."""

    name: str
    weight: int = 1
    phrases: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    category: str | None = None
    urgent: bool = False
    subject_type: SubjectType | None = None
    level: Level | None = None
    when_answered: bool = False
    to_role: str | None = None
    at_level: Level | None = None
    negate: bool = True


@dataclass(frozen=True)
class Classification:
    """The ordered rules and the signs of automatic mail."""

    min_score: int
    auto_subjects: tuple[re.Pattern[str], ...]
    auto_senders: tuple[re.Pattern[str], ...]
    rules: tuple[Rule, ...]
    # Out-of-office texts sent with no header that says so, matched on the writer's own words.
    auto_bodies: tuple[re.Pattern[str], ...] = ()
    # Below this confidence (0-1) a person decides the category: the case opens with a neutral
    # acknowledgement and the coordinator is asked (issue 10, "unsure means a person decides").
    min_confidence: float = 0.6


@dataclass(frozen=True)
class CaseRules:
    """Case references and the limits on what a message may be."""

    reference_prefix: str = "KL"
    compliment_prefix: str = "CO"  # a compliment's reference: it is no complaint
    auto_reply_window: timedelta = timedelta(minutes=60)
    max_message_bytes: int = 25 * 1024 * 1024
    max_attachments: int = 25
    # A flood of broken mail must not become a flood of notices to the coordinator.
    quarantine_notices_per_hour: int = 10


@dataclass(frozen=True)
class SecurityRules:
    """Whom to believe: the authserv-ids of the organisation's own mail servers (RFC 8601 §5).

    Staff commands are obeyed only from a staff address whose mail our server authenticated;
    ``require_authentication: false`` switches that off for a mail system without
    Authentication-Results (then anyone who can forge a staff From header can command).
    """

    authserv_ids: tuple[str, ...] = ()
    require_authentication: bool = True
    # Microsoft 365: the organisation's tenant id; staff mail sent within it is trusted on Exchange's
    # own organisation headers, as Exchange Online writes no Authentication-Results for it.
    exchange_tenant_id: str = ""
    # Reply-To: a per-case address (klacht+<ref>.<token>@...) where the mail system has plus-addressing.
    reply_addresses: bool = False


@dataclass(frozen=True)
class ExtensionRules:
    """How far `#uitstel` may move a solution deadline (deadlines.extension).

    The Awb (9:11) allows one extension of at most four weeks, told in writing, and more only
    with the customer's written consent (``consent_beyond``; staff record it with `toestemming`).
    None: the policy sets no limit.
    """

    max_times: int | None = None
    max_weeks: int | None = None
    consent_beyond: bool = True


@dataclass(frozen=True)
class Deadlines:
    """The policy's promises; ``solve_appeal`` is the time the director has for an appeal."""

    acknowledge: Span
    solve: Span
    solve_appeal: Span
    extension: ExtensionRules = ExtensionRules()


@dataclass(frozen=True)
class PolicyRules:
    """The complaint policy's cadence and texts (the lifecycle after the acknowledgement)."""

    reminder_before: Span = Span(2, "working_days")
    interim_update_after: Span = Span(5, "working_days")
    interim_update_every: Span = Span(5, "working_days")
    contact_within: Span = Span(3, "working_days")  # personal contact after the acknowledgement, or staff hear
    satisfaction_check_after: Span = Span(3, "working_days")
    digest_time: time | None = time(8, 0)
    satisfied_phrases: tuple[str, ...] = ("ja", "tevreden", "opgelost", "prima", "akkoord", "yes")
    dissatisfied_phrases: tuple[str, ...] = ("nee", "niet tevreden", "ontevreden", "niet opgelost", "no")
    behaviour_meeting: bool = True
    hearing_offered: bool = False  # the acknowledgement offers a hearing on any complaint (Awb 9:10)


@dataclass(frozen=True)
class PrivacyRules:
    """How long personal data is kept (AVG/GDPR): closed and referred cases are anonymised
    ``retention_days`` after they ended; None keeps them until `mailbot privacy erase`."""

    retention_days: int | None = None


@dataclass(frozen=True)
class Rules:
    """Everything rules.yaml says, validated."""

    source: str
    organisation: str
    domain: str
    signature: str
    addresses: Mapping[str, str]
    bot_address: str
    coordinator: Person
    director: Person
    teams: Mapping[str, Team]
    default_team: str
    by_type: Mapping[SubjectType, str]
    compliments_team: str
    deadlines: Deadlines
    calendar: CalendarRules
    mailbox: MailboxRules
    cases: CaseRules
    classification: Classification
    policy: PolicyRules = PolicyRules()
    security: SecurityRules = SecurityRules()
    privacy: PrivacyRules = PrivacyRules()
    next_steps: tuple[NextStep, ...] = ()  # what decision mails name as the customer's next step
    # The admin's mail templates: `templates:` in rules.yaml, relative to the file; default templates/ beside it.
    # A template the folder lacks (or all, when there is none) is the shipped one (mailbot/shipped/).
    template_dir: Path = Path("templates")

    @property
    def staff(self) -> frozenset[str]:
        """Every address that speaks for the organisation."""
        emails = {self.coordinator.email, self.director.email, self.bot_address}
        emails.update(self.addresses)
        for team in self.teams.values():
            emails.add(team.email)
            emails.update(m.email for m in team.members)
            if team.manager:
                emails.add(team.manager)
        return frozenset(emails)

    @property
    def known_domains(self) -> tuple[str, ...]:
        """Domains a lookalike sender may pose as (idn.lookalike): ours and our staff's."""
        return tuple(sorted({self.domain.lower(), *(e.rpartition("@")[2] for e in self.staff)}))

    def person_name(self, email: str) -> str:
        """The display name of a member of staff, or the address itself."""
        for team in self.teams.values():
            for member in team.members:
                if member.email == email:
                    return member.name
        for person in (self.coordinator, self.director):
            if person.email == email:
                return person.name
        return email
