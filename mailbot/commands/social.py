"""#sociaal <e-mailadres> [naam]: registers a complaint seen on social media, in a new mail to mailbot."""

from __future__ import annotations

from mailbot.commands.phone import Phone


class Social(Phone):
    """As #telefonisch, for a complaint a customer posted on social media (the channel counts in the reports)."""

    name = "sociaal"
    aliases = ("social", "socialmedia")
    usage = "#sociaal <e-mailadres> [naam]"
    help = "registreert een klacht die de klant op sociale media plaatste"
    conflicts = ("telefonisch", "post")
    how = "via sociale media gemelde"
