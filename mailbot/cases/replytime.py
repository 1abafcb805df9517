"""When an automatic reply to a customer may go: sending hours, and at most one per address per window.

The window (rules.yaml ``cases.auto_reply_window_minutes``) guards against mail loops and floods.
It never delays an urgent case's acknowledgement, and never holds an acknowledgement behind later
mail: the outbox brings held mail of a case forward to the next mail to the same person and sends
each person's mail of a case in order (store/outbox.py, ``IN_TURN``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from mailbot.kinds import MailKind
from mailbot.store import Store
from mailbot.workdays import WorkCalendar

# The kinds of mail that acknowledge a complaint; an urgent case's goes without waiting for the window.
ACKNOWLEDGEMENTS = frozenset({MailKind.ACK})


def automatic_reply_time(
    store: Store,
    calendar: WorkCalendar,
    window: timedelta,
    email: str,
    now: datetime,
    deadline: datetime | None,
    *,
    urgent_ack: bool = False,
) -> datetime:
    """When an automatic reply to ``email`` made at ``now`` may go; noted as the address's last one.

    A reply held back by the window still goes before ``deadline``: the policy's promise outranks
    the loop guard, which the auto-mail checks already cover. ``urgent_ack``: the acknowledgement
    of an urgent case, held by sending hours only.
    """
    when = calendar.next_sending_time(now, deadline)
    last = store.last_auto_reply(email)
    if not urgent_ack and last is not None and when < last + window:
        when = last + window
        if deadline is not None and when > deadline:
            when = max(now, deadline)
    if last is None or when > last:  # an urgent reply going earlier leaves the window where it was
        store.note_auto_reply(email, when)
    return when


def hurry_acknowledgement(store: Store, case_id: int, now: datetime) -> int:
    """A case made urgent: its acknowledgement still held back goes now; returns how many were brought forward."""
    return store.bring_forward(case_id, sorted(ACKNOWLEDGEMENTS), now)
