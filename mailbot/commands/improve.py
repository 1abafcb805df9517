"""#verbeter <tekst>: records a point of improvement for the organisation (for the reports)."""

from __future__ import annotations

from typing import Any

from mailbot.commands.base import Phase, StaffCommand
from mailbot.commands.values import CommandValue, ParseContext, text


class Improve(StaffCommand):
    """Required text; kept in the step's event."""

    name = "verbeter"
    aliases = ("improve",)
    usage = "#verbeter <tekst>"
    help = "legt een verbeterpunt voor de organisatie vast"
    step = "improvement"
    phase = Phase.FACT
    repeatable = True
    label = "Verbeterpunt"

    def parse(self, arg: str, ctx: ParseContext) -> CommandValue:
        """Required text on the line."""
        return text(arg, ctx, required=True, from_note=False)

    def detail(self, value: CommandValue) -> dict[str, Any]:
        """The suggestion, in the event."""
        return {"suggestion": str(value)}
