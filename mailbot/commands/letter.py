"""#post <e-mailadres> [naam]: registers a complaint received by letter, in a new mail to mailbot."""

from __future__ import annotations

from mailbot.commands.phone import Phone


class Letter(Phone):
    """As #telefonisch, for a letter."""

    name = "post"
    aliases = ("letter",)
    usage = "#post <e-mailadres> [naam] (of: naam, straat, postcode plaats)"
    help = "registreert een klacht per brief"
    conflicts = ()
    how = "schriftelijke"
