"""The messages of a case's dossier, as received and recorded."""

from __future__ import annotations

from typing import Any

from mailbot.store.db import StoreBase


class DossierStore(StoreBase):
    """The messages table."""

    def insert_message(self, record: dict[str, Any]) -> int:
        """Store one message of a case's dossier (values already in column form)."""
        cursor = self.db.execute(
            f"INSERT INTO messages ({', '.join(record)}) VALUES ({', '.join('?' * len(record))})", list(record.values())
        )
        return int(cursor.lastrowid or 0)

    def messages_with_id(self, message_id: str) -> list[dict[str, Any]]:
        """Stored messages carrying this Message-ID (to spot duplicates and reuse)."""
        rows = self.db.execute("SELECT * FROM messages WHERE message_id = ?", [message_id]).fetchall()
        return [self._row(r, "messages") for r in rows]

    def messages(self, case_id: int) -> list[dict[str, Any]]:
        """A case's dossier in the order the messages arrived."""
        rows = self.db.execute("SELECT * FROM messages WHERE case_id = ? ORDER BY id", [case_id]).fetchall()
        return [self._row(r, "messages") for r in rows]
