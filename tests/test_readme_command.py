"""The README's example of a new staff command works as the README says (issue 11, "Done when"):
its module, as printed, is the whole command; listed in the registry, staff can use it.

The example is read from README.md itself, so the README cannot drift from what works.
"""

from __future__ import annotations

import re
import sys
import textwrap
import types
from pathlib import Path

import pytest
from test_progress import OWNER, answer, complaint, mails

from mailbot.cases.lifecycle import BY_NAME, Status
from mailbot.commands import block, registry
from mailbot.commands.base import StaffCommand

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_command() -> StaffCommand:
    """The command class of the README's "A staff command" example, loaded as its own module."""
    text = README.read_text(encoding="utf-8")
    section = text.split("*A staff command*", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "README: no python example under 'A staff command'"
    module = types.ModuleType("mailbot.commands.readme_example")
    exec(compile(textwrap.dedent(match.group(1)), str(README), "exec"), module.__dict__)
    (cls,) = [
        v
        for v in vars(module).values()
        if isinstance(v, type) and issubclass(v, StaffCommand) and v is not StaffCommand
    ]
    return cls()


def test_the_example_is_a_complete_command_whose_step_is_in_the_lifecycle_table() -> None:
    command = readme_command()
    assert command.name not in registry.ALIASES  # a new name, not one of today's commands
    assert command.usage.startswith(f"#{command.name}") and command.help and command.label
    assert command.step in BY_NAME


@pytest.mark.integration
def test_staff_can_use_the_example_once_it_is_one_line_in_the_registry(bot, monkeypatch) -> None:
    command = readme_command()
    # What one more line in MODULES gives: the command in REGISTRY, and the tables registry.py derives from it.
    monkeypatch.setattr(block, "REGISTRY", (*registry.REGISTRY, command))
    monkeypatch.setitem(registry.COMMANDS, command.name, command)
    monkeypatch.setitem(registry.ALIASES, command.name, command.name)
    case, notice = complaint(bot)
    answer(bot, OWNER, notice, f"#{command.name} Klant gebeld; de monteur komt dinsdag.")
    store = bot.store()
    assert store.case(case.id).status == Status.IN_PROGRESS
    (event,) = [e for e in store.events(case.id) if e.kind == command.step]
    assert event.actor == OWNER and event.detail["command"].startswith(f"#{command.name}")
    (done,) = mails(bot, OWNER, "Uitgevoerd")
    assert f"{command.label}: Klant gebeld; de monteur komt dinsdag." in done.get_body(("plain",)).get_content()


def test_the_registry_makes_the_one_command_class_of_each_listed_module(monkeypatch) -> None:
    assert [type(c).__module__ for c in registry.REGISTRY] == [f"mailbot.commands.{m}" for m in registry.MODULES]
    example = type(readme_command())
    module = types.ModuleType(example.__module__)
    module.Callback = example
    monkeypatch.setitem(sys.modules, module.__name__, module)
    assert type(registry.command_of(module.__name__.rsplit(".", 1)[1])) is example
    # A module with no command (or two) is refused by name when the registry is made, not at first use.
    empty = types.ModuleType("mailbot.commands.empty_example")
    monkeypatch.setitem(sys.modules, empty.__name__, empty)
    with pytest.raises(TypeError, match=r"empty_example\.py must define one StaffCommand, not 0"):
        registry.command_of("empty_example")
