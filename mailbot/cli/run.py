"""`mailbot run`: the daemon, or with --once one pass over what is waiting."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING

from mailbot.cli.base import Subcommands, load, templates

if TYPE_CHECKING:
    from pathlib import Path

    from mailbot.ops.runlock import RunLock
    from mailbot.ops.runreport import RunReport

log = logging.getLogger("mailbot")


def register(commands: Subcommands) -> None:
    """Add `run` and its options."""
    run = commands.add_parser("run", help="run the daemon: watch the mailbox, handle mail, send what is due")
    run.add_argument("--once", action="store_true", help="process what is waiting, send what is due, then exit")
    run.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the daemon under the run lock; the exit code."""
    settings, rules = load(args)
    from mailbot.clock import SystemClock
    from mailbot.ops.daemon import Daemon
    from mailbot.store import Store

    if settings.imap is None or settings.smtp is None:
        print("mailbot: set MAILBOT_IMAP_URL and MAILBOT_SMTP_URL (see README)", file=sys.stderr)
        return 2
    from mailbot.auth.settings import OAuthError
    from mailbot.mail.compose import TemplateError
    from mailbot.ops.progress import NoProgress, progress_for
    from mailbot.ops.wiring import build_services

    lock = _locked(settings.db_path)
    if lock is None:
        return 2  # not a failure a restart can cure (the service does not restart on 2)
    # A backlog's progress on stderr for `run --once`; the daemon's log is for its own lines.
    progress = progress_for(sys.stderr) if args.once else NoProgress()
    store = Store(settings.db_path)
    try:
        services = build_services(rules, store, SystemClock(), templates(args, rules), settings.data_dir)
        daemon = Daemon(settings, services, progress)
        daemon.install_signal_handlers()
        report = daemon.run(once=args.once)
    except TemplateError as exc:
        print(f"mailbot: template error: {exc}", file=sys.stderr)
        return 2
    except OAuthError as exc:
        print(f"mailbot: sign-in failed: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        from mailbot.ops.daemon import is_connection_error

        if not is_connection_error(exc):
            raise
        # Only `run --once` gets here: the daemon itself reconnects with back-off.
        print(f"mailbot: cannot reach the mail server: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        progress.finish()
        store.close()
        lock.release()
    _log_done(report)
    return 0


def _locked(db_path: Path) -> RunLock | None:
    """The run lock on the database, taken; None (and said why) when another mailbot holds it."""
    from mailbot.ops.runlock import AlreadyRunning, RunLock

    lock = RunLock(db_path)
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        print(f"mailbot: {exc}", file=sys.stderr)
        return None
    return lock


def _log_done(report: RunReport) -> None:
    log.info(
        "done: %d processed, %d quarantined, %d sent, %d send failures",
        report.processed,
        report.quarantined,
        report.sent,
        report.send_failures,
    )
