"""The outbox: mail waiting to be sent, sent, parked or in doubt; and the auto-reply window."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from mailbot.clock import from_iso, iso, parse_stored
from mailbot.models import OutboxRecord, OutgoingMail, QueuedMail
from mailbot.store.db import StoreBase, json_list

# A mail's turn has come when no earlier mail of its case to one of its recipients is still to go
# ('pending') or in flight ('sending'): every customer hears things in the order they were written.
# A parked mail holds nothing up: it goes only when a person decides.
IN_TURN = (
    "NOT EXISTS (SELECT 1 FROM outbox AS e WHERE e.case_id = o.case_id AND e.id < o.id "
    "AND e.status IN ('pending', 'sending') AND EXISTS (SELECT 1 FROM json_each(e.recipients_json) AS a "
    "WHERE a.value IN (SELECT value FROM json_each(o.recipients_json))))"
)


class OutboxStore(StoreBase):
    """The outbox and auto_replies tables."""

    def enqueue(self, mail: OutgoingMail, case_id: int | None, now: datetime) -> int:
        """Put a rendered mail in the outbox (inside the transaction that caused it)."""
        cursor = self.db.execute(
            "INSERT INTO outbox (case_id, kind, message_id, sender, recipients_json, subject, raw, automatic, "
            "not_before, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                case_id,
                mail.kind,
                mail.message_id,
                mail.sender,
                json_list(mail.recipients),
                mail.subject,
                mail.raw,
                int(mail.automatic),
                iso(mail.not_before),
                iso(mail.not_before),
                iso(now),
            ],
        )
        if case_id is not None:
            # Earlier mail of the case to these recipients held back (the window, sending hours)
            # goes no later than this one: it must reach them first, and need not wait longer.
            self.db.execute(
                "UPDATE outbox SET next_attempt_at = ? WHERE case_id = ? AND status = 'pending' AND attempts = 0 "
                "AND next_attempt_at > ? AND EXISTS (SELECT 1 FROM json_each(recipients_json) AS r "
                "WHERE r.value IN (SELECT value FROM json_each(?)))",
                [iso(mail.not_before), case_id, iso(mail.not_before), json_list(mail.recipients)],
            )
        return int(cursor.lastrowid or 0)

    def due_mail(self, now: datetime, limit: int = 100) -> list[QueuedMail]:
        """Pending outbox rows whose time has come, oldest first; never one behind an earlier mail of
        its case to one of its recipients that has not gone yet (``IN_TURN``): the next pass takes it."""
        rows = self.db.execute(
            "SELECT id, case_id, kind, message_id, sender, recipients_json, raw, attempts FROM outbox AS o "
            f"WHERE status = 'pending' AND next_attempt_at <= ? AND {IN_TURN} ORDER BY next_attempt_at, id LIMIT ?",
            [iso(now), limit],
        ).fetchall()
        return [QueuedMail(r[0], r[1], r[2], r[3], r[4], tuple(json.loads(r[5])), bytes(r[6]), r[7]) for r in rows]

    def claim(self, ids: Sequence[int], now: datetime, dated: Mapping[int, bytes] | None = None) -> None:
        """Mark mail as handed to the SMTP server ('sending'): after a crash its outcome is in doubt.

        ``dated`` holds the bytes of mail claimed for the first time, with the Date of its sending
        (outbox.py): stored, so that a mail resent after a crash is the same bytes."""
        self.db.execute(
            "UPDATE outbox SET status = 'sending', claimed_at = ? "
            "WHERE status = 'pending' AND id IN (SELECT value FROM json_each(?))",
            [iso(now), json_list(ids)],
        )
        for outbox_id, raw in (dated or {}).items():
            self.db.execute(
                "UPDATE outbox SET raw = ?, dated_at = ? WHERE id = ? AND dated_at IS NULL", [raw, iso(now), outbox_id]
            )

    def undated(self, ids: Sequence[int]) -> set[int]:
        """Which of ``ids`` still carry the Date of their queueing (never claimed for sending)."""
        rows = self.db.execute(
            "SELECT id FROM outbox WHERE dated_at IS NULL AND id IN (SELECT value FROM json_each(?))", [json_list(ids)]
        ).fetchall()
        return {int(r[0]) for r in rows}

    def mark_in_doubt(self, outbox_id: int, error: str, now: datetime) -> None:
        """The whole mail went but no reply came: left 'sending', to be looked for at the server."""
        self.db.execute(
            "UPDATE outbox SET status = 'sending', claimed_at = ?, attempts = attempts + 1, last_error = ? "
            "WHERE id = ?",
            [iso(now), error, outbox_id],
        )

    def release(self, ids: Sequence[int]) -> None:
        """Mail claimed but never offered to the server: pending again, as it was."""
        self.db.execute(
            "UPDATE outbox SET status = 'pending', claimed_at = NULL "
            "WHERE status = 'sending' AND id IN (SELECT value FROM json_each(?))",
            [json_list(ids)],
        )

    def in_doubt(self) -> list[tuple[QueuedMail, datetime]]:
        """Mail left 'sending' (a crash between the hand-over and its result), with when it was claimed."""
        rows = self.db.execute(
            "SELECT id, case_id, kind, message_id, sender, recipients_json, raw, attempts, claimed_at FROM outbox "
            "WHERE status = 'sending' ORDER BY id"
        ).fetchall()
        return [
            (QueuedMail(r[0], r[1], r[2], r[3], r[4], tuple(json.loads(r[5])), bytes(r[6]), r[7]), _claimed(r[8]))
            for r in rows
        ]

    def set_refused(self, outbox_id: int, refusals: Mapping[str, str]) -> None:
        """Record the recipients the server refused (with its reply) for a mail it took for the rest."""
        self.db.execute("UPDATE outbox SET refused_json = ? WHERE id = ?", [json.dumps(dict(refusals)), outbox_id])

    def next_due_at(self) -> datetime | None:
        """When the next pending mail becomes due (one waiting for an earlier mail goes after that one)."""
        row = self.db.execute(
            f"SELECT min(next_attempt_at) FROM outbox AS o WHERE status = 'pending' AND {IN_TURN}"
        ).fetchone()
        return parse_stored(row[0]) if row else None

    def mark_sent(self, outbox_id: int, now: datetime) -> None:
        """The server accepted the mail."""
        self.db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL, "
            "claimed_at = NULL WHERE id = ?",
            [iso(now), outbox_id],
        )

    def mark_retry(self, outbox_id: int, error: str, next_attempt: datetime) -> None:
        """A temporary failure: try again at ``next_attempt``."""
        self.db.execute(
            "UPDATE outbox SET status = 'pending', claimed_at = NULL, attempts = attempts + 1, last_error = ?, "
            "next_attempt_at = ? WHERE id = ?",
            [error, iso(next_attempt), outbox_id],
        )

    def quarantine_notices_since(self, since: datetime) -> int:
        """How many quarantine notices were queued since ``since``."""
        row = self.db.execute(
            "SELECT count(*) FROM outbox WHERE kind = 'quarantine-notice' AND created_at >= ?", [iso(since)]
        ).fetchone()
        return int(row[0])

    def mark_deferred(self, outbox_id: int, error: str, next_attempt: datetime) -> None:
        """Not offered to the server at all (it could not be reached): try again at ``next_attempt``,
        without counting an attempt, so that an outage never parks mail. No byte of it left, so
        the next claim dates it anew."""
        self.db.execute(
            "UPDATE outbox SET status = 'pending', claimed_at = NULL, dated_at = NULL, last_error = ?, "
            "next_attempt_at = ? WHERE id = ?",
            [error, iso(next_attempt), outbox_id],
        )

    def mark_parked(self, outbox_id: int, error: str) -> None:
        """A permanent failure: never tried again without a person's decision."""
        self.db.execute(
            "UPDATE outbox SET status = 'parked', claimed_at = NULL, attempts = attempts + 1, last_error = ? "
            "WHERE id = ?",
            [error, outbox_id],
        )

    def bring_forward(self, case_id: int, kinds: Sequence[str], now: datetime) -> int:
        """A case's mail of ``kinds`` held back and never tried goes at ``now``; returns how many."""
        cursor = self.db.execute(
            "UPDATE outbox SET next_attempt_at = ? WHERE case_id = ? AND status = 'pending' AND attempts = 0 "
            "AND next_attempt_at > ? AND kind IN (SELECT value FROM json_each(?))",
            [iso(now), case_id, iso(now), json_list(kinds)],
        )
        return cursor.rowcount

    def cancel_unsent(self, case_id: int, kinds: Sequence[str], reason: str) -> int:
        """Withdraw a case's mail of ``kinds`` still waiting to go ('pending'); it stays listed as 'cancelled'."""
        cursor = self.db.execute(
            "UPDATE outbox SET status = 'cancelled', last_error = ? WHERE case_id = ? AND status = 'pending' "
            "AND kind IN (SELECT value FROM json_each(?))",
            [reason, case_id, json_list(kinds)],
        )
        return cursor.rowcount

    def outbox(self, case_id: int | None = None) -> list[OutboxRecord]:
        """Outbox rows (without the raw bytes), for display."""
        where, params = ("WHERE case_id = ?", [case_id]) if case_id is not None else ("", [])
        rows = self.db.execute(
            "SELECT id, case_id, kind, message_id, recipients_json, subject, status, attempts, not_before, sent_at, "
            f"last_error FROM outbox {where} ORDER BY id",
            params,
        ).fetchall()
        return [
            OutboxRecord(
                id=r[0],
                case_id=r[1],
                kind=r[2],
                message_id=r[3],
                recipients=tuple(json.loads(r[4])),
                subject=r[5],
                status=r[6],
                attempts=r[7],
                not_before=from_iso(r[8]),
                sent_at=parse_stored(r[9]),
                last_error=r[10],
            )
            for r in rows
        ]

    def outbox_raw(self, message_id: str) -> tuple[bytes, int | None] | None:
        """The bytes we queued under this Message-ID, and its case, if we did."""
        row = self.db.execute("SELECT raw, case_id FROM outbox WHERE message_id = ?", [message_id]).fetchone()
        return (bytes(row[0]), row[1]) if row else None

    def outbox_kind(self, message_id: str) -> str | None:
        """The kind of our own mail with this Message-ID, if we sent it."""
        row = self.db.execute("SELECT kind FROM outbox WHERE message_id = ?", [message_id]).fetchone()
        return str(row[0]) if row else None

    def outgoing_raw(self, case_id: int) -> list[tuple[str, str, bytes]]:
        """(message_id, status, raw bytes) of every mail queued for a case, oldest first (for the archive)."""
        rows = self.db.execute(
            "SELECT message_id, status, raw FROM outbox WHERE case_id = ? ORDER BY id", [case_id]
        ).fetchall()
        return [(r[0], r[1], bytes(r[2])) for r in rows]

    def last_mail_to(self, case_id: int, email: str) -> datetime | None:
        """When the case's latest mail to ``email`` went out, or is due to go (parked mail never reached
        them); staff's own replies to the customer, recorded from the Cc, count from when we saw them."""
        row = self.db.execute(
            "SELECT max(at) FROM (SELECT coalesce(sent_at, next_attempt_at) AS at FROM outbox WHERE case_id = ? "
            "AND status NOT IN ('parked', 'cancelled') "
            "AND EXISTS (SELECT 1 FROM json_each(recipients_json) WHERE value = ?) "
            "UNION ALL SELECT created_at FROM messages WHERE case_id = ? AND direction = 'out')",
            [case_id, email, case_id],
        ).fetchone()
        return parse_stored(row[0]) if row else None

    def last_auto_reply(self, email: str) -> datetime | None:
        """When the last automatic reply to ``email`` was scheduled."""
        row = self.db.execute("SELECT last_at FROM auto_replies WHERE email = ?", [email]).fetchone()
        return from_iso(row[0]) if row else None

    def note_auto_reply(self, email: str, at: datetime) -> None:
        """Remember that an automatic reply to ``email`` goes out at ``at``."""
        self.db.execute(
            "INSERT INTO auto_replies VALUES (?, ?) ON CONFLICT(email) DO UPDATE SET last_at = excluded.last_at",
            [email, iso(at)],
        )


def _claimed(value: str | None) -> datetime:
    moment = parse_stored(value)
    return moment if moment is not None else datetime.fromtimestamp(0, UTC)
