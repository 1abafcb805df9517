"""The bench's working parts: sizes, a fresh mailbox and database per run, and watching a mailbot process."""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.servers import TimedSink
from mailbot.testing.servers import Dovecot

REPO = Path(__file__).resolve().parent.parent
RULES = REPO / "rules.yaml"


class BenchError(RuntimeError):
    """A measurement could not be made (a process failed, mail went missing)."""


@dataclass(frozen=True)
class Sizes:
    """How much mail each section uses."""

    plain: int
    mixed: int
    latency: int
    latency_rate: float  # mails per second appended while the daemon runs
    latency_wait: float  # seconds to wait for the last acknowledgements after the last APPEND
    scale: int
    startup_runs: int
    repeat: int


FULL = Sizes(
    plain=1000, mixed=300, latency=200, latency_rate=5.0, latency_wait=60, scale=10_000, startup_runs=10, repeat=3
)
QUICK = Sizes(plain=30, mixed=15, latency=20, latency_rate=5.0, latency_wait=5, scale=35, startup_runs=3, repeat=1)


@dataclass(frozen=True)
class Slot:
    """A fresh IMAP user and data folder for one run: a fresh mailbox and a fresh database."""

    user: str
    work: Path

    @property
    def db(self) -> Path:
        """The run's database."""
        return self.work / "data" / "mailbot.db"

    @property
    def log(self) -> Path:
        """Where the run's stderr goes."""
        return self.work / "stderr.log"


class Lab:
    """The servers and scratch space the sections share."""

    def __init__(self, root: Path, dovecot: Dovecot, sink: TimedSink, seed: int) -> None:
        self.root = root
        self.dovecot = dovecot
        self.sink = sink
        self.seed = seed
        self._serial = itertools.count(1)

    def slot(self, label: str) -> Slot:
        """A new user (so a new, empty mailbox) and a new working folder."""
        user = f"{label}-{next(self._serial)}"
        work = self.root / "runs" / user
        work.mkdir(parents=True)
        return Slot(user, work)

    def env(self, slot: Slot) -> dict[str, str]:
        """The environment of a mailbot process for ``slot`` (no MAILBOT_* from the caller's)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("MAILBOT_")}
        env.update(
            MAILBOT_IMAP_URL=self.dovecot.url(slot.user),
            MAILBOT_SMTP_URL=self.sink.url(),
            MAILBOT_DB=str(slot.db),
            MAILBOT_RULES=str(RULES),
        )
        return env

    def run(self, command: Sequence[str], slot: Slot) -> tuple[str, float, float]:
        """Run ``command`` in ``slot``'s folder (no .env there); return its stdout, wall and CPU seconds."""
        started = time.perf_counter()
        with slot.log.open("wb") as log:
            proc = subprocess.Popen(command, cwd=slot.work, env=self.env(slot), stdout=subprocess.PIPE, stderr=log)
            assert proc.stdout is not None
            stdout = proc.stdout.read()
            _, status, usage = os.wait4(proc.pid, 0)  # user and system CPU of this process alone
            proc.returncode = os.waitstatus_to_exitcode(status)
            proc.stdout.close()
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            raise BenchError(f"{' '.join(command)} exited with {proc.returncode}:\n{tail(slot.log)}")
        return stdout.decode(), wall, usage.ru_utime + usage.ru_stime


class Watched:
    """A mailbot process for a slot, stopped with SIGTERM at the end.

    Its peak RSS is VmHWM from /proc/<pid>/status, read at every poll() while it runs. Not ru_maxrss from
    wait4(): Linux carries the high-water mark through fork and exec, so that would report the bench's own
    RSS (which holds the corpus) whenever it is larger than mailbot's.
    """

    def __init__(self, lab: Lab, slot: Slot, command: list[str]) -> None:
        self.lab, self.slot, self.command = lab, slot, command
        self.exit_code: int | None = None
        self.peak_rss_mb: float | None = None
        self.cpu_seconds: float | None = None
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Watched:
        with self.slot.log.open("wb") as log:
            self.proc = subprocess.Popen(
                self.command, cwd=self.slot.work, env=self.lab.env(self.slot), stdout=subprocess.DEVNULL, stderr=log
            )
        return self

    def poll(self) -> bool:
        """Reap the process if it has ended; True while it runs."""
        assert self.proc is not None
        if self.exit_code is not None:
            return False
        hwm = proc_status(self.proc.pid).get("hwm_mb")
        if hwm is not None:
            self.peak_rss_mb = max(self.peak_rss_mb or 0.0, hwm)
        pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
        if pid == 0:
            return True
        self.exit_code = self.proc.returncode = os.waitstatus_to_exitcode(status)
        self.cpu_seconds = usage.ru_utime + usage.ru_stime
        return False

    def wait_until(self, condition: Callable[[], bool], timeout: float, strict: bool = True) -> bool:
        """Poll ``condition`` while the process runs; raise (or, not ``strict``, return False) on timeout."""
        deadline = time.monotonic() + timeout
        while not condition():
            if not self.poll():
                raise BenchError(f"{' '.join(self.command)} ended ({self.exit_code}):\n{tail(self.slot.log)}")
            if time.monotonic() > deadline:
                if strict:
                    raise BenchError(f"timed out after {timeout} s:\n{tail(self.slot.log)}")
                return False
            time.sleep(0.02)
        return True

    def __exit__(self, *exc_info: object) -> None:
        assert self.proc is not None
        if self.poll():
            self.proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 30
            while self.poll() and time.monotonic() < deadline:
                time.sleep(0.05)
            if self.poll():
                self.proc.kill()
                while self.poll():
                    time.sleep(0.05)


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a running process, in MB; empty once it has exited."""
    values: dict[str, float] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[f"{key[2:].lower()}_mb"] = int(rest.split()[0]) / 1024
    return values


def handled_count(db: Path) -> int:
    """Rows in mail_log: messages whose transaction has committed."""
    if not db.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as conn:
            return int(conn.execute("SELECT coalesce(max(id), 0) FROM mail_log").fetchone()[0])
    except sqlite3.Error:
        return 0  # not yet created or migrated


def tail(path: Path, lines: int = 30) -> str:
    """The last ``lines`` lines of a log file, or nothing when it cannot be read."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
