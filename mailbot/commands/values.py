"""What a staff command's argument can be, and the readers the commands share: addresses, dates, choices."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from babel.dates import get_day_names

from mailbot.config import EMAIL_RE, Rules
from mailbot.intake.classify import normalise
from mailbot.models import Address, Category, SubjectType
from mailbot.workdays import format_date_nl

# A date without a year further ahead than this is more likely a past date, moved to next year.
MAX_AHEAD_WITHOUT_YEAR = timedelta(days=180)
WEEKDAY_NAMES = {day.lower(): i for loc in ("nl", "en") for i, day in get_day_names("wide", locale=loc).items()}


class Agreement(NamedTuple):
    """What was agreed with the customer, and the date it must be done by."""

    text: str
    due: date


T = TypeVar("T")
CommandValue = str | bool | SubjectType | Category | datetime | Agreement | Address


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
    """A customer's address and name (``klant@example.net Jan Jansen``); never one of the organisation's own."""
    token = next((t for t in arg.split() if "@" in t), "")
    if not token:
        raise Invalid(f"Schrijf het e-mailadres van de klant, bijvoorbeeld: #{ctx.used} klant@example.net Jan Jansen")
    email = address(token)
    domain = ctx.rules.domain
    if email in ctx.rules.staff or email.endswith("@" + domain) or email.endswith("." + domain):
        raise Invalid(f"{email} is een adres van de organisatie zelf. Schrijf het adres van de klant.")
    name = " ".join(arg.replace(token, " ").split()).strip("\"'")
    return Address(email, name)


def address(arg: str) -> str:
    """An e-mail address as written (``<…>``, ``mailto:`` allowed), lower-cased."""
    email = arg.strip().strip("<>,;").removeprefix("mailto:").lower()
    if not EMAIL_RE.match(email):
        raise Invalid(f"'{arg}' is geen geldig e-mailadres." if arg else "Hier hoort een e-mailadres bij.")
    return email


def moment(arg: str, ctx: ParseContext, example: str) -> tuple[datetime, bool]:
    """Parse a Dutch or English date (and time): the aware moment and whether a time was written."""
    import dateparser  # slow to import; only a #gesprek or #afspraak needs it

    zone = ZoneInfo(ctx.rules.calendar.timezone)
    text = arg.lower()
    text = re.sub(r"(?<![\d.])(\d{1,2})[.u](\d{2})(?![\d.])", r"\1:\2", text)  # 10.30, 10u30 -> 10:30
    text = re.sub(r"\b(\d{1,2}:\d{2})\s*uur\b", r"\1", text)
    text = re.sub(r"\b(\d{1,2})\s*(?:uur|u)\b", r"\1:00", text)  # 9 uur, 14u -> 9:00, 14:00
    text = re.sub(r"\b(?:om|op|at|on|aanstaande|a\.s\.)(?=\s|$)", " ", text)
    text = " ".join(text.split()).strip(" .,")
    settings = {
        "RELATIVE_BASE": ctx.now.astimezone(zone).replace(tzinfo=None),
        "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "DATE_ORDER": "DMY",
    }
    parsed = dateparser.parse(text, languages=["nl", "en"], settings=settings) if text else None
    if parsed is None:
        raise Invalid(f"Ik begrijp de datum '{arg}' niet. Schrijf bijvoorbeeld: {example}")
    when = parsed.replace(tzinfo=zone)
    named = [WEEKDAY_NAMES[w] for w in re.findall(r"[a-z]+", text) if w in WEEKDAY_NAMES]
    if named and named[0] != when.weekday():
        weekday, day = format_date_nl(when).split(" ", 1)
        raise Invalid(f"In '{arg}' klopt de dag niet: {day} is een {weekday}.")
    if not re.search(r"\b\d{4}\b", text) and when - ctx.now > MAX_AHEAD_WITHOUT_YEAR:
        raise Invalid(f"'{arg}' wordt {format_date_nl(when)}. Bedoelt u dat? Schrijf dan het jaar erbij.")
    return when, bool(re.search(r"\d:\d{2}|\d\s*(?:am|pm)\b", text))
