"""One life of the power-cut storm: `mailbot run`, recording what is on disk at each durable point.

A standalone script (bench/powercut.py starts it): ``python bench/powercut_life.py SNAPSHOT_DIR``.
What survives a power cut is what was fsync-ed. mailbot makes the database durable at the points
it calls durable (store/db.py: a commit under synchronous=FULL, which syncs the WAL and with it
every commit before it); at each of those this process copies the committed database to
SNAPSHOT_DIR/db, under the writer lock, so no commit of this process slips in between. Blob files
count as durable once the file and afterwards its folder were fsync-ed: os.fsync is watched for
that, and SNAPSHOT_DIR/blobs.json lists them. The storm restores that state after a kill
(bench/powercut.py), as the machine would come back after losing power at that moment.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
from pathlib import Path
from typing import Any


def main() -> int:
    """Watch the durable points, then run the daemon."""
    snapshots = Path(sys.argv[1])
    snapshots.mkdir(parents=True, exist_ok=True)
    db_path = os.environ["MAILBOT_DB"]

    import mailbot.cli
    from mailbot.store import db as store_db

    lock = threading.Lock()
    synced: set[str] = set()  # files whose data was fsync-ed (their folder perhaps not yet)
    durable: set[str] = set()  # files whose data and folder entry were fsync-ed, in that order
    listed = snapshots / "blobs.json"
    if listed.exists():  # made durable by an earlier life: still on disk
        durable.update(json.loads(listed.read_text()))
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        real_fsync(fd)
        try:
            path = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            return
        with lock:
            if os.path.isdir(path):
                durable.update(f for f in synced if os.path.dirname(f) == path)
            else:
                synced.add(path)

    def replace(src: Any, dst: Any) -> None:
        real_replace(src, dst)
        with lock:  # the data fsync-ed under the temporary name is the file's under the new one
            if os.fspath(src) in synced:
                synced.add(os.path.abspath(os.fspath(dst)))

    def snapshot(store: object) -> None:
        tmp = snapshots / "db.tmp"
        tmp.unlink(missing_ok=True)
        with sqlite3.connect(db_path) as source, sqlite3.connect(tmp) as copy:
            source.backup(copy)
        source.close()
        copy.close()
        with lock:
            listed = json.dumps(sorted(durable))
        (snapshots / "blobs.tmp").write_text(listed)
        real_replace(snapshots / "blobs.tmp", snapshots / "blobs.json")
        real_replace(tmp, snapshots / "db")

    os.fsync = fsync  # type: ignore[assignment]
    os.replace = replace  # type: ignore[assignment]
    store_db.DURABLE_LISTENERS.append(snapshot)
    return mailbot.cli.main(["run"])


if __name__ == "__main__":
    sys.exit(main())
