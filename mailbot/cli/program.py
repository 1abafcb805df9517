"""The `mailbot` program: the global options, the list of commands, and `main()`.

Imports of the heavy modules happen inside each command, so `mailbot --help` stays fast.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from mailbot.cli import (
    cases,
    check_auth,
    check_config,
    classify,
    compliments,
    demo,
    login,
    privacy,
    report,
    run,
    status,
)
from mailbot.logs import FORMATS, setup_logging

# The command modules, in the order `mailbot --help` lists them; each adds its parsers in `register`.
COMMANDS = (run, cases, compliments, report, classify, privacy, check_config, check_auth, login, status, demo)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command and its help text."""
    parser = argparse.ArgumentParser(
        prog="mailbot",
        description="Complaint-handling mailbox daemon: reads klacht@/beveiliging@ over IMAP, opens and "
        "threads cases, sends Dutch acknowledgements over SMTP within the policy's deadlines.",
    )
    parser.add_argument("--rules", type=Path, help="rules file (default: $MAILBOT_RULES or rules.yaml)")
    parser.add_argument("--db", type=Path, help="database (default: $MAILBOT_DB or data/mailbot.db)")
    parser.add_argument("--templates", type=Path, help="template folder (default: `templates:` in the rules file)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    parser.add_argument(
        "--log-format",
        choices=FORMATS,
        help="log lines as text or as JSON objects, one per line (default: $MAILBOT_LOG_FORMAT or text)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = build_parser().parse_args(argv)
    log_format = args.log_format or os.environ.get("MAILBOT_LOG_FORMAT", "").strip().lower() or "text"
    if log_format not in FORMATS:
        print(f"mailbot: MAILBOT_LOG_FORMAT must be text or json, not {log_format!r}", file=sys.stderr)
        return 2
    # The demo tells its own story; its daemon's log lines only with --verbose.
    level = logging.DEBUG if args.verbose else logging.WARNING if args.command == "demo" else logging.INFO
    _setup_logging(level, log_format)
    from mailbot.config import ConfigError

    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except ConfigError as exc:
        print(f"mailbot: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _setup_logging(level: int, log_format: str) -> None:
    setup_logging(level, log_format)
    for noisy in ("imapclient", "aiosmtplib", "mailparser", "mail-parser", "mail.log", "msal", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
