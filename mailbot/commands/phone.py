"""#telefonisch <e-mailadres> [naam]: registers a complaint taken by phone, in a new mail to mailbot."""

from __future__ import annotations

from typing import ClassVar

from mailbot.commands.base import StaffCommand
from mailbot.commands.values import CommandValue, ParseContext, customer
from mailbot.models import Address


class Phone(StaffCommand):
    """The customer's address and name; the note below the commands is the complaint (staff.StaffDesk.new_mail)."""

    name = "telefonisch"
    aliases: ClassVar[tuple[str, ...]] = ("phone",)
    usage = "#telefonisch <e-mailadres> [naam] (of: naam, straat, postcode plaats)"
    help = "registreert een klacht per telefoon"
    conflicts: ClassVar[tuple[str, ...]] = ("post",)
    how = "telefonische"  # the confirmation's adjective

    def parse(self, arg: str, ctx: ParseContext) -> CommandValue:
        """A customer's address, never the organisation's own."""
        return customer(arg, ctx)

    def describe(self, value: CommandValue) -> str:
        """The new complaint and whose it is."""
        assert isinstance(value, Address)
        if not value.email:  # no e-mail: every mail to them becomes a letter to post (cases/letters.py)
            where = ", ".join(value.postal.splitlines())
            return f"Nieuwe {self.how} klacht van {value.name}, {where} (geen e-mailadres: de klant krijgt brieven)"
        who = f"{value.name} <{value.email}>" if value.name else value.email
        return f"Nieuwe {self.how} klacht van {who}"
