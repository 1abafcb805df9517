"""Export and erasure (mailbot/privacy/ decides what; these read and write)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from mailbot.clock import iso
from mailbot.store.db import StoreBase, detail_json, json_list, to_column


class PrivacyStore(StoreBase):
    """Reads across tables by customer, and the rewrites erasure needs.

    Unlike the rest of the store, these reads hand out whole rows as ``{column: stored value}``
    dicts, not records: erasure (privacy/erasure.py) rewrites them column by column through
    ``update_rows``, by the same names, and must see every column, the JSON text included, as
    stored. Where a row is shown, it becomes a record first (``store.dossier.message_from_row``).
    """

    def customer_case_ids(self, email: str) -> list[int]:
        """The cases opened in this customer's name."""
        rows = self.db.execute("SELECT id FROM cases WHERE customer_email = ? ORDER BY id", [email]).fetchall()
        return [int(r[0]) for r in rows]

    def expired_case_ids(self, before: datetime) -> list[int]:
        """Closed and referred cases, not yet anonymised, that ended before ``before``.

        A referred case has no closed_at: it ended with its last `refer` event.
        """
        rows = self.db.execute(
            "SELECT id FROM cases WHERE status IN ('closed', 'referred') AND erased_at IS NULL AND coalesce("
            "closed_at, (SELECT max(at) FROM events e WHERE e.case_id = cases.id AND e.kind = 'refer'), updated_at"
            ") < ? ORDER BY id",
            [iso(before)],
        ).fetchall()
        return [int(r[0]) for r in rows]

    def messages_touching(self, case_ids: Sequence[int], email: str | None) -> list[dict[str, Any]]:
        """Messages of these cases, and any message with ``email`` as From, To or Cc."""
        rows = self.db.execute(
            "SELECT * FROM messages WHERE case_id IN (SELECT value FROM json_each(?)) OR from_email = ? "
            "OR EXISTS (SELECT 1 FROM json_each(to_json) WHERE value = ?) "
            "OR EXISTS (SELECT 1 FROM json_each(cc_json) WHERE value = ?) ORDER BY id",
            [json_list(case_ids), email, email, email],
        ).fetchall()
        return [self._row(r, "messages") for r in rows]

    def outbox_touching(self, case_ids: Sequence[int], email: str | None) -> list[dict[str, Any]]:
        """Outbox rows (raw bytes included) of these cases, and any mail to ``email``."""
        rows = self.db.execute(
            "SELECT * FROM outbox WHERE case_id IN (SELECT value FROM json_each(?)) "
            "OR EXISTS (SELECT 1 FROM json_each(recipients_json) WHERE lower(value) = ?) ORDER BY id",
            [json_list(case_ids), email],
        ).fetchall()
        return [self._row(r, "outbox") for r in rows]

    def mail_log_rows(
        self, case_ids: Sequence[int], shas: Sequence[str] = (), caseless_before: datetime | None = None
    ) -> list[dict[str, Any]]:
        """Mail log entries of these cases or these raw messages; with ``caseless_before``, also the
        entries of mail that joined no case (automatic, duplicate, quarantined) logged before then
        and not yet erased."""
        rows = self.db.execute(
            "SELECT * FROM mail_log WHERE case_id IN (SELECT value FROM json_each(?)) "
            "OR raw_sha256 IN (SELECT value FROM json_each(?)) "
            "OR (case_id IS NULL AND at < ? AND key NOT LIKE '<erased-%') ORDER BY id",
            [json_list(case_ids), json_list(shas), iso(caseless_before) if caseless_before else ""],
        ).fetchall()
        return [self._row(r, "mail_log") for r in rows]

    def events_touching(self, case_ids: Sequence[int], email: str | None) -> list[dict[str, Any]]:
        """Events of these cases, and any event whose actor or detail names ``email`` (with row ids)."""
        rows = self.db.execute(
            "SELECT id, case_id, at, kind, actor, detail_json FROM events "
            "WHERE case_id IN (SELECT value FROM json_each(?)) OR lower(actor) = ? "
            "OR (? IS NOT NULL AND instr(lower(detail_json), ?) > 0) ORDER BY id",
            [json_list(case_ids), email, email, email],
        ).fetchall()
        keys = ("id", "case_id", "at", "kind", "actor")
        return [{**dict(zip(keys, r[:5], strict=True)), "detail": json.loads(r[5])} for r in rows]

    def timer_rows(self, case_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Every timer of these cases, with row ids."""
        rows = self.db.execute(
            "SELECT * FROM timers WHERE case_id IN (SELECT value FROM json_each(?)) ORDER BY id",
            [json_list(case_ids)],
        ).fetchall()
        return [self._row(r, "timers") for r in rows]

    def update_rows(self, table: str, changes: Sequence[tuple[int, dict[str, Any]]]) -> None:
        """Set columns of rows by id: ``[(id, {column: value})]``; for erasure, never for the event log."""
        if table not in ("cases", "messages", "outbox", "timers", "agreements", "mail_log"):
            raise ValueError(f"update_rows does not write {table}")
        columns = set(self._columns(table))
        for row_id, fields in changes:
            if not fields:
                continue
            unknown = set(fields) - columns
            if unknown:
                raise ValueError(f"no such column in {table}: {', '.join(sorted(unknown))}")
            self.db.table(table).update(row_id, {k: to_column(v) for k, v in fields.items()})

    def rewrite_events(self, changes: Sequence[tuple[int, str, dict[str, Any]]]) -> None:
        """Replace the actor and detail of events: ``[(id, actor, detail)]``; only for erasure.

        The event log is append-only by trigger, and stays so. The right to erasure (AVG art. 17)
        is the one exception: the update trigger is dropped and re-created inside the caller's
        transaction, so no other connection ever sees the log without it, and a failure rolls the
        erasure back with the trigger in place. Rows are rewritten, never deleted.
        """
        if not self.db.conn.in_transaction:
            raise RuntimeError("rewrite_events must run inside a transaction")
        if not changes:
            return
        (trigger,) = self.db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'events_no_update'"
        ).fetchone()
        self.db.execute("DROP TRIGGER events_no_update")
        for event_id, actor, detail in changes:
            self.db.execute(
                "UPDATE events SET actor = ?, detail_json = ? WHERE id = ?",
                [actor, detail_json(detail), event_id],
            )
        self.db.execute(trigger)

    def blob_references(self, excluding_log_ids: Sequence[int]) -> set[str]:
        """Every sha256 a message (raw or attachment) or a mail log entry other than these still names."""
        rows = self.db.execute(
            "SELECT raw_sha256 FROM messages WHERE raw_sha256 IS NOT NULL "
            "UNION SELECT json_extract(a.value, '$.sha256') FROM messages m, json_each(m.attachments_json) a "
            "UNION SELECT raw_sha256 FROM mail_log WHERE id NOT IN (SELECT value FROM json_each(?))",
            [json_list(excluding_log_ids)],
        ).fetchall()
        return {str(r[0]) for r in rows if r[0]}

    def forget_auto_replies(self, emails: Sequence[str], before: datetime | None = None) -> int:
        """Drop the auto-reply window of these addresses (and, with ``before``, of any address last used before)."""
        cursor = self.db.execute(
            "DELETE FROM auto_replies WHERE email IN (SELECT value FROM json_each(?)) OR last_at < ?",
            [json_list(emails), iso(before) if before else ""],
        )
        return cursor.rowcount

    @contextmanager
    def erasing(self) -> Iterator[None]:
        """A transaction for erasure: the write lock taken at once (what is read cannot change before
        it is overwritten), and freed space overwritten with zeros (``secure_delete``)."""
        before = self.db.execute("PRAGMA secure_delete").fetchone()[0]
        self.db.execute("PRAGMA secure_delete = ON")
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                with self.db.atomic():
                    yield
            except BaseException:
                self.db.conn.rollback()
                raise
            self.db.conn.commit()
        finally:
            self.db.execute(f"PRAGMA secure_delete = {int(before)}")

    def compact(self) -> bool:
        """Rebuild the file without free pages and empty the write-ahead log, so erased text does not
        linger on disk; False when another connection kept part of the log in use."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.execute("VACUUM")
        busy = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        return not busy
