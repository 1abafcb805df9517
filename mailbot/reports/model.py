"""The KPI report's vocabulary: the period, the event rows it reads, the figures it holds.

``kpi`` computes the figures, ``render`` turns them into JSON, CSV or HTML, ``charts``
draws the HTML page's charts.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from mailbot.config import Rules


# How a complaint came in (Case.channel: "email", or the staff command or step that registered it).
CHANNEL_NAMES = {
    "email": "e-mail",
    "post": "brief",
    "telefonisch": "telefoon",
    "forwarded": "doorgestuurd door een medewerker",
    "sociaal": "sociale media",
    "form": "klachtformulier",
}


class ReportError(Exception):
    """The report cannot be made: a bad period, or a template that does not render."""


@dataclass(frozen=True)
class Period:
    """Whole days, both included, in the organisation's time zone."""

    first: date
    last: date
    timezone: str

    @classmethod
    def parse(cls, first: str, last: str, timezone: str) -> Period:
        """The period from two ``YYYY-MM-DD`` texts; ReportError when they are not dates or in the wrong order."""
        try:
            period = cls(date.fromisoformat(first), date.fromisoformat(last), timezone)
        except ValueError as exc:
            raise ReportError(f"a period is two dates as YYYY-MM-DD: {exc}") from None
        if period.last < period.first:
            raise ReportError(f"the period ends ({last}) before it begins ({first})")
        return period

    def bounds(self) -> tuple[datetime, datetime]:
        """The first moment of the period and the first moment after it."""
        zone = ZoneInfo(self.timezone)
        return (
            datetime.combine(self.first, time(0), tzinfo=zone),
            datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=zone),
        )

    def months(self) -> list[str]:
        """Every month the period touches, as ``YYYY-MM``."""
        months, year, month = [], self.first.year, self.first.month
        while (year, month) <= (self.last.year, self.last.month):
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months


@dataclass(frozen=True)
class Score:
    """Deadlines met and missed; ``not_counted``: still within their term, or ended early by an escalation."""

    met: int = 0
    missed: int = 0
    not_counted: int = 0

    @property
    def percent(self) -> float | None:
        """Share met of those counted, one decimal; None when none counted."""
        counted = self.met + self.missed
        return round(100 * self.met / counted, 1) if counted else None


@dataclass(frozen=True)
class Suggestion:
    """An improvement named by staff: ``#verbeter`` or the verbeterformulier."""

    at: datetime
    case_ref: str
    source: str  # "verbeter" or "verbeterformulier"
    text: str
    cause: str = ""
    handling: str = ""


@dataclass(frozen=True)
class Round:
    """One handling of a complaint at one level: from receipt or an escalation to the next one or a referral."""

    start: datetime
    end: datetime | None
    ack_due: datetime | None
    ack_sent: datetime | None
    solution_due: datetime | None
    done: datetime | None  # the first #opgelost in the round, else #sluiten


@dataclass(frozen=True)
class Report:
    """The figures of one period; team keys and staff addresses are named in ``names``."""

    period_from: date
    period_to: date
    as_of: datetime
    timezone: str
    complaints: int
    urgent: int
    per_month: dict[str, int]
    urgent_per_month: dict[str, int]
    per_subject_type: dict[str, int]
    per_team: dict[str, int]
    per_channel: dict[str, int]  # e-mail, telefonisch, post, sociaal, forwarded: how complaints came in
    acknowledged: Score
    solved: Score
    median_days_to_solution: float | None
    solved_complaints: int
    levels_reached: dict[str, int]
    escalated_complaints: int
    escalations: int
    referrals: int
    compliments: int
    compliments_per_team: dict[str, int]
    compliments_per_person: dict[str, int]
    satisfaction: dict[str, int]
    suggestions: tuple[Suggestion, ...]
    names: dict[str, str]
    # The conclusion #oordeel last recorded per complaint (Awb 9:12): gegrond, deels gegrond, ongegrond.
    judgements: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO 8601, each score with its percentage."""
        data = asdict(self)
        for key in ("acknowledged", "solved"):
            data[key]["percent"] = getattr(self, key).percent
        result: dict[str, Any] = json.loads(json.dumps(data, default=lambda v: v.isoformat()))
        return result


def names_from(rules: Rules) -> dict[str, str]:
    """Display names of teams (by key) and staff (by address), for the report's readers."""
    names = {key: team.name for key, team in rules.teams.items()}
    for team in rules.teams.values():
        names.update({m.email: m.name for m in team.members})
    names.update({p.email: p.name for p in (rules.coordinator, rules.director)})
    return names
