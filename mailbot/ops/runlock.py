"""One daemon per database: a lock held for the process's life, released by the kernel on any exit."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class AlreadyRunning(Exception):
    """Another `mailbot run` holds the database; the text says which process."""


class RunLock:
    """An exclusive flock(2) on ``<database>.lock``, beside the database.

    Two daemons on one database would each fetch, answer and send the same mail. flock is tied to
    the open file, so a crash, a SIGKILL or an OOM kill releases it with the process: no stale lock
    to clean up by hand. Readers (`cases`, `status`, `report`) never take it.
    """

    def __init__(self, db_path: Path) -> None:
        self.path = Path(f"{db_path}.lock")
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock, or raise AlreadyRunning naming the process that holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="ascii")  # noqa: SIM115 - held open for the process's life
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise AlreadyRunning(
                f"another mailbot run (pid {holder}) is already using {self.path.with_suffix('')}; "
                "stop it first (reading commands such as `mailbot status` work beside it)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        """Let go of the lock (also done by the kernel when the process ends)."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
