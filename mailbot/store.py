"""SQLite through sqlite-utils: migrations, and the only module that writes SQL."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from mailbot.clock import from_iso, iso, parse_stored
from mailbot.files import create_private, private_dir
from mailbot.models import Address, Agreement, Case, Category, Level, OutgoingMail, SubjectType, Timer

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_initial",
        """
        CREATE TABLE cases (
            id INTEGER PRIMARY KEY,
            ref TEXT NOT NULL UNIQUE,
            category TEXT NOT NULL,
            level INTEGER NOT NULL,
            urgent INTEGER NOT NULL DEFAULT 0,
            subject_type TEXT NOT NULL,
            status TEXT NOT NULL,
            customer_email TEXT NOT NULL,
            customer_name TEXT NOT NULL DEFAULT '',
            subject TEXT NOT NULL,
            owner_team TEXT,
            owner_email TEXT,
            received_at TEXT NOT NULL,
            ack_due TEXT,
            ack_sent_at TEXT,
            solution_due TEXT,
            answered INTEGER NOT NULL DEFAULT 0,
            linked_case_id INTEGER REFERENCES cases(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX cases_customer ON cases(customer_email);
        CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id),
            key TEXT NOT NULL,
            message_id TEXT NOT NULL,
            direction TEXT NOT NULL,
            role TEXT NOT NULL,
            internal INTEGER NOT NULL DEFAULT 0,
            from_email TEXT NOT NULL,
            from_name TEXT NOT NULL DEFAULT '',
            to_json TEXT NOT NULL,
            cc_json TEXT NOT NULL,
            subject TEXT NOT NULL,
            date TEXT NOT NULL,
            text TEXT NOT NULL,
            stripped TEXT NOT NULL,
            headers_json TEXT NOT NULL,
            attachments_json TEXT NOT NULL,
            raw_sha256 TEXT,
            verdict_json TEXT,
            flag TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX messages_message_id ON messages(message_id);
        CREATE INDEX messages_case ON messages(case_id);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            case_id INTEGER REFERENCES cases(id),
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            actor TEXT NOT NULL,
            detail_json TEXT NOT NULL
        );
        CREATE INDEX events_case ON events(case_id);
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            case_id INTEGER REFERENCES cases(id),
            kind TEXT NOT NULL,
            message_id TEXT NOT NULL UNIQUE,
            sender TEXT NOT NULL,
            recipients_json TEXT NOT NULL,
            subject TEXT NOT NULL,
            raw BLOB NOT NULL,
            automatic INTEGER NOT NULL,
            not_before TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            last_error TEXT,
            sent_at TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
        CREATE INDEX outbox_recipient ON outbox(automatic, created_at);
        CREATE TABLE mail_log (
            id INTEGER PRIMARY KEY,
            raw_sha256 TEXT NOT NULL UNIQUE,
            key TEXT NOT NULL,
            folder TEXT NOT NULL,
            uidvalidity INTEGER,
            uid INTEGER,
            outcome TEXT NOT NULL,
            case_id INTEGER REFERENCES cases(id),
            reason TEXT,
            at TEXT NOT NULL
        );
        CREATE TABLE sync_state (
            folder TEXT PRIMARY KEY,
            uidvalidity INTEGER NOT NULL,
            last_uid INTEGER NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE auto_replies (
            email TEXT PRIMARY KEY,
            last_at TEXT NOT NULL
        );
        """,
    ),
    (
        "0002_lifecycle",
        """
        ALTER TABLE cases ADD COLUMN channel TEXT NOT NULL DEFAULT 'email';
        ALTER TABLE cases ADD COLUMN contact_at TEXT;
        ALTER TABLE cases ADD COLUMN solution TEXT;
        ALTER TABLE cases ADD COLUMN solved_at TEXT;
        ALTER TABLE cases ADD COLUMN closed_at TEXT;
        CREATE TABLE timers (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            case_id INTEGER REFERENCES cases(id),
            kind TEXT NOT NULL,
            due_at TEXT NOT NULL,
            detail_json TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            fired_at TEXT
        );
        CREATE INDEX timers_due ON timers(status, due_at);
        CREATE TABLE agreements (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id),
            text TEXT NOT NULL,
            due_date TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX agreements_case ON agreements(case_id);
        """,
    ),
    (
        # AVG/GDPR (mailbot/privacy/): when a case was anonymised. The event log keeps its
        # append-only triggers; erasure alone lifts the update trigger, inside its own
        # transaction (Store.rewrite_events).
        "0003_privacy",
        """
        ALTER TABLE cases ADD COLUMN erased_at TEXT;
        """,
    ),
    (
        # The running daemon's heartbeat (mailbot/heartbeat.py), read by `mailbot status`: one
        # row, overwritten in place, so a beat costs one small write and the table never grows.
        "0004_heartbeat",
        """
        CREATE TABLE heartbeat (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            pid INTEGER NOT NULL,
            host TEXT NOT NULL,
            started_at TEXT NOT NULL,
            beat_at TEXT NOT NULL,
            last_sync_at TEXT,
            last_error TEXT,
            last_error_at TEXT,
            trouble_since TEXT,
            stopped_at TEXT
        );
        """,
    ),
    (
        # The outbox (outbox.py): a mail handed to the SMTP server is 'sending' until its result is
        # committed; one left so by a crash is "in doubt" and checked at the server before it is
        # resent (sentcheck.py). Recipients the server refused, with its reply, stay with the mail.
        "0005_outbox",
        """
        ALTER TABLE outbox ADD COLUMN claimed_at TEXT;
        ALTER TABLE outbox ADD COLUMN refused_json TEXT;
        CREATE INDEX events_kind ON events(kind, id);
        """,
    ),
    (
        # A backlog (timers.py, backlog.py): an interim update counts from the case's last mail to
        # the customer, looked up per case while thousands of cases are opened in one pass.
        "0007_backlog",
        """
        CREATE INDEX outbox_case ON outbox(case_id);
        """,
    ),
    (
        # Judgement (cases.py): a case the classifier was unsure of waits for a person's verdict
        # (#soort); a customer naming a lawyer, court or outside body flags the case with the words.
        "0006_judgement",
        """
        ALTER TABLE cases ADD COLUMN awaiting_verdict INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE cases ADD COLUMN dispute_flag TEXT;
        """,
    ),
]


@dataclass(frozen=True)
class MailLogEntry:
    """What became of one received message."""

    raw_sha256: str
    key: str
    outcome: str
    case_id: int | None
    reason: str | None


@dataclass(frozen=True)
class QueuedMail:
    """A row of the outbox that is due for sending."""

    id: int
    case_id: int | None
    kind: str
    message_id: str
    sender: str
    recipients: tuple[str, ...]
    raw: bytes
    attempts: int


@dataclass(frozen=True)
class Beat:
    """The daemon's last heartbeat: who it is, when it last lived, synced and failed."""

    pid: int
    host: str
    started_at: datetime
    beat_at: datetime
    last_sync_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    trouble_since: datetime | None  # the first failure since the last successful sync
    stopped_at: datetime | None


@dataclass(frozen=True)
class QueueFigures:
    """What waits: unsent mail (the oldest by the time it became due), parked and quarantined mail."""

    unsent: int
    oldest_unsent_due: datetime | None
    parked: int
    quarantined: int
    quarantined_recent: int
    # Recipients a server refused while it took the mail for the others; mail a crash left in doubt
    # (sentcheck.py); timers that failed (timers.py); the latest parked items with their reasons.
    refused: int = 0
    in_doubt: int = 0
    failed_timers: int = 0
    parked_items: tuple[ParkedItem, ...] = ()


@dataclass(frozen=True)
class ParkedItem:
    """A mail or recipient set aside for a person, for `mailbot status`."""

    case_ref: str | None
    kind: str
    recipient: str
    reason: str


class Store:
    """The case database. One instance per process; not shared between threads."""

    def __init__(self, path: Path | str, writer_lock: threading.Lock | None = None) -> None:
        # Connections of one process to the same database share this lock (sender.py): waiting on
        # it wakes at once, where SQLite's busy handler sleeps in steps of milliseconds.
        self.writer_lock = writer_lock or threading.Lock()
        if str(path) != ":memory:":
            path = Path(path)
            private_dir(path.parent)
            if not path.exists():
                # Dossiers hold personal data: nobody but the service account may read them.
                with suppress(FileExistsError):
                    create_private(path, b"")
        self.db = sqlite_utils.Database(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk before the mail is moved on the server (see daemon).
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA busy_timeout=10000")
        self.migrate()

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def migrate(self) -> list[str]:
        """Apply the named migrations not yet recorded; return their names."""
        self.db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = {row[0] for row in self.db.execute("SELECT name FROM _migrations").fetchall()}
        applied = []
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            with self.db.atomic():
                for statement in _statements(sql):
                    self.db.execute(statement)
                self.db.execute("INSERT INTO _migrations VALUES (?, datetime('now'))", [name])
            applied.append(name)
        return applied

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One unit of work: everything inside commits together or not at all.

        The outermost one takes the write lock at once (BEGIN IMMEDIATE): a plain BEGIN that
        reads first and writes later fails at once, ignoring busy_timeout, when another
        connection writes meanwhile. Nested ones are savepoints.
        """
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        with self.writer_lock:
            self.db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if self.db.conn.in_transaction:
                    self.db.conn.execute("ROLLBACK")
                raise
            self.db.conn.execute("COMMIT")

    # --- mailbox sync state --------------------------------------------------------

    def sync_state(self, folder: str) -> tuple[int, int] | None:
        """(UIDVALIDITY, last UID) recorded for ``folder``."""
        row = self.db.execute("SELECT uidvalidity, last_uid FROM sync_state WHERE folder = ?", [folder]).fetchone()
        return (row[0], row[1]) if row else None

    def set_sync_state(self, folder: str, uidvalidity: int, last_uid: int, now: datetime) -> None:
        """Record how far ``folder`` has been read."""
        self.db.execute(
            "INSERT INTO sync_state VALUES (?, ?, ?, ?) ON CONFLICT(folder) DO UPDATE SET "
            "uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, updated_at = excluded.updated_at",
            [folder, uidvalidity, last_uid, iso(now)],
        )

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

    # --- cases ----------------------------------------------------------------------

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
        values = {k: _to_column(v) for k, v in fields.items()}
        values["updated_at"] = iso(now)
        assignments = ", ".join(f"{k} = ?" for k in values)
        self.db.execute(f"UPDATE cases SET {assignments} WHERE id = ?", [*values.values(), case_id])

    def case(self, case_id: int) -> Case:
        """The case with this id."""
        row = self.db.execute("SELECT * FROM cases WHERE id = ?", [case_id]).fetchone()
        if row is None:
            raise KeyError(case_id)
        return _case_from_row(self._row(row, "cases"))

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

    # --- messages and events --------------------------------------------------------

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

    def add_event(self, case_id: int | None, event: str, actor: str, now: datetime, **detail: Any) -> None:
        """Append to the event log."""
        self.db.execute(
            "INSERT INTO events (case_id, at, kind, actor, detail_json) VALUES (?, ?, ?, ?, ?)",
            [case_id, iso(now), event, actor, json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True)],
        )

    def last_system_event(self, kind: str) -> dict[str, Any] | None:
        """The detail of the latest event of ``kind`` that belongs to no case."""
        row = self.db.execute(
            "SELECT detail_json FROM events WHERE case_id IS NULL AND kind = ? ORDER BY id DESC LIMIT 1", [kind]
        ).fetchone()
        return dict(json.loads(row[0])) if row else None

    def events(self, case_id: int) -> list[dict[str, Any]]:
        """A case's event log, oldest first."""
        rows = self.db.execute(
            "SELECT at, kind, actor, detail_json FROM events WHERE case_id = ? ORDER BY id", [case_id]
        )
        return [
            {"at": at, "kind": kind, "actor": actor, "detail": json.loads(d)} for at, kind, actor, d in rows.fetchall()
        ]

    # --- outbox ---------------------------------------------------------------------

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
                json.dumps(list(mail.recipients)),
                mail.subject,
                mail.raw,
                int(mail.automatic),
                iso(mail.not_before),
                iso(mail.not_before),
                iso(now),
            ],
        )
        return int(cursor.lastrowid or 0)

    def due_mail(self, now: datetime, limit: int = 100) -> list[QueuedMail]:
        """Pending outbox rows whose time has come, oldest first."""
        rows = self.db.execute(
            "SELECT id, case_id, kind, message_id, sender, recipients_json, raw, attempts FROM outbox "
            "WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
            [iso(now), limit],
        ).fetchall()
        return [QueuedMail(r[0], r[1], r[2], r[3], r[4], tuple(json.loads(r[5])), bytes(r[6]), r[7]) for r in rows]

    def claim(self, ids: Sequence[int], now: datetime) -> None:
        """Mark mail as handed to the SMTP server ('sending'): after a crash its outcome is in doubt."""
        self.db.execute(
            "UPDATE outbox SET status = 'sending', claimed_at = ? "
            "WHERE status = 'pending' AND id IN (SELECT value FROM json_each(?))",
            [iso(now), json.dumps(list(ids))],
        )

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
            [json.dumps(list(ids))],
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

    def failures_to_notice(self, kinds: Sequence[str], notice_kind: str, limit: int) -> list[dict[str, Any]]:
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
            [json.dumps(list(kinds)), notice_kind, notice_kind, limit],
        ).fetchall()
        return [
            {
                "id": i,
                "at": parse_stored(at),
                "kind": kind,
                "detail": json.loads(detail),
                "ref": ref,
                "subject": subject,
                "recipients": json.loads(recipients or "[]"),
            }
            for i, at, kind, detail, ref, subject, recipients in rows
        ]

    def events_since(self, kind: str, since: datetime) -> int:
        """How many events of ``kind`` were logged since ``since``."""
        row = self.db.execute("SELECT count(*) FROM events WHERE kind = ? AND at >= ?", [kind, iso(since)]).fetchone()
        return int(row[0])

    def set_refused(self, outbox_id: int, refusals: Mapping[str, str]) -> None:
        """Record the recipients the server refused (with its reply) for a mail it took for the rest."""
        self.db.execute("UPDATE outbox SET refused_json = ? WHERE id = ?", [json.dumps(dict(refusals)), outbox_id])

    def next_due_at(self) -> datetime | None:
        """When the next pending mail becomes due."""
        row = self.db.execute("SELECT min(next_attempt_at) FROM outbox WHERE status = 'pending'").fetchone()
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

    def quarantined_without_notice(self) -> int:
        """Mail quarantined since the last one the coordinator was told of (held back by the hourly cap)."""
        row = self.db.execute(
            "SELECT count(*) FROM events WHERE case_id IS NULL AND kind = 'quarantined' "
            "AND json_extract(detail_json, '$.notice') = 0 AND id > (SELECT coalesce(max(id), 0) FROM events "
            "WHERE case_id IS NULL AND kind = 'quarantined' AND json_extract(detail_json, '$.notice') = 1)"
        ).fetchone()
        return int(row[0])

    def mark_deferred(self, outbox_id: int, error: str, next_attempt: datetime) -> None:
        """Not offered to the server at all (it could not be reached): try again at ``next_attempt``,
        without counting an attempt, so that an outage never parks mail."""
        self.db.execute(
            "UPDATE outbox SET status = 'pending', claimed_at = NULL, last_error = ?, next_attempt_at = ? WHERE id = ?",
            [error, iso(next_attempt), outbox_id],
        )

    def mark_parked(self, outbox_id: int, error: str) -> None:
        """A permanent failure: never tried again without a person's decision."""
        self.db.execute(
            "UPDATE outbox SET status = 'parked', claimed_at = NULL, attempts = attempts + 1, last_error = ? "
            "WHERE id = ?",
            [error, outbox_id],
        )

    def cancel_unsent(self, case_id: int, kinds: Sequence[str], reason: str) -> int:
        """Withdraw a case's mail of ``kinds`` still waiting to go ('pending'); it stays listed as 'cancelled'."""
        cursor = self.db.execute(
            "UPDATE outbox SET status = 'cancelled', last_error = ? WHERE case_id = ? AND status = 'pending' "
            "AND kind IN (SELECT value FROM json_each(?))",
            [reason, case_id, json.dumps(list(kinds))],
        )
        return cursor.rowcount

    def outbox(self, case_id: int | None = None) -> list[dict[str, Any]]:
        """Outbox rows (without the raw bytes), for display."""
        where, params = ("WHERE case_id = ?", [case_id]) if case_id is not None else ("", [])
        rows = self.db.execute(
            "SELECT id, case_id, kind, message_id, recipients_json, subject, status, attempts, not_before, sent_at, "
            f"last_error FROM outbox {where} ORDER BY id",
            params,
        ).fetchall()
        keys = (
            "id",
            "case_id",
            "kind",
            "message_id",
            "recipients",
            "subject",
            "status",
            "attempts",
            "not_before",
            "sent_at",
            "last_error",
        )
        return [dict(zip(keys, (*r[:4], json.loads(r[4]), *r[5:]), strict=True)) for r in rows]

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

    # --- timers and agreements --------------------------------------------------------

    def schedule(self, key: str, case_id: int | None, kind: str, due_at: datetime, **detail: Any) -> bool:
        """Add a timer unless one with this key exists; True when it was added."""
        cursor = self.db.execute(
            "INSERT INTO timers (key, case_id, kind, due_at, detail_json) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(key) DO NOTHING",
            [key, case_id, kind, iso(due_at), json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True)],
        )
        return cursor.rowcount > 0

    def due_timers(self, now: datetime, limit: int = 100, skip_kinds: Sequence[str] = ()) -> list[Timer]:
        """Pending timers whose time has come, oldest first (but those of ``skip_kinds``)."""
        rows = self.db.execute(
            "SELECT id, key, case_id, kind, due_at, detail_json FROM timers WHERE status = 'pending' "
            "AND due_at <= ? AND kind NOT IN (SELECT value FROM json_each(?)) ORDER BY due_at, id LIMIT ?",
            [iso(now), json.dumps(list(skip_kinds)), limit],
        ).fetchall()
        return [Timer(r[0], r[1], r[2], r[3], from_iso(r[4]), json.loads(r[5])) for r in rows]

    def due_timers_of(self, kind: str, now: datetime) -> list[Timer]:
        """Every pending timer of ``kind`` whose time has come, oldest first: gathered into one mail."""
        rows = self.db.execute(
            "SELECT id, key, case_id, kind, due_at, detail_json FROM timers WHERE status = 'pending' "
            "AND kind = ? AND due_at <= ? ORDER BY due_at, id",
            [kind, iso(now)],
        ).fetchall()
        return [Timer(r[0], r[1], r[2], r[3], from_iso(r[4]), json.loads(r[5])) for r in rows]

    def cancel_timers(self, case_id: int, kinds: Sequence[str], now: datetime) -> int:
        """Mark a case's pending timers of ``kinds`` cancelled (a complaint that turned out a compliment)."""
        cursor = self.db.execute(
            "UPDATE timers SET status = 'cancelled', fired_at = ? WHERE case_id = ? AND status = 'pending' "
            "AND kind IN (SELECT value FROM json_each(?))",
            [iso(now), case_id, json.dumps(list(kinds))],
        )
        return cursor.rowcount

    def finish_timer(self, timer_id: int, status: str, now: datetime) -> None:
        """Mark a timer done (``fired`` or ``skipped``), in the transaction of its effects."""
        self.db.execute("UPDATE timers SET status = ?, fired_at = ? WHERE id = ?", [status, iso(now), timer_id])

    def next_timer_at(self) -> datetime | None:
        """When the next pending timer is due."""
        row = self.db.execute("SELECT min(due_at) FROM timers WHERE status = 'pending'").fetchone()
        return parse_stored(row[0]) if row else None

    def timers(self, case_id: int) -> list[dict[str, Any]]:
        """A case's timers, for the dossier and tests."""
        rows = self.db.execute(
            "SELECT kind, due_at, status, fired_at, detail_json FROM timers WHERE case_id = ? ORDER BY due_at, id",
            [case_id],
        ).fetchall()
        return [
            {"kind": r[0], "due_at": r[1], "status": r[2], "fired_at": r[3], "detail": json.loads(r[4])} for r in rows
        ]

    def add_agreement(self, case_id: int, text: str, due_date: str, created_by: str, now: datetime) -> int:
        """Record an agreement with the customer."""
        cursor = self.db.execute(
            "INSERT INTO agreements (case_id, text, due_date, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
            [case_id, text, due_date, created_by, iso(now)],
        )
        return int(cursor.lastrowid or 0)

    def agreements(self, case_id: int) -> list[Agreement]:
        """A case's agreements in date order."""
        rows = self.db.execute(
            "SELECT id, case_id, text, due_date, created_by FROM agreements WHERE case_id = ? ORDER BY due_date, id",
            [case_id],
        ).fetchall()
        return [Agreement(*r) for r in rows]

    def compliment_counts(self) -> list[tuple[str, str | None, int]]:
        """(team, person or None, number of compliments), most praised first."""
        rows = self.db.execute(
            "SELECT json_extract(detail_json, '$.team'), json_extract(detail_json, '$.person'), count(*) "
            "FROM events WHERE kind = 'compliment-routed' GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2"
        ).fetchall()
        return [(str(team), person, int(n)) for team, person, n in rows]

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

    # --- privacy: export and erasure (mailbot/privacy/ decides what; these read and write) ---

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
            [json.dumps(list(case_ids)), email, email, email],
        ).fetchall()
        return [self._row(r, "messages") for r in rows]

    def outbox_touching(self, case_ids: Sequence[int], email: str | None) -> list[dict[str, Any]]:
        """Outbox rows (raw bytes included) of these cases, and any mail to ``email``."""
        rows = self.db.execute(
            "SELECT * FROM outbox WHERE case_id IN (SELECT value FROM json_each(?)) "
            "OR EXISTS (SELECT 1 FROM json_each(recipients_json) WHERE lower(value) = ?) ORDER BY id",
            [json.dumps(list(case_ids)), email],
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
            [json.dumps(list(case_ids)), json.dumps(list(shas)), iso(caseless_before) if caseless_before else ""],
        ).fetchall()
        return [self._row(r, "mail_log") for r in rows]

    def events_touching(self, case_ids: Sequence[int], email: str | None) -> list[dict[str, Any]]:
        """Events of these cases, and any event whose actor or detail names ``email`` (with row ids)."""
        rows = self.db.execute(
            "SELECT id, case_id, at, kind, actor, detail_json FROM events "
            "WHERE case_id IN (SELECT value FROM json_each(?)) OR lower(actor) = ? "
            "OR (? IS NOT NULL AND instr(lower(detail_json), ?) > 0) ORDER BY id",
            [json.dumps(list(case_ids)), email, email, email],
        ).fetchall()
        keys = ("id", "case_id", "at", "kind", "actor")
        return [{**dict(zip(keys, r[:5], strict=True)), "detail": json.loads(r[5])} for r in rows]

    def timer_rows(self, case_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Every timer of these cases, with row ids."""
        rows = self.db.execute(
            "SELECT * FROM timers WHERE case_id IN (SELECT value FROM json_each(?)) ORDER BY id",
            [json.dumps(list(case_ids))],
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
            values = {k: _to_column(v) for k, v in fields.items()}
            assignments = ", ".join(f"{k} = ?" for k in values)
            self.db.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", [*values.values(), row_id])

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
                [actor, json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True), event_id],
            )
        self.db.execute(trigger)

    def blob_references(self, excluding_log_ids: Sequence[int]) -> set[str]:
        """Every sha256 a message (raw or attachment) or a mail log entry other than these still names."""
        rows = self.db.execute(
            "SELECT raw_sha256 FROM messages WHERE raw_sha256 IS NOT NULL "
            "UNION SELECT json_extract(a.value, '$.sha256') FROM messages m, json_each(m.attachments_json) a "
            "UNION SELECT raw_sha256 FROM mail_log WHERE id NOT IN (SELECT value FROM json_each(?))",
            [json.dumps(list(excluding_log_ids))],
        ).fetchall()
        return {str(r[0]) for r in rows if r[0]}

    def forget_auto_replies(self, emails: Sequence[str], before: datetime | None = None) -> int:
        """Drop the auto-reply window of these addresses (and, with ``before``, of any address last used before)."""
        cursor = self.db.execute(
            "DELETE FROM auto_replies WHERE email IN (SELECT value FROM json_each(?)) OR last_at < ?",
            [json.dumps(list(emails)), iso(before) if before else ""],
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

    def _row(self, row: Sequence[Any], table: str) -> dict[str, Any]:
        return dict(zip(self._columns(table), row, strict=True))

    def _columns(self, table: str) -> list[str]:
        cache = self.__dict__.setdefault("_column_cache", {})
        if table not in cache:
            cache[table] = [c.name for c in self.db.table(table).columns]
        return list(cache[table])

    # --- the KPI report: read only (mailbot/reports/kpi.py computes the figures) ----------------------------

    def cases_received(self, start: datetime, end: datetime) -> list[Case]:
        """Cases received from ``start`` up to, not including, ``end``; oldest first."""
        rows = self.db.execute(
            "SELECT * FROM cases WHERE received_at >= ? AND received_at < ? ORDER BY received_at, id",
            [iso(start), iso(end)],
        ).fetchall()
        return [_case_from_row(self._row(r, "cases")) for r in rows]

    def events_of_cases_received(self, start: datetime, end: datetime, kinds: Sequence[str]) -> list[dict[str, Any]]:
        """Events of these kinds on the cases received in [start, end), in the order they were logged."""
        rows = self.db.execute(
            "SELECT e.case_id, e.at, e.kind, e.detail_json FROM events e JOIN cases c ON c.id = e.case_id "
            "WHERE c.received_at >= ? AND c.received_at < ? AND e.kind IN (SELECT value FROM json_each(?)) "
            "ORDER BY e.id",
            [iso(start), iso(end), json.dumps(list(kinds))],
        ).fetchall()
        return [{"case_id": r[0], "at": r[1], "kind": r[2], "detail": json.loads(r[3])} for r in rows]

    # --- the daemon's heartbeat (mailbot/heartbeat.py) and health (mailbot/status.py) ----------------

    def record_start(self, pid: int, host: str, now: datetime) -> None:
        """A daemon started: it is the one the heartbeat speaks of; the last sync and error stay."""
        self.db.execute(
            "INSERT INTO heartbeat (id, pid, host, started_at, beat_at) VALUES (1, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET pid = excluded.pid, host = excluded.host, "
            "started_at = excluded.started_at, beat_at = excluded.beat_at, trouble_since = NULL, stopped_at = NULL",
            [pid, host, iso(now), iso(now)],
        )

    def record_beat(self, now: datetime, synced: bool = False) -> None:
        """The daemon lives; with ``synced``, it has just finished a loop turn without trouble."""
        if synced:
            self.db.execute(
                "UPDATE heartbeat SET beat_at = ?, last_sync_at = ?, trouble_since = NULL WHERE id = 1",
                [iso(now), iso(now)],
            )
        else:
            self.db.execute("UPDATE heartbeat SET beat_at = ? WHERE id = 1", [iso(now)])

    def record_trouble(self, now: datetime, error: str) -> None:
        """A loop turn failed with ``error`` (already free of secrets and personal data)."""
        self.db.execute(
            "UPDATE heartbeat SET beat_at = ?, last_error = ?, last_error_at = ?, "
            "trouble_since = coalesce(trouble_since, ?) WHERE id = 1",
            [iso(now), error, iso(now), iso(now)],
        )

    def record_stop(self, now: datetime, error: str | None) -> None:
        """The daemon ended: cleanly, or with ``error``."""
        self.db.execute(
            "UPDATE heartbeat SET beat_at = ?, stopped_at = ?, last_error = coalesce(?, last_error), "
            "last_error_at = CASE WHEN ? IS NULL THEN last_error_at ELSE ? END WHERE id = 1",
            [iso(now), iso(now), error, error, iso(now)],
        )

    def heartbeat(self) -> Beat | None:
        """The last daemon's heartbeat; None when no daemon ever ran on this database."""
        row = self.db.execute(
            "SELECT pid, host, started_at, beat_at, last_sync_at, last_error, last_error_at, trouble_since, "
            "stopped_at FROM heartbeat WHERE id = 1"
        ).fetchone()
        if row is None:
            return None
        pid, host, started, beat, synced, error, error_at, trouble, stopped = row
        return Beat(
            int(pid),
            str(host),
            from_iso(started),
            from_iso(beat),
            parse_stored(synced),
            error,
            parse_stored(error_at),
            parse_stored(trouble),
            parse_stored(stopped),
        )

    def queue_figures(self, since: datetime) -> QueueFigures:
        """Unsent and parked mail in the outbox; quarantined mail in all and since ``since``."""
        unsent, oldest, parked = self.db.execute(
            "SELECT count(*) FILTER (WHERE status = 'pending'), min(not_before) FILTER (WHERE status = 'pending'), "
            "count(*) FILTER (WHERE status = 'parked') FROM outbox"
        ).fetchone()
        quarantined, recent = self.db.execute(
            "SELECT count(*), count(*) FILTER (WHERE at >= ?) FROM mail_log WHERE outcome = 'quarantine'",
            [iso(since)],
        ).fetchone()
        in_doubt, refused = self.db.execute(
            "SELECT count(*) FILTER (WHERE status = 'sending'), "
            "coalesce(sum((SELECT count(*) FROM json_each(refused_json))) FILTER (WHERE refused_json IS NOT NULL), 0) "
            "FROM outbox"
        ).fetchone()
        (failed_timers,) = self.db.execute("SELECT count(*) FROM timers WHERE status = 'failed'").fetchone()
        items: list[ParkedItem] = []
        for ref, kind, recipients, error, refused_json in self.db.execute(
            "SELECT c.ref, o.kind, o.recipients_json, o.last_error, o.refused_json FROM outbox o "
            "LEFT JOIN cases c ON c.id = o.case_id WHERE o.status = 'parked' OR o.refused_json IS NOT NULL "
            "ORDER BY o.id DESC LIMIT 10"
        ):
            if refused_json:
                items += [ParkedItem(ref, kind, r, why) for r, why in json.loads(refused_json).items()]
            else:
                items.append(ParkedItem(ref, kind, ", ".join(json.loads(recipients)), error or ""))
        return QueueFigures(
            int(unsent),
            parse_stored(oldest),
            int(parked),
            int(quarantined),
            int(recent),
            refused=int(refused),
            in_doubt=int(in_doubt),
            failed_timers=int(failed_timers),
            parked_items=tuple(items[:10]),
        )


def _claimed(value: str | None) -> datetime:
    moment = parse_stored(value)
    return moment if moment is not None else datetime.fromtimestamp(0, UTC)


def _statements(sql: str) -> list[str]:
    # Triggers contain semicolons; sqlite3.complete_statement finds the real ends.
    import sqlite3

    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]


def _to_column(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Level):
        return int(value)
    return value


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
        status=row["status"],
        customer=Address(row["customer_email"], row["customer_name"]),
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
