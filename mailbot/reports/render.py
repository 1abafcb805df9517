"""The KPI report as text: JSON, CSV for a spreadsheet, or a Dutch HTML page for a manager."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from mailbot.reports.charts import charts
from mailbot.reports.model import CHANNEL_NAMES, Report, ReportError

TEMPLATE = "report.html.j2"
FORMATS = ("html", "csv", "json")


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
    rows += [("complaints_per_channel", k, v) for k, v in report.per_channel.items()]
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
    rows += [("judgement", k, v) for k, v in report.judgements.items()]
    rows.append(("improvement_suggestions", "", len(report.suggestions)))
    rows += [("improvement_suggestion", f"{s.case_ref} {s.source}", _cell(s.text)) for s in report.suggestions]
    return rows


def _cell(text: str) -> str:
    """Free text for a spreadsheet: one starting like a formula is quoted, so it is shown, never run."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def report_environment(template_dir: Path, timezone: str) -> Any:
    """The sandboxed Jinja2 environment both reports render in, with their Dutch filters."""
    from babel.dates import format_date
    from babel.numbers import format_decimal
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    from mailbot.shipped import template_loader
    from mailbot.workdays import format_date_nl, format_datetime_nl

    zone = ZoneInfo(timezone)
    # The admin's template, else the shipped one.
    env = SandboxedEnvironment(loader=template_loader(template_dir), undefined=StrictUndefined, autoescape=True)
    env.filters["date_nl"] = format_date_nl
    env.filters["moment_nl"] = lambda m: format_datetime_nl(m.astimezone(zone))
    env.filters["month_nl"] = lambda ym: format_date(date.fromisoformat(f"{ym}-01"), "LLLL y", locale="nl")
    env.filters["number"] = lambda n: "-" if n is None else format_decimal(n, locale="nl")
    env.filters["pct"] = lambda p, total=None: _percent(p, total)
    return env


def _percent(value: float | None, total: int | None = None) -> str:
    """A Dutch percentage: of ``total`` when given (``value`` a count), else ``value`` is the percentage."""
    from babel.numbers import format_decimal

    if total is not None:
        value = 100 * value / total if total and value is not None else None
    return "-" if value is None else f"{format_decimal(value, format='#,##0.0', locale='nl')}%"


def render_template(
    template_dir: Path, timezone: str, name: str, filters: dict[str, Any] | None = None, **context: Any
) -> str:
    """Render one report template (``filters`` added to the shared ones); ReportError when it is
    missing or does not render."""
    from jinja2 import TemplateNotFound

    env = report_environment(template_dir, timezone)
    env.filters.update(filters or {})
    try:
        return str(env.get_template(name).render(**context))
    except TemplateNotFound:
        raise ReportError(f"no template {name} in {template_dir}, nor a shipped one") from None
    except Exception as exc:
        raise ReportError(f"template {name} in {template_dir} does not render: {exc}") from exc


def render_html(report: Report, template_dir: Path, organisation: str = "") -> str:
    """The report for a manager: one self-contained Dutch HTML page with the charts embedded as PNG."""
    from mailbot.cases.work import TYPE_NAMES

    labels = {
        "types": {t.value: name for t, name in TYPE_NAMES.items()},
        "levels": {"formal": "formele klacht", "appeal": "beroep", "dispute": "geschil (doorverwezen)"},
        "channels": dict(CHANNEL_NAMES),
        "satisfaction": {"satisfied": "tevreden", "not_satisfied": "niet tevreden", "no_answer": "geen antwoord"},
    }
    return render_template(
        template_dir,
        report.timezone,
        TEMPLATE,
        {"name": lambda key: report.names.get(key) or key or "(geen team)"},
        report=report,
        charts=charts(report, labels),
        labels=labels,
        organisation=organisation,
    )
