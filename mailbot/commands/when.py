"""A moment as Dutch staff write it: 'dinsdag om 2 uur', 'morgen half elf', 'kwart over drie',
'volgende week dinsdag 10.15 uur', 'morgenochtend'. Pure: the words, the moment of writing and the
calendar rules in; the moment, or a Dutch reason, out.

An hour from 1 to 11 without "'s ochtends" or "'s middags" is read in office context: the one of
the two (2.00 or 14.00 uur) inside the office hours; when both are, it is asked back; when
neither is, 1 to 6 is the afternoon. dateparser reads none of these ('2 uur' is two hours from now
to it): the day is read by days.py, the time here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

import holidays

from mailbot.commands.days import NUMBERS, read_day
from mailbot.commands.values import Invalid
from mailbot.config import CalendarRules
from mailbot.workdays import WorkCalendar, format_date_nl, format_datetime_nl, format_time_nl, public_holidays

# A part of the day without a time: when a meeting "morgenochtend" starts (said in the confirmation).
PART_HOURS = {"ochtend": time(10, 0), "middag": time(14, 0), "avond": time(19, 0)}
MINUTE_WORDS = {**NUMBERS, "kwart": 15, "twintig": 20}
_HOUR = r"\d{1,2}|" + "|".join(NUMBERS)
_MINUTE = r"\d{1,2}|" + "|".join(MINUTE_WORDS)
_MARKERS = {
    "'s ochtends": "ochtend", "'s morgens": "ochtend", "in de ochtend": "ochtend", "'s nachts": "nacht",
    "'s middags": "middag", "in de middag": "middag", "'s avonds": "avond", "in de avond": "avond",
}  # fmt: skip
_MARKER = re.compile("|".join(re.escape(m) for m in _MARKERS).replace("'", "'?"))  # "s ochtends" too
_PART_OF = {m.replace("'", ""): part for m, part in _MARKERS.items()}
_PART = re.compile(r"(?:(?<=\w)|\b)(ochtend|middag|avond)\b")
_DIGITAL = re.compile(r"(?<![\d./-])(\d{1,2})[:.u](\d{2})(?![\d]|[./-]\d)(?:\s*uur\b)?")
_ENGLISH = re.compile(r"(?<![\d.])(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b")
_WORDS = re.compile(
    rf"\b(?:(?P<n>{_MINUTE})\s+(?P<dir>over|voor)\s+)?(?P<half>half\s+)?(?P<h>{_HOUR})(?P<uur>\s*(?:uur|u)\b)?"
)
_AT = re.compile(rf"\bom\s+(?P<h>{_HOUR})\b")


@dataclass(frozen=True)
class Reading:
    """A moment read from words: ``assumed`` says what was not written but taken (a default hour)."""

    at: datetime
    assumed: str = ""


def read_moment(words: str, now: datetime, rules: CalendarRules) -> Reading:
    """The moment ``words`` name, after ``now`` (aware, in the calendar's zone); Invalid with the reason."""
    zone = WorkCalendar(rules).zone
    text = " ".join(words.lower().replace("’", "'").split())
    marker = _MARKER.search(text)
    part = _PART_OF[marker.group(0).replace("'", "")] if marker else None
    text = _MARKER.sub(" ", text) if marker else text
    clock, text = _clock(text)
    suffix = _PART.search(text)
    if suffix:
        part = part or suffix.group(1)
        text = _PART.sub(" ", text)
    text = re.sub(r"\bom\b", " ", text)
    local_now = now.astimezone(zone)
    day, _ = read_day(text, local_now.date()) if text.strip(" ,.") else (None, False)
    if day is None:
        raise Invalid(f"In '{words.strip()}' mis ik de dag. Schrijf bijvoorbeeld: dinsdag 10.30 uur.")
    at_time, assumed = _time_of(clock, part, rules, words.strip())
    at = datetime.combine(day, at_time, tzinfo=zone)
    if at <= now:
        raise Invalid(f"'{words.strip()}' ({format_datetime_nl(at)}) is al voorbij.")
    return Reading(at, assumed)


def _time_of(
    clock: tuple[int, int, bool] | None, part: str | None, rules: CalendarRules, words: str
) -> tuple[time, str]:
    """The time meant, and what was assumed: a part of the day without a time takes its default hour."""
    if clock is not None:
        return _in_office_context(clock, part, rules, words), ""
    if part in PART_HOURS:
        return PART_HOURS[part], f"'s {part}s: {format_time_nl(PART_HOURS[part])} aangenomen"
    raise Invalid(f"Bij '{words}' mis ik de tijd. Schrijf bijvoorbeeld: dinsdag 10.30 uur.")


def _clock(text: str) -> tuple[tuple[int, int, bool] | None, str]:
    """The time written in ``text`` as (hour, minute, literal) and the text without it.

    ``literal`` is True when the hour cannot be the other half of the day (14.30, 09.00, 2 pm).
    """
    # '10.12 om 14.30 uur': of two, the one written as a time (a colon, 'uur', 'u') is the time, the other a date.
    digital = sorted(_DIGITAL.finditer(text), key=lambda m: not re.search(r":|u", m.group(0)))
    found = digital[0] if digital else None
    if found:
        hour, minute = int(found.group(1)), int(found.group(2))
        return (hour, minute, hour == 0 or hour > 12 or found.group(1).startswith("0")), _cut(text, found)
    found = _ENGLISH.search(text)
    if found:
        hour = int(found.group(1)) % 12 + (12 if found.group(3) == "pm" else 0)
        return (hour, int(found.group(2) or 0), True), _cut(text, found)
    for found in _WORDS.finditer(text):
        if not (found.group("n") or found.group("half") or found.group("uur")):
            continue
        hour = _number(found.group("h"))
        minute = 0
        if found.group("half"):
            hour, minute = hour - 1, 30
        if found.group("n"):
            step = _number(found.group("n"))
            minute += step if found.group("dir") == "over" else -step
        hour, minute = (hour + minute // 60) % 24, minute % 60
        return (hour, minute, hour == 0 or hour > 12), _cut(text, found)
    found = _AT.search(text)
    if found:
        hour = _number(found.group("h"))
        return (hour, 0, hour == 0 or hour > 12), _cut(text, found)
    return None, text


def _in_office_context(clock: tuple[int, int, bool], part: str | None, rules: CalendarRules, words: str) -> time:
    """The hour as meant: the part of day written decides; else the office hours do (see the module)."""
    hour, minute, literal = clock
    if hour > 23 or minute > 59:
        raise Invalid(f"In '{words}' staat geen bestaande tijd.")
    if literal or hour == 12:
        return time(hour, minute)
    if part in ("middag", "avond"):
        return time(hour + 12, minute)
    if part in ("ochtend", "nacht"):
        return time(hour, minute)
    opens, closes = rules.office_hours
    fits = [time(h, minute) for h in (hour, hour + 12) if opens <= time(h, minute) < closes]
    if len(fits) == 2:
        morning, afternoon = (format_time_nl(t) for t in fits)
        raise Invalid(f"Bedoelt u in '{words}' {morning} of {afternoon}? Schrijf de tijd bijvoorbeeld als {afternoon}.")
    if fits:
        return fits[0]
    return time(hour + 12 if hour <= 6 else hour, minute)


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBERS.get(word, 0) or MINUTE_WORDS[word]


def _cut(text: str, found: re.Match[str]) -> str:
    return f"{text[: found.start()]} {text[found.end() :]}"


def office_refusal(at: datetime, rules: CalendarRules) -> str | None:
    """Why ``at`` is no moment for a meeting (not a working day, outside office hours), or None."""
    calendar = WorkCalendar(rules)
    local = at.astimezone(calendar.zone)
    why = day_refusal(local.date(), calendar)
    if why:
        return why
    opens, closes = rules.office_hours
    if not opens <= local.time() < closes:
        return (
            f"{format_time_nl(local.time())} valt buiten de kantoortijden "
            f"({format_time_nl(opens).removesuffix(' uur')} tot {format_time_nl(closes)})."
        )
    return None


def day_refusal(day: date, calendar: WorkCalendar) -> str | None:
    """Why ``day`` is no working day (weekend, a holiday by name, a closure day), or None."""
    if calendar.is_working_day(day):
        return None
    rules, name = calendar.rules, format_date_nl(day)
    if day in public_holidays(day.year, rules.good_friday, rules.liberation_day):
        holiday = holidays.country_holidays("NL", years=day.year, language="nl").get(day) or "een feestdag"
        return f"{name} is geen werkdag ({holiday})."
    if day in rules.closure_days:
        return f"{name} is geen werkdag: de organisatie is dan gesloten."
    return f"{name} is geen werkdag."
