"""`mailbot check-auth FILE.eml [--json]`: would mailbot obey this staff mail, and why (or why not)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mailbot.cli.base import Subcommands, load


def register(commands: Subcommands) -> None:
    """Add `check-auth`."""
    check = commands.add_parser(
        "check-auth",
        help="say whether a staff member's mail (as delivered, with its headers) would be obeyed, and why",
    )
    check.add_argument("file", type=Path, help="the mail as a .eml file, saved from the watched mailbox")
    check.add_argument("--json", action="store_true", help="print the findings as JSON")
    check.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Print the verdict; 0 when the mail would be obeyed, 1 when not, 2 when the file is no mail."""
    settings, rules = load(args)
    from mailbot.mail.authcheck import as_json, as_text, check_auth
    from mailbot.mail.msgid import existing_secret
    from mailbot.mail.parse import ParseError

    try:
        # The key of the case reply addresses, when mailbot has one (never made here).
        secret = existing_secret(settings.data_dir)
    except OSError as exc:
        print(f"mailbot: reply addresses not checked, the key is unreadable: {exc}", file=sys.stderr)
        secret = None
    try:
        check = check_auth(args.file.read_bytes(), rules, secret)
    except (OSError, ParseError) as exc:
        print(f"mailbot: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(as_json(check), indent=2) if args.json else as_text(check))
    return 0 if check.obeyed else 1
