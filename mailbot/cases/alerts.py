"""Alerts to staff that show the case as it is: the customer's own words, the current owner, type and deadlines."""

from __future__ import annotations

from datetime import datetime

from mailbot.cases.work import CaseWork
from mailbot.models import Case, Direction, Role
from mailbot.store import Store


def complaint_words(store: Store, case_id: int) -> str:
    """The complaint in the customer's own words: their first mail without quoted history.

    A complaint staff registered (phone, letter) has no mail of the customer's: its words are
    the registering note.
    """
    rows = [row for row in store.messages(case_id) if row.direction == Direction.IN]
    for row in rows:
        if row.role == Role.CUSTOMER:
            return row.stripped
    return rows[0].stripped if rows else ""


def urgent_alert(work: CaseWork, case: Case, actor: str, now: datetime) -> None:
    """A case made urgent by a member of staff: the owner, the team and the director hear of it.

    Sent after every command of the staff member's mail, so it shows the owner and type they set too.
    """
    people = [p for p in [*work.owner_people(case), work.rules.director] if p.email != actor]
    if not people:
        return
    work.to_staff(
        case,
        "urgent",
        "notify_new",
        now,
        people,
        excerpt=complaint_words(work.store, case.id),
        marked_by=work.rules.person_name(actor) or actor,
    )
