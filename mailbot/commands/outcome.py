"""#oordeel gegrond|deels gegrond|ongegrond: records the conclusion on the complaint (Awb 9:12).

The conclusion is an event of the case (kind ``outcome``): the dossier's timeline shows it, the
decision letter that follows states it, and the yearly report counts it.
"""

from __future__ import annotations

from typing import Any

from mailbot.cases.decision import OUTCOMES
from mailbot.commands.base import Phase, StaffCommand
from mailbot.commands.values import CommandValue, ParseContext, choice


class OutcomeCommand(StaffCommand):
    """One of OUTCOMES."""

    name = "oordeel"
    aliases = ("outcome",)
    usage = "#oordeel gegrond|deels gegrond|ongegrond"
    help = "legt vast of de klacht gegrond, deels gegrond of ongegrond is; de beslissing aan de klant noemt het"
    step = "outcome"
    # A fact: with #opgelost in the same mail, the decision the customer gets states it.
    phase = Phase.FACT
    label = "Oordeel"

    def parse(self, arg: str, ctx: ParseContext) -> CommandValue:
        """One of OUTCOMES, written with or without the space ("deels-gegrond" too)."""
        table = {word: word for word in OUTCOMES} | {word.replace(" ", "-"): word for word in OUTCOMES}
        return choice(table, arg.strip(), ctx)

    def describe(self, value: CommandValue) -> str:
        """The conclusion as recorded."""
        return f"Oordeel vastgelegd: de klacht is {value}"

    def detail(self, value: CommandValue) -> dict[str, Any]:
        """The event keeps the conclusion."""
        return {"outcome": str(value)}
