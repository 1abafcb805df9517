"""Working-day arithmetic (Dutch holidays, closure days, office hours) and Dutch date formatting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from babel.dates import format_date
from dateutil.easter import easter

from mailbot.config import CalendarRules, Span

LIBERATION_DAY_MODES = frozenset({"every_year", "lustrum", "never"})

# The names holidays gives these two in language="nl"; we decide them ourselves from the rules,
# because what the package includes changes between releases (0.109 has Good Friday every year
# and 5 May only in lustrum years).
_GOOD_FRIDAY = "Goede vrijdag"
_LIBERATION_DAY = "Bevrijdingsdag"


@lru_cache(maxsize=512)
def public_holidays(year: int, good_friday: bool, liberation_day: str) -> frozenset[date]:
    """Return the Dutch public holidays of ``year`` that are days off under these rules."""
    listed = holidays.country_holidays("NL", years=year, language="nl")
    # A date stays when any holiday on it is not one of ours: in 2005 5 May was also Ascension.
    days = {day for day in listed if any(name not in (_GOOD_FRIDAY, _LIBERATION_DAY) for name in listed.get_list(day))}
    if good_friday:
        days.add(easter(year) - timedelta(days=2))
    if liberation_day == "every_year" or (liberation_day == "lustrum" and year % 5 == 0):
        days.add(date(year, 5, 5))
    return frozenset(days)


@dataclass(frozen=True)
class WorkCalendar:
    """The organisation's working days, from its ``CalendarRules``; deadlines are counted here."""

    rules: CalendarRules
    zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.rules.liberation_day not in LIBERATION_DAY_MODES:
            raise ValueError(f"unknown liberation_day mode: {self.rules.liberation_day!r}")
        # Without a single working weekday every search for the next working day would loop.
        if not self.rules.working_days or not self.rules.working_days <= set(range(7)):
            raise ValueError(f"working_days must be weekdays 0-6: {set(self.rules.working_days)}")
        # Frozen dataclass: the zone is derived once, here, and never changes afterwards.
        object.__setattr__(self, "zone", ZoneInfo(self.rules.timezone))

    def is_working_day(self, d: date) -> bool:
        """Tell whether ``d`` is a working day: a working weekday, no holiday, no closure day."""
        # A datetime equals no date, so it would never match a holiday or closure day.
        if isinstance(d, datetime):
            raise TypeError(f"pass a date, not a datetime: {d!r}")
        rules = self.rules
        return (
            d.weekday() in rules.working_days
            and d not in rules.closure_days
            and d not in public_holidays(d.year, rules.good_friday, rules.liberation_day)
        )

    def next_working_day(self, d: date) -> date:
        """Return the first working day strictly after ``d``."""
        d += timedelta(days=1)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """Return the end of the ``n``-th working day strictly after the receipt date.

        The receipt date is ``start``'s date in the calendar's zone. The time of receipt does not
        matter: a mail on Friday morning, Friday evening or Saturday with ``n=3`` is due at the
        office's closing time on the third working day after that date (normally Wednesday).
        The result is an aware datetime in the calendar's zone.
        """
        if n < 1:
            raise ValueError(f"a deadline needs at least one working day, got {n}")
        day = self._local(start).date()
        for _ in range(n):
            day = self.next_working_day(day)
        return self._closing(day)

    def deadline(self, start: datetime, span: Span) -> datetime:
        """Return the deadline ``span`` after ``start``, at the office's closing time.

        ``working_days`` counts as in ``add_working_days``. ``days`` and ``weeks`` count calendar
        days from ``start``'s date in the calendar's zone; when that day is not a working day the
        deadline moves to the next working day (as the Algemene termijnenwet does).
        """
        if span.unit == "working_days":
            return self.add_working_days(start, span.amount)
        per_unit = {"days": 1, "weeks": 7}.get(span.unit)
        if per_unit is None:
            raise ValueError(f"unknown span unit: {span.unit!r}")
        if span.amount < 1:
            raise ValueError(f"a deadline needs a positive length, got {span.amount}")
        day = self._local(start).date() + timedelta(days=span.amount * per_unit)
        if not self.is_working_day(day):
            day = self.next_working_day(day)
        return self._closing(day)

    def working_days_before(self, moment: datetime, n: int) -> datetime:
        """Return the opening time of the ``n``-th working day before ``moment``'s date.

        For reminders: two working days before a deadline on Friday is Wednesday morning.
        Never later than ``moment`` itself.
        """
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        day = self._local(moment).date()
        for _ in range(n):
            day -= timedelta(days=1)
            while not self.is_working_day(day):
                day -= timedelta(days=1)
        return min(moment, datetime.combine(day, self.rules.office_hours[0], tzinfo=self.zone))

    def at_opening(self, moment: datetime) -> datetime:
        """Return the opening time of the first working day on or after ``moment``'s date,
        or ``moment`` itself when that is already later (for digests and agreement reminders)."""
        day = self._local(moment).date()
        if not self.is_working_day(day):
            day = self.next_working_day(day)
        return max(moment, datetime.combine(day, self.rules.office_hours[0], tzinfo=self.zone))

    def working_days_between(self, a: datetime, b: datetime) -> int:
        """Count working days after ``a``'s date up to and including ``b``'s date; 0 if b <= a."""
        if b <= a:
            return 0
        day, last = self._local(a).date(), self._local(b).date()
        count = 0
        while day < last:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def next_sending_time(self, now: datetime, latest: datetime | None) -> datetime:
        """Return when a mail made at ``now`` may go out, given the sending hours.

        ``now`` itself when there are no sending hours or ``now`` is inside them on a working
        day; otherwise the next start of the sending hours on a working day (today's if it is
        still to come). If that start is after ``latest``, return ``now``: a deadline beats
        sending hours.
        """
        hours = self.rules.sending_hours
        if hours is None:
            return now
        opens, closes = hours
        local = self._local(now)
        today = local.date()
        working = self.is_working_day(today)
        if working and opens <= local.time() < closes:
            return now
        day = today if working and local.time() < opens else self.next_working_day(today)
        window = datetime.combine(day, opens, tzinfo=self.zone)
        if latest is not None and window > latest:
            return now
        return window

    def _local(self, moment: datetime) -> datetime:
        # A naive datetime would silently be read as the server's local time.
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"timezone-aware datetime required, got {moment!r}")
        return moment.astimezone(self.zone)

    def _closing(self, day: date) -> datetime:
        return datetime.combine(day, self.rules.office_hours[1], tzinfo=self.zone)


def format_date_nl(d: date | datetime) -> str:
    """Format a date in Dutch, e.g. ``dinsdag 24 november 2026``."""
    return _dutch_day(d.date() if isinstance(d, datetime) else d)  # as babel reads a datetime


@lru_cache(maxsize=4096)
def _dutch_day(day: date) -> str:
    # Kept: babel takes about 50 µs a date, and every mail about a case names the same few days.
    return format_date(day, format="EEEE d MMMM y", locale="nl")


def format_time_nl(moment: datetime | time) -> str:
    """A time as Dutch text writes it, e.g. ``10.15 uur`` (a point, not a colon; "uur" after it)."""
    return f"{moment.hour}.{moment.minute:02d} uur"


def format_size_nl(size: int) -> str:
    """A size in bytes as Dutch text writes it: ``820 kB``, ``25,3 MB`` (a decimal comma, 1 kB = 1024 bytes)."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}".replace(".", ",").replace(",0 ", " ")
    return f"{max(1, round(size / 1024))} kB"


def format_datetime_nl(dt: datetime) -> str:
    """Format a datetime in Dutch in its own zone, e.g. ``dinsdag 24 november 2026 om 14.00 uur``."""
    return f"{format_date_nl(dt.date())} om {format_time_nl(dt)}"
