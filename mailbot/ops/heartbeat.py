"""The running daemon's signs of life: a heartbeat row for `mailbot status`, and systemd's notify messages.

Cheap by design: the daemon calls :meth:`Heartbeat.alive` as often as it likes (every IDLE slice,
every message); it writes one small row at most once per interval. A loop turn that ends well
writes once more, to record the sync.
"""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from mailbot.clock import Clock, iso
from mailbot.logs import describe_error, redacted
from mailbot.ops.sdnotify import notify, watchdog_seconds
from mailbot.store import Store

log = logging.getLogger("mailbot.heartbeat")
# Beat at least this often; `mailbot status` calls a heartbeat stale after many of these.
HEARTBEAT_SECONDS = 30.0
MAX_ERROR_CHARS = 300


class Heartbeat:
    """Records that the daemon lives, syncs and has trouble; tells systemd the same.

    Does nothing until :meth:`start`, so `run --once` leaves the running daemon's record alone.
    """

    def __init__(
        self, store: Store, clock: Clock, secrets: Sequence[str] = (), environ: Mapping[str, str] | None = None
    ) -> None:
        self.store = store
        self.clock = clock
        self.secrets = tuple(s for s in secrets if s)
        self.environ = environ
        watchdog = watchdog_seconds(environ)
        # systemd wants a ping well within WatchdogSec=; half of it is what sd_watchdog_enabled(3) advises.
        self.interval = min(HEARTBEAT_SECONDS, watchdog / 2) if watchdog else HEARTBEAT_SECONDS
        self.running = False
        self._last = 0.0

    def start(self) -> None:
        """The daemon begins: record its pid and host, and tell systemd it is ready."""
        self.running = True
        self._beat(lambda now: self.store.record_start(os.getpid(), socket.gethostname(), now), "READY=1")
        self._notify("STATUS=connecting to the mailbox")

    def alive(self) -> None:
        """A sign of life; beats when the last beat is an interval old."""
        if self.running and time.monotonic() - self._last >= self.interval:
            self._beat(self.store.record_beat)

    def synced(self) -> None:
        """A loop turn (fetch, handle, timers, send) ended without trouble."""
        if self.running:
            now = self._beat(lambda at: self.store.record_beat(at, synced=True))
            self._notify(f"STATUS=watching the mailbox; last sync {iso(now)}")

    def trouble(self, exc: BaseException) -> None:
        """A loop turn failed with a connection error; the daemon will try again."""
        if self.running:
            text = safe_error(exc, self.secrets)
            self._beat(lambda now: self.store.record_trouble(now, text))
            self._notify(f"STATUS=trouble, trying again: {text}")

    def stopped(self, crash: BaseException | None = None) -> None:
        """The daemon ends, cleanly or with ``crash`` (recorded by its type only: its text may quote mail)."""
        if not self.running:
            return
        self.running = False
        self._notify("STOPPING=1", "STATUS=stopping")
        error = None if crash is None else f"stopped by {type(crash).__name__}"
        self._write(lambda now: self.store.record_stop(now, error))

    def _beat(self, write: Callable[[datetime], None], *extra: str) -> datetime:
        self._last = time.monotonic()
        now = self._write(write)
        self._notify("WATCHDOG=1", *extra)
        return now

    def _write(self, write: Callable[[datetime], None]) -> datetime:
        now = self.clock.now()
        try:
            write(now)
        except sqlite3.Error as exc:
            # A locked database must not cost the mailbox its connection; a heartbeat that stays
            # away is exactly what `mailbot status` is there to notice.
            log.warning("could not record the heartbeat: %s", exc)
        return now

    def _notify(self, *lines: str) -> None:
        notify(*lines, environ=self.environ)


def safe_error(exc: BaseException, secrets: Sequence[str] = ()) -> str:
    """``Type: message`` of an error, without the given secrets or any mail address, and short."""
    text = describe_error(exc)
    for secret in secrets:
        text = text.replace(secret, "***")
    # Server errors may quote the login or a recipient: no address is kept.
    text = redacted(" ".join(text.split()))
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"
