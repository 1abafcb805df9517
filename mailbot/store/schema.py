"""The database's schema: named migrations, applied in order, each once."""

from __future__ import annotations

import sqlite3

import sqlite_utils

# Append a new migration at the end; its name is recorded in _migrations when applied.
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
        # The running daemon's heartbeat (mailbot/ops/heartbeat.py), read by `mailbot status`: one
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
        # Judgement (cases/desk.py): a case the classifier was unsure of waits for a person's verdict
        # (#soort); a customer naming a lawyer, court or outside body flags the case with the words.
        "0006_judgement",
        """
        ALTER TABLE cases ADD COLUMN awaiting_verdict INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE cases ADD COLUMN dispute_flag TEXT;
        """,
    ),
    (
        # Order (store/outbox.py): a mail's Date is set when it is first claimed for sending and
        # stored with it (dated_at), so a resend after a crash is the same bytes. Mail that may
        # already have left counts as dated.
        # Forwards (cases/forwards.py): a staff member's forward whose original sender we could
        # not find waits for their answer to our question (ask_message_id) as its raw mail's blob.
        "0009_order_forwards",
        """
        ALTER TABLE outbox ADD COLUMN dated_at TEXT;
        UPDATE outbox SET dated_at = coalesce(claimed_at, sent_at, created_at)
            WHERE status <> 'pending' OR attempts > 0;
        CREATE TABLE forward_asks (
            ask_message_id TEXT PRIMARY KEY,
            staff_email TEXT NOT NULL,
            raw_sha256 TEXT NOT NULL,
            created_at TEXT NOT NULL,
            case_id INTEGER REFERENCES cases(id),
            answered_at TEXT
        );
        """,
    ),
    (
        # #afspraak nagekomen (commands/agreement.py): an agreement kept; one past its date and not
        # kept alerts the owner and the coordinator (cases/agreements.py).
        "0010_extension_meeting",
        """
        ALTER TABLE agreements ADD COLUMN kept_at TEXT;
        ALTER TABLE agreements ADD COLUMN kept_by TEXT;
        """,
    ),
    (
        # A customer without an e-mail address: their postal address, every mail a letter (cases/letters.py).
        "0014_letters",
        """
        ALTER TABLE cases ADD COLUMN customer_postal TEXT NOT NULL DEFAULT '';
        """,
    ),
]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the named migrations not yet recorded; return their names."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    done = {row[0] for row in db.execute("SELECT name FROM _migrations").fetchall()}
    applied = []
    for name, sql in MIGRATIONS:
        if name in done:
            continue
        with db.atomic():
            for statement in _statements(sql):
                db.execute(statement)
            db.execute("INSERT INTO _migrations VALUES (?, datetime('now'))", [name])
        applied.append(name)
    return applied


def _statements(sql: str) -> list[str]:
    # Triggers contain semicolons; sqlite3.complete_statement finds the real ends.
    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]
