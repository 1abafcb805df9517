"""The one place that reads the time; tests freeze and advance it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can say what time it is (always timezone-aware, UTC)."""

    def now(self) -> datetime:
        """The current moment."""
        ...

    def sleep(self, seconds: float) -> None:
        """Let ``seconds`` pass."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        """The current moment from the operating system, in UTC."""
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        """Wait for real."""
        import time

        time.sleep(max(0.0, seconds))


class FrozenClock:
    """A clock that moves only when told to: for tests and the demo's time travel."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """The frozen moment."""
        return self._now

    def sleep(self, seconds: float) -> None:
        """Waiting on a frozen clock moves it on at once."""
        self._now += timedelta(seconds=max(0.0, seconds))

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by ``delta``."""
        self._now += delta

    def set(self, moment: datetime) -> None:
        """Jump to ``moment``."""
        self._now = moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """Store form of a moment: ISO 8601 in UTC, to the second, so text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_iso(text: str) -> datetime:
    """Read a moment written by :func:`iso`."""
    return datetime.fromisoformat(text)


def parse_stored(text: str | None) -> datetime | None:
    """Like :func:`from_iso`, passing None through."""
    return from_iso(text) if text else None


def iso_or_none(moment: datetime | None) -> str | None:
    """Like :func:`iso`, passing None through."""
    return iso(moment) if moment else None


ZERO = timedelta(0)


def span_text(delta: timedelta) -> str:
    """A duration for people: ``45 s``, ``12 min 5 s``, ``3 h 5 min``, ``2 d 4 h``."""
    seconds = max(0, round(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        minutes, rest = divmod(seconds, 60)
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    if seconds < 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    return f"{seconds // 86400} d {seconds % 86400 // 3600} h"
