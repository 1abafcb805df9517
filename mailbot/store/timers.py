"""Timers (due actions) and the agreements made with customers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mailbot.clock import from_iso, iso, parse_stored
from mailbot.kinds import TimerKind
from mailbot.models import Agreement, Timer
from mailbot.store.db import StoreBase, detail_json, json_list

# A timer to add: key, case, kind, when it is due, and its detail.
NewTimer = tuple[str, int | None, TimerKind, datetime, dict[str, Any]]


class TimerStore(StoreBase):
    """The timers and agreements tables."""

    def schedule(self, key: str, case_id: int | None, kind: TimerKind, due_at: datetime, **detail: Any) -> bool:
        """Add a timer unless one with this key exists; True when it was added."""
        cursor = self.db.execute(
            "INSERT INTO timers (key, case_id, kind, due_at, detail_json) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(key) DO NOTHING",
            [key, case_id, kind, iso(due_at), detail_json(detail)],
        )
        return cursor.rowcount > 0

    def schedule_all(self, timers: Sequence[NewTimer]) -> None:
        """Add ``timers`` in one statement, each unless one with its key exists (as ``schedule``)."""
        if not timers:
            return
        self.db.execute(
            "INSERT INTO timers (key, case_id, kind, due_at, detail_json) VALUES "
            + ", ".join(["(?, ?, ?, ?, ?)"] * len(timers))
            + " ON CONFLICT(key) DO NOTHING",
            [
                v
                for key, case_id, kind, due_at, detail in timers
                for v in (key, case_id, kind, iso(due_at), detail_json(detail))
            ],
        )

    def due_timers(self, now: datetime, limit: int = 100, skip_kinds: Sequence[TimerKind] = ()) -> list[Timer]:
        """Pending timers whose time has come, oldest first (but those of ``skip_kinds``)."""
        rows = self.db.execute(
            "SELECT id, key, case_id, kind, due_at, detail_json FROM timers WHERE status = 'pending' "
            "AND due_at <= ? AND kind NOT IN (SELECT value FROM json_each(?)) ORDER BY due_at, id LIMIT ?",
            [iso(now), json_list(skip_kinds), limit],
        ).fetchall()
        return [Timer(r[0], r[1], r[2], TimerKind(r[3]), from_iso(r[4]), json.loads(r[5])) for r in rows]

    def due_timers_of(self, kind: TimerKind, now: datetime) -> list[Timer]:
        """Every pending timer of ``kind`` whose time has come, oldest first: gathered into one mail."""
        rows = self.db.execute(
            "SELECT id, key, case_id, kind, due_at, detail_json FROM timers WHERE status = 'pending' "
            "AND kind = ? AND due_at <= ? ORDER BY due_at, id",
            [kind, iso(now)],
        ).fetchall()
        return [Timer(r[0], r[1], r[2], TimerKind(r[3]), from_iso(r[4]), json.loads(r[5])) for r in rows]

    def cancel_timers(self, case_id: int, kinds: Sequence[TimerKind], now: datetime) -> int:
        """Mark a case's pending timers of ``kinds`` cancelled (a complaint that turned out a compliment)."""
        cursor = self.db.execute(
            "UPDATE timers SET status = 'cancelled', fired_at = ? WHERE case_id = ? AND status = 'pending' "
            "AND kind IN (SELECT value FROM json_each(?))",
            [iso(now), case_id, json_list(kinds)],
        )
        return cursor.rowcount

    def finish_timer(self, timer_id: int, status: str, now: datetime) -> None:
        """Mark a timer done (``fired`` or ``skipped``), in the transaction of its effects."""
        self.db.execute("UPDATE timers SET status = ?, fired_at = ? WHERE id = ?", [status, iso(now), timer_id])

    def next_timer_at(self) -> datetime | None:
        """When the next pending timer is due."""
        row = self.db.execute("SELECT min(due_at) FROM timers WHERE status = 'pending'").fetchone()
        return parse_stored(row[0]) if row else None

    def timers(self, case_id: int) -> list[Timer]:
        """A case's timers, whatever became of them, for the dossier and tests."""
        rows = self.db.execute(
            "SELECT id, key, case_id, kind, due_at, detail_json, status, fired_at FROM timers WHERE case_id = ? "
            "ORDER BY due_at, id",
            [case_id],
        ).fetchall()
        return [
            Timer(r[0], r[1], r[2], TimerKind(r[3]), from_iso(r[4]), json.loads(r[5]), r[6], parse_stored(r[7]))
            for r in rows
        ]

    def add_agreement(self, case_id: int, text: str, due_date: str, created_by: str, now: datetime) -> int:
        """Record an agreement with the customer."""
        row = {"case_id": case_id, "text": text, "due_date": due_date, "created_by": created_by, "created_at": iso(now)}
        return int(self.db.table("agreements").insert(row).last_rowid or 0)

    def agreements(self, case_id: int) -> list[Agreement]:
        """A case's agreements in date order."""
        rows = self.db.execute(
            "SELECT id, case_id, text, due_date, created_by, kept_at FROM agreements WHERE case_id = ? "
            "ORDER BY due_date, id",
            [case_id],
        ).fetchall()
        return [Agreement(*r) for r in rows]

    def keep_agreement(self, agreement_id: int, by: str, now: datetime) -> None:
        """Mark an agreement kept (`#afspraak nagekomen`)."""
        self.db.execute(
            "UPDATE agreements SET kept_at = ?, kept_by = ? WHERE id = ? AND kept_at IS NULL",
            [iso(now), by, agreement_id],
        )
