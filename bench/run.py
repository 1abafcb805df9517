"""`./run bench`: start Dovecot and an SMTP sink on loopback, measure mailbot, print a table, write JSON.

python bench/run.py                      # everything (about 8-10 minutes on 2 cores)
python bench/run.py --quick              # tiny sizes, for the smoke test
python bench/run.py --only latency       # one section
python bench/run.py --profile            # also one cProfile'd run per corpus
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make `bench` importable as a package
    sys.path.insert(0, str(REPO))

from bench import measure  # noqa: E402
from bench.lab import FULL, QUICK, Lab  # noqa: E402
from bench.servers import servers  # noqa: E402

SECTIONS = ("throughput", "latency", "scale", "startup", "classification")
# The targets: (label, how to read the figure, comparison, limit).
FLAT = 1.25  # "flat": the last block costs at most 25 % more per message than the first


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="bench/run.py", description="Benchmark mailbot on loopback servers.")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (about 100 mails in all), one repetition")
    parser.add_argument("--only", choices=SECTIONS, action="append", help="run only this section (repeatable)")
    parser.add_argument(
        "--repeat", type=int, help="repetitions of each throughput run; the median counts (default 3, 1 with --quick)"
    )
    parser.add_argument("--scale-count", type=int, help="mails in the backlog (default 10000, 35 with --quick)")
    parser.add_argument("--seed", type=int, default=2026, help="corpus seed (default 2026)")
    parser.add_argument("--profile", action="store_true", help="also profile one run per corpus with cProfile")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out", help="where the JSON goes")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (mailboxes, databases, logs)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections; return the exit code."""
    args = parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.repeat is not None:
        sizes = dataclasses.replace(sizes, repeat=max(1, args.repeat))
    if args.scale_count is not None:
        sizes = dataclasses.replace(sizes, scale=max(10, args.scale_count))
    chosen = [s for s in SECTIONS if not args.only or s in args.only]
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    started = time.monotonic()
    results: dict[str, Any] = {"meta": machine(), "sizes": dataclasses.asdict(sizes), "sections": {}}
    results["meta"].update(
        started_at=datetime.now(UTC).isoformat(timespec="seconds"), argv=sys.argv[1:], loadavg_start=os.getloadavg()
    )
    root = Path(tempfile.mkdtemp(prefix="mb-bench-"))
    try:
        with servers(root) as (dovecot, sink):
            lab = Lab(root, dovecot, sink, args.seed)
            for name in chosen:
                print(f"bench: {name} ...", file=sys.stderr, flush=True)
                began = time.monotonic()
                results["sections"][name] = getattr(measure, name)(lab, sizes)
                results["sections"][name]["section_seconds"] = time.monotonic() - began
                results["sections"][name]["loadavg_after"] = os.getloadavg()
            if args.profile:
                print("bench: profile ...", file=sys.stderr, flush=True)
                results["profile"] = measure.profile(lab, sizes, args.out, stamp)
    finally:
        if args.keep:
            print(f"bench: kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    results["meta"]["loadavg_end"] = os.getloadavg()
    results["total_seconds"] = time.monotonic() - started
    results["targets"] = targets(results["sections"])
    path = args.out / f"results-{stamp}.json"
    path.write_text(
        json.dumps(_strict(results), indent=2, ensure_ascii=False, default=str, allow_nan=False) + "\n",
        encoding="utf-8",
    )
    print(render(results))
    print(f"\nJSON: {path}")
    return 0


def machine() -> dict[str, Any]:
    """Where the figures come from."""
    cpu = next(
        (
            line.partition(":")[2].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    dovecot = measure_version(["dovecot", "--version"])
    packages: dict[str, str | None] = {}
    for name in ("mailbot", "imapclient", "mail-parser", "aiosmtplib", "aiosmtpd", "sqlite-utils", "jinja2"):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "dovecot": dovecot,
        "kernel": platform.release(),
        "packages": packages,
        **source(),
    }


def source() -> dict[str, Any]:
    """Which mailbot code was measured: its folder, a hash of its modules, and the git commit if any."""
    import hashlib

    import mailbot

    package = Path(mailbot.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    git = subprocess.run(
        ["git", "-C", str(package), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    dirty = subprocess.run(
        ["git", "-C", str(package), "status", "--porcelain", "."], capture_output=True, text=True, check=False
    )
    return {
        "mailbot_path": str(package),
        "mailbot_sha256": digest.hexdigest()[:16],
        "git_head": git.stdout.strip() or None,
        "mailbot_uncommitted_files": len(dirty.stdout.splitlines()) if git.returncode == 0 else None,
    }


def measure_version(command: list[str]) -> str | None:
    """The first line a ``--version`` prints, or None."""
    from mailbot.testing.servers import find_dovecot

    binary = find_dovecot() if command[0] == "dovecot" else shutil.which(command[0])
    if binary is None:
        return None
    out = subprocess.run([binary, *command[1:]], capture_output=True, text=True, check=False).stdout
    return out.strip().splitlines()[0] if out.strip() else None


def targets(sections: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets against this run's figures (only for the sections that ran)."""
    rows: list[dict[str, Any]] = []

    def add(target: str, value: float | None, limit: float, at_least: bool, shown: str) -> None:
        met = None if value is None else (value >= limit if at_least else value <= limit)
        rows.append({"target": target, "value": value, "shown": shown, "met": met})

    if "throughput" in sections:
        for name, corpus in sections["throughput"]["corpora"].items():
            add(f"end-to-end >= 80 % of raw limit ({name})", corpus["ratio"], 0.8, True, f"{corpus['ratio']:.0%}")
    if "latency" in sections and sections["latency"]["p95"] is not None:
        p95 = sections["latency"]["p95"]
        add("delivery -> ack p95 <= 1 s (IDLE)", p95, 1.0, False, _s(p95))
    if "scale" in sections:
        s = sections["scale"]
        add(
            f"peak RSS <= 120 MB ({s['corpus']['messages']} backlog)",
            s["peak_rss_mb"],
            120,
            False,
            f"{s['peak_rss_mb']:.0f} MB",
        )
        growth = s["last_block_ms"] / s["first_block_ms"]
        add(
            f"flat per-message cost (last/first block <= {FLAT})",
            growth,
            FLAT,
            False,
            f"{s['first_block_ms']:.1f} -> {s['last_block_ms']:.1f} ms ({growth:.2f}x)",
        )
    if "startup" in sections:
        median = sections["startup"]["help"]["median"]
        add("`mailbot --help` <= 0.3 s", median, 0.3, False, f"{median:.2f} s")
    if "classification" in sections:
        ms = sections["classification"]["median_ms"]
        add("classification <= 2 ms per mail (median)", ms, 2.0, False, f"{ms:.2f} ms")
    return rows


def render(results: dict[str, Any]) -> str:
    """The table printed at the end."""
    meta, sections, lines = results["meta"], results["sections"], []
    lines.append(
        f"mailbot bench — {meta['started_at']} — {meta['nproc']} CPU ({meta['cpu']}), Python "
        f"{meta['python']}, Dovecot {meta['dovecot']}; load average {meta['loadavg_start'][0]:.2f} "
        f"at start, {meta['loadavg_end'][0]:.2f} at end"
    )
    if "throughput" in sections:
        repeat = results["sizes"]["repeat"]
        lines += [
            "",
            f"Throughput (messages/s, median of {repeat}; in-process timers, connections included)",
            f"  {'corpus':<8} {'mails':>6} {'MB':>7} {'raw limit':>10} {'mailbot':>9} {'ratio':>6} "
            f"{'per-run ratios':<16} {'mailbot incl. start':>20} {'CPU ms/msg: raw':>16} {'mailbot':>8}",
        ]
        for name, c in sections["throughput"]["corpora"].items():
            paired = " ".join(f"{r:.0%}" for r in c["paired_ratios"])
            lines.append(
                f"  {name:<8} {c['messages']:>6} {c['megabytes']:>7.1f} {c['raw_rate']:>10.1f} "
                f"{c['mailbot_rate']:>9.1f} {c['ratio']:>6.0%} {paired:<16} "
                f"{c['mailbot_process_rate']:>20.1f} "
                f"{c['raw_cpu_ms_per_message']:>16.1f} {c['mailbot_cpu_ms_per_message']:>8.1f}"
            )
    if "latency" in sections:
        s = sections["latency"]
        lines += [
            "",
            f"Latency, APPEND returned -> acknowledgement at the sink ({s['messages']} mails at "
            f"{s['rate']:g}/s, `mailbot run` in IDLE)",
            f"  p50 {_s(s['p50'])}   p95 {_s(s['p95'])}   max {_s(s['max'])}   "
            f"max acknowledged {_s(s['max_acknowledged'])}   daemon peak RSS {s['daemon_peak_rss_mb']:.0f} MB",
        ]
        if s["missing"]:
            lines.append(
                f"  NOT ACKNOWLEDGED within {s['waited_after_last_append']:g} s after the last APPEND: "
                f"{s['missing']} (positions {s['missing_positions']} of 0..{s['messages'] - 1})"
            )
    if "scale" in sections:
        s = sections["scale"]
        n = s["corpus"]["messages"]
        lines += [
            "",
            f"Scale: `mailbot run --once` over a {n}-mail backlog ({s['corpus']['megabytes']} MB; appended "
            f"in {s['append_seconds']:.1f} s over {s['append_connections']} connections)",
            f"  peak RSS {s['peak_rss_mb']:.0f} MB; CPU {s['cpu_seconds']:.0f} s; wall {s['wall_seconds']:.1f} s "
            f"= handling {s['processing_seconds']:.1f} s + sending {s['sending_seconds'] or 0:.1f} s "
            f"({s['smtp_messages']} SMTP messages, {s['acknowledged']} customers acknowledged)",
            f"  handling per message: first {s['block']} {s['first_block_ms']:.1f} ms, last {s['block']} "
            f"{s['last_block_ms']:.1f} ms; blocks: " + " ".join(f"{b:.1f}" for b in s["blocks_ms"]),
        ]
        if s["send_first_block_ms"] is not None:
            lines.append(
                f"  sending per SMTP message: first {s['block']} {s['send_first_block_ms']:.2f} ms, "
                f"last {s['block']} {s['send_last_block_ms']:.2f} ms"
            )
    if "startup" in sections:
        s = sections["startup"]
        lines += [
            "",
            f"Start-up ({s['method']})",
            f"  mailbot --help            median {_s(s['help']['median'])} (min {_s(s['help']['min'])})",
            f"  mailbot classify one.eml  median {_s(s['classify']['median'])} (min {_s(s['classify']['min'])})",
        ]
    if "classification" in sections:
        s = sections["classification"]
        lines += [
            "",
            f"Classification (classify() in process, {s['mails']} labelled mails, each 3 times)",
            f"  median {s['median_ms']:.2f} ms   p95 {s['p95_ms']:.2f} ms   max {s['max_ms']:.2f} ms   "
            f"model load {s['load_ms']:.0f} ms (once, lazily)",
        ]
    if results.get("targets"):
        lines += ["", "Targets"]
        for row in results["targets"]:
            verdict = {True: "met", False: "MISSED", None: "n/a"}[row["met"]]
            lines.append(f"  {row['target']:<52} {row['shown']:>28}  {verdict}")
    lines.append(f"\nTotal bench time {results['total_seconds']:.0f} s")
    return "\n".join(lines)


def _strict(value: Any) -> Any:
    """``value`` with infinite floats (never acknowledged) written as the string "inf": JSON has no Infinity."""
    if isinstance(value, float) and value == float("inf"):
        return "inf"
    if isinstance(value, dict):
        return {k: _strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strict(v) for v in value]
    return value


def _s(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return "never" if seconds == float("inf") else f"{seconds:.3f} s"


if __name__ == "__main__":
    sys.exit(main())
