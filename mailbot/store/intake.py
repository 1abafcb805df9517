"""How far each folder has been read, and what became of each received mail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from mailbot.clock import from_iso, iso
from mailbot.models import MailLogEntry
from mailbot.store.db import StoreBase


class IntakeStore(StoreBase):
    """The mailbox sync state and the mail log."""

    # --- mailbox sync state --------------------------------------------------------

    def sync_state(self, folder: str) -> tuple[int, int] | None:
        """(UIDVALIDITY, last UID) recorded for ``folder``."""
        row = self.db.execute("SELECT uidvalidity, last_uid FROM sync_state WHERE folder = ?", [folder]).fetchone()
        return (row[0], row[1]) if row else None

    def set_sync_state(self, folder: str, uidvalidity: int, last_uid: int, now: datetime) -> None:
        """Record how far ``folder`` has been read."""
        row = {"folder": folder, "uidvalidity": uidvalidity, "last_uid": last_uid, "updated_at": iso(now)}
        self.db.table("sync_state").upsert(row, pk="folder")

    # --- what became of each received mail -----------------------------------------

    def mail_outcome(self, raw_sha256: str) -> MailLogEntry | None:
        """The recorded outcome for these exact bytes, if they were processed before."""
        row = self.db.execute(
            "SELECT raw_sha256, key, outcome, case_id, reason FROM mail_log WHERE raw_sha256 = ?", [raw_sha256]
        ).fetchone()
        return MailLogEntry(*row) if row else None

    def log_mail(
        self, entry: MailLogEntry, folder: str, uidvalidity: int | None, uid: int | None, now: datetime
    ) -> None:
        """Record what became of a received message (inside the message's transaction)."""
        self.db.execute(
            "INSERT INTO mail_log (raw_sha256, key, folder, uidvalidity, uid, outcome, case_id, reason, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                entry.raw_sha256,
                entry.key,
                folder,
                uidvalidity,
                uid,
                entry.outcome,
                entry.case_id,
                entry.reason,
                iso(now),
            ],
        )

    def count_known_keys(self, keys: Sequence[str]) -> int:
        """How many of these message keys were processed before (UIDVALIDITY checks)."""
        if not keys:
            return 0
        marks = ",".join("?" * len(keys))
        return int(
            self.db.execute(f"SELECT count(DISTINCT key) FROM mail_log WHERE key IN ({marks})", list(keys)).fetchone()[
                0
            ]
        )

    # --- forwards waiting for their original sender (cases/forwards.py) --------------

    def add_forward_ask(self, ask_message_id: str, staff_email: str, raw_sha256: str, now: datetime) -> None:
        """Remember that our mail ``ask_message_id`` asked ``staff_email`` who wrote the mail they forwarded
        (blob ``raw_sha256``)."""
        self.db.execute(
            "INSERT INTO forward_asks (ask_message_id, staff_email, raw_sha256, created_at) VALUES (?, ?, ?, ?)",
            [ask_message_id, staff_email, raw_sha256, iso(now)],
        )

    def forward_ask(self, message_ids: Sequence[str]) -> tuple[str, str, int | None, datetime] | None:
        """(our question's Message-ID, the forward's blob, the case its answer opened, when we asked) for
        the first of ``message_ids`` that is one of our questions about a forward, else None."""
        for message_id in message_ids:
            row = self.db.execute(
                "SELECT ask_message_id, raw_sha256, case_id, created_at FROM forward_asks WHERE ask_message_id = ?",
                [message_id],
            ).fetchone()
            if row is not None:
                return str(row[0]), str(row[1]), row[2], from_iso(row[3])
        return None

    def answer_forward_ask(self, raw_sha256: str, case_id: int, now: datetime) -> None:
        """The forward (blob ``raw_sha256``) every question of ours was about is registered as ``case_id``."""
        self.db.execute(
            "UPDATE forward_asks SET case_id = ?, answered_at = ? WHERE raw_sha256 = ?", [case_id, iso(now), raw_sha256]
        )
