"""The values of the commands that plan something with the customer: a meeting, agreements, an extension."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple


class Agreement(NamedTuple):
    """What was agreed with the customer, and the date it must be done by."""

    text: str
    due: date


MEETING_FORMS = {"kantoor": "op kantoor", "telefonisch": "telefonisch", "video": "via video"}


@dataclass(frozen=True)
class MeetingPlan:
    """A conversation with the customer: when, how (``form`` a key of MEETING_FORMS, or ""), where, with whom.

    ``forced`` is set when the writer insisted on a moment outside office hours or working days;
    ``assumed`` says what was taken that was not written (a morning's default hour).
    """

    at: datetime
    form: str = ""
    place: str = ""
    participants: str = ""
    forced: bool = False
    assumed: str = ""


@dataclass(frozen=True)
class Agreements:
    """The `#afspraak` lines of one staff mail: new agreements (one letter) and texts of agreements kept."""

    made: tuple[Agreement, ...] = ()
    kept: tuple[str, ...] = ()  # "" keeps every agreement whose date has come
    on: date | None = None  # the day the lines were written


@dataclass(frozen=True)
class Extension:
    """A later solution date, why, and whether the customer consented (needed beyond the policy's limit)."""

    due: date
    reason: str
    consent: bool = False
    written_at: datetime | None = None  # when the line was written: an extension is told before the old date
