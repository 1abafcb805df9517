"""What the command modules share: the subparsers they register with, settings and rules from the options."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from mailbot.config import Rules, Settings

# What `register(commands)` of a command module receives: `commands.add_parser(name, help=...)`.
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def load(args: argparse.Namespace) -> tuple[Settings, Rules]:
    """The settings (environment and global options) and the rules file they name."""
    from mailbot.config import load_rules

    settings = load_settings(args)
    return settings, load_rules(settings.rules_path)


def load_settings(args: argparse.Namespace) -> Settings:
    """The settings from the environment, with --rules and --db applied."""
    from dataclasses import replace

    from mailbot.config import load_settings as from_environment

    settings = from_environment()
    if args.rules:
        settings = replace(settings, rules_path=args.rules)
    if args.db:
        settings = replace(settings, db_path=args.db, data_dir=args.db.parent)
    return settings


def templates(args: argparse.Namespace, rules: Rules) -> Path:
    """The template folder: --templates, else the rules file's `templates:`."""
    return Path(args.templates) if args.templates else rules.template_dir
