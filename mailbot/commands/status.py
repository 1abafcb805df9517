"""#status in behandeling|wacht op klant|open: sets the case's status by hand."""

from __future__ import annotations

from mailbot.cases.lifecycle import Status
from mailbot.commands.base import Act, Phase, StaffCommand
from mailbot.commands.values import CommandValue, ParseContext, choice
from mailbot.models import Case

DUTCH_STATUSES = {"in behandeling": Status.IN_PROGRESS, "wacht op klant": Status.WAITING, "open": Status.OPEN}
STATUSES = {**DUTCH_STATUSES, "in progress": Status.IN_PROGRESS, "waiting": Status.WAITING}


class StatusCommand(StaffCommand):
    """One of the statuses staff may set (a Status value)."""

    name = "status"
    usage = "#status in behandeling|wacht op klant|open"
    help = "zet de status van de zaak"
    step = "set-status"
    phase = Phase.FACT
    conflicts = ("sluiten", "opgelost")

    def parse(self, arg: str, ctx: ParseContext) -> CommandValue:
        """One of STATUSES."""
        return choice(STATUSES, arg, ctx)

    def describe(self, value: CommandValue) -> str:
        """The status's Dutch name."""
        return f"Status: {next(k for k, s in DUTCH_STATUSES.items() if s == value)}"

    def status_after(self, value: CommandValue, case: Case, status: Status) -> Status:
        """The status written."""
        return Status(str(value))

    def record(self, case: Case, value: CommandValue, act: Act) -> None:
        """Set the status."""
        act.work.store.update_case(case.id, act.now, status=str(value))
