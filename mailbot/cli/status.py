"""`mailbot status`: is the daemon alive; the outbox, the quarantine, deadlines at risk."""

from __future__ import annotations

import argparse
import json
import sys

from mailbot.cli.base import Subcommands, load


def register(commands: Subcommands) -> None:
    """Add `status` and its options."""
    status = commands.add_parser(
        "status",
        help="is the daemon alive; outbox, quarantine, deadlines at risk (exit 0 healthy, 1 unhealthy, 2 config error)",
    )
    status.add_argument("--json", action="store_true", help="print JSON instead of text")
    status.add_argument(
        "--strict", action="store_true", help="exit 1 also when mail is parked or quarantined, or a deadline is at risk"
    )
    status.add_argument(
        "--stale-after",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="a daemon silent, or in trouble, this long counts as unhealthy (default: 600)",
    )
    status.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Print the health as text or JSON; the exit code says healthy, unhealthy or configuration error."""
    settings, rules = load(args)
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from mailbot.ops.status import CONFIG_ERROR, assess, gather, health_dict, render
    from mailbot.store import Store

    if not settings.db_path.exists():  # opening it would create an empty one
        print(f"mailbot: no database at {settings.db_path} (set MAILBOT_DB or --db)", file=sys.stderr)
        return CONFIG_ERROR
    now = datetime.now(UTC)
    store = Store(settings.db_path)
    try:
        facts = gather(store, rules, now)
    finally:
        store.close()
    health = assess(facts, now, timedelta(seconds=args.stale_after))
    if args.json:
        print(json.dumps(health_dict(health), ensure_ascii=False, indent=2))
    else:
        print(render(health, ZoneInfo(rules.calendar.timezone)), end="")
    return health.exit_code(strict=args.strict)
