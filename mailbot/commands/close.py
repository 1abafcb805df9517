"""#sluiten [reden]: closes the case; the step's staff mail asks the owner for the improvement form."""

from __future__ import annotations

from mailbot.commands.base import StaffCommand


class Close(StaffCommand):
    """An optional reason."""

    name = "sluiten"
    aliases = ("close",)
    usage = "#sluiten [reden]"
    help = "sluit de zaak"
    step = "close"
    label = "Zaak gesloten"
