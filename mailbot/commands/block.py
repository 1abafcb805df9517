"""Staff commands (`#eigenaar`, `#gesprek dinsdag 14:00`, ...) on their own lines in a note: parsed, not applied."""

from __future__ import annotations

import difflib
from datetime import datetime

from mailbot.commands.base import Command, CommandBlock, CommandError
from mailbot.commands.registry import ALIASES, COMMANDS, CONFLICTS, REGISTRY
from mailbot.commands.scan import scan
from mailbot.commands.values import Invalid, ParseContext
from mailbot.config import Rules


def parse_commands(text: str, *, rules: Rules, now: datetime) -> CommandBlock:
    """The `#` command lines anywhere in ``text`` (the writer's own words), the note, and commands named in sentences.

    See ``scan``: a greeting may come first, a signature last; a command inside a sentence is
    reported in ``mentions``, never obeyed.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"timezone-aware datetime required, got {now!r}")
    found = scan(text)
    note = found.note
    commands: list[Command] = []
    errors: list[CommandError] = []
    for number, raw in found.lines:
        head, _, arg = raw[1:].strip().partition(" ")
        used = head.lower().rstrip(":.,!")  # "#opgelost." and "#urgent!" as staff type them
        name = ALIASES.get(used)
        if name is None:
            errors.append(CommandError(number, raw, _unknown(head)))
            continue
        spec = COMMANDS[name]
        try:
            value = spec.parse(arg.strip(), ParseContext(rules, now, note, used))
        except Invalid as exc:
            errors.append(CommandError(number, raw, str(exc)))
            continue
        earlier = next((i for i, c in enumerate(commands) if c.name == name), None)
        joined = spec.gather(commands[earlier], Command(name, raw, number, value)) if earlier is not None else None
        if earlier is not None and joined is not None:
            commands[earlier] = joined  # one command for all its lines (the #afspraak letter)
            continue
        if not spec.repeatable and any(c.name == name for c in commands):
            errors.append(CommandError(number, raw, f"U schrijft twee keer #{name}. Gebruik #{name} maar één keer."))
            continue
        commands.append(Command(name, raw, number, value))
    names = {c.name for c in commands}
    for a, b in CONFLICTS:
        if a in names and b in names:
            second = max((c for c in commands if c.name in (a, b)), key=lambda c: c.line)
            errors.append(CommandError(second.line, second.raw, f"#{a} en #{b} gaan niet samen. Kies er één."))
    return CommandBlock(tuple(commands), tuple(sorted(errors, key=lambda e: e.line)), note, found.mentions)


def describe(cmd: Command) -> str:
    """Confirm in Dutch what ``cmd`` was understood to mean, e.g. the exact date of a meeting."""
    return COMMANDS[cmd.name].describe(cmd.value)


def in_order(commands: tuple[Command, ...]) -> list[Command]:
    """The order commands are checked and applied in: by phase (facts, verdict, steps), else as written."""
    return sorted(commands, key=lambda c: COMMANDS[c.name].phase)


def help_text() -> str:
    """The list of commands in Dutch, to send with a reply about a mistake."""
    rows = [f"{c.usage}  {c.help}" + "".join(f" (ook #{a})" for a in c.aliases[-1:]) for c in REGISTRY]
    return (
        "U kunt deze opdrachten in uw antwoord zetten, elk op een eigen regel, boven het bericht waarop u "
        "antwoordt:\n\n" + "\n".join(rows)
    )


def _unknown(head: str) -> str:
    if not head:
        return "Na het teken # staat geen opdracht."
    close = difflib.get_close_matches(head.lower(), ALIASES, n=1, cutoff=0.6)
    hint = f" Bedoelt u #{close[0]}?" if close else " Hieronder ziet u welke opdrachten er zijn."
    return f"Onbekende opdracht '#{head}'.{hint}"
