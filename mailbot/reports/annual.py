"""The yearly complaints report (Awb 9:12a): what was received and how it ended, fit to publish.

A municipality must publish the written complaints it registered each year; any organisation with a
complaint policy reports the same to its board. The figures are counts only: no names, addresses,
klachtnummers or customer words. The improvements staff recorded on the verbeterformulier are the
one free text, and they pass ``scrub`` first (addresses, phone numbers, klachtnummers and the
names of the year's customers are replaced), so the page can go on the website as it is.

``build_year`` is a pure function of the rows the store returns; ``load_annual`` reads them for the
year and the year before, which the report shows beside it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mailbot.kinds import EventKind
from mailbot.models import Case, Category, EventRecord, Status, SubjectType
from mailbot.reports.kpi import CASE_STEPS, complaint_rounds, judge, suggestions
from mailbot.reports.model import CHANNEL_NAMES, Period, ReportError

if TYPE_CHECKING:
    from mailbot.store import Store

ANNUAL_TEMPLATE = "annual_report.html.j2"
# How a complaint ended, in the order the report lists them. One per complaint: the first that applies
# of withdrawn, not handled (Awb 9:8), a recorded judgement (#oordeel), the customer satisfied,
# referred to an outside body, handled without a judgement, still being handled.
OUTCOMES = (
    "withdrawn",
    "not_handled",
    "upheld",
    "partly_upheld",
    "not_upheld",
    "satisfied",
    "referred",
    "handled",
    "open",
)
# #oordeel's words as the command stores them -> the outcome they record.
JUDGEMENTS = {"gegrond": "upheld", "deels gegrond": "partly_upheld", "ongegrond": "not_upheld"}
# The event kinds the yearly figures read (see cases/lifecycle.py and commands/).
EVENT_KINDS = (
    *CASE_STEPS,
    EventKind.SATISFIED,
    EventKind.OUTCOME,
    EventKind.EXTEND,
    EventKind.WITHDRAW,
    EventKind.NOT_HANDLED,
    EventKind.IMPROVEMENT_FORM,
    EventKind.IMPROVEMENT,
)
# Channels that make a complaint a written one (Awb 9:1); "telefonisch" and "sociaal" are not.
WRITTEN = ("email", "post", "forwarded", "form")


@dataclass(frozen=True)
class YearFigures:
    """One year's complaints as they stand at the moment of the report."""

    year: int
    received: int
    written: int
    per_channel: dict[str, int]
    compliments: int
    handled: int
    outcomes: dict[str, int]
    decided_on_time: int
    decided_late: int
    extended: int
    escalated: int
    referrals: int
    per_subject_type: dict[str, int]
    improvements: tuple[str, ...]


@dataclass(frozen=True)
class AnnualReport:
    """The year and the year before, side by side."""

    organisation: str
    year: YearFigures
    before: YearFigures
    as_of: datetime

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, the moment as ISO 8601."""
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat(timespec="seconds")
        return data


def outcome(case: Case, events: Sequence[EventRecord]) -> str:
    """How one complaint ended (one of OUTCOMES): the latest judgement counts when it was judged twice."""
    kinds = {e.kind for e in events}
    if EventKind.WITHDRAW in kinds:
        return "withdrawn"
    if EventKind.NOT_HANDLED in kinds:
        return "not_handled"
    judged = [JUDGEMENTS.get(str(e.detail.get("outcome", "")).lower()) for e in events if e.kind == EventKind.OUTCOME]
    if judged and judged[-1]:
        return judged[-1]
    if EventKind.REFER in kinds:
        return "referred"
    last_answer = next(
        (e.kind for e in reversed(events) if e.kind in (EventKind.SATISFIED, EventKind.ESCALATE, EventKind.SOLVE)), None
    )
    if last_answer == EventKind.SATISFIED:
        return "satisfied"
    if case.status in (Status.CLOSED, Status.REFERRED) or case.closed_at is not None:
        return "handled"
    return "open"


def build_year(
    year: int, cases: Sequence[Case], events: Sequence[EventRecord], now: datetime, customer_names: Iterable[str] = ()
) -> YearFigures:
    """All figures over the complaints received in ``year``, as they stand at ``now``."""
    log: dict[int | None, list[EventRecord]] = {}
    for event in events:
        log.setdefault(event.case_id, []).append(event)
    complaints = [c for c in cases if c.category != Category.COMPLIMENT]
    ends = Counter(outcome(c, log.get(c.id, [])) for c in complaints)
    timely = Counter(_on_time(c, log.get(c.id, []), now) for c in complaints)
    names = [*customer_names, *(c.customer.name for c in cases)]
    return YearFigures(
        year=year,
        received=len(complaints),
        written=sum(c.channel in WRITTEN for c in complaints),
        per_channel=dict(sorted(Counter(c.channel for c in complaints).items())),
        compliments=len(cases) - len(complaints),
        handled=sum(n for key, n in ends.items() if key != "open"),
        outcomes={key: ends[key] for key in OUTCOMES},
        decided_on_time=timely["met"],
        decided_late=timely["missed"],
        extended=sum(any(e.kind == EventKind.EXTEND for e in log.get(c.id, [])) for c in complaints),
        escalated=sum(any(e.kind == EventKind.ESCALATE for e in log.get(c.id, [])) for c in complaints),
        referrals=sum(any(e.kind == EventKind.REFER for e in log.get(c.id, [])) for c in complaints),
        per_subject_type={t.value: sum(c.subject_type == t for c in complaints) for t in SubjectType},
        improvements=tuple(
            scrub(s.text, names) for c in cases for s in suggestions(c, log.get(c.id, [])) if s.text.strip()
        ),
    )


def _on_time(case: Case, events: Sequence[EventRecord], now: datetime) -> str:
    """Whether the complaint's last handling was done within its (possibly extended) term."""
    rounds = complaint_rounds(case, events)
    last = rounds[-1]
    due = last.solution_due
    moved = [e.detail.get("solution_due") for e in events if e.kind == EventKind.EXTEND and e.at >= last.start]
    if moved and moved[-1]:
        due = datetime.fromisoformat(str(moved[-1]))
    return judge(due, last.done, last.end, now)


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\w)(?:\+31|0031|0)[\s-]?(?:\d[\s-]?){8,10}(?!\w)")
_REF = re.compile(r"\b[A-Z]{2,4}-\d{4}-\d{3,6}\b")


def scrub(text: str, names: Iterable[str]) -> str:
    """``text`` fit to publish: addresses, phone numbers, klachtnummers and the given names replaced."""
    text = _EMAIL.sub("[e-mailadres]", text)
    text = _PHONE.sub("[telefoonnummer]", text)
    text = _REF.sub("[klachtnummer]", text)
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 3}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "[naam]", text, flags=re.IGNORECASE)
        for part in name.split():  # a surname alone ("mevrouw Jansen") names the person as well
            if len(part) >= 4 and part[0].isupper():
                text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", "[naam]", text)
    return " ".join(text.split())


def load_annual(store: Store, year: int, timezone: str, organisation: str, now: datetime) -> AnnualReport:
    """Read the year and the year before in one snapshot and compute both."""
    figures: list[YearFigures] = []
    with store.transaction():
        for y in (year, year - 1):
            start, end = Period.parse(f"{y}-01-01", f"{y}-12-31", timezone).bounds()
            cases = store.cases_received(start, end)
            events = store.events_of_cases_received(start, end, EVENT_KINDS)
            figures.append(build_year(y, cases, events, now))
    return AnnualReport(organisation, figures[0], figures[1], now)


def csv_rows(report: AnnualReport) -> list[tuple[str, str, int, Any]]:
    """One row per figure and year: (metric, dimension, year, value); improvements are the year's only."""
    rows: list[tuple[str, str, int, Any]] = []
    for fig in (report.year, report.before):
        for metric in ("received", "written", "compliments", "handled", "decided_on_time", "decided_late"):
            rows.append((metric, "", fig.year, getattr(fig, metric)))
        rows += [("extended", "", fig.year, fig.extended), ("escalated", "", fig.year, fig.escalated)]
        rows.append(("referrals", "", fig.year, fig.referrals))
        for metric, counts in (
            ("per_channel", fig.per_channel),
            ("outcome", fig.outcomes),
            ("per_subject_type", fig.per_subject_type),
        ):
            rows += [(metric, key, fig.year, n) for key, n in counts.items()]
    rows += [("improvement", str(n), report.year.year, text) for n, text in enumerate(report.year.improvements, 1)]
    return rows


def labels() -> Mapping[str, Mapping[str, str]]:
    """The Dutch words the page uses for outcomes, channels and subject types."""
    from mailbot.cases.work import TYPE_NAMES

    return {
        "outcomes": {
            "withdrawn": "ingetrokken",
            "not_handled": "niet in behandeling genomen",
            "upheld": "gegrond",
            "partly_upheld": "deels gegrond",
            "not_upheld": "ongegrond",
            "satisfied": "naar tevredenheid opgelost",
            "referred": "doorverwezen naar een externe instantie",
            "handled": "afgehandeld zonder oordeel",
            "open": "nog in behandeling",
        },
        "channels": dict(CHANNEL_NAMES),
        "types": {t.value: name for t, name in TYPE_NAMES.items()},
    }


def render_annual(report: AnnualReport, fmt: str, template_dir: Path, timezone: str) -> str:
    """The yearly report as ``html`` (to publish), ``csv`` or ``json``."""
    from mailbot.reports.render import FORMATS, render_template

    if fmt == "json":
        return json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("metric", "dimension", "year", "value"))
        writer.writerows(csv_rows(report))
        return out.getvalue()
    if fmt == "html":
        return render_template(template_dir, timezone, ANNUAL_TEMPLATE, report=report, labels=labels())
    raise ReportError(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})")
