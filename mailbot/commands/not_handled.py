"""#niet-behandelen <reden>: the complaint is not handled, and the customer is told why in writing.

The Awb (9:8) lets an administrative body leave a complaint unhandled on stated grounds (handled
before, older than a year, open to objection or appeal, before a court) and asks it to tell the
complainant in writing, within four weeks of receipt. The case closes; the event (``not-handled``)
is what the yearly report counts as "niet behandeld".
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from mailbot.commands.base import Act, Command, StaffCommand
from mailbot.commands.values import CommandValue, ParseContext, text
from mailbot.models import Case

AWB_TERM = timedelta(weeks=4)  # Awb 9:8 (2): the complainant is told within four weeks of receipt


class NotHandled(StaffCommand):
    """The reason, from the line or the note below the block; the customer reads it as written."""

    name = "niet-behandelen"
    aliases = ("not-handled",)
    usage = "#niet-behandelen <reden>"
    help = "behandelt de klacht niet (Awb 9:8): de klant krijgt de reden schriftelijk en de zaak sluit"
    step = "not-handled"
    label = "Klacht niet in behandeling genomen"

    def parse(self, arg: str, ctx: ParseContext) -> CommandValue:
        """The reason is required: the customer is told it."""
        return text(arg, ctx, required=True, from_note=True)

    def detail(self, value: CommandValue) -> dict[str, Any]:
        """The event keeps the reason."""
        return {"reason": str(value)}

    def customer_extra(self, case: Case, value: CommandValue, act: Act) -> dict[str, Any]:
        """The letter gives the reason."""
        return {"reason": str(value)}

    def apply(self, case: Case, cmd: Command, act: Act) -> str:
        """As any step; the confirmation says so when the four weeks of Awb 9:8 have passed."""
        done = super().apply(case, cmd, act)
        if act.now - case.received_at > AWB_TERM:
            done += " (let op: de klacht kwam meer dan vier weken geleden binnen; de Awb vraagt dit eerder te melden)"
        return done
