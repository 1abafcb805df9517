"""The messages of a case's dossier, as received and recorded."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mailbot.clock import from_iso
from mailbot.models import Attachment, Direction, MessageRecord, Role
from mailbot.store.db import StoreBase


class DossierStore(StoreBase):
    """The messages table."""

    def insert_message(self, record: dict[str, Any]) -> int:
        """Store one message of a case's dossier (values already in column form)."""
        cursor = self.db.execute(
            f"INSERT INTO messages ({', '.join(record)}) VALUES ({', '.join('?' * len(record))})", list(record.values())
        )
        return int(cursor.lastrowid or 0)

    def messages_with_id(self, message_id: str) -> list[MessageRecord]:
        """Stored messages carrying this Message-ID (to spot duplicates and reuse)."""
        rows = self.db.execute("SELECT * FROM messages WHERE message_id = ?", [message_id]).fetchall()
        return [message_from_row(self._row(r, "messages")) for r in rows]

    def messages(self, case_id: int) -> list[MessageRecord]:
        """A case's dossier in the order the messages arrived."""
        rows = self.db.execute("SELECT * FROM messages WHERE case_id = ? ORDER BY id", [case_id]).fetchall()
        return [message_from_row(self._row(r, "messages")) for r in rows]


def message_from_row(row: Mapping[str, Any]) -> MessageRecord:
    """A messages-table row (column name -> stored value) as the record the rest of mailbot reads."""
    verdict = row["verdict_json"]
    return MessageRecord(
        id=row["id"],
        case_id=row["case_id"],
        key=row["key"],
        message_id=row["message_id"],
        direction=Direction(row["direction"]),
        role=Role(row["role"]),
        internal=bool(row["internal"]),
        from_email=row["from_email"],
        from_name=row["from_name"],
        to=tuple(json.loads(row["to_json"])),
        cc=tuple(json.loads(row["cc_json"])),
        subject=row["subject"],
        date=from_iso(row["date"]),
        text=row["text"],
        stripped=row["stripped"],
        headers=json.loads(row["headers_json"]),
        attachments=tuple(Attachment(**a) for a in json.loads(row["attachments_json"])),
        raw_sha256=row["raw_sha256"],
        verdict=json.loads(verdict) if verdict else None,
        flag=row["flag"],
        created_at=from_iso(row["created_at"]),
    )
