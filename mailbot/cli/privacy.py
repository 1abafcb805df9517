"""`mailbot privacy`: AVG/GDPR, export or erase what is stored about one person."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mailbot.cli.base import Subcommands, load


def register(commands: Subcommands) -> None:
    """Add `privacy` and its actions export and erase."""
    privacy = commands.add_parser("privacy", help="AVG/GDPR: export or erase what is stored about one person")
    privacy.set_defaults(handler=handle)
    privacy_sub = privacy.add_subparsers(dest="privacy_command", required=True, metavar="ACTION")
    p_export = privacy_sub.add_parser(
        "export", help="everything stored about one address as one JSON file (raw mail base64-encoded)"
    )
    p_export.add_argument("address", help="the person's mail address")
    p_export.add_argument("--to", type=Path, help="write to this file, owner-only (0600), instead of standard output")
    p_erase = privacy_sub.add_parser(
        "erase", help="anonymise one address's cases and remove their mail and texts; statistics stay"
    )
    p_erase.add_argument("address", help="the person's mail address")
    p_erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def handle(args: argparse.Namespace) -> int:
    """Export one person's data, or erase it after confirmation; the exit code."""
    settings, rules = load(args)
    import sqlite3
    from datetime import UTC, datetime

    from mailbot import privacy
    from mailbot.files import write_private
    from mailbot.ops.wiring import archive_dir, blob_store
    from mailbot.store import Store

    store = Store(settings.db_path)
    blobs = blob_store(settings.data_dir)
    now = datetime.now(UTC)
    try:
        if args.privacy_command == "export":
            doc = privacy.export_person(store, blobs, args.address, now)
            text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
            if args.to is None:
                print(text, end="")
            else:
                write_private(args.to, text)
                print(f"{args.to}: {len(doc['cases'])} case(s), {len(doc['messages'])} message(s)")
            return 0
        address = privacy.erasable(args.address, rules.staff)
        if not args.yes:
            with store.transaction():
                found = privacy.preview(store, privacy.find_person(store, blobs, address, now))
            if not any(found.values()):
                print(f"nothing is stored about {address}")
                return 0
            print(f"stored about {address}: " + ", ".join(f"{n} {what}" for what, n in found.items()))
            if not _confirmed("Erase all of it for good? Cases stay, anonymised, for the statistics. [y/N] "):
                print("mailbot: nothing erased", file=sys.stderr)
                return 1
        result = privacy.erase_person(
            store, blobs, archive_dir(settings.data_dir), address, rules.staff, datetime.now(UTC)
        )
    except privacy.PrivacyError as exc:
        print(f"mailbot: {exc}", file=sys.stderr)
        return 1
    except (OSError, sqlite3.OperationalError) as exc:
        print(f"mailbot: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"erased {address}: " + ", ".join(f"{n} {what}" for what, n in result.counts().items()))
    if result.cases:
        print("anonymised cases: " + ", ".join(result.cases))
    return 0


def _confirmed(question: str) -> bool:
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes", "j", "ja")
