"""#gesprek <dag en tijd> [op kantoor | telefonisch | video] [in <plaats>] [met <wie>] [!]: invites the customer
to a conversation (hoor en wederhoor)."""

from __future__ import annotations

import re
from typing import Any

from mailbot.clock import iso
from mailbot.commands.base import Act, StaffCommand
from mailbot.commands.plans import MEETING_FORMS, MeetingPlan
from mailbot.commands.values import CommandValue, Invalid, ParseContext
from mailbot.commands.when import office_refusal, read_moment
from mailbot.models import Case
from mailbot.workdays import format_datetime_nl

GESPREK_EXAMPLE = "#gesprek dinsdag 10.30 uur op kantoor met J. de Vries"
FORCE = re.compile(r"\s*(?:!+|\bforceer\b|\bforceren\b)\s*$", re.IGNORECASE)
FORMS = (
    ("kantoor", re.compile(r"\bop\s+(?:ons\s+|het\s+)?kantoor\b", re.IGNORECASE)),
    ("telefonisch", re.compile(r"\btelefonisch\b|\bper\s+telefoon\b", re.IGNORECASE)),
    ("video", re.compile(r"\b(?:via\s+)?(?:videogesprek|videobellen|video|beeldbellen)\b", re.IGNORECASE)),
)
PARTICIPANTS = re.compile(r"\bmet\s+(?P<who>.+)$", re.IGNORECASE)
# "in de middag" is a part of the day, not a place.
PLACE = re.compile(r"\b(?:in|locatie:?|adres:?)\s+(?!de\s+(?:ochtend|middag|avond)\b)(?P<where>.+)$", re.IGNORECASE)


class Meeting(StaffCommand):
    """A moment on a working day in office hours (unless forced with `!`), and how, where and with whom."""

    name = "gesprek"
    aliases = ("meeting",)
    usage = GESPREK_EXAMPLE
    help = "nodigt de klant uit voor een gesprek (hoor en wederhoor); ! erachter: ook buiten kantoortijd"
    step = "meeting"

    def parse(self, arg: str, ctx: ParseContext) -> CommandValue:
        """The moment, form, place and participants; Invalid with the reason for a day off or an hour outside."""
        rest, forced = FORCE.sub("", arg), bool(FORCE.search(arg))
        who, rest = _take(PARTICIPANTS, "who", rest)
        form = next((key for key, pattern in FORMS if pattern.search(rest)), "")
        for _, pattern in FORMS:
            rest = pattern.sub(" ", rest)
        where, rest = _take(PLACE, "where", rest)
        if not rest.strip():
            raise Invalid(f"Schrijf de dag en de tijd van het gesprek, bijvoorbeeld: {GESPREK_EXAMPLE}")
        reading = read_moment(rest, ctx.now, ctx.rules.calendar)
        why = office_refusal(reading.at, ctx.rules.calendar)
        if why and not forced:
            raise Invalid(f"{why} Kies een ander moment, of zet ! achter de regel als het toch zo moet.")
        return MeetingPlan(reading.at, form, where, who, forced=bool(why), assumed=reading.assumed)

    def describe(self, value: CommandValue) -> str:
        """The exact moment understood, how, where and with whom, and what was assumed or forced."""
        assert isinstance(value, MeetingPlan)
        parts = [f"Gesprek gepland op {format_datetime_nl(value.at)}"]
        parts += [MEETING_FORMS[value.form]] if value.form else []
        parts += [f"in {value.place}"] if value.place else []
        parts += [f"met {value.participants}"] if value.participants else []
        notes = [value.assumed] if value.assumed else []
        notes += ["buiten de werkdagen of kantoortijden, zoals u vroeg"] if value.forced else []
        notes += ["stuur de klant vóór het gesprek de link"] if value.form == "video" else []
        return ", ".join(parts) + (f" ({'; '.join(notes)})" if notes else "")

    def detail(self, value: CommandValue) -> dict[str, Any]:
        """The moment and the rest, in the event."""
        assert isinstance(value, MeetingPlan)
        return {"at": iso(value.at), "form": value.form, "place": value.place, "participants": value.participants}

    def customer_extra(self, case: Case, value: CommandValue, act: Act) -> dict[str, Any]:
        """The moment in Dutch words, the form, the place and who takes part, for the invitation."""
        assert isinstance(value, MeetingPlan)
        return {
            "meeting_at": format_datetime_nl(value.at.astimezone(act.work.calendar.zone)),
            "meeting_form": value.form,
            "meeting_place": value.place,
            "meeting_with": value.participants,
            "meeting_with_many": bool(re.search(r",|\ben\b", value.participants)),
        }


def _take(pattern: re.Pattern[str], group: str, text: str) -> tuple[str, str]:
    """The part ``pattern`` finds at the end of ``text`` (trimmed), and the text without it."""
    found = pattern.search(text)
    if not found:
        return "", text
    return found.group(group).strip(" ,."), text[: found.start()]
