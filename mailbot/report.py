"""The complaint policy's figures over a period: pure computations on case and event rows, then HTML, CSV or JSON.

``build_report`` is a pure function of the rows ``Store.cases_received`` and
``Store.events_of_cases_received`` return, the moment of the report and the display names; the
definitions it applies are written out for the reader in the HTML report's "Toelichting".
"""

from __future__ import annotations

import base64
import csv
import io
import json
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from mailbot.models import Case, Category, Level, SubjectType

if TYPE_CHECKING:
    from mailbot.config import Rules
    from mailbot.store import Store

TEMPLATE = "report.html.j2"
FORMATS = ("html", "csv", "json")
# The event kinds the figures are made of (see lifecycle.py, cases.py, outbox.py, staff.py).
EVENT_KINDS = (
    "opened",
    "sent",
    "escalate",
    "refer",
    "solve",
    "close",
    "satisfaction-check",
    "satisfied",
    "compliment-routed",
    "improvement",
    "improvement-form",
)
ESCALATED_LEVELS = (Level.FORMAL, Level.APPEAL, Level.DISPUTE)
SATISFACTION = ("satisfied", "not_satisfied", "no_answer")


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
class EventRow:
    """One entry of a case's event log, as far as the report needs it."""

    case_id: int
    at: datetime
    kind: str
    detail: Mapping[str, Any]


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

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO 8601, each score with its percentage."""
        data = asdict(self)
        for key in ("acknowledged", "solved"):
            data[key]["percent"] = getattr(self, key).percent
        return json.loads(json.dumps(data, default=lambda v: v.isoformat()))


# --- the computations: pure functions of rows ------------------------------------------------


def build_report(
    period: Period, cases: Sequence[Case], events: Sequence[EventRow], now: datetime, names: Mapping[str, str]
) -> Report:
    """All figures over the cases received in ``period``, as they stand at ``now``."""
    zone = ZoneInfo(period.timezone)
    log: dict[int, list[EventRow]] = {}
    for event in events:
        log.setdefault(event.case_id, []).append(event)
    complaints = [c for c in cases if c.category != Category.COMPLIMENT]
    compliments = [c for c in cases if c.category == Category.COMPLIMENT]
    months = period.months()
    per_month = Counter(_month(c.received_at, zone) for c in complaints)
    urgent_per_month = Counter(_month(c.received_at, zone) for c in complaints if c.urgent)
    rounds = [r for c in complaints for r in complaint_rounds(c, log.get(c.id, []))]
    days = [d for c in complaints if (d := days_to_solution(c, zone)) is not None]
    reached = [highest_level(c, log.get(c.id, [])) for c in complaints]
    escalated = [c for c in complaints if any(e.kind in ("escalate", "refer") for e in log.get(c.id, []))]
    praise = [e for c in compliments for e in log.get(c.id, []) if e.kind == "compliment-routed"]
    return Report(
        period_from=period.first,
        period_to=period.last,
        as_of=now,
        timezone=period.timezone,
        complaints=len(complaints),
        urgent=sum(c.urgent for c in complaints),
        per_month={m: per_month[m] for m in months},
        urgent_per_month={m: urgent_per_month[m] for m in months},
        per_subject_type=_counted(Counter(c.subject_type.value for c in complaints), [t.value for t in SubjectType]),
        per_team=_counted(Counter(c.owner_team or "" for c in complaints)),
        acknowledged=score(judge(r.ack_due, r.ack_sent, r.end, now) for r in rounds),
        solved=score(judge(r.solution_due, r.done, r.end, now) for r in rounds),
        median_days_to_solution=float(statistics.median(days)) if days else None,
        solved_complaints=len(days),
        levels_reached={lv.label: sum(level >= lv for level in reached) for lv in ESCALATED_LEVELS},
        escalated_complaints=len(escalated),
        escalations=sum(e.kind == "escalate" for c in complaints for e in log.get(c.id, [])),
        referrals=sum(e.kind == "refer" for c in complaints for e in log.get(c.id, [])),
        compliments=len(compliments),
        compliments_per_team=_counted(Counter(str(e.detail.get("team") or "") for e in praise)),
        compliments_per_person=_counted(Counter(str(e.detail["person"]) for e in praise if e.detail.get("person"))),
        satisfaction=_counted(
            Counter(o for c in complaints for o in satisfaction_outcomes(log.get(c.id, []))), list(SATISFACTION)
        ),
        suggestions=tuple(s for c in cases for s in suggestions(c, log.get(c.id, []))),
        names=dict(names),
    )


def complaint_rounds(case: Case, events: Sequence[EventRow]) -> list[Round]:
    """The complaint's handlings: the first from receipt, one more per escalation, each with its own deadlines.

    The case row holds only the latest handling's deadlines (an escalation sets new ones), so earlier
    ones come from the event log: ``opened`` and ``escalate`` record the deadlines they set.
    """
    opened = next((e.detail for e in events if e.kind == "opened"), None)
    if opened is None:  # a case without its event log: the row is all there is
        done = case.solved_at or (case.closed_at if case.status == "closed" else None)
        return [Round(case.received_at, None, case.ack_due, case.ack_sent_at, case.solution_due, done)]
    starts = [(case.received_at, opened.get("ack_due"), opened.get("solution_due"))]
    starts += [(e.at, e.detail.get("ack_due"), e.detail.get("solution_due")) for e in events if e.kind == "escalate"]
    referred = next((e.at for e in events if e.kind == "refer"), None)
    rounds = []
    for n, (start, ack_due, solution_due) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else referred
        within = [e for e in events if start <= e.at and (end is None or e.at < end)]
        ack_sent = next((e.at for e in within if e.kind == "sent" and e.detail.get("kind") == "ack"), None)
        solved = next((e.at for e in within if e.kind == "solve"), None)
        closed = next((e.at for e in within if e.kind == "close"), None)
        rounds.append(Round(start, end, _moment(ack_due), ack_sent, _moment(solution_due), solved or closed))
    return rounds


def judge(due: datetime | None, done: datetime | None, end: datetime | None, now: datetime) -> str:
    """One deadline's outcome: "met" (done by it), "missed" (done late, or not done when it passed before
    the handling ended) or "not_counted" (not done, the deadline not passed yet or not before the end)."""
    if due is None:
        return "not_counted"
    if done is not None:
        return "met" if done <= due else "missed"
    horizon = min(end, now) if end is not None else now
    return "missed" if horizon > due else "not_counted"


def score(outcomes: Iterable[str]) -> Score:
    """Count ``judge`` outcomes."""
    counts = Counter(outcomes)
    return Score(met=counts["met"], missed=counts["missed"], not_counted=counts["not_counted"])


def days_to_solution(case: Case, zone: ZoneInfo) -> int | None:
    """Calendar days from receipt to the (latest) #opgelost, in the organisation's time zone.

    An escalation clears ``solved_at``: a complaint handled again counts once it is solved again.
    """
    if case.solved_at is None:
        return None
    return (case.solved_at.astimezone(zone).date() - case.received_at.astimezone(zone).date()).days


def highest_level(case: Case, events: Sequence[EventRow]) -> Level:
    """The highest level the complaint reached: at receipt, by ``escalate`` (level_to) or by ``refer``."""
    levels = [case.level]
    for e in events:
        if e.kind == "opened" and e.detail.get("level"):
            levels.append(Level.from_label(str(e.detail["level"])))
        elif e.kind == "escalate" and e.detail.get("level_to"):
            levels.append(Level.from_label(str(e.detail["level_to"])))
        elif e.kind == "refer":
            levels.append(Level.DISPUTE)
    return max(levels)


def satisfaction_outcomes(events: Sequence[EventRow]) -> list[str]:
    """What the customer said after each #opgelost: "satisfied", "not_satisfied" (an escalation or
    referral), or "no_answer" when the satisfaction question was asked and nothing came back.
    A solution not yet asked about and not yet answered gives nothing."""
    outcomes: list[str] = []
    waiting, asked = False, False
    for e in events:
        if e.kind == "solve" or (waiting and e.kind == "close"):
            if waiting and asked:
                outcomes.append("no_answer")
            waiting, asked = e.kind == "solve", False
        elif waiting and e.kind == "satisfaction-check":
            asked = True
        elif waiting and e.kind in ("satisfied", "escalate", "refer"):
            outcomes.append("satisfied" if e.kind == "satisfied" else "not_satisfied")
            waiting = False
    if waiting and asked:
        outcomes.append("no_answer")
    return outcomes


def suggestions(case: Case, events: Sequence[EventRow]) -> list[Suggestion]:
    """Improvements staff named on the case: ``#verbeter`` and the verbeterformulier's answers."""
    found = []
    for e in events:
        if e.kind == "improvement" and e.detail.get("suggestion"):
            found.append(Suggestion(e.at, case.ref, "verbeter", str(e.detail["suggestion"])))
        elif e.kind == "improvement-form" and any(e.detail.get(k) for k in ("improvement", "cause", "handling")):
            found.append(
                Suggestion(
                    e.at,
                    case.ref,
                    "verbeterformulier",
                    str(e.detail.get("improvement") or ""),
                    cause=str(e.detail.get("cause") or ""),
                    handling=str(e.detail.get("handling") or ""),
                )
            )
    return found


def _counted(counts: Counter[str], keys: Sequence[str] = ()) -> dict[str, int]:
    """``keys`` in their order (zeros included), then the rest most frequent first."""
    rest = sorted((k for k in counts if k not in keys), key=lambda k: (-counts[k], k))
    return {k: counts[k] for k in [*keys, *rest]}


def _month(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m")


def _moment(value: Any) -> datetime | None:
    """A stored deadline; None for none, or for a value that is no moment (then it is not counted)."""
    if isinstance(value, datetime) or value is None:
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


# --- reading the rows, and the three outputs ----------------------------------------------------


def load_report(store: Store, period: Period, names: Mapping[str, str], now: datetime) -> Report:
    """Read the period's rows in one snapshot and compute the report."""
    start, end = period.bounds()
    with store.transaction():
        cases = store.cases_received(start, end)
        rows = store.events_of_cases_received(start, end, EVENT_KINDS)
    events = [EventRow(r["case_id"], datetime.fromisoformat(r["at"]), r["kind"], r["detail"]) for r in rows]
    return build_report(period, cases, events, now, names)


def names_from(rules: Rules) -> dict[str, str]:
    """Display names of teams (by key) and staff (by address), for the report's readers."""
    names = {key: team.name for key, team in rules.teams.items()}
    for team in rules.teams.values():
        names.update({m.email: m.name for m in team.members})
    names.update({p.email: p.name for p in (rules.coordinator, rules.director)})
    return names


def render(report: Report, fmt: str, template_dir: Path, organisation: str = "") -> str:
    """The report as ``html``, ``csv`` or ``json`` text."""
    if fmt == "json":
        return json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("metric", "dimension", "value"))
        writer.writerows(csv_rows(report))
        return out.getvalue()
    if fmt == "html":
        return render_html(report, template_dir, organisation)
    raise ReportError(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})")


def csv_rows(report: Report) -> list[tuple[str, str, Any]]:
    """One row per figure: (metric, dimension, value)."""
    rows: list[tuple[str, str, Any]] = [
        ("period", "from", report.period_from.isoformat()),
        ("period", "to", report.period_to.isoformat()),
        ("as_of", "", report.as_of.isoformat(timespec="seconds")),
        ("complaints", "", report.complaints),
        ("urgent_complaints", "", report.urgent),
    ]
    rows += [("complaints_per_month", k, v) for k, v in report.per_month.items()]
    rows += [("urgent_complaints_per_month", k, v) for k, v in report.urgent_per_month.items()]
    rows += [("complaints_per_subject_type", k, v) for k, v in report.per_subject_type.items()]
    rows += [("complaints_per_team", k, v) for k, v in report.per_team.items()]
    for metric, sc in (
        ("acknowledged_within_deadline", report.acknowledged),
        ("solved_within_deadline", report.solved),
    ):
        rows += [(metric, "met", sc.met), (metric, "missed", sc.missed), (metric, "not_counted", sc.not_counted)]
        rows.append((metric, "percent", "" if sc.percent is None else sc.percent))
    median = report.median_days_to_solution
    rows.append(("median_calendar_days_to_solution", "", "" if median is None else median))
    rows.append(("solved_complaints", "", report.solved_complaints))
    rows += [("complaints_reaching_level", k, v) for k, v in report.levels_reached.items()]
    rows += [("escalated_complaints", "", report.escalated_complaints), ("escalations", "", report.escalations)]
    rows += [("referrals", "", report.referrals), ("compliments", "", report.compliments)]
    rows += [("compliments_per_team", k, v) for k, v in report.compliments_per_team.items()]
    rows += [("compliments_per_person", k, v) for k, v in report.compliments_per_person.items()]
    rows += [("satisfaction", k, v) for k, v in report.satisfaction.items()]
    rows.append(("improvement_suggestions", "", len(report.suggestions)))
    rows += [("improvement_suggestion", f"{s.case_ref} {s.source}", _cell(s.text)) for s in report.suggestions]
    return rows


def _cell(text: str) -> str:
    """Free text for a spreadsheet: one starting like a formula is quoted, so it is shown, never run."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_html(report: Report, template_dir: Path, organisation: str = "") -> str:
    """The report for a manager: one self-contained Dutch HTML page with the charts embedded as PNG."""
    from babel.dates import format_date
    from babel.numbers import format_decimal
    from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound
    from jinja2.sandbox import SandboxedEnvironment

    from mailbot.casework import TYPE_NAMES
    from mailbot.workdays import format_date_nl, format_datetime_nl

    zone = ZoneInfo(report.timezone)
    env = SandboxedEnvironment(loader=FileSystemLoader(str(template_dir)), undefined=StrictUndefined, autoescape=True)
    env.filters["date_nl"] = format_date_nl
    env.filters["moment_nl"] = lambda m: format_datetime_nl(m.astimezone(zone))
    env.filters["month_nl"] = lambda ym: format_date(date.fromisoformat(f"{ym}-01"), "LLLL y", locale="nl")
    env.filters["number"] = lambda n: "-" if n is None else format_decimal(n, locale="nl")
    env.filters["pct"] = lambda p: "-" if p is None else f"{format_decimal(p, format='#,##0.0', locale='nl')}%"
    env.filters["name"] = lambda key: report.names.get(key) or key or "(geen team)"
    labels = {
        "types": {t.value: name for t, name in TYPE_NAMES.items()},
        "levels": {"formal": "formele klacht", "appeal": "beroep", "dispute": "geschil (doorverwezen)"},
        "satisfaction": {"satisfied": "tevreden", "not_satisfied": "niet tevreden", "no_answer": "geen antwoord"},
    }
    try:
        return env.get_template(TEMPLATE).render(
            report=report, charts=charts(report, labels), labels=labels, organisation=organisation
        )
    except TemplateNotFound:
        raise ReportError(f"no template {TEMPLATE} in {template_dir} (the shipped one is in templates/)") from None
    except Exception as exc:
        raise ReportError(f"template {TEMPLATE} in {template_dir} does not render: {exc}") from exc


# --- charts ----------------------------------------------------------------------------------------

BLUE, RED, GREEN, GREY = "#3b6ea5", "#c0392b", "#4a8f4a", "#b5b5b5"


def charts(report: Report, labels: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """The report's charts as ``data:image/png`` URIs; a chart with nothing to show is left out."""
    from babel.dates import format_date

    def month(ym: str) -> str:
        return format_date(date.fromisoformat(f"{ym}-01"), "LLL", locale="nl").rstrip(".")

    out: dict[str, str] = {}
    if report.complaints:
        urgent = list(report.urgent_per_month.values())
        other = [n - u for n, u in zip(report.per_month.values(), urgent, strict=True)]
        months = [month(m) for m in report.per_month]
        if len({m[:4] for m in report.per_month}) > 1:
            months = [f"{month(m)}\n{m[:4]}" for m in report.per_month]
        out["per_month"] = _bars(months, [("niet urgent", other, BLUE), ("urgent", urgent, RED)], vertical=True)
        types = [labels["types"].get(k, k) for k in report.per_subject_type]
        out["per_subject_type"] = _bars(types, [("klachten", list(report.per_subject_type.values()), BLUE)])
        teams = [report.names.get(k) or k or "(geen team)" for k in report.per_team]
        out["per_team"] = _bars(teams, [("klachten", list(report.per_team.values()), BLUE)])
    scores = (report.acknowledged, report.solved)
    if any(s.met + s.missed + s.not_counted for s in scores):
        out["deadlines"] = _bars(
            ["Bevestigd", "Opgelost"],
            [
                ("binnen termijn", [s.met for s in scores], GREEN),
                ("te laat", [s.missed for s in scores], RED),
                ("niet meegeteld", [s.not_counted for s in scores], GREY),
            ],
            width=5.5,  # shown beside its table at half the page's width
        )
    if sum(report.satisfaction.values()):
        answers = [labels["satisfaction"][k] for k in report.satisfaction]
        colours = [GREEN, RED, GREY]
        out["satisfaction"] = _bars(answers, [("", list(report.satisfaction.values()), colours)])
    return out


def _bars(
    categories: list[str], series: list[tuple[str, list[int], Any]], vertical: bool = False, width: float = 8
) -> str:
    """A stacked bar chart as a PNG data URI (matplotlib's Agg canvas, no pyplot state)."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    rows = len(categories)
    with rc_context({"font.size": 12, "axes.edgecolor": "#777", "xtick.color": "#333", "ytick.color": "#333"}):
        legend = 0.4 if len(series) > 1 else 0
        size = (width, 3.4) if vertical else (width, 0.7 + legend + 0.5 * rows)
        fig = Figure(figsize=size, dpi=100, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        base = [0] * rows
        positions = list(range(rows))
        for name, values, colour in series:
            if vertical:
                bars = ax.bar(positions, values, bottom=base, color=colour, label=name or None, width=0.65)
            else:
                bars = ax.barh(positions, values, left=base, color=colour, label=name or None, height=0.6)
            labels = [str(v) if v else "" for v in values]
            ax.bar_label(bars, labels=labels, label_type="center", color="white", fontweight="bold")
            base = [b + v for b, v in zip(base, values, strict=True)]
        (ax.yaxis if vertical else ax.xaxis).set_major_locator(MaxNLocator(integer=True))
        if vertical:
            ax.set_xticks(positions, categories)
        else:
            ax.set_yticks(positions, categories)
            ax.invert_yaxis()
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if len(series) > 1:
            fig.legend(frameon=False, loc="outside upper right", ncols=len(series))
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
