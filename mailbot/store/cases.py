"""Cases: references, rows, and their mapping to ``Case``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mailbot.clock import from_iso, iso, parse_stored
from mailbot.models import Address, Case, Category, Level, Status, SubjectType
from mailbot.store.db import StoreBase, to_column


class CaseStore(StoreBase):
    """The cases table."""

    def next_ref(self, prefix: str, year: int) -> str:
        """The next case reference for the year, such as ``KL-2026-0001``."""
        name = f"{prefix}-{year}"
        row = self.db.execute(
            "INSERT INTO counters VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
            [name],
        ).fetchone()
        return f"{name}-{row[0]:04d}"

    def insert_case(self, case: Case, now: datetime) -> int:
        """Store a new case; return its id (``case.id`` is ignored)."""
        record = _case_record(case)
        record.update(created_at=iso(now), updated_at=iso(now))
        record.pop("id")
        cursor = self.db.execute(
            f"INSERT INTO cases ({', '.join(record)}) VALUES ({', '.join('?' * len(record))})", list(record.values())
        )
        return int(cursor.lastrowid or 0)

    def update_case(self, case_id: int, now: datetime, **fields: Any) -> None:
        """Change some fields of a case."""
        values = {k: to_column(v) for k, v in fields.items()}
        values["updated_at"] = iso(now)
        assignments = ", ".join(f"{k} = ?" for k in values)
        self.db.execute(f"UPDATE cases SET {assignments} WHERE id = ?", [*values.values(), case_id])

    def case(self, case_id: int) -> Case:
        """The case with this id."""
        row = self.db.execute("SELECT * FROM cases WHERE id = ?", [case_id]).fetchone()
        if row is None:
            raise KeyError(case_id)
        return _case_from_row(self._row(row, "cases"))

    def case_ref(self, case_id: int) -> str:
        """The reference of the case with this id (a log line's; cheaper than reading the case)."""
        row = self.db.execute("SELECT ref FROM cases WHERE id = ?", [case_id]).fetchone()
        if row is None:
            raise KeyError(case_id)
        return str(row[0])

    def note_ack_sent(self, case_id: int, now: datetime) -> None:
        """The case's first acknowledgement went out at ``now``; a later one changes nothing."""
        self.db.execute(
            "UPDATE cases SET ack_sent_at = ?, updated_at = ? WHERE id = ? AND ack_sent_at IS NULL",
            [iso(now), iso(now), case_id],
        )

    def case_by_ref(self, ref: str) -> Case | None:
        """The case with this reference, if any."""
        row = self.db.execute("SELECT * FROM cases WHERE ref = ?", [ref.upper()]).fetchone()
        return _case_from_row(self._row(row, "cases")) if row else None

    def cases(self, status: str | None = None) -> list[Case]:
        """All cases, urgent first, then newest first."""
        where, params = ("WHERE status = ?", [status]) if status else ("", [])
        rows = self.db.execute(f"SELECT * FROM cases {where} ORDER BY urgent DESC, received_at DESC, id DESC", params)
        return [_case_from_row(self._row(r, "cases")) for r in rows.fetchall()]

    def case_for_message_ids(self, message_ids: Sequence[str]) -> int | None:
        """The case that holds (or sent) any of these Message-IDs; the first id wins."""
        for mid in message_ids:
            row = self.db.execute(
                "SELECT case_id FROM messages WHERE message_id = ? UNION ALL "
                "SELECT case_id FROM outbox WHERE message_id = ? AND case_id IS NOT NULL LIMIT 1",
                [mid, mid],
            ).fetchone()
            if row:
                return int(row[0])
        return None

    def cases_received(self, start: datetime, end: datetime) -> list[Case]:
        """Cases received from ``start`` up to, not including, ``end``; oldest first."""
        rows = self.db.execute(
            "SELECT * FROM cases WHERE received_at >= ? AND received_at < ? ORDER BY received_at, id",
            [iso(start), iso(end)],
        ).fetchall()
        return [_case_from_row(self._row(r, "cases")) for r in rows]


def _case_record(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "ref": case.ref,
        "category": case.category.value,
        "level": int(case.level),
        "urgent": int(case.urgent),
        "subject_type": case.subject_type.value,
        "status": case.status,
        "customer_email": case.customer.email,
        "customer_name": case.customer.name,
        "customer_postal": case.customer.postal,
        "subject": case.subject,
        "owner_team": case.owner_team,
        "owner_email": case.owner_email,
        "received_at": iso(case.received_at),
        "ack_due": iso(case.ack_due) if case.ack_due else None,
        "ack_sent_at": iso(case.ack_sent_at) if case.ack_sent_at else None,
        "solution_due": iso(case.solution_due) if case.solution_due else None,
        "answered": int(case.answered),
        "linked_case_id": case.linked_case_id,
        "channel": case.channel,
        "contact_at": iso(case.contact_at) if case.contact_at else None,
        "solution": case.solution,
        "solved_at": iso(case.solved_at) if case.solved_at else None,
        "closed_at": iso(case.closed_at) if case.closed_at else None,
        "awaiting_verdict": int(case.awaiting_verdict),
        "dispute_flag": case.dispute_flag,
    }


def _case_from_row(row: dict[str, Any]) -> Case:
    return Case(
        id=row["id"],
        ref=row["ref"],
        category=Category(row["category"]),
        level=Level(row["level"]),
        urgent=bool(row["urgent"]),
        subject_type=SubjectType(row["subject_type"]),
        status=Status(row["status"]),
        customer=Address(row["customer_email"], row["customer_name"], row["customer_postal"]),
        subject=row["subject"],
        owner_team=row["owner_team"],
        owner_email=row["owner_email"],
        received_at=from_iso(row["received_at"]),
        ack_due=parse_stored(row["ack_due"]),
        ack_sent_at=parse_stored(row["ack_sent_at"]),
        solution_due=parse_stored(row["solution_due"]),
        answered=bool(row["answered"]),
        linked_case_id=row["linked_case_id"],
        channel=row["channel"],
        contact_at=parse_stored(row["contact_at"]),
        solution=row["solution"],
        solved_at=parse_stored(row["solved_at"]),
        closed_at=parse_stored(row["closed_at"]),
        awaiting_verdict=bool(row["awaiting_verdict"]),
        dispute_flag=row["dispute_flag"],
    )
