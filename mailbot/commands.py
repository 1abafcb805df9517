"""Staff commands (`#eigenaar`, `#gesprek dinsdag 14:00`, ...) at the top of a note: parsed, not applied."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from babel.dates import get_day_names

from mailbot.classify import normalise
from mailbot.config import EMAIL_RE, Rules
from mailbot.models import Address, Category, SubjectType
from mailbot.workdays import format_date_nl, format_datetime_nl

GESPREK_EXAMPLE = "#gesprek dinsdag 14:00"
AFSPRAAK_EXAMPLE = "#afspraak Nieuwe camera plaatsen voor 15 december"
# A date without a year further ahead than this is more likely a past date, moved to next year.
MAX_AHEAD_WITHOUT_YEAR = timedelta(days=180)
# Commands that may appear more than once in one block.
REPEATABLE = frozenset({"afspraak", "verbeter"})
# Pairs that contradict each other in one block.
CONFLICTS = (
    ("telefonisch", "post"),
    ("status", "sluiten"),
    ("status", "opgelost"),
    ("tevreden", "escaleren"),
    ("escaleren", "sluiten"),
    ("tevreden", "sluiten"),
)


class Agreement(NamedTuple):
    """What was agreed with the customer, and the date it must be done by."""

    text: str
    due: date


T = TypeVar("T")
CommandValue = str | bool | SubjectType | Category | datetime | Agreement | Address


@dataclass(frozen=True)
class CommandSpec:
    """A known command: its other names, how to write it and what it does."""

    aliases: tuple[str, ...]
    usage: str
    help: str


COMMANDS: dict[str, CommandSpec] = {
    "eigenaar": CommandSpec(("owner",), "#eigenaar <e-mailadres>", "maakt deze medewerker eigenaar van de zaak"),
    "team": CommandSpec((), "#team <team>", "geeft de zaak aan een ander team"),
    "urgent": CommandSpec(("niet-urgent", "not-urgent"), "#urgent of #niet-urgent", "maakt de zaak wel of niet urgent"),
    "type": CommandSpec((), "#type dienstverlening|product|gedrag", "zegt waar de klacht over gaat"),
    "soort": CommandSpec(
        ("category",),
        "#soort klacht|compliment|escalatie",
        "kiest de soort bericht; de klant krijgt de mail die daarbij hoort",
    ),
    "escaleren": CommandSpec(
        ("escalate",),
        "#escaleren",
        "zet de klacht een stap hoger, met de mail aan de klant en het bericht aan de behandelaar",
    ),
    "tevreden": CommandSpec(("satisfied",), "#tevreden", "de klant is tevreden over de oplossing: sluit de zaak"),
    "status": CommandSpec((), "#status in behandeling|wacht op klant|open", "zet de status van de zaak"),
    "oplossing": CommandSpec(("solution",), "#oplossing <tekst>", "stuurt de klant een voorstel voor een oplossing"),
    "opgelost": CommandSpec(
        ("solved",), "#opgelost [tekst]", "bevestigt de klant per e-mail dat de klacht is opgelost"
    ),
    "gesprek": CommandSpec(("meeting",), GESPREK_EXAMPLE, "nodigt de klant uit voor een gesprek (hoor en wederhoor)"),
    "afspraak": CommandSpec(
        ("agreement",), "#afspraak <tekst> voor <datum>", "legt een afspraak vast en stuurt de klant de afsprakenbrief"
    ),
    "verbeter": CommandSpec(("improve",), "#verbeter <tekst>", "legt een verbeterpunt voor de organisatie vast"),
    "sluiten": CommandSpec(("close",), "#sluiten [reden]", "sluit de zaak"),
    "telefonisch": CommandSpec(("phone",), "#telefonisch <e-mailadres> [naam]", "registreert een klacht per telefoon"),
    "post": CommandSpec(("letter",), "#post <e-mailadres> [naam]", "registreert een klacht per brief"),
}
ALIASES: dict[str, str] = {a: name for name, spec in COMMANDS.items() for a in (name, *spec.aliases)}
DUTCH_TYPES = {"product": SubjectType.PRODUCT, "dienstverlening": SubjectType.SERVICE, "gedrag": SubjectType.BEHAVIOUR}
TYPES = {
    **DUTCH_TYPES,
    **{t.value: t for t in SubjectType},
    "behavior": SubjectType.BEHAVIOUR,
    "dienst": SubjectType.SERVICE,
}
DUTCH_CATEGORIES = {"klacht": Category.COMPLAINT, "compliment": Category.COMPLIMENT, "escalatie": Category.ESCALATION}
CATEGORIES = {**DUTCH_CATEGORIES, "complaint": Category.COMPLAINT, "escalation": Category.ESCALATION}
DUTCH_STATUSES = {"in behandeling": "in_progress", "wacht op klant": "waiting", "open": "open"}
STATUSES = {**DUTCH_STATUSES, "in progress": "in_progress", "waiting": "waiting"}
WEEKDAY_NAMES = {day.lower(): i for loc in ("nl", "en") for i, day in get_day_names("wide", locale=loc).items()}
LABELS = {"eigenaar": "Eigenaar", "team": "Team", "oplossing": "Oplossing", "verbeter": "Verbeterpunt"}
LABELS.update(opgelost="Klacht opgelost", sluiten="Zaak gesloten")
LABELS.update(escaleren="Klacht een stap hoger gezet", tevreden="Klant is tevreden: zaak gesloten")
DEADLINE_WORD = re.compile(r"(?:\b(?:voor|uiterlijk|before|by)\b\s*)+", re.IGNORECASE)


@dataclass(frozen=True)
class Command:
    """One understood command line: ``name`` is the canonical Dutch name."""

    name: str
    raw: str
    line: int
    value: CommandValue


@dataclass(frozen=True)
class CommandError:
    """A command line that could not be used, with the reason in plain Dutch for the writer."""

    line: int
    raw: str
    reason: str


@dataclass(frozen=True)
class CommandBlock:
    """The commands at the top of a note, the mistakes in them, and the note text below."""

    commands: tuple[Command, ...]
    errors: tuple[CommandError, ...]
    note: str

    @property
    def ok(self) -> bool:
        """True when no command line has a mistake."""
        return not self.errors


class _Invalid(Exception):
    """A command's argument cannot be used; the message is the Dutch reason."""


@dataclass(frozen=True)
class _Context:
    rules: Rules
    now: datetime
    note: str
    used: str


def parse_commands(text: str, *, rules: Rules, now: datetime) -> CommandBlock:
    """Split ``text`` into the `#` command lines at its top and the note below them."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"timezone-aware datetime required, got {now!r}")
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    end = start
    while end < len(lines) and lines[end].lstrip().startswith("#"):
        end += 1
    note = "\n".join(lines[end:] if end > start else lines).strip()
    commands: list[Command] = []
    errors: list[CommandError] = []
    for number in range(start + 1, end + 1):
        raw = lines[number - 1].strip()
        head, _, arg = raw[1:].strip().partition(" ")
        used = head.lower().rstrip(":")
        name = ALIASES.get(used)
        if name is None:
            errors.append(CommandError(number, raw, _unknown(head)))
            continue
        try:
            value = _HANDLERS[name](arg.strip(), _Context(rules, now, note, used))
        except _Invalid as exc:
            errors.append(CommandError(number, raw, str(exc)))
            continue
        if name not in REPEATABLE and any(c.name == name for c in commands):
            errors.append(CommandError(number, raw, f"U schrijft twee keer #{name}. Gebruik #{name} maar één keer."))
            continue
        commands.append(Command(name, raw, number, value))
    names = {c.name for c in commands}
    for a, b in CONFLICTS:
        if a in names and b in names:
            second = max((c for c in commands if c.name in (a, b)), key=lambda c: c.line)
            errors.append(CommandError(second.line, second.raw, f"#{a} en #{b} gaan niet samen. Kies er één."))
    return CommandBlock(tuple(commands), tuple(sorted(errors, key=lambda e: e.line)), note)


def describe(cmd: Command) -> str:
    """Confirm in Dutch what ``cmd`` was understood to mean, e.g. the exact date of a meeting."""
    v = cmd.value
    if isinstance(v, datetime):
        return f"Gesprek gepland op {format_datetime_nl(v)}"
    if isinstance(v, Agreement):
        return f"Afspraak: {v.text}, uiterlijk {format_date_nl(v.due)}"
    if isinstance(v, Address):
        how = "telefonische" if cmd.name == "telefonisch" else "schriftelijke"
        return f"Nieuwe {how} klacht van {v.name} <{v.email}>" if v.name else f"Nieuwe {how} klacht van {v.email}"
    if isinstance(v, bool):
        return "Zaak is urgent" if v else "Zaak is niet urgent"
    if isinstance(v, SubjectType):
        return f"Type: {next(k for k, t in DUTCH_TYPES.items() if t is v)}"
    if isinstance(v, Category):
        return f"Soort: {next(k for k, c in DUTCH_CATEGORIES.items() if c is v)}"
    if cmd.name == "status":
        return f"Status: {next(k for k, s in DUTCH_STATUSES.items() if s == v)}"
    label = LABELS[cmd.name]
    return f"{label}: {v}" if v else label


def help_text() -> str:
    """The list of commands in Dutch, to send with a reply about a mistake."""
    rows = [f"{s.usage}  {s.help}" + "".join(f" (ook #{a})" for a in s.aliases[-1:]) for s in COMMANDS.values()]
    return "U kunt deze opdrachten bovenaan uw antwoord zetten, elk op een eigen regel:\n\n" + "\n".join(rows)


def _unknown(head: str) -> str:
    if not head:
        return "Na het teken # staat geen opdracht."
    close = difflib.get_close_matches(head.lower(), ALIASES, n=1, cutoff=0.6)
    hint = f" Bedoelt u #{close[0]}?" if close else " Hieronder ziet u welke opdrachten er zijn."
    return f"Onbekende opdracht '#{head}'.{hint}"


def _staff_member(arg: str, ctx: _Context) -> str:
    email = _email(arg)
    people = {ctx.rules.coordinator.email, ctx.rules.director.email}
    for team in ctx.rules.teams.values():
        people.update(m.email for m in team.members)
        people.update([team.manager] if team.manager else [])
    if email not in people:
        close = difflib.get_close_matches(email, people, n=1)
        hint = f" Bedoelt u {close[0]}?" if close else ""
        raise _Invalid(f"'{arg}' is geen medewerker die een zaak kan hebben.{hint}")
    return email


def _team(arg: str, ctx: _Context) -> str:
    wanted = normalise(arg)
    for team in ctx.rules.teams.values():
        if wanted in (normalise(team.key), normalise(team.name)):
            return team.key
    known = ", ".join(f"{t.key} ({t.name})" for t in ctx.rules.teams.values())
    raise _Invalid(f"Onbekend team '{arg}'. Kies uit: {known}.")


def _urgent(arg: str, ctx: _Context) -> bool:
    if arg:
        raise _Invalid(f"Achter #{ctx.used} hoort geen tekst.")
    return ctx.used == "urgent"


def _choice(table: Mapping[str, T]) -> Callable[[str, _Context], T]:
    def parse(arg: str, ctx: _Context) -> T:
        if normalise(arg) not in table:
            raise _Invalid(f"Onbekende waarde '{arg}' bij #{ctx.used}. Kies uit: {', '.join(table)}.")
        return table[normalise(arg)]

    return parse


def _text(required: bool, from_note: bool) -> Callable[[str, _Context], str]:
    def parse(arg: str, ctx: _Context) -> str:
        text = arg or (ctx.note if from_note else "")
        if required and not text:
            raise _Invalid(f"Achter #{ctx.used} mist de tekst. Schrijf bijvoorbeeld: #{ctx.used} <tekst>")
        return text

    return parse


def _meeting(arg: str, ctx: _Context) -> datetime:
    when, explicit_time = _moment(arg, ctx, GESPREK_EXAMPLE)
    if not explicit_time:
        raise _Invalid(f"Bij '{arg}' mis ik de tijd. Schrijf bijvoorbeeld: {GESPREK_EXAMPLE}")
    if when <= ctx.now:
        raise _Invalid(f"De datum '{arg}' ({format_datetime_nl(when)}) is al voorbij.")
    return when


def _agreement(arg: str, ctx: _Context) -> Agreement:
    words = list(DEADLINE_WORD.finditer(arg))
    text, when = (arg[: words[-1].start()].strip(), arg[words[-1].end() :].strip()) if words else (arg, "")
    if not text or not when:
        raise _Invalid(f"Schrijf de afspraak en de datum, bijvoorbeeld: {AFSPRAAK_EXAMPLE}")
    due = _moment(when, ctx, AFSPRAAK_EXAMPLE)[0].date()
    if due < ctx.now.astimezone(ZoneInfo(ctx.rules.calendar.timezone)).date():
        raise _Invalid(f"De datum '{when}' ({format_date_nl(due)}) is al voorbij.")
    return Agreement(text, due)


def _customer(arg: str, ctx: _Context) -> Address:
    token = next((t for t in arg.split() if "@" in t), "")
    if not token:
        raise _Invalid(f"Schrijf het e-mailadres van de klant, bijvoorbeeld: #{ctx.used} klant@example.net Jan Jansen")
    email = _email(token)
    domain = ctx.rules.domain
    if email in ctx.rules.staff or email.endswith("@" + domain) or email.endswith("." + domain):
        raise _Invalid(f"{email} is een adres van de organisatie zelf. Schrijf het adres van de klant.")
    name = " ".join(arg.replace(token, " ").split()).strip("\"'")
    return Address(email, name)


def _email(arg: str) -> str:
    email = arg.strip().strip("<>,;").removeprefix("mailto:").lower()
    if not EMAIL_RE.match(email):
        raise _Invalid(f"'{arg}' is geen geldig e-mailadres." if arg else "Hier hoort een e-mailadres bij.")
    return email


def _moment(arg: str, ctx: _Context, example: str) -> tuple[datetime, bool]:
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
        raise _Invalid(f"Ik begrijp de datum '{arg}' niet. Schrijf bijvoorbeeld: {example}")
    when = parsed.replace(tzinfo=zone)
    named = [WEEKDAY_NAMES[w] for w in re.findall(r"[a-z]+", text) if w in WEEKDAY_NAMES]
    if named and named[0] != when.weekday():
        weekday, day = format_date_nl(when).split(" ", 1)
        raise _Invalid(f"In '{arg}' klopt de dag niet: {day} is een {weekday}.")
    if not re.search(r"\b\d{4}\b", text) and when - ctx.now > MAX_AHEAD_WITHOUT_YEAR:
        raise _Invalid(f"'{arg}' wordt {format_date_nl(when)}. Bedoelt u dat? Schrijf dan het jaar erbij.")
    return when, bool(re.search(r"\d:\d{2}|\d\s*(?:am|pm)\b", text))


_HANDLERS: dict[str, Callable[[str, _Context], CommandValue]] = {
    "eigenaar": _staff_member,
    "team": _team,
    "urgent": _urgent,
    "type": _choice(TYPES),
    "soort": _choice(CATEGORIES),
    "escaleren": _text(required=False, from_note=False),
    "tevreden": _text(required=False, from_note=False),
    "status": _choice(STATUSES),
    "oplossing": _text(required=True, from_note=True),
    "opgelost": _text(required=False, from_note=True),
    "gesprek": _meeting,
    "afspraak": _agreement,
    "verbeter": _text(required=True, from_note=False),
    "sluiten": _text(required=False, from_note=False),
    "telefonisch": _customer,
    "post": _customer,
}
