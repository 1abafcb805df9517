"""The staff commands, in the order the help lists them. A new command: one module, and its name on one line here."""

from __future__ import annotations

import importlib

from mailbot.commands.base import StaffCommand

# The modules of mailbot/commands/, one command each, in the order of the help staff get.
MODULES: tuple[str, ...] = (
    "owner",
    "team",
    "urgent",
    "subject_type",
    "category",
    "escalate",
    "satisfied",
    "status",
    "contact",
    "solution",
    "outcome",
    "solved",
    "extension",
    "interim",
    "meeting",
    "agreement",
    "improve",
    "close",
    "not_handled",
    "phone",
    "letter",
    "social",
    "posted",
)


def command_of(module_name: str) -> StaffCommand:
    """The one StaffCommand class defined in ``mailbot/commands/<module_name>.py``, made."""
    module = importlib.import_module(f"mailbot.commands.{module_name}")
    found = [
        v
        for v in vars(module).values()
        if isinstance(v, type) and issubclass(v, StaffCommand) and v.__module__ == module.__name__
    ]
    if len(found) != 1:
        raise TypeError(f"mailbot/commands/{module_name}.py must define one StaffCommand, not {len(found)}")
    return found[0]()


REGISTRY: tuple[StaffCommand, ...] = tuple(command_of(name) for name in MODULES)
COMMANDS: dict[str, StaffCommand] = {c.name: c for c in REGISTRY}
# Every name a command may be written with -> its canonical name.
ALIASES: dict[str, str] = {a: c.name for c in REGISTRY for a in (c.name, *c.aliases)}
# Pairs that contradict each other in one block.
CONFLICTS: tuple[tuple[str, str], ...] = tuple((c.name, other) for c in REGISTRY for other in c.conflicts)
