"""The Date of a received mail: the header in UTC, else a lenient reading of it, else the receipt time."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

_DATE_LANGUAGES = ["nl", "en"]


def mail_date(
    strict: datetime | None, header: str, received_at: datetime, assume_tz: str
) -> tuple[datetime, list[str]]:
    """The Date header in UTC, else a lenient reading of it, else ``received_at``."""
    if strict is not None:
        return strict.astimezone(UTC), []
    if header:
        lenient = lenient_date(header, received_at, assume_tz)
        if lenient is not None:
            return lenient, ["Date read leniently (dateparser)"]
        return received_at.astimezone(UTC), ["Date unreadable; used receipt time"]
    return received_at.astimezone(UTC), ["Date missing; used receipt time"]


def lenient_date(text: str, received_at: datetime, assume_tz: str) -> datetime | None:
    """Read a malformed date such as "Maandag, 24 nov 2026 10:15" with dateparser, in UTC.

    Only absolute dates with day, month and year count: "gisteren" in a Date header
    is not evidence of anything.
    """
    # dateparser takes a noticeable fraction of a second to import; only
    # malformed Date headers need it.
    import dateparser

    local_base = received_at.astimezone(ZoneInfo(assume_tz)).replace(tzinfo=None)
    settings = {
        "TIMEZONE": assume_tz,
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "RELATIVE_BASE": local_base,
        "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
        "REQUIRE_PARTS": ["day", "month", "year"],
        "DATE_ORDER": "DMY",
    }
    try:
        value = dateparser.parse(text[:200], languages=_DATE_LANGUAGES, settings=settings)
    except Exception:  # dateparser raises assorted errors on odd text; a date never fails a mail
        return None
    return value.astimezone(UTC) if value is not None else None
