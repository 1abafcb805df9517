"""The append-only event log: what happened to a case, and to the system."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mailbot.clock import from_iso, iso
from mailbot.models import EventRecord, FailureRecord
from mailbot.store.db import StoreBase, detail_json, json_list

_EVENT = "SELECT case_id, at, kind, actor, detail_json FROM events"


class EventStore(StoreBase):
    """The events table (read and appended; erasure alone rewrites, see privacy.py)."""

    def add_event(self, case_id: int | None, event: str, actor: str, now: datetime, **detail: Any) -> None:
        """Append to the event log."""
        self.db.execute(
            "INSERT INTO events (case_id, at, kind, actor, detail_json) VALUES (?, ?, ?, ?, ?)",
            [case_id, iso(now), event, actor, detail_json(detail)],
        )

    def last_system_event(self, kind: str) -> EventRecord | None:
        """The latest event of ``kind`` that belongs to no case."""
        row = self.db.execute(
            f"{_EVENT} WHERE case_id IS NULL AND kind = ? ORDER BY id DESC LIMIT 1", [kind]
        ).fetchone()
        return _event(row) if row else None

    def events(self, case_id: int) -> list[EventRecord]:
        """A case's event log, oldest first."""
        rows = self.db.execute(f"{_EVENT} WHERE case_id = ? ORDER BY id", [case_id]).fetchall()
        return [_event(r) for r in rows]

    def failures_to_notice(self, kinds: Sequence[str], notice_kind: str, limit: int) -> list[FailureRecord]:
        """Failure events after the last one a notice of ``notice_kind`` covered, oldest first,
        with the case's reference; failures of such notices themselves are left out (no loop)."""
        rows = self.db.execute(
            "SELECT e.id, e.at, e.kind, e.detail_json, c.ref, o.subject, o.recipients_json FROM events e "
            "LEFT JOIN cases c ON c.id = e.case_id "
            "LEFT JOIN outbox o ON o.message_id = json_extract(e.detail_json, '$.message_id') "
            "WHERE e.kind IN (SELECT value FROM json_each(?)) "
            "AND coalesce(json_extract(e.detail_json, '$.kind'), '') != ? "
            "AND e.id > (SELECT coalesce(max(json_extract(detail_json, '$.up_to')), 0) FROM events WHERE kind = ?) "
            "ORDER BY e.id LIMIT ?",
            [json_list(kinds), notice_kind, notice_kind, limit],
        ).fetchall()
        return [
            FailureRecord(
                i, from_iso(at), kind, json.loads(detail), ref, subject, tuple(json.loads(recipients or "[]"))
            )
            for i, at, kind, detail, ref, subject, recipients in rows
        ]

    def events_since(self, kind: str, since: datetime) -> int:
        """How many events of ``kind`` were logged since ``since``."""
        row = self.db.execute("SELECT count(*) FROM events WHERE kind = ? AND at >= ?", [kind, iso(since)]).fetchone()
        return int(row[0])

    def quarantined_without_notice(self) -> int:
        """Mail quarantined since the last one the coordinator was told of (held back by the hourly cap)."""
        row = self.db.execute(
            "SELECT count(*) FROM events WHERE case_id IS NULL AND kind = 'quarantined' "
            "AND json_extract(detail_json, '$.notice') = 0 AND id > (SELECT coalesce(max(id), 0) FROM events "
            "WHERE case_id IS NULL AND kind = 'quarantined' AND json_extract(detail_json, '$.notice') = 1)"
        ).fetchone()
        return int(row[0])

    def compliment_counts(self) -> list[tuple[str, str | None, int]]:
        """(team, person or None, number of compliments), most praised first."""
        rows = self.db.execute(
            "SELECT json_extract(detail_json, '$.team'), json_extract(detail_json, '$.person'), count(*) "
            "FROM events WHERE kind = 'compliment-routed' GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2"
        ).fetchall()
        return [(str(team), person, int(n)) for team, person, n in rows]

    def events_of_cases_received(self, start: datetime, end: datetime, kinds: Sequence[str]) -> list[EventRecord]:
        """Events of these kinds on the cases received in [start, end), in the order they were logged."""
        rows = self.db.execute(
            "SELECT e.case_id, e.at, e.kind, e.actor, e.detail_json FROM events e JOIN cases c ON c.id = e.case_id "
            "WHERE c.received_at >= ? AND c.received_at < ? AND e.kind IN (SELECT value FROM json_each(?)) "
            "ORDER BY e.id",
            [iso(start), iso(end), json_list(kinds)],
        ).fetchall()
        return [_event(r) for r in rows]


def _event(row: Sequence[Any]) -> EventRecord:
    """An event from the columns of ``_EVENT``, in that order."""
    case_id, at, kind, actor, detail = row
    return EventRecord(case_id, from_iso(at), kind, actor, json.loads(detail))
