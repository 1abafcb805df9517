"""#tussenbericht <tekst>: the interim update to the customer, now, with the owner's own words."""

from __future__ import annotations

from mailbot.cases.contact import news, send_interim_update
from mailbot.commands.base import Act, Command, StaffCommand
from mailbot.commands.values import CommandValue, ParseContext, text
from mailbot.models import Case


class InterimUpdate(StaffCommand):
    """Required text, written for the customer; it replaces the pending interim update."""

    name = "tussenbericht"
    aliases = ("interim",)
    usage = "#tussenbericht <tekst>"
    help = "stuurt de klant nu een tussenbericht met uw tekst"
    step = "interim-update"
    label = "Tussenbericht aan de klant"

    def parse(self, arg: str, ctx: ParseContext) -> CommandValue:
        """Required text on the line."""
        return text(arg, ctx, required=True, from_note=False)

    def apply(self, case: Case, cmd: Command, act: Act) -> str:
        """Mail the customer the update with the text and what happened; the next update counts from now."""
        words = str(cmd.value).strip()
        words = words if words[-1] in ".!?" else f"{words}."
        send_interim_update(act.work, case, act.actor, act.now, happened=news(act.work, case), owner_text=words)
        return self.describe(cmd.value)
