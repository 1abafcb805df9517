"""Power cuts (issue 14): the crash storm with some of its kills made a loss of power.

A SIGKILL ends the process; the kernel still writes out everything it was given. A power cut
also loses what was written but not yet fsync-ed. Each life of this storm runs
bench/powercut_life.py, which copies the database at every durable point of mailbot's and lists
the blob files fsync-ed (with their folder). After a kill chosen to be a power cut, the machine
"comes back" with that on disk: the database as of its last durable commit (its WAL and every
commit after it gone), and every blob file not known durable removed or cut to zero bytes, as a
lost directory entry or lost data pages would leave it. The mail server and the SMTP server are
other machines: they keep what they took. Then the storm goes on, and the last `run --once`
finishes; the figures must show nothing lost and nothing delivered twice (the promise of
issue 14), and no blob the database names missing or damaged.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.storm import REPO, CrashStorm, StormResult
from bench.storm import render as render_storm


@dataclass
class PowerCutResult(StormResult):
    """The storm's figures, and what the power cuts took and what was missing after them."""

    cuts: int = 0  # kills that were power cuts
    cuts_before_any_durable_point: int = 0  # the database was gone entirely
    commits_undone: int = 0  # mail_log rows the cuts took back (handled again afterwards)
    sent_marks_undone: int = 0  # outbox rows 'sent' before a cut and not after it (checked at the server)
    blobs_dropped: int = 0  # blob files the cuts removed or emptied (never fsync-ed)
    blobs_named_missing: int = 0  # at the end: blobs the database names, absent or not their sha256

    @property
    def ok(self) -> bool:
        """The storm's guarantees, at least one cut, and every named blob intact."""
        return super().ok and self.cuts > 0 and self.blobs_named_missing == 0


class PowerCutStorm(CrashStorm):
    """A crash storm where every ``cut_every``-th kill is a power cut."""

    def __init__(self, *args: Any, cut_every: int = 2, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cut_every = max(1, cut_every)
        self.snapshots = self.work / "durable"
        self.result = PowerCutResult(mails=self.result.mails, garbage=self.result.garbage)
        self.cuts = self.result

    def life_command(self) -> list[str]:
        """`mailbot run`, watched for its durable points."""
        return [sys.executable, str(REPO / "bench" / "powercut_life.py"), str(self.snapshots)]

    def after_kill(self, number: int) -> None:
        """Every ``cut_every``-th kill: bring the machine back as a power cut would leave it."""
        if number % self.cut_every == self.cut_every - 1:
            self._cut()

    def _cut(self) -> None:
        before, sent = self.db.handled(), self._sent_marks()
        self.db.close()
        self.db.conn = None
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.db_path}{suffix}").unlink(missing_ok=True)
        saved = self.snapshots / "db"
        if saved.exists():
            self.db_path.write_bytes(saved.read_bytes())
        else:
            self.cuts.cuts_before_any_durable_point += 1
        listed = self.snapshots / "blobs.json"
        durable = set(json.loads(listed.read_text())) if listed.exists() else set()
        blobs = self.db_path.parent / "blobs"
        for index, path in enumerate(sorted(p for p in blobs.rglob("*") if p.is_file()) if blobs.exists() else []):
            if str(path) in durable:
                continue
            if index % 2:
                path.unlink()  # its directory entry was never made durable
            else:
                path.write_bytes(b"")  # its data pages were never written
            self.cuts.blobs_dropped += 1
        self.cuts.cuts += 1
        self.cuts.commits_undone += max(0, before - self.db.handled())
        self.cuts.sent_marks_undone += max(0, sent - self._sent_marks())

    def _sent_marks(self) -> int:
        return self.db.value("SELECT count(*) FROM outbox WHERE status = 'sent'")

    def _count(self) -> None:
        super()._count()
        blobs = self.db_path.parent / "blobs"
        with contextlib.closing(sqlite3.connect(self.db_path)) as conn:
            named = {r[0] for r in conn.execute("SELECT raw_sha256 FROM mail_log WHERE outcome != 'sent-copy'")}
            named |= {r[0] for r in conn.execute("SELECT raw_sha256 FROM messages WHERE raw_sha256 IS NOT NULL")}
            attached = "SELECT json_extract(a.value, '$.sha256') FROM messages m, json_each(m.attachments_json) a"
            named |= {r[0] for r in conn.execute(attached) if r[0]}
        for sha in named:
            path = blobs / sha[:2] / sha
            if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != sha:
                self.cuts.blobs_named_missing += 1


def render(result: PowerCutResult) -> str:
    """The figures: the storm's, and the power cuts'."""
    return "\n".join(
        [
            render_storm(result).replace("Crash storm:", "Power-cut storm:", 1),
            f"  power cuts             {result.cuts} of the {result.kills} kills "
            f"({result.cuts_before_any_durable_point} before any durable commit: no database at all afterwards)",
            f"  undone by the cuts     {result.commits_undone} mail_log rows (handled again afterwards), "
            f"{result.sent_marks_undone} sent-marks (those mails were looked for at the server); "
            f"{result.blobs_dropped} blob files never fsync-ed, removed or emptied",
            f"  blobs the database names that are missing or damaged at the end: {result.blobs_named_missing}",
        ]
    )
