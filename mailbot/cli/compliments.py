"""`mailbot compliments`: how many compliments each team and person received."""

from __future__ import annotations

import argparse
import json

from mailbot.cli.base import Subcommands, load


def register(commands: Subcommands) -> None:
    """Add `compliments` and its options."""
    compliments = commands.add_parser("compliments", help="how many compliments each team and person received")
    compliments.add_argument("--json", action="store_true", help="print JSON instead of a table")
    compliments.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Print the counts as a table or as JSON; the exit code."""
    settings, rules = load(args)
    from mailbot.store import Store

    store = Store(settings.db_path)
    try:
        counts = store.compliment_counts()
    finally:
        store.close()
    rows = [
        {
            "team": team,
            "team_name": rules.teams[team].name if team in rules.teams else team,
            "person": person,
            "person_name": rules.person_name(person) if person else None,
            "compliments": n,
        }
        for team, person, n in counts
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        who = f"{row['person_name']} ({row['team_name']})" if row["person"] else f"{row['team_name']} (team)"
        print(f"{row['compliments']:>5}  {who}")
    print(f"{sum(n for _team, _person, n in counts)} compliment(s)")
    return 0
