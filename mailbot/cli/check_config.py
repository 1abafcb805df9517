"""`mailbot check-config`: validate rules.yaml, the templates and the environment."""

from __future__ import annotations

import argparse
import sys

from mailbot.cli.base import Subcommands, load, templates


def register(commands: Subcommands) -> None:
    """Add `check-config`."""
    check = commands.add_parser("check-config", help="validate rules.yaml, the templates and the environment")
    check.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Print what was checked and where mailbot will connect; 2 when something is wrong or missing."""
    settings, rules = load(args)
    from mailbot.mail.compose import TemplateError
    from mailbot.ops.wiring import checked_composer

    try:
        checked_composer(rules, templates(args, rules))
    except TemplateError as exc:
        print(f"mailbot: template error: {exc}", file=sys.stderr)
        return 2
    print(
        f"{settings.rules_path}: ok ({len(rules.teams)} teams, {len(rules.classification.rules)} rules, "
        f"deadlines: acknowledge {rules.deadlines.acknowledge}, solve {rules.deadlines.solve})"
    )
    missing = [
        name
        for name, value in (("MAILBOT_IMAP_URL", settings.imap), ("MAILBOT_SMTP_URL", settings.smtp))
        if value is None
    ]
    if missing:
        print(f"mailbot: not set: {', '.join(missing)} (needed by `mailbot run`)", file=sys.stderr)
        return 2
    assert settings.imap is not None and settings.smtp is not None
    print(
        f"IMAP: {settings.imap.host}:{settings.imap.port} as {settings.imap.username} "
        f"({'TLS' if settings.imap.ssl else 'plain'}{', XOAUTH2' if settings.imap.xoauth2 else ''})"
    )
    print(
        f"SMTP: {settings.smtp.host}:{settings.smtp.port} ({'TLS' if settings.smtp.ssl else 'STARTTLS if offered'}"
        f"{', XOAUTH2' if settings.smtp.xoauth2 else ''})"
    )
    if settings.oauth is not None:
        print(f"OAuth: {settings.oauth.describe()}")
    print(f"database: {settings.db_path}")
    return 0
