"""The connection every part of the store shares: opening, migrating, transactions, row helpers."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from mailbot.clock import iso
from mailbot.files import create_private, private_dir
from mailbot.models import Level
from mailbot.store.schema import migrate

_NORMAL, _FULL = "NORMAL", "FULL"
# Called, with the writer lock held, right after each durable commit: the bench's power-cut
# simulation (bench/powercut.py) and the tests watch the durable points through it.
DURABLE_LISTENERS: list[Callable[[StoreBase], None]] = []


class StoreBase:
    """The connection and its transactions; the per-table parts of the store build on it."""

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
        # NORMAL: in WAL mode a commit survives a crash of the process without an fsync of its own
        # (the frames are in the WAL file, which the kernel keeps). Through a power cut only what an
        # fsync of the WAL covered survives: a ``durable`` transaction does one (see there).
        self.db.execute(f"PRAGMA synchronous={_NORMAL}")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA busy_timeout=10000")
        self.migrate()

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def migrate(self) -> list[str]:
        """Apply the named migrations not yet recorded; return their names."""
        return migrate(self.db)

    @contextmanager
    def transaction(self, durable: bool = False) -> Iterator[None]:
        """One unit of work: everything inside commits together or not at all.

        The outermost one takes the write lock at once (BEGIN IMMEDIATE): a plain BEGIN that
        reads first and writes later fails at once, ignoring busy_timeout, when another
        connection writes meanwhile. Nested ones are savepoints.

        ``durable``: the commit is on disk, through a power cut, before this returns. Use it before
        an effect outside the database that must not be undone by losing the state behind it
        (a MOVE on the mail server, a mail handed to SMTP). In WAL mode SQLite syncs the WAL at a
        commit only under synchronous=FULL, and the setting cannot change inside a transaction,
        so it is FULL from before BEGIN to after COMMIT. One fsync of the WAL makes every frame
        before it durable too, every connection's: the WAL is one file, written in commit order.
        """
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        with self.writer_lock:
            if durable:
                self.db.conn.execute(f"PRAGMA synchronous={_FULL}")
            try:
                self.db.conn.execute("BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    if self.db.conn.in_transaction:
                        self.db.conn.execute("ROLLBACK")
                    raise
                self.db.conn.execute("COMMIT")
                if durable:
                    for listener in DURABLE_LISTENERS:
                        listener(self)
            finally:
                if durable:
                    self.db.conn.execute(f"PRAGMA synchronous={_NORMAL}")

    def _row(self, row: Sequence[Any], table: str) -> dict[str, Any]:
        return dict(zip(self._columns(table), row, strict=True))

    def _columns(self, table: str) -> list[str]:
        cache = self.__dict__.setdefault("_column_cache", {})
        if table not in cache:
            cache[table] = [c.name for c in self.db.table(table).columns]
        return list(cache[table])


def to_column(value: Any) -> Any:
    """A Python value as SQLite stores it: datetimes as ISO text, booleans and levels as integers."""
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Level):
        return int(value)
    return value


def detail_json(detail: dict[str, Any]) -> str:
    """The JSON text of an event's or a timer's detail (stable key order, Dutch text kept readable)."""
    return json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True)


def json_list(values: Sequence[Any]) -> str:
    """A JSON array, as the queries' ``json_each(?)`` read a list parameter."""
    return json.dumps(list(values))
