"""The measurements: throughput against the raw limit, IDLE latency, a large backlog, start-up, a profile."""

from __future__ import annotations

import contextlib
import json
import math
import sqlite3
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.corpus import EVERYDAY, MIXES, PLAIN, Mail, digest, generate
from bench.lab import REPO, BenchError, Lab, Sizes, Slot, Watched, handled_count, proc_status, tail
from bench.servers import fill, folder_counts

BENCH = REPO / "bench"
POLL_SECONDS = 0.2  # how often the scale run samples the database, /proc and the sink


# --- throughput: raw limit against mailbot run --once ------------------------------------------------


def throughput(lab: Lab, sizes: Sizes) -> dict[str, Any]:
    """Messages per second end to end, raw limit and mailbot, on the plain and the mixed corpus."""
    section: dict[str, Any] = {
        "method": "Each run gets a fresh IMAP user holding the whole corpus (MULTIAPPEND, one connection, "
        "before the clock starts) and a fresh database. Both sides run as a subprocess and time "
        "themselves from after their imports to the end: the raw limit from its IMAP login to its "
        "SMTP QUIT, mailbot as mailbot.cli.main(['run', '--once']) with MAILBOT_* set, from loading "
        "rules.yaml to exit. Connection set-up is included on both sides, interpreter start-up and "
        "imports on neither (process_rate includes them). cpu_seconds: user+system CPU of the process "
        "(wait4), the whole process. A message counts once its customer's "
        "acknowledgement reached the sink. Repetitions alternate which side runs first.",
        "corpora": {},
    }
    for name, count in (("plain", sizes.plain), ("mixed", sizes.mixed)):
        mails = generate(count, MIXES[name], seed=lab.seed, prefix=name[0])
        runs: dict[str, list[dict[str, Any]]] = {"raw": [], "mailbot": []}
        for rep in range(sizes.repeat):
            for who in ("raw", "mailbot") if rep % 2 == 0 else ("mailbot", "raw"):
                runs[who].append(_throughput_run(lab, who, name, mails))
        raw_rate = statistics.median(r["rate"] for r in runs["raw"])
        bot_rate = statistics.median(r["rate"] for r in runs["mailbot"])
        section["corpora"][name] = {
            "messages": count,
            "megabytes": round(sum(len(m.raw) for m in mails) / 1e6, 2),
            "kinds": _kinds(mails),
            "digest": digest(mails),
            "raw_rate": raw_rate,
            "mailbot_rate": bot_rate,
            "ratio": bot_rate / raw_rate,
            "paired_ratios": [b["rate"] / r["rate"] for r, b in zip(runs["raw"], runs["mailbot"], strict=True)],
            "mailbot_process_rate": statistics.median(r["process_rate"] for r in runs["mailbot"]),
            "raw_cpu_ms_per_message": statistics.median(r["cpu_ms_per_message"] for r in runs["raw"]),
            "mailbot_cpu_ms_per_message": statistics.median(r["cpu_ms_per_message"] for r in runs["mailbot"]),
            "raw_process_rate": statistics.median(r["process_rate"] for r in runs["raw"]),
            "runs": runs,
        }
    return section


def _throughput_run(lab: Lab, who: str, corpus: str, mails: Sequence[Mail]) -> dict[str, Any]:
    slot = lab.slot(f"{corpus}-{who}")
    append_seconds = fill(lab.dovecot, slot.user, [m.raw for m in mails])
    mark = lab.sink.mark()
    if who == "raw":
        command = [
            sys.executable,
            str(BENCH / "raw_limit.py"),
            "--imap-url",
            lab.dovecot.url(slot.user),
            "--smtp-url",
            lab.sink.url(),
        ]
    else:
        command = [sys.executable, str(BENCH / "mailbot_once.py")]
    stdout, wall, cpu = lab.run(command, slot)
    inner = json.loads(stdout.strip().splitlines()[-1])
    arrived = lab.sink.first_arrivals(mark)
    acknowledged = sum(1 for m in mails if m.customer.lower() in arrived)
    result = {
        "user": slot.user,
        "seconds": inner["seconds"],
        "process_seconds": wall,
        "messages": len(mails),
        "acknowledged": acknowledged,
        "smtp_messages": len(lab.sink.since(mark)),
        "rate": acknowledged / inner["seconds"],
        "process_rate": acknowledged / wall,
        "cpu_seconds": cpu,
        "cpu_ms_per_message": cpu / len(mails) * 1000,
        "append_seconds": append_seconds,
    }
    if who == "mailbot":
        result.update(_mailbot_outcome(lab, slot))
    if acknowledged != len(mails):
        print(
            f"bench: warning: {who} on {corpus}: only {acknowledged} of {len(mails)} customers acknowledged",
            file=sys.stderr,
        )
    return result


def _mailbot_outcome(lab: Lab, slot: Slot) -> dict[str, Any]:
    """What the run left behind: mail_log outcomes and the folders' message counts."""
    with contextlib.closing(sqlite3.connect(f"file:{slot.db}?mode=ro", uri=True)) as conn:
        outcomes = dict(conn.execute("SELECT outcome, count(*) FROM mail_log GROUP BY outcome").fetchall())
        sent = conn.execute("SELECT count(*) FROM outbox WHERE status = 'sent'").fetchone()[0]
    return {"outcomes": outcomes, "outbox_sent": sent, "folders": folder_counts(lab.dovecot, slot.user)}


# --- latency: the daemon in IDLE mode ------------------------------------------------------------


def latency(lab: Lab, sizes: Sizes) -> dict[str, Any]:
    """From IMAP APPEND returning to the acknowledgement accepted by the sink, with `mailbot run` idling."""
    mails = generate(sizes.latency + 1, EVERYDAY, seed=lab.seed, prefix="l")
    warm_up, mails = mails[0], mails[1:]
    slot = lab.slot("latency")
    appended: dict[str, float] = {}
    with Watched(lab, slot, [sys.executable, "-m", "mailbot", "run"]) as daemon:
        with lab.dovecot.connect(slot.user) as client:
            mark = lab.sink.mark()
            client.append("INBOX", warm_up.raw)  # also proves the daemon is connected and idling
            daemon.wait_until(lambda: warm_up.customer.lower() in lab.sink.first_arrivals(mark), 120)
            mark = lab.sink.mark()
            started = time.monotonic()
            for index, mail in enumerate(mails):
                pause = started + index / sizes.latency_rate - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                client.append("INBOX", mail.raw)
                appended[mail.customer.lower()] = time.monotonic()
            append_span = time.monotonic() - started
        daemon.wait_until(
            lambda: appended.keys() <= lab.sink.first_arrivals(mark).keys(), sizes.latency_wait, strict=False
        )
    arrived = lab.sink.first_arrivals(mark)
    in_order = [round(arrived[c] - t, 4) if c in arrived else None for c, t in appended.items()]
    # A mail still unacknowledged when the bench stops waiting counts as infinitely late.
    delays = sorted(math.inf if d is None else d for d in in_order)
    return {
        "method": "`python -m mailbot run` (IMAP IDLE) as a subprocess with a fresh database; after one warm-up "
        "mail has been acknowledged, the bench APPENDs mails to the watched INBOX over one IMAP "
        "connection at a steady rate and notes time.monotonic() when each APPEND returns; the sink "
        "(same process, same clock) notes when the customer's acknowledgement was accepted. A mail "
        "not acknowledged within latency_wait seconds of the last APPEND counts as infinitely late "
        "(Infinity in p50/p95/max).",
        "messages": len(mails),
        "rate": sizes.latency_rate,
        "achieved_rate": (len(mails) - 1) / append_span if append_span > 0 else None,
        "acknowledged": sum(d is not None for d in in_order),
        "missing": sum(d is None for d in in_order),
        "missing_positions": [i for i, d in enumerate(in_order) if d is None],
        "waited_after_last_append": sizes.latency_wait,
        "p50": _percentile(delays, 50),
        "p95": _percentile(delays, 95),
        "max": delays[-1] if delays else None,
        "max_acknowledged": max((d for d in delays if d < math.inf), default=None),
        "mean_acknowledged": statistics.fmean(d for d in delays if d < math.inf) if arrived else None,
        "daemon_peak_rss_mb": daemon.peak_rss_mb,
        "daemon_cpu_seconds": daemon.cpu_seconds,
        "daemon_exit": daemon.exit_code,
        "delays_in_append_order": in_order,
    }


# --- scale: a large backlog ------------------------------------------------------------------------


def scale(lab: Lab, sizes: Sizes) -> dict[str, Any]:
    """`mailbot run --once` over a backlog: peak RSS, and the per-message cost at the start and at the end."""
    mails = generate(sizes.scale, EVERYDAY, seed=lab.seed, prefix="s")
    customers = {m.customer.lower() for m in mails}
    slot = lab.slot("scale")
    connections = 4
    append_seconds = fill(lab.dovecot, slot.user, [m.raw for m in mails], connections=connections)
    count = len(mails)
    corpus = {
        "messages": count,
        "megabytes": round(sum(len(m.raw) for m in mails) / 1e6, 1),
        "kinds": _kinds(mails),
        "digest": digest(mails),
    }
    del mails
    mark = lab.sink.mark()
    samples: list[dict[str, float]] = []
    with Watched(lab, slot, [sys.executable, "-m", "mailbot", "run", "--once"]) as proc:
        assert proc.proc is not None
        started = time.monotonic()
        while True:
            status = proc_status(proc.proc.pid)
            running = proc.poll()
            samples.append(
                {
                    "t": time.monotonic() - started,
                    "handled": handled_count(slot.db),
                    "sent": lab.sink.mark() - mark,
                    **status,
                }
            )
            if not running:
                break
            time.sleep(POLL_SECONDS)
        wall = time.monotonic() - started
    if proc.exit_code != 0:
        raise BenchError(f"mailbot run --once exited with {proc.exit_code}:\n{tail(slot.log)}")
    arrivals = lab.sink.since(mark)
    block = min(1000, max(2, count // 3))
    handled_at = [(s["t"], s["handled"]) for s in samples]
    processed_at = _crossing(handled_at, count)
    sent_times = [a.at - arrivals[0].at for a in arrivals] if arrivals else []
    acknowledged = len(customers & {r.lower() for a in arrivals for r in a.rcpt_tos})
    return {
        "method": "`python -m mailbot run --once` as a subprocess over a backlog in a fresh mailbox and database. "
        f"Every {POLL_SECONDS} s the bench reads max(id) of mail_log (rows in commit order; a read-only "
        "connection, WAL), VmRSS/VmHWM from /proc/<pid>/status and the sink's count; crossing times "
        "are interpolated linearly between samples. Peak RSS is the last VmHWM read before the "
        "process exited (not ru_maxrss, which Linux inherits through fork+exec from the bench). "
        "`run --once` handles the whole backlog first and then sends, so sending is timed "
        "separately from the sink's arrival times.",
        "corpus": corpus,
        "append_seconds": append_seconds,
        "append_connections": connections,
        "append_rate": count / append_seconds,
        "wall_seconds": wall,
        "cpu_seconds": proc.cpu_seconds,
        "processing_seconds": processed_at,
        "sending_seconds": sent_times[-1] if sent_times else None,
        "peak_rss_mb": proc.peak_rss_mb,
        "block": block,
        "first_block_ms": _cost(handled_at, 1, block) * 1000,
        "last_block_ms": _cost(handled_at, count - block, count) * 1000,
        "blocks_ms": [_cost(handled_at, max(1, k - block), k) * 1000 for k in range(block, count + 1, block)],
        "send_first_block_ms": _spacing(sent_times[:block]) * 1000 if len(sent_times) >= block else None,
        "send_last_block_ms": _spacing(sent_times[-block:]) * 1000 if len(sent_times) >= block else None,
        "smtp_messages": len(arrivals),
        "acknowledged": acknowledged,
        "outcome": _mailbot_outcome(lab, slot),
        "rss_mb": _thin([(round(s["t"], 1), s.get("rss_mb")) for s in samples], 120),
    }


def _crossing(points: Sequence[tuple[float, float]], value: float) -> float:
    """When the sampled count first reached ``value``, interpolated between the samples around it."""
    before = (0.0, 0.0)
    for t, n in points:
        if n >= value:
            t0, n0 = before
            return t0 + (t - t0) * (value - n0) / (n - n0) if n > n0 else t
        before = (t, n)
    raise BenchError(f"the count never reached {value}")


def _cost(points: Sequence[tuple[float, float]], start: int, end: int) -> float:
    """Seconds per message between the ``start``-th and the ``end``-th committed message."""
    return (_crossing(points, end) - _crossing(points, start)) / (end - start)


def _spacing(times: Sequence[float]) -> float:
    return (times[-1] - times[0]) / (len(times) - 1)


# --- start-up -------------------------------------------------------------------------------------


def startup(lab: Lab, sizes: Sizes) -> dict[str, Any]:
    """Wall time of `mailbot --help` and `mailbot classify one.eml` (median of several runs, one warm-up)."""
    slot = lab.slot("startup")
    script = Path(sys.executable).parent / "mailbot"
    mailbot = [str(script)] if script.exists() else [sys.executable, "-m", "mailbot"]
    eml = slot.work / "one.eml"
    eml.write_bytes(generate(1, PLAIN, seed=lab.seed, prefix="c")[0].raw)
    result: dict[str, Any] = {
        "method": f"subprocess wall time, {sizes.startup_runs} runs after one untimed warm-up; "
        f"command: {' '.join(Path(c).name for c in mailbot)}",
    }
    for name, args in (("help", ["--help"]), ("classify", ["classify", str(eml)])):
        times = []
        for run in range(sizes.startup_runs + 1):
            _, wall, _ = lab.run([*mailbot, *args], slot)
            if run:
                times.append(wall)
        result[name] = {"median": statistics.median(times), "min": min(times), "max": max(times), "runs": times}
    return result


# --- classification --------------------------------------------------------------------------------


def classification(lab: Lab, sizes: Sizes) -> dict[str, Any]:
    """Milliseconds per classify() call over a labelled corpus, in process (parsing not timed), model loaded."""
    from mailbot.config import load_rules
    from mailbot.intake.classify import classify
    from mailbot.intake.judgement.corpus import default_corpus, load_labels
    from mailbot.intake.judgement.evaluate import load_mail
    from mailbot.intake.judgement.model import load_model

    folder = default_corpus()
    if not (folder / "labels.json").exists():  # no development corpus beside the repository: our own mails
        folder = REPO / "tests" / "mails" / "judgement"
    rules = load_rules(REPO / "rules.yaml")
    mails = [load_mail(folder, label) for label in load_labels(folder)]
    started = time.perf_counter()
    load_model()
    load_ms = (time.perf_counter() - started) * 1000
    per_mail = []
    for mail in mails:
        runs = []
        for _ in range(3):
            began = time.perf_counter()
            classify(mail, rules.classification, rules.addresses, organisation=rules.organisation)
            runs.append((time.perf_counter() - began) * 1000)
        per_mail.append(statistics.median(runs))
    return {
        "method": f"classify() on the {len(mails)} mails of {folder.name}, each 3 times in this process; "
        "the median of each mail's median; parsing excluded; model.json loaded once first (load_ms)",
        "mails": len(mails),
        "median_ms": statistics.median(per_mail),
        "p95_ms": sorted(per_mail)[int(0.95 * (len(per_mail) - 1))],
        "max_ms": max(per_mail),
        "load_ms": load_ms,
    }


# --- a profile of one run --------------------------------------------------------------------------


def profile(lab: Lab, sizes: Sizes, out: Path, stamp: str) -> dict[str, Any]:
    """One `mailbot run --once` under cProfile per corpus; the statistics go to ``out``."""
    result: dict[str, Any] = {}
    for name, count in (("plain", sizes.plain), ("mixed", sizes.mixed)):
        mails = generate(count, MIXES[name], seed=lab.seed, prefix=name[0])
        slot = lab.slot(f"profile-{name}")
        fill(lab.dovecot, slot.user, [m.raw for m in mails])
        target = out / f"profile-{stamp}-{name}.prof"
        stdout, _, _ = lab.run([sys.executable, str(BENCH / "mailbot_once.py"), "--profile", str(target)], slot)
        seconds = json.loads(stdout.strip().splitlines()[-1])["seconds"]
        result[name] = {
            "messages": count,
            "seconds_under_profiler": seconds,
            "stats": str(target),
            "text": f"{target}.txt",
        }
    return result


# --- helpers ---------------------------------------------------------------------------------------


def _percentile(values: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile of sorted ``values``."""
    if not values:
        return None
    return values[max(0, math.ceil(pct / 100 * len(values)) - 1)]


def _kinds(mails: Sequence[Mail]) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for mail in mails:
        kinds[mail.kind] = kinds.get(mail.kind, 0) + 1
    return dict(sorted(kinds.items()))


def _thin(points: list[Any], most: int) -> list[Any]:
    step = max(1, -(-len(points) // most))
    return points[::step] + ([points[-1]] if points and (len(points) - 1) % step else [])
