"""Tests for working-day arithmetic and Dutch date formatting; every date checked on a calendar."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from mailbot.config import CalendarRules, Span
from mailbot.workdays import WorkCalendar, format_date_nl, format_datetime_nl, format_time_nl

AMS = ZoneInfo("Europe/Amsterdam")


def calendar(**rules: Any) -> WorkCalendar:
    return WorkCalendar(CalendarRules(**rules))


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0, tz: Any = AMS) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=tz)


def closing(y: int, m: int, d: int) -> datetime:
    """17:00 in Amsterdam: the default office closing time."""
    return datetime(y, m, d, 17, 0, tzinfo=AMS)


# --- Holidays -------------------------------------------------------------------------------


def test_good_friday_2026_on_by_default() -> None:
    cal = calendar()
    assert not cal.is_working_day(date(2026, 4, 3))  # Goede Vrijdag
    assert not cal.is_working_day(date(2026, 4, 6))  # Paasmaandag
    assert cal.is_working_day(date(2026, 4, 2))
    assert cal.is_working_day(date(2026, 4, 7))
    # Thu 2 Apr: Fri 3, Mon 6 off -> Tue 7, Wed 8, Thu 9.
    assert cal.add_working_days(at(2026, 4, 2), 3) == closing(2026, 4, 9)


def test_good_friday_2026_off() -> None:
    cal = calendar(good_friday=False)
    assert cal.is_working_day(date(2026, 4, 3))
    assert not cal.is_working_day(date(2026, 4, 6))  # Easter Monday stays off
    # Thu 2 Apr: Fri 3, (Mon 6 off) Tue 7, Wed 8.
    assert cal.add_working_days(at(2026, 4, 2), 3) == closing(2026, 4, 8)


def test_good_friday_off_removes_what_holidays_lists() -> None:
    # holidays 0.109 itself lists Good Friday (18 Apr 2025); the rule must win.
    assert calendar(good_friday=False).is_working_day(date(2025, 4, 18))
    assert not calendar(good_friday=True).is_working_day(date(2025, 4, 18))


def test_koningsdag_2025_moves_to_saturday() -> None:
    # 27 April 2025 is a Sunday, so Koningsdag is Saturday 26 April; visible in a six-day week.
    cal = calendar(working_days=frozenset(range(6)))
    assert not cal.is_working_day(date(2025, 4, 26))
    assert cal.is_working_day(date(2025, 4, 19))  # an ordinary Saturday
    assert cal.is_working_day(date(2025, 4, 28))  # no Monday in lieu
    # Fri 25 Apr: Sat 26 Koningsdag, Sun 27 -> Mon 28.
    assert cal.add_working_days(at(2025, 4, 25), 1) == closing(2025, 4, 28)


def test_koningsdag_2026_on_monday() -> None:
    cal = calendar()
    assert not cal.is_working_day(date(2026, 4, 27))
    assert cal.is_working_day(date(2026, 4, 28))


def test_christmas_on_weekend_2027_gives_no_extra_day_off() -> None:
    cal = calendar()
    assert cal.is_working_day(date(2027, 12, 27))
    # Fri 24 Dec 2027: Sat 25, Sun 26 -> Mon 27, Tue 28, Wed 29.
    assert cal.add_working_days(at(2027, 12, 24), 3) == closing(2027, 12, 29)


def test_christmas_2026_on_friday() -> None:
    cal = calendar()
    assert not cal.is_working_day(date(2026, 12, 25))
    # Thu 24 Dec 2026: Fri 25 Christmas, weekend -> Mon 28.
    assert cal.add_working_days(at(2026, 12, 24), 1) == closing(2026, 12, 28)


@pytest.mark.parametrize(
    ("mode", "working_2026", "working_2025"),
    [
        ("every_year", False, False),
        ("lustrum", True, False),
        ("never", True, True),
    ],
)
def test_bevrijdingsdag(mode: str, working_2026: bool, working_2025: bool) -> None:
    cal = calendar(liberation_day=mode)
    assert cal.is_working_day(date(2026, 5, 5)) is working_2026  # Tuesday, not a lustrum year
    assert cal.is_working_day(date(2025, 5, 5)) is working_2025  # Monday, a lustrum year


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("every_year", closing(2026, 5, 6)),
        ("lustrum", closing(2026, 5, 5)),
        ("never", closing(2026, 5, 5)),
    ],
)
def test_bevrijdingsdag_2026_deadline(mode: str, expected: datetime) -> None:
    # Mon 4 May 2026 + 1 working day: Tue 5 May, unless 5 May is off.
    assert calendar(liberation_day=mode).add_working_days(at(2026, 5, 4), 1) == expected


def test_liberation_day_never_keeps_ascension_on_5_may() -> None:
    # 5 May 2016 and 5 May 2005 were also Hemelvaartsdag.
    cal = calendar(liberation_day="never")
    assert not cal.is_working_day(date(2016, 5, 5))
    assert not cal.is_working_day(date(2005, 5, 5))


def test_hemelvaartsdag_2026() -> None:
    cal = calendar()
    assert not cal.is_working_day(date(2026, 5, 14))
    assert cal.add_working_days(at(2026, 5, 13), 1) == closing(2026, 5, 15)


def test_pinksteren_2026() -> None:
    cal = calendar()
    assert not cal.is_working_day(date(2026, 5, 25))  # Tweede pinksterdag
    # Fri 22 May: weekend, Mon 25 -> Tue 26.
    assert cal.add_working_days(at(2026, 5, 22), 1) == closing(2026, 5, 26)


def test_day_after_new_year_is_working() -> None:
    cal = calendar()
    assert not cal.is_working_day(date(2026, 1, 1))
    assert cal.is_working_day(date(2026, 1, 2))
    # Wed 31 Dec 2025 + 1: Thu 1 Jan off -> Fri 2 Jan (the year boundary is crossed).
    assert cal.add_working_days(at(2025, 12, 31), 1) == closing(2026, 1, 2)


def test_closure_days() -> None:
    closed = frozenset(date(2026, 12, d) for d in (28, 29, 30, 31))
    cal = calendar(closure_days=closed)
    assert not cal.is_working_day(date(2026, 12, 29))
    assert calendar().is_working_day(date(2026, 12, 29))
    # Wed 23 Dec: Thu 24, (Fri 25, 28-31 closed, Fri 1 Jan) Mon 4 Jan, Tue 5 Jan.
    assert cal.add_working_days(at(2026, 12, 23), 3) == closing(2027, 1, 5)


def test_weekdays_outside_working_days() -> None:
    cal = calendar(working_days=frozenset({0, 1, 2, 3}))  # four-day week, no Fridays
    assert not cal.is_working_day(date(2026, 11, 27))
    # Thu 26 Nov + 1: Fri 27 off, weekend -> Mon 30.
    assert cal.add_working_days(at(2026, 11, 26), 1) == closing(2026, 11, 30)


# --- Deadlines ------------------------------------------------------------------------------


def test_spec_example_2025() -> None:
    # Wednesday 3 December 2025: Thu 4, Fri 5, Mon 8.
    assert calendar().add_working_days(at(2025, 12, 3), 3) == closing(2025, 12, 8)


def test_spec_example_2026() -> None:
    # In 2026, 3 December is a Thursday: Fri 4, Mon 7, Tue 8.
    assert calendar().add_working_days(at(2026, 12, 3), 3) == closing(2026, 12, 8)


def test_friday_evening_receipt_counts_like_friday_morning() -> None:
    cal = calendar()
    expected = closing(2026, 12, 2)  # Mon 30 Nov, Tue 1 Dec, Wed 2 Dec
    assert cal.add_working_days(at(2026, 11, 27, 21, 30), 3) == expected
    assert cal.add_working_days(at(2026, 11, 27, 9, 0), 3) == expected


def test_saturday_receipt() -> None:
    assert calendar().add_working_days(at(2026, 11, 28, 12), 3) == closing(2026, 12, 2)


def test_receipt_converted_to_calendar_zone() -> None:
    # 23:30 UTC on Thu 3 Dec is 00:30 on Fri 4 Dec in Amsterdam: Mon 7, Tue 8, Wed 9.
    result = calendar().add_working_days(at(2026, 12, 3, 23, 30, tz=UTC), 3)
    assert result == closing(2026, 12, 9)
    assert result.tzinfo == AMS
    assert result.time() == time(17, 0)


def test_closing_time_from_office_hours() -> None:
    cal = calendar(office_hours=(time(9, 0), time(16, 0)))
    assert cal.add_working_days(at(2026, 12, 3), 1) == datetime(2026, 12, 4, 16, 0, tzinfo=AMS)


def test_deadline_across_end_of_summer_time() -> None:
    # Summer time ends Sunday 25 Oct 2026: the deadline is 17:00 CET, not CEST.
    result = calendar().add_working_days(at(2026, 10, 23), 1)
    assert result == closing(2026, 10, 26)
    assert result.utcoffset() == timedelta(hours=1)


def test_naive_datetime_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar().add_working_days(datetime(2026, 12, 3, 10, 0), 3)


def test_zero_working_days_rejected() -> None:
    with pytest.raises(ValueError):
        calendar().add_working_days(at(2026, 12, 3), 0)


def test_deadline_in_working_days() -> None:
    assert calendar().deadline(at(2026, 12, 3), Span(3, "working_days")) == closing(2026, 12, 8)


def test_deadline_in_weeks() -> None:
    # Thu 3 Dec 2026 + 6 weeks = Thu 14 Jan 2027.
    assert calendar().deadline(at(2026, 12, 3), Span(6, "weeks")) == closing(2027, 1, 14)


def test_deadline_in_weeks_moved_off_a_holiday() -> None:
    # Fri 18 Dec 2026 + 1 week = Fri 25 Dec (Christmas) -> Mon 28 Dec.
    assert calendar().deadline(at(2026, 12, 18), Span(1, "weeks")) == closing(2026, 12, 28)


def test_deadline_in_days_moved_off_a_weekend() -> None:
    # Thu 3 Dec 2026 + 2 days = Sat 5 Dec -> Mon 7 Dec.
    assert calendar().deadline(at(2026, 12, 3), Span(2, "days")) == closing(2026, 12, 7)


def test_deadline_in_days_on_a_working_day() -> None:
    # Thu 3 Dec 2026 + 5 days = Tue 8 Dec.
    assert calendar().deadline(at(2026, 12, 3), Span(5, "days")) == closing(2026, 12, 8)


def test_deadline_rejects_unknown_unit() -> None:
    with pytest.raises(ValueError, match="unit"):
        calendar().deadline(at(2026, 12, 3), Span(3, "months"))


# --- working_days_between -------------------------------------------------------------------


def test_working_days_between() -> None:
    cal = calendar()
    # After Thu 3 Dec up to Tue 8 Dec: Fri 4, Mon 7, Tue 8.
    assert cal.working_days_between(at(2026, 12, 3, 10), at(2026, 12, 8, 9)) == 3
    # After Wed 23 Dec up to Mon 28 Dec: Thu 24, Mon 28.
    assert cal.working_days_between(at(2026, 12, 23), at(2026, 12, 28)) == 2


def test_working_days_between_same_day_or_backwards() -> None:
    cal = calendar()
    assert cal.working_days_between(at(2026, 12, 3, 9), at(2026, 12, 3, 16)) == 0
    assert cal.working_days_between(at(2026, 12, 8), at(2026, 12, 3)) == 0
    assert cal.working_days_between(at(2026, 12, 3), at(2026, 12, 3)) == 0


def test_working_days_between_inverts_add_working_days() -> None:
    # Two separate code paths must agree for every receipt day of 2026, holidays included.
    cal = calendar()
    start = at(2026, 1, 1, 12)
    for offset in range(365):
        received = start + timedelta(days=offset)
        for n in (1, 3, 10):
            assert cal.working_days_between(received, cal.add_working_days(received, n)) == n


# --- next_sending_time ----------------------------------------------------------------------


def sender(**rules: Any) -> WorkCalendar:
    return calendar(sending_hours=(time(8, 0), time(18, 0)), **rules)


def test_no_sending_hours_sends_now() -> None:
    now = at(2026, 11, 28, 3)  # Saturday night
    assert calendar().next_sending_time(now, None) == now


def test_inside_sending_hours_sends_now() -> None:
    now = at(2026, 12, 1, 10)
    assert sender().next_sending_time(now, None) == now


def test_before_sending_hours_waits_for_today() -> None:
    assert sender().next_sending_time(at(2026, 12, 1, 7), None) == at(2026, 12, 1, 8)


def test_after_sending_hours_waits_for_next_working_day() -> None:
    assert sender().next_sending_time(at(2026, 12, 1, 19), None) == at(2026, 12, 2, 8)


def test_sending_hours_end_is_exclusive() -> None:
    assert sender().next_sending_time(at(2026, 12, 1, 18), None) == at(2026, 12, 2, 8)


def test_weekend_waits_for_monday() -> None:
    assert sender().next_sending_time(at(2026, 11, 28, 12), None) == at(2026, 11, 30, 8)


def test_holiday_waits_for_next_working_day() -> None:
    # Fri 25 Dec 2026 is Christmas -> Mon 28 Dec.
    assert sender().next_sending_time(at(2026, 12, 25, 10), None) == at(2026, 12, 28, 8)


def test_sending_hours_in_calendar_zone() -> None:
    # 06:30 UTC is 07:30 in Amsterdam in winter: wait until 08:00 Amsterdam.
    result = sender().next_sending_time(at(2026, 12, 1, 6, 30, tz=UTC), None)
    assert result == at(2026, 12, 1, 8)


def test_deadline_beats_sending_hours() -> None:
    now = at(2026, 11, 28, 12)  # Saturday; next window Monday 08:00
    assert sender().next_sending_time(now, at(2026, 11, 29, 17)) == now


def test_latest_at_window_start_still_waits() -> None:
    now = at(2026, 11, 28, 12)
    assert sender().next_sending_time(now, at(2026, 11, 30, 8)) == at(2026, 11, 30, 8)


# --- Construction ---------------------------------------------------------------------------


def test_calendar_is_immutable() -> None:
    cal = calendar()
    with pytest.raises(dataclasses.FrozenInstanceError):
        cal.rules = CalendarRules(good_friday=False)  # type: ignore[misc]


def test_unknown_liberation_day_mode_rejected() -> None:
    with pytest.raises(ValueError, match="liberation_day"):
        calendar(liberation_day="sometimes")


def test_empty_working_week_rejected() -> None:
    with pytest.raises(ValueError, match="working_days"):
        calendar(working_days=frozenset())


def test_unknown_timezone_rejected() -> None:
    with pytest.raises(ZoneInfoNotFoundError):
        calendar(timezone="Europe/Atlantis")


def test_datetime_is_not_a_date() -> None:
    with pytest.raises(TypeError):
        calendar().is_working_day(at(2026, 12, 3))


# --- Formatting -----------------------------------------------------------------------------


def test_format_date_nl() -> None:
    assert format_date_nl(date(2026, 11, 24)) == "dinsdag 24 november 2026"
    assert format_date_nl(date(2026, 3, 2)) == "maandag 2 maart 2026"


def test_format_date_nl_accepts_datetime() -> None:
    assert format_date_nl(at(2026, 12, 8, 17)) == "dinsdag 8 december 2026"


def test_format_datetime_nl() -> None:
    assert format_datetime_nl(at(2026, 11, 30, 14)) == "maandag 30 november 2026 om 14.00 uur"


def test_format_time_nl_writes_a_point_and_uur() -> None:
    # Dutch writes "10.15 uur", never "10:15"; the hour without a leading nought ("8.30 uur").
    assert format_time_nl(time(10, 15)) == "10.15 uur"
    assert format_time_nl(time(8, 5)) == "8.05 uur"
    assert format_time_nl(at(2026, 11, 30, 0)) == "0.00 uur"


def test_format_datetime_nl_keeps_own_zone() -> None:
    # 23:30 UTC is already Wednesday in Amsterdam, but the text follows the value's own zone.
    dt = at(2026, 11, 24, 23, 30, tz=UTC)
    assert format_datetime_nl(dt) == "dinsdag 24 november 2026 om 23.30 uur"
