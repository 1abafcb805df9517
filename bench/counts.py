"""SQL statements and fsyncs per message of `mailbot run --once` (issue 14): what each message costs the disk.

python bench/counts.py [--plain 300] [--mixed 100] [--no-strace]

The same set-up as the throughput section (a fresh IMAP user holding the corpus, a fresh database),
but the run is bench/count_once.py: statements counted by a SQLite trace callback on every
connection, os.fsync calls counted in Python, and, under ``strace -f -c``, every fsync and
fdatasync system call of the process and its parse worker (SQLite's own WAL syncs included).
Not timed: strace slows the process down; bench/run.py measures the speed.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.corpus import MIXES, generate  # noqa: E402
from bench.lab import Lab  # noqa: E402
from bench.servers import fill, servers  # noqa: E402

_STRACE_ROW = re.compile(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(fsync|fdatasync)\s*$", re.M)


def count(lab: Lab, corpus: str, messages: int, strace: bool) -> dict[str, Any]:
    """One counted run over ``messages`` mails of ``corpus``; the counts, in all and per message."""
    mails = generate(messages, MIXES[corpus], seed=lab.seed, prefix=corpus[0])
    slot = lab.slot(f"count-{corpus}")
    fill(lab.dovecot, slot.user, [m.raw for m in mails])
    command = [sys.executable, str(REPO / "bench" / "count_once.py")]
    trace = slot.work / "strace.txt"
    if strace:
        command = ["strace", "-f", "-c", "-e", "trace=fsync,fdatasync", "-o", str(trace), *command]
    stdout, _, _ = lab.run(command, slot)
    counts: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    if strace:
        counts["syscall_fsyncs"] = sum(int(n) for n, _ in _STRACE_ROW.findall(trace.read_text()))
    counts["messages"] = messages
    shapes = counts.pop("shapes")
    counts["per_message"] = {k: round(v / messages, 2) for k, v in counts.items() if k not in ("exit", "messages")}
    counts["statements_per_message_by_shape"] = {k: round(v / messages, 2) for k, v in shapes.items()}
    return counts


def main() -> int:
    """Count both corpora and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plain", type=int, default=300)
    parser.add_argument("--mixed", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-strace", action="store_true", help="count Python's os.fsync calls only")
    args = parser.parse_args()
    strace = not args.no_strace and shutil.which("strace") is not None
    root = Path(tempfile.mkdtemp(prefix="mb-counts-"))
    try:
        with servers(root) as (dovecot, sink):
            lab = Lab(root, dovecot, sink, args.seed)
            for corpus, messages in (("plain", args.plain), ("mixed", args.mixed)):
                figures = count(lab, corpus, messages, strace)
                print(corpus, json.dumps(figures), flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
