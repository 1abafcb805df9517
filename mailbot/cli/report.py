"""`mailbot report`: the complaint policy's figures over a period, or the yearly report; HTML, CSV or JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mailbot.cli.base import Subcommands, load, templates

if TYPE_CHECKING:
    from mailbot.config import Rules, Settings


def register(commands: Subcommands) -> None:
    """Add `report` and its options."""
    report = commands.add_parser(
        "report", help="the complaint policy's figures over a period, or the yearly report (HTML, CSV or JSON)"
    )
    report.add_argument("--from", dest="first", metavar="YYYY-MM-DD", help="first day: cases received from this day")
    report.add_argument("--to", dest="last", metavar="YYYY-MM-DD", help="last day, included")
    report.add_argument(
        "--jaarverslag",
        dest="year",
        type=int,
        metavar="YEAR",
        help="instead of a period: the yearly complaints report to publish (Awb 9:12a), the year before beside it",
    )
    report.add_argument(
        "--format", choices=("html", "csv", "json"), default="html", help="html (charts, Dutch; default), csv or json"
    )
    report.add_argument(
        "--out", type=Path, metavar="FILE", help="write to this file (readable by its owner only) instead of stdout"
    )
    report.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Write the report to stdout or --out; the exit code."""
    settings, rules = load(args)
    from datetime import UTC, datetime

    from mailbot.reports.kpi import load_report
    from mailbot.reports.model import Period, ReportError, names_from
    from mailbot.reports.render import render
    from mailbot.store import Store

    if args.year is not None:
        if args.first or args.last:
            print("mailbot: give either --jaarverslag YEAR or --from and --to, not both", file=sys.stderr)
            return 2
        return _annual(args, settings, rules)
    if not (args.first and args.last):
        print("mailbot: a report needs --from and --to (or --jaarverslag YEAR)", file=sys.stderr)
        return 2
    try:
        period = Period.parse(args.first, args.last, rules.calendar.timezone)
    except ReportError as exc:
        print(f"mailbot: {exc}", file=sys.stderr)
        return 2
    store = Store(settings.db_path)
    try:
        report = load_report(store, period, names_from(rules), datetime.now(UTC))
    finally:
        store.close()
    try:
        text = render(report, args.format, templates(args, rules), rules.organisation)
    except ReportError as exc:
        print(f"mailbot: {exc}", file=sys.stderr)
        return 2
    return _write(text, args.out)


def _annual(args: argparse.Namespace, settings: Settings, rules: Rules) -> int:
    """The yearly report: counts only and scrubbed improvements, fit to publish."""
    from datetime import UTC, datetime

    from mailbot.reports.annual import load_annual, render_annual
    from mailbot.reports.model import ReportError
    from mailbot.store import Store

    if not 2000 <= args.year <= 9999:
        print(f"mailbot: {args.year} is not a year", file=sys.stderr)
        return 2
    store = Store(settings.db_path)
    try:
        report = load_annual(store, args.year, rules.calendar.timezone, rules.organisation, datetime.now(UTC))
    finally:
        store.close()
    try:
        text = render_annual(report, args.format, templates(args, rules), rules.calendar.timezone)
    except ReportError as exc:
        print(f"mailbot: {exc}", file=sys.stderr)
        return 2
    return _write(text, args.out)


def _write(text: str, out: Path | None) -> int:
    """To stdout, or to ``out`` readable by its owner only (improvement texts may name people)."""
    from mailbot.files import write_private

    if out is None:
        sys.stdout.write(text)
        return 0
    try:
        write_private(out, text)
    except OSError as exc:
        print(f"mailbot: cannot write {out}: {exc.strerror}", file=sys.stderr)
        return 1
    print(out)
    return 0
