"""`mailbot demo`: a complete run on loopback IMAP (Dovecot) and SMTP servers."""

from __future__ import annotations

import argparse
import sys

from mailbot.cli.base import Subcommands


def register(commands: Subcommands) -> None:
    """Add `demo` and its options."""
    demo = commands.add_parser("demo", help="run a complete demo on loopback IMAP (Dovecot) and SMTP servers")
    demo.add_argument("--keep", action="store_true", help="keep the demo's temporary folder")
    demo.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the demo; 2 when its servers' extra is not installed."""
    try:
        from mailbot.demo import run_demo
    except ModuleNotFoundError as exc:
        # The demo's SMTP sink is aiosmtpd, an extra: a plain `pip install mailbot` lacks it.
        if (exc.name or "").partition(".")[0] != "aiosmtpd":
            raise
        print("mailbot: the demo needs aiosmtpd: pip install 'mailbot[demo]'", file=sys.stderr)
        return 2
    return run_demo(keep=args.keep)
