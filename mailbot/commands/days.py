"""The day in a Dutch phrase as staff write it: 'morgen', 'volgende week dinsdag', 'over twee weken',
'donderdag 10 december', '1-12-2026'. Pure: the words and today in, a date or a Dutch reason out.

dateparser reads only what none of these forms takes (an English 'next friday', say): it knows
neither 'volgende week dinsdag' nor 'over twee weken', and its guesses must still pass the checks
below (the weekday named, a year when the date is far ahead).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from babel.dates import get_day_names, get_month_names

from mailbot.commands.values import Invalid
from mailbot.workdays import format_date_nl

# A date without a year further ahead than this is more likely a past date, moved to next year.
MAX_AHEAD_WITHOUT_YEAR = timedelta(days=180)
WEEKDAYS = {
    day.lower(): i
    for loc in ("nl", "en")
    for width in ("wide", "abbreviated")  # 'di 1 december', 'Tue'
    for i, day in get_day_names(width, locale=loc).items()
}
MONTHS = {
    name.lower().rstrip("."): number
    for loc in ("nl", "en")
    for width in ("wide", "abbreviated")
    for number, name in get_month_names(width, locale=loc).items()
}
MONTHS.update({"sept": 9, "mrt": 3})
NUMBERS = {
    "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6,
    "zeven": 7, "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12,
}  # fmt: skip
RELATIVE_DAYS = {"vandaag": 0, "today": 0, "morgen": 1, "tomorrow": 1, "overmorgen": 2}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_COUNT = r"\d{1,2}|" + "|".join(NUMBERS)
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{4}|\d{2}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")  # 2026-12-30, as calendars and systems write it
_WRITTEN = re.compile(rf"^(\d{{1,2}})(?:e|ste|de)?\s+({_MONTH})\.?(?:\s+(\d{{4}}))?$")
_NEXT_WEEK = re.compile(r"\b(?:volgende|komende)\s+week\b")
_WEEKS_AHEAD = re.compile(rf"\bover\s+({_COUNT})\s+(dag|dagen|week|weken)\b")
# Words that say nothing about the day: 'op dinsdag', 'aanstaande vrijdag', 'a.s.'.
_FILLER = re.compile(r"(?<!\S)(?:op|on|aanstaande|a\.s\.|de|the|next)(?!\S)")


def read_day(words: str, today: date, *, guess: bool = True) -> tuple[date, bool]:
    """The day ``words`` name, counted from ``today``, and whether a year was written.

    Invalid (with the Dutch reason) when the words name no day, or a weekday that does not fit.
    ``guess`` False: only the forms above, never dateparser (for a date followed by other words).
    """
    text = " ".join(_FILLER.sub(" ", words.lower()).split()).strip(" ,.")
    weekday = _weekday(text)
    day, year_written = _relative(text, today, weekday)
    if day is None:
        rest = " ".join(w for w in text.split() if w.strip(".,") not in WEEKDAYS).strip(" ,")
        day, year_written = _calendar_date(rest, today, guess) if rest else (None, False)
        if day is None and weekday is not None and not rest:
            day = today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)  # the next one, never today
    if day is None:
        raise Invalid(f"Ik begrijp de datum '{words.strip()}' niet.")
    if weekday is not None and day.weekday() != weekday:
        name, rest = format_date_nl(day).split(" ", 1)
        raise Invalid(f"In '{words.strip()}' klopt de dag niet: {rest} is een {name}.")
    if not year_written and day - today > MAX_AHEAD_WITHOUT_YEAR:
        raise Invalid(f"'{words.strip()}' wordt {format_date_nl(day)}. Bedoelt u dat? Schrijf dan het jaar erbij.")
    return day, year_written


def _weekday(text: str) -> int | None:
    found = [WEEKDAYS[w] for w in re.findall(r"[a-zé]+", text) if w in WEEKDAYS]
    return found[0] if found else None


def _relative(text: str, today: date, weekday: int | None) -> tuple[date | None, bool]:
    """'morgen', 'volgende week (dinsdag)', 'over twee weken (dinsdag)'; None when the text is none of these."""
    if text in RELATIVE_DAYS:
        return today + timedelta(days=RELATIVE_DAYS[text]), False
    weeks = 1 if _NEXT_WEEK.search(text) else 0
    ahead = _WEEKS_AHEAD.search(text)
    if ahead:
        count = int(ahead.group(1)) if ahead.group(1).isdigit() else NUMBERS[ahead.group(1)]
        if ahead.group(2).startswith("dag"):
            plain = weekday is None and not _WEEKS_AHEAD.sub(" ", text).split()
            return (today + timedelta(days=count), False) if plain else (None, False)
        weeks = count
    leftover = _WEEKS_AHEAD.sub(" ", _NEXT_WEEK.sub(" ", text)).split()
    if not weeks or any(w.strip(".,") not in WEEKDAYS for w in leftover):
        return None, False
    if weekday is None:
        if ahead:
            return today + timedelta(weeks=weeks), False
        raise Invalid(f"Welke dag van '{text}' bedoelt u? Schrijf bijvoorbeeld: volgende week dinsdag.")
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)
    return monday + timedelta(days=weekday), False


def _calendar_date(text: str, today: date, guess: bool) -> tuple[date | None, bool]:
    """'10 december (2026)', '1-12-2026', '1/12', '2026-12-01'; else what dateparser makes of it."""
    numeric, written, iso = _NUMERIC.match(text), _WRITTEN.match(text), _ISO.match(text)
    if iso:
        year, month, day = iso.group(1), int(iso.group(2)), int(iso.group(3))
    elif numeric:
        day, month, year = int(numeric.group(1)), int(numeric.group(2)), numeric.group(3)
    elif written:
        day, month, year = int(written.group(1)), MONTHS[written.group(2)], written.group(3)
    else:
        return _dateparser(text, today) if guess else (None, False)
    full_year = (2000 + int(year) if len(year) == 2 else int(year)) if year else today.year
    try:
        found = date(full_year, month, day)
    except ValueError:
        raise Invalid(f"'{text}' is geen bestaande datum.") from None
    if year is None and found < today:
        found = found.replace(year=today.year + 1)
    return found, year is not None


def _dateparser(text: str, today: date) -> tuple[date | None, bool]:
    """What dateparser reads in the rest; never a phrase of hours ('2 uur' would be two hours ago)."""
    if re.search(r"\b(?:uur|uren|minuten|geleden|ago|hours?)\b", text):
        return None, False
    from datetime import datetime

    import dateparser  # slow to import; only an unusual date needs it

    settings = {
        "RELATIVE_BASE": datetime.combine(today, datetime.min.time()),
        "PREFER_DATES_FROM": "future",
        "DATE_ORDER": "DMY",
        "REQUIRE_PARTS": ["day"],
    }
    parsed = dateparser.parse(text, languages=["nl", "en"], settings=settings)
    return (parsed.date(), bool(re.search(r"\b\d{4}\b", text))) if parsed else (None, False)
