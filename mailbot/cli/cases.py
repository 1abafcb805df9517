"""`mailbot cases`: list the cases, show one dossier, export one case to the archive."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mailbot.cli.base import Subcommands, load, templates

if TYPE_CHECKING:
    from mailbot.config import Rules, Settings
    from mailbot.models import Case
    from mailbot.store import Store


def register(commands: Subcommands) -> None:
    """Add `cases` and its actions list, show and export."""
    cases = commands.add_parser("cases", help="list cases, show one dossier or export it to the archive")
    cases.set_defaults(handler=handle)
    cases_sub = cases.add_subparsers(dest="cases_command", required=True, metavar="ACTION")
    listing = cases_sub.add_parser("list", help="all cases, urgent first")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.add_argument("--status", help="only cases with this status")
    show = cases_sub.add_parser("show", help="one case's dossier: fields, messages, events")
    show.add_argument("ref", help="case reference, such as KL-2026-0001")
    show.add_argument("--json", action="store_true", help="print JSON instead of text")
    export = cases_sub.add_parser("export", help="archive one case: its mail as .eml, dossier.html/.json, manifest")
    export.add_argument("ref", help="case reference, such as KL-2026-0001")
    export.add_argument("--to", type=Path, help="archive folder (default: archive/ in the data folder)")


def handle(args: argparse.Namespace) -> int:
    """Print the list or the dossier, or write the archive; the exit code."""
    settings, rules = load(args)
    from zoneinfo import ZoneInfo

    from mailbot.cases.dossier import case_dict, dossier, render_dossier, render_table
    from mailbot.store import Store

    store = Store(settings.db_path)
    zone = ZoneInfo(rules.calendar.timezone)
    try:
        if args.cases_command == "list":
            cases = store.cases(args.status)
            if args.json:
                print(json.dumps([case_dict(c) for c in cases], ensure_ascii=False, indent=2))
            else:
                print(render_table(cases, zone), end="")
            return 0
        case = store.case_by_ref(args.ref)
        if case is None:
            print(f"mailbot: no case {args.ref}", file=sys.stderr)
            return 1
        if args.cases_command == "export":
            return _export(args, settings, rules, store, case)
        data = dossier(store, case)
        print(json.dumps(data, ensure_ascii=False, indent=2) if args.json else render_dossier(data, zone), end="\n")
        return 0
    finally:
        store.close()


def _export(args: argparse.Namespace, settings: Settings, rules: Rules, store: Store, case: Case) -> int:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from mailbot.cases.archive import ArchiveError, archive_case
    from mailbot.ops.wiring import archive_dir, blob_store

    root = args.to or archive_dir(settings.data_dir)
    blobs = blob_store(settings.data_dir)
    try:
        zone = ZoneInfo(rules.calendar.timezone)
        path = archive_case(store, blobs, case, root, zone, templates(args, rules), datetime.now(UTC))
    except (ArchiveError, OSError) as exc:
        print(f"mailbot: cannot archive {case.ref}: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0
