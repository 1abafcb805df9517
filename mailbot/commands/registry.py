"""The staff commands, in the order the help lists them. A new command: one module, one line here."""

from __future__ import annotations

from mailbot.commands.agreement import AgreementCommand
from mailbot.commands.base import StaffCommand
from mailbot.commands.category import CategoryCommand
from mailbot.commands.close import Close
from mailbot.commands.contact import Contact
from mailbot.commands.escalate import Escalate
from mailbot.commands.extension import ExtensionCommand
from mailbot.commands.improve import Improve
from mailbot.commands.interim import InterimUpdate
from mailbot.commands.letter import Letter
from mailbot.commands.meeting import Meeting
from mailbot.commands.not_handled import NotHandled
from mailbot.commands.outcome import OutcomeCommand
from mailbot.commands.owner import Owner
from mailbot.commands.phone import Phone
from mailbot.commands.posted import Posted
from mailbot.commands.satisfied import Satisfied
from mailbot.commands.social import Social
from mailbot.commands.solution import Solution
from mailbot.commands.solved import Solved
from mailbot.commands.status import StatusCommand
from mailbot.commands.subject_type import SubjectTypeCommand
from mailbot.commands.team import Team
from mailbot.commands.urgent import Urgent

REGISTRY: tuple[StaffCommand, ...] = (
    Owner(),
    Team(),
    Urgent(),
    SubjectTypeCommand(),
    CategoryCommand(),
    Escalate(),
    Satisfied(),
    StatusCommand(),
    Contact(),
    Solution(),
    OutcomeCommand(),
    Solved(),
    ExtensionCommand(),
    InterimUpdate(),
    Meeting(),
    AgreementCommand(),
    Improve(),
    Close(),
    NotHandled(),
    Phone(),
    Letter(),
    Social(),
    Posted(),
)
COMMANDS: dict[str, StaffCommand] = {c.name: c for c in REGISTRY}
# Every name a command may be written with -> its canonical name.
ALIASES: dict[str, str] = {a: c.name for c in REGISTRY for a in (c.name, *c.aliases)}
# Pairs that contradict each other in one block.
CONFLICTS: tuple[tuple[str, str], ...] = tuple((c.name, other) for c in REGISTRY for other in c.conflicts)
