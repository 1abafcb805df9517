"""Staff commands: one small class per command (one module each), listed once in ``registry.py``.

``block.parse_commands`` reads the `#` lines of a staff member's note, wherever they stand (``scan``);
``staff.StaffDesk`` checks them against the lifecycle and applies them in ``in_order``.
"""

from mailbot.commands.base import Act, Command, CommandBlock, CommandError, Phase, Settle, StaffCommand
from mailbot.commands.block import describe, help_text, in_order, parse_commands
from mailbot.commands.plans import Agreement
from mailbot.commands.registry import ALIASES, COMMANDS, CONFLICTS, REGISTRY
from mailbot.commands.values import CommandValue

__all__ = [
    "ALIASES",
    "COMMANDS",
    "CONFLICTS",
    "REGISTRY",
    "Act",
    "Agreement",
    "Command",
    "CommandBlock",
    "CommandError",
    "CommandValue",
    "Phase",
    "Settle",
    "StaffCommand",
    "describe",
    "help_text",
    "in_order",
    "parse_commands",
]
