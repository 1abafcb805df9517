"""`mailbot login`: sign the mailbox in with OAuth2; needs the environment only, not rules.yaml."""

from __future__ import annotations

import argparse

from mailbot.cli.base import Subcommands, load_settings


def register(commands: Subcommands) -> None:
    """Add `login` and its options."""
    login = commands.add_parser(
        "login", help="sign the mailbox in with OAuth2 (MAILBOT_OAUTH), store the sign-in, test IMAP and SMTP"
    )
    login.add_argument(
        "provider", choices=("microsoft", "google"), help="microsoft (device code or app secret) or google (browser)"
    )
    login.add_argument(
        "--timeout", type=float, default=300.0, metavar="SECONDS", help="wait this long for the sign-in (default: 300)"
    )
    login.add_argument(
        "--port",
        type=int,
        default=0,
        help="google: the 127.0.0.1 port the browser returns to (default: a free one; fix it to forward it over ssh)",
    )
    login.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Sign in with the provider and store the sign-in; the exit code."""
    from mailbot.auth.login import login

    return login(args.provider, load_settings(args), args.timeout, args.port)
