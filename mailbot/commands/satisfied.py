"""#tevreden: the customer said (in a call, say) they are satisfied with the solution; the case closes."""

from __future__ import annotations

from mailbot.commands.base import StaffCommand


class Satisfied(StaffCommand):
    """An optional reason; the step's staff mail asks the owner for the improvement form."""

    name = "tevreden"
    aliases = ("satisfied",)
    usage = "#tevreden"
    help = "de klant is tevreden over de oplossing: sluit de zaak"
    step = "satisfied"
    conflicts = ("escaleren", "sluiten")
    label = "Klant is tevreden: zaak gesloten"
