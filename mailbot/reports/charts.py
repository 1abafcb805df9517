"""The KPI report's charts: stacked bars drawn by matplotlib, embedded as PNG data URIs."""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from datetime import date
from typing import Any

from mailbot.reports.model import Report

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
