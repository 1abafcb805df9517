"""`mailbot report`: the complaint policy's figures over a period, as HTML, CSV or JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mailbot.cli.base import Subcommands, load, templates


def register(commands: Subcommands) -> None:
    """Add `report` and its options."""
    report = commands.add_parser("report", help="the complaint policy's figures over a period (HTML, CSV or JSON)")
    report.add_argument(
        "--from", dest="first", required=True, metavar="YYYY-MM-DD", help="first day: cases received from this day"
    )
    report.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD", help="last day, included")
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

    from mailbot.files import write_private
    from mailbot.reports.kpi import load_report
    from mailbot.reports.model import Period, ReportError, names_from
    from mailbot.reports.render import render
    from mailbot.store import Store

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
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        # Improvement texts may name people: like the dossiers, readable by the owner only.
        write_private(args.out, text)
    except OSError as exc:
        print(f"mailbot: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return 1
    print(args.out)
    return 0
