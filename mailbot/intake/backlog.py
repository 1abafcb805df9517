"""A backlog answered calmly: what a first start does with old mail, and what `run --once` says first.

On the first start on a mailbox (no sync state for the folder yet) with ``mailbox.backfill.mode:
register``, mail that arrived more than ``older_than_days`` before that start becomes a case
without any mail: the plan (the folder, its UIDVALIDITY, the highest UID waiting, the cutoff
moment) is written to the event log before the first message is handled, so a restart after a
crash halfway through the backlog keeps to the same plan. Everything else is handled as usual;
timers.py gathers the passed deadlines and the quietly registered cases into one mail each.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from mailbot.clock import from_iso, iso
from mailbot.config import BackfillRules
from mailbot.store import Store

log = logging.getLogger("mailbot.backlog")
PLAN_EVENT = "backfill-started"


@dataclass(frozen=True)
class BackfillPlan:
    """Mail in ``folder`` up to ``last_uid`` that arrived before ``cutoff`` is registered without mail."""

    folder: str
    uidvalidity: int
    last_uid: int
    cutoff: datetime

    def quiet(self, folder: str, uidvalidity: int, uid: int, arrived: datetime | None) -> bool:
        """Whether this message is old mail of the first start, to be registered without mail."""
        return (
            (folder, uidvalidity) == (self.folder, self.uidvalidity)
            and uid <= self.last_uid
            and arrived is not None
            and arrived < self.cutoff
        )


def make_plan(
    rules: BackfillRules, folder: str, uidvalidity: int, uids: Iterable[int], now: datetime
) -> BackfillPlan | None:
    """The plan for a first start on ``uids`` waiting mail; None when everything is answered as usual."""
    last = max(uids, default=0)
    if rules.mode != "register" or last == 0:
        return None
    return BackfillPlan(folder, uidvalidity, last, now - timedelta(days=rules.older_than_days))


class Backfill:
    """The first start's plan, kept in the event log so that it outlives a crash."""

    def __init__(self, store: Store) -> None:
        self.store = store
        plan = store.last_system_event(PLAN_EVENT)
        self.plan = _load(plan.detail) if plan else None

    def begin(
        self,
        rules: BackfillRules,
        folder: str,
        uidvalidity: int,
        uids: list[int],
        first_start: bool,
        now: datetime,
    ) -> None:
        """On a first start, make and record the plan (unless a crashed first start made one already)."""
        made = self.plan is not None and (self.plan.folder, self.plan.uidvalidity) == (folder, uidvalidity)
        if not first_start or made:
            return
        plan = make_plan(rules, folder, uidvalidity, uids, now)
        if plan is None:
            return
        with self.store.transaction():
            self.store.add_event(
                None,
                PLAN_EVENT,
                "system",
                now,
                folder=plan.folder,
                uidvalidity=plan.uidvalidity,
                last_uid=plan.last_uid,
                cutoff=iso(plan.cutoff),
            )
        self.plan = plan
        log.info("first start: mail that arrived before %s is registered without mail", iso(plan.cutoff))

    def quiet(self, folder: str, uidvalidity: int, uid: int, arrived: datetime | None) -> bool:
        """Whether this message is to be registered without mail."""
        return self.plan is not None and self.plan.quiet(folder, uidvalidity, uid, arrived)


@dataclass(frozen=True)
class Outlook:
    """What a pass over waiting mail will do, said before it starts."""

    waiting: int
    registered: int  # registered without mail (older than the backfill cutoff)
    late: int  # answered, but past the acknowledgement deadline already


def outlook(
    arrivals: dict[int, datetime | None],
    quiet: Callable[[int, datetime | None], bool],
    ack_due: Callable[[datetime], datetime],
    now: datetime,
) -> Outlook:
    """Count the waiting mail by what will become of it (arrival times from the server's INTERNALDATE)."""
    registered = late = 0
    for uid, arrived in arrivals.items():
        if quiet(uid, arrived):
            registered += 1
        elif arrived is not None and ack_due(arrived) <= now:
            late += 1
    return Outlook(len(arrivals), registered, late)


def outlook_line(found: Outlook, older_than_days: int) -> str:
    """The plain line `run --once` prints before a backlog is handled."""
    parts = [f"mailbot: {found.waiting} mail(s) waiting"]
    if found.registered:
        parts.append(
            f"{found.registered} older than {older_than_days} days are registered without mail to the customer, "
            f"the coordinator gets their list in one mail"
        )
    answered = found.waiting - found.registered
    parts.append(f"{answered} are answered as usual")
    if found.late:
        parts.append(
            f"{found.late} of those arrived past their acknowledgement deadline: "
            f"the coordinator gets one summary of the passed deadlines, no mail per case"
        )
    return "; ".join(parts)


def _load(detail: dict[str, object]) -> BackfillPlan:
    return BackfillPlan(
        str(detail["folder"]),
        int(str(detail["uidvalidity"])),
        int(str(detail["last_uid"])),
        from_iso(str(detail["cutoff"])),
    )
