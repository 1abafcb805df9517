"""What a staff command's argument can be, and the readers the commands share: addresses, dates, choices."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from mailbot.commands.plans import Agreement, Agreements, Extension, MeetingPlan
from mailbot.config import EMAIL_RE, Rules
from mailbot.intake.classify import normalise
from mailbot.models import Address, Category, SubjectType

T = TypeVar("T")
CommandValue = (
    str | bool | SubjectType | Category | datetime | Agreement | Address | MeetingPlan | Agreements | Extension
)


class Invalid(Exception):
    """A command's argument cannot be used; the message is the Dutch reason."""


@dataclass(frozen=True)
class ParseContext:
    """What a command's reader may look at: the rules, the moment, the note below the block, the name used."""

    rules: Rules
    now: datetime
    note: str
    used: str


def choice(table: Mapping[str, T], arg: str, ctx: ParseContext) -> T:
    """The value ``arg`` names in ``table`` (case and accents ignored); Invalid lists the choices."""
    if normalise(arg) not in table:
        raise Invalid(f"Onbekende waarde '{arg}' bij #{ctx.used}. Kies uit: {', '.join(table)}.")
    return table[normalise(arg)]


def text(arg: str, ctx: ParseContext, *, required: bool, from_note: bool) -> str:
    """The command's text, or the note below the block when ``from_note``; Invalid when required and empty."""
    found = arg or (ctx.note if from_note else "")
    if required and not found:
        raise Invalid(f"Achter #{ctx.used} mist de tekst. Schrijf bijvoorbeeld: #{ctx.used} <tekst>")
    return found


def staff_member(arg: str, ctx: ParseContext) -> str:
    """The address of someone in rules.yaml who can own a case."""
    email = address(arg)
    people = {ctx.rules.coordinator.email, ctx.rules.director.email}
    for team in ctx.rules.teams.values():
        people.update(m.email for m in team.members)
        people.update([team.manager] if team.manager else [])
    if email not in people:
        close = difflib.get_close_matches(email, people, n=1)
        hint = f" Bedoelt u {close[0]}?" if close else ""
        raise Invalid(f"'{arg}' is geen medewerker die een zaak kan hebben.{hint}")
    return email


def customer(arg: str, ctx: ParseContext) -> Address:
    """A customer's address and name (``klant@example.net Jan Jansen``); never one of the organisation's own.

    A customer without e-mail is written with a postal address, name first, parts apart by commas
    (``Jan Jansen, Dorpsstraat 1, 1234 AB Dorp``): they get every mail as a letter (cases/letters.py).
    """
    token = next((t for t in arg.split() if "@" in t), "")
    if not token:
        postal = postal_address(arg)
        if postal is not None:
            return postal
        raise Invalid(
            f"Schrijf het e-mailadres van de klant, bijvoorbeeld: #{ctx.used} klant@example.net Jan Jansen. "
            f"Heeft de klant geen e-mail, schrijf dan naam en postadres: #{ctx.used} Jan Jansen, Dorpsstraat 1, "
            "1234 AB Dorp"
        )
    email = address(token)
    domain = ctx.rules.domain
    if email in ctx.rules.staff or email.endswith("@" + domain) or email.endswith("." + domain):
        raise Invalid(f"{email} is een adres van de organisatie zelf. Schrijf het adres van de klant.")
    name = " ".join(arg.replace(token, " ").split()).strip("\"'")
    return Address(email, name)


# A Dutch postcode (1234 AB) or a Belgian one (B-1000, 1000 Brussel) names a place letters can go to.
_POSTCODE = re.compile(r"\b(?:[1-9]\d{3}\s?[A-Za-z]{2}|(?:B-)?[1-9]\d{3}\s+[A-Za-z])")


def postal_address(arg: str) -> Address | None:
    """``Naam, straat huisnummer, postcode plaats`` as a customer without e-mail; None when it is not one."""
    parts = [p.strip() for p in arg.split(",") if p.strip()]
    if len(parts) < 3 or not _POSTCODE.search(parts[-1]) or not re.search(r"\d", parts[-2]):
        return None
    return Address("", parts[0].strip("\"'"), "\n".join(parts[1:]))


def address(arg: str) -> str:
    """An e-mail address as written (``<…>``, ``mailto:`` allowed), lower-cased."""
    email = arg.strip().strip("<>,;").removeprefix("mailto:").lower()
    if not EMAIL_RE.match(email):
        raise Invalid(f"'{arg}' is geen geldig e-mailadres." if arg else "Hier hoort een e-mailadres bij.")
    return email
