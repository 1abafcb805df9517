"""The benchmark's servers: mailbot.testing.servers' Dovecot, and an SMTP sink that only records arrival times."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mailbot.testing.servers import Dovecot, SmtpSink, find_dovecot

APPEND_BATCH = 100  # messages per MULTIAPPEND
APPEND_BATCH_BYTES = 16_000_000


@dataclass(frozen=True)
class Arrival:
    """One message the sink accepted: when (time.monotonic() of this process), from whom, to whom."""

    at: float
    mail_from: str
    rcpt_tos: tuple[str, ...]
    size: int


class TimedSink(SmtpSink):
    """SmtpSink(None) that keeps only arrival times and addresses, not the bytes (20,000 mails stay small).

    It never delivers into Dovecot, so sending is measured against an SMTP server that answers at once.
    """

    def __init__(self, port: int = 0) -> None:
        super().__init__(None, port)
        self._lock = threading.Lock()
        self._arrivals: list[Arrival] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """aiosmtpd hook: note the arrival, answer 250."""
        arrival = Arrival(
            time.monotonic(), envelope.mail_from, tuple(envelope.rcpt_tos), len(envelope.original_content or b"")
        )
        with self._lock:
            self._arrivals.append(arrival)
        return "250 2.0.0 OK"

    def mark(self) -> int:
        """A position in the arrival list; since(mark) gives what came after it."""
        with self._lock:
            return len(self._arrivals)

    def since(self, mark: int) -> list[Arrival]:
        """Arrivals after ``mark``, in order."""
        with self._lock:
            return self._arrivals[mark:]

    def first_arrivals(self, mark: int) -> dict[str, float]:
        """For each recipient since ``mark``, when its first message arrived."""
        first: dict[str, float] = {}
        for arrival in self.since(mark):
            for rcpt in arrival.rcpt_tos:
                first.setdefault(rcpt.lower(), arrival.at)
        return first


@contextmanager
def servers(root: Path) -> Iterator[tuple[Dovecot, TimedSink]]:
    """Dovecot in ``root`` and a TimedSink, both on 127.0.0.1, stopped afterwards."""
    binary = find_dovecot()
    if binary is None:
        raise SystemExit("bench: dovecot not found: apt-get install dovecot-imapd (./run does this)")
    with Dovecot(root / "dovecot", binary=binary) as dovecot, TimedSink() as sink:
        yield dovecot, sink


def fill(dovecot: Dovecot, user: str, mails: Sequence[bytes], connections: int = 1, folder: str = "INBOX") -> float:
    """Append ``mails`` to ``user``'s ``folder`` with MULTIAPPEND; return the seconds it took.

    With one connection the UIDs follow the order of ``mails``; with more, each connection appends
    its own contiguous share, in parallel.
    """
    with dovecot.connect(user) as client:
        if not client.folder_exists(folder):
            client.create_folder(folder)
    started = time.perf_counter()
    share = -(-len(mails) // max(1, connections))
    shares = [mails[i : i + share] for i in range(0, len(mails), share)] if mails else []
    with ThreadPoolExecutor(max_workers=max(1, len(shares))) as pool:
        for future in [pool.submit(_append_all, dovecot, user, folder, part) for part in shares]:
            future.result()
    return time.perf_counter() - started


def _append_all(dovecot: Dovecot, user: str, folder: str, mails: Sequence[bytes]) -> None:
    with dovecot.connect(user) as client:
        batch: list[bytes] = []
        size = 0
        for raw in mails:
            if batch and (len(batch) >= APPEND_BATCH or size + len(raw) > APPEND_BATCH_BYTES):
                client.multiappend(folder, batch)
                batch, size = [], 0
            batch.append(raw)
            size += len(raw)
        if batch:
            client.multiappend(folder, batch)


def folder_counts(dovecot: Dovecot, user: str) -> dict[str, int]:
    """How many messages each of ``user``'s folders holds."""
    with dovecot.connect(user) as client:
        names = [name for _flags, _sep, name in client.list_folders()]
        return {name: int(client.folder_status(name, [b"MESSAGES"])[b"MESSAGES"]) for name in names}
