"""#oplossing <tekst>: proposes a solution to the customer by mail."""

from __future__ import annotations

from mailbot.commands.base import Act, StaffCommand
from mailbot.commands.values import CommandValue, ParseContext, text
from mailbot.models import Case


class Solution(StaffCommand):
    """The proposal's text (or the note below the block); the step mails it to the customer."""

    name = "oplossing"
    aliases = ("solution",)
    usage = "#oplossing <tekst>"
    help = "stuurt de klant een voorstel voor een oplossing"
    step = "propose-solution"
    label = "Oplossing"

    def parse(self, arg: str, ctx: ParseContext) -> CommandValue:
        """Required text, from the line or the note."""
        return text(arg, ctx, required=True, from_note=True)

    def record(self, case: Case, value: CommandValue, act: Act) -> None:
        """Keep the solution on the case."""
        if value:
            act.work.store.update_case(case.id, act.now, solution=str(value))
