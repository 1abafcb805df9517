"""What every staff command is: a name, its aliases and help, a reader for its argument, and what it does.

A command is one small class in its own module of this package, listed once in ``registry.py``.
The class says which lifecycle step it takes (``lifecycle.TRANSITIONS``); the mail that step
sends is the table's, not the command's.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from mailbot.cases.lifecycle import BY_NAME, Status, Transition, next_status
from mailbot.cases.work import CaseWork
from mailbot.commands.values import CommandValue, ParseContext, text
from mailbot.models import Case, Category, Person

Settle = Callable[[Case, Category, str, datetime], Case]


class Phase(enum.IntEnum):
    """When in a block a command is checked and applied: the facts, then the verdict, then the steps after it.

    The facts come first so that the mail #soort and #escaleren send reflects #urgent, #type, #team.
    """

    FACT = 0
    VERDICT = 1
    STEP = 2


@dataclass(frozen=True)
class Command:
    """One understood command line: ``name`` is the canonical Dutch name."""

    name: str
    raw: str
    line: int
    value: CommandValue


@dataclass(frozen=True)
class CommandError:
    """A command line that could not be used, with the reason in plain Dutch for the writer."""

    line: int
    raw: str
    reason: str


@dataclass(frozen=True)
class CommandBlock:
    """The command lines of a note, the mistakes in them, the note text, and commands named inside sentences.

    ``mentions`` are never obeyed: the writer is told each one was not done (scan.py).
    """

    commands: tuple[Command, ...]
    errors: tuple[CommandError, ...]
    note: str
    mentions: tuple[CommandError, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no command line has a mistake."""
        return not self.errors


@dataclass(frozen=True)
class Act:
    """Who applies a command, when, and the services it may use (inside the caller's transaction).

    ``afterwards`` holds what must wait for every command of the mail (alerts that show the
    case as the whole mail leaves it); the staff desk runs them with the case re-read.
    """

    work: CaseWork
    settle: Settle
    actor: str
    now: datetime
    afterwards: list[Callable[[Case], None]] = field(default_factory=list)

    def others(self, people: list[Person]) -> list[Person]:
        """``people`` without the one giving the command: they get one confirmation, listing everything."""
        return [p for p in people if p.email != self.actor]


class StaffCommand:
    """One staff command. Subclasses set the class attributes and override what differs."""

    name: ClassVar[str]  # the canonical Dutch name, written after `#`
    aliases: ClassVar[tuple[str, ...]] = ()  # other names; the last is shown in the help
    usage: ClassVar[str]
    help: ClassVar[str]  # one line in Dutch for the help list
    step: ClassVar[str | None] = None  # the lifecycle transition it takes (None: it registers a new case)
    phase: ClassVar[Phase] = Phase.STEP
    repeatable: ClassVar[bool] = False  # may appear more than once in one block
    conflicts: ClassVar[tuple[str, ...]] = ()  # commands that contradict this one in one block
    label: ClassVar[str] = ""  # how the confirmation to staff starts (see describe)
    # False: the step's staff mail is news the actor's own confirmation already gives (#eigenaar).
    tells_actor: ClassVar[bool] = True

    def parse(self, arg: str, ctx: ParseContext) -> CommandValue:
        """The command's value from the text after its name; values.Invalid with a Dutch reason if unusable."""
        return text(arg, ctx, required=False, from_note=False)

    def describe(self, value: CommandValue) -> str:
        """Confirm in Dutch what the command was understood to mean."""
        return f"{self.label}: {value}" if value else self.label

    @property
    def registers(self) -> bool:
        """True for a command that opens a new case (phone, letter) instead of acting on one."""
        return self.step is None

    def transition(self) -> Transition:
        """The lifecycle step this command takes."""
        assert self.step is not None, f"#{self.name} takes no lifecycle step"
        return BY_NAME[self.step]

    def status_after(self, value: CommandValue, case: Case, status: Status) -> Status:
        """The status the case will have after this command, for checking the commands after it."""
        return next_status(self.transition(), status)

    def check(self, value: CommandValue, case: Case, work: CaseWork) -> None:
        """Refuse a value this case cannot take (lifecycle.NotAllowed with the Dutch reason); nothing is applied."""

    def gather(self, earlier: Command, later: Command) -> Command | None:
        """A second line of this command in one mail joined to the first, or None: the lines stay apart."""
        return None

    def apply(self, case: Case, cmd: Command, act: Act) -> str:
        """Record the command, take its step, send the step's mail; return the confirmation for staff."""
        work = act.work
        self.record(case, cmd.value, act)
        case, step = work.step(
            case, self.transition().name, act.actor, act.now, command=cmd.raw, **self.detail(cmd.value)
        )
        self.follow_through(case, cmd.value, act)
        people = work.owner_people(case) if self.tells_actor else act.others(work.owner_people(case))
        if people:
            work.step_staff_mail(case, step, act.now, people, **self.staff_extra(act))
        if step.customer_mail:
            extra = self.customer_extra(case, cmd.value, act)
            work.to_customer(case, self.name, step.customer_mail, act.now, automatic=False, **extra)
        return self.describe(cmd.value)

    def record(self, case: Case, value: CommandValue, act: Act) -> None:
        """Write what the command sets on the case, before its step is taken."""

    def detail(self, value: CommandValue) -> dict[str, Any]:
        """What the step's event records besides the command line."""
        return {}

    def follow_through(self, case: Case, value: CommandValue, act: Act) -> None:
        """What the command sets in motion beyond the step's mail: timers, alerts."""

    def staff_extra(self, act: Act) -> dict[str, Any]:
        """What the step's staff mail (if the table names one) may say besides the case."""
        return {}

    def customer_extra(self, case: Case, value: CommandValue, act: Act) -> dict[str, Any]:
        """What the step's customer mail (if the table names one) may say besides the case."""
        return {"solution": case.solution or ""}
