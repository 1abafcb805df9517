"""`mailbot run --once` with its SQL statements and its Python-level fsyncs counted (a standalone script).

Run as a subprocess in place of bench/mailbot_once.py (bench/counts.py does, under ``strace -f -c``
for the fsyncs SQLite makes itself, which Python cannot see). Every SQLite connection the process
opens gets a trace callback, so statements of the main thread and of the background sender are
counted alike; the statements SQLite runs inside a trigger are not (they are not ours to trim).
Prints one JSON line: {"statements", "commits", "os_fsyncs", "exit", "shapes"} (the 25 commonest statements).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from collections import Counter
from typing import Any


def main() -> None:
    """Count, run once, print the counts as JSON."""
    import sqlite_utils.db

    import mailbot.cli

    counts = {"statements": 0, "commits": 0, "os_fsyncs": 0}
    shapes: Counter[str] = Counter()  # each statement's first words, literals and savepoint names left out
    lock = threading.Lock()
    real_connect = sqlite3.connect

    def traced(statement: str) -> None:
        if statement.startswith("--"):  # a trigger's body, announced as a comment
            return
        with lock:
            counts["statements"] += 1
            shapes[re.sub(r"sqlite_utils_[0-9a-f]+|'[^']*'|\d+", "?", " ".join(statement.split())[:70])] += 1
            if statement.strip().upper() in ("COMMIT", "RELEASE", "END"):
                counts["commits"] += 1

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(traced)
        return conn

    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        with lock:
            counts["os_fsyncs"] += 1
        real_fsync(fd)

    sqlite_utils.db.sqlite3.connect = connect  # type: ignore[attr-defined]
    os.fsync = fsync  # type: ignore[assignment]
    code = mailbot.cli.main(["run", "--once"])
    print(json.dumps({**counts, "exit": code, "shapes": dict(shapes.most_common(25))}))


if __name__ == "__main__":
    main()
