"""Personal contact and progress, as policy: whether contact was made, and what an interim update can say.

Pure functions over a case's event log (``store.events``: dicts with ``at``, ``kind``, ``detail``);
the timers that use them are in ``cases/contact.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from mailbot.clock import from_iso, iso
from mailbot.kinds import EventKind, TimerKind
from mailbot.models import Case, EventRecord
from mailbot.workdays import format_date_nl, format_datetime_nl

# Events that mean a person of the organisation spoke or wrote to the customer themselves:
# a reply with mailbot in Cc, #contact, a conversation planned with #gesprek.
CONTACT_EVENTS = frozenset({EventKind.PERSONAL_CONTACT, EventKind.STAFF_REPLY, EventKind.CONTACT, EventKind.MEETING})
# The timers of a complaint's progress (cancelled with the others when it turns out a compliment).
PROGRESS_TIMERS = (TimerKind.INTERIM_UPDATE, TimerKind.CONTACT_CHECK)
# A complaint taken by phone (#telefonisch) was a conversation with the customer.
CONTACT_CHANNELS = frozenset({"telefonisch"})
# What a level is called in "Sinds ... behandelen wij uw ...".
ESCALATED_TO = {"formal": "uw klacht als formele klacht", "appeal": "uw beroep"}


def contact_check(case: Case, at: datetime, since: datetime) -> tuple[str, datetime, dict[str, Any]] | None:
    """The contact check of the case's current level (timer key, due time, detail), or None when the
    solution is due by then: the reminder and the alert of that deadline say enough."""
    if case.solution_due is not None and at >= case.solution_due:
        return None
    return f"{case.id}:contact-check:{case.level.label}", at, {"level": case.level.label, "since": iso(since)}


def contact_made(events: Iterable[EventRecord], since: datetime) -> bool:
    """True when the log shows personal contact with the customer at or after ``since``."""
    for event in events:
        if event.at < since:
            continue
        if event.kind in CONTACT_EVENTS:
            return True
        if event.kind == EventKind.REGISTERED and event.detail.get("channel") in CONTACT_CHANNELS:
            return True
    return False


def happened_since(events: Iterable[EventRecord], since: datetime, zone: ZoneInfo) -> list[str]:
    """What happened on the case after ``since``, as plain Dutch sentences for the customer, oldest
    first and each said once; internal steps (a status, an owner, a note) are left out."""
    sentences: list[str] = []
    for event in events:
        if event.at <= since:
            continue
        sentence = _sentence(event.kind, event.detail, format_date_nl(event.at.astimezone(zone)), zone)
        if sentence and sentence not in sentences:
            sentences.append(sentence)
    return sentences


def _sentence(kind: str, detail: dict[str, Any], day: str, zone: ZoneInfo) -> str | None:
    """One event in the customer's words, or None for an event the customer need not hear of."""
    if kind in (EventKind.PERSONAL_CONTACT, EventKind.STAFF_REPLY, EventKind.CONTACT):
        return f"Op {day} hebben wij persoonlijk contact met u gehad."
    if kind == EventKind.MEETING and detail.get("at"):
        moment = format_datetime_nl(from_iso(str(detail["at"])).astimezone(zone))
        return f"Wij hebben met u een gesprek afgesproken op {moment}."
    if kind == EventKind.AGREEMENT:
        return f"Op {day} hebben wij afspraken met u gemaakt. U kreeg daarover een brief van ons."
    if kind == EventKind.AGREEMENT_KEPT:
        return f"Op {day} zijn wij een afspraak met u nagekomen: {detail.get('text', '')}".rstrip(". ") + "."
    if kind == EventKind.PROPOSE_SOLUTION:
        return f"Op {day} hebben wij u een oplossing voorgesteld."
    if kind == EventKind.EXTEND and detail.get("solution_due"):
        due = format_date_nl(from_iso(str(detail["solution_due"])).astimezone(zone))
        return f"Wij hebben meer tijd genomen voor uw klacht: wij willen uw klacht uiterlijk {due} hebben opgelost."
    if kind == EventKind.ESCALATE and detail.get("level_to") in ESCALATED_TO:
        return f"Sinds {day} behandelen wij {ESCALATED_TO[str(detail['level_to'])]}."
    return None


def after_last(events: Sequence[EventRecord], kind: str) -> Sequence[EventRecord]:
    """The log's events after its latest of ``kind`` (all of them when there is none): what an earlier
    interim update told is no news. The log's order counts, not the clock: one second holds many."""
    kinds = [e.kind for e in events]
    return events[len(kinds) - kinds[::-1].index(kind) :] if kind in kinds else events


def ask_owner_first(happened: list[str], asked: bool, standard_at: datetime, solution_due: datetime | None) -> bool:
    """True when an interim update has nothing to say and the owner has not been asked yet: the
    owner is asked what the customer can be told, and the standard update waits till ``standard_at``.
    Once asked, or when the solution is due before then, the standard update goes now."""
    return not happened and not asked and (solution_due is None or standard_at < solution_due)


def span_nl(amount: int, unit: str) -> str:
    """A policy's span in Dutch words: "3 werkdagen", "1 week"."""
    one, many = {"working_days": ("werkdag", "werkdagen"), "days": ("dag", "dagen"), "weeks": ("week", "weken")}[unit]
    return f"{amount} {one if amount == 1 else many}"
