"""Crash safety under fire: mail arrives while `mailbot run` is killed with SIGKILL again and again.

A thread appends the mails to the INBOX of a private Dovecot, spread over the time the kills
take. Meanwhile `python -m mailbot run` is started, killed with SIGKILL and started again, each
life ending at a random moment: a random time after the start, just after a message was
committed, or just after the SMTP sink took a mail (so between its 250 and the outbox's commit).
One mail in 25 is not a mail at all and must end in quarantine. At the end one
`mailbot run --once` finishes the work, and the script counts what became of every mail and
what every customer received. `bench/faults.py` runs it and prints the figures.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import hashlib
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.corpus import PLAIN, generate
from mailbot.clock import from_iso
from mailbot.testing.servers import Dovecot, SmtpSink

REPO = Path(__file__).resolve().parent.parent
USER = "klacht@example.nl"  # the bot address of the shipped rules.yaml
GARBAGE_EVERY = 25  # one mail in this many cannot be parsed and must end in quarantine
AIMS = ("random", "after-commit", "after-smtp")
POLL = 0.005
SENT_CHECK_AFTER = 2  # seconds: mail in doubt after a kill is looked for at the server this soon


@dataclass
class StormResult:
    """What became of every mail after the storm and the final `run --once`."""

    mails: int = 0  # appended to the INBOX
    garbage: int = 0  # of which not a mail at all (quarantine expected)
    kills: int = 0
    kills_with_work: int = 0  # mail waiting or being handled, or outbox mail pending, at the kill
    aims: dict[str, int] = field(default_factory=dict)
    crashes: list[str] = field(default_factory=list)  # lives that ended by themselves, not by our kill
    error_lines: list[str] = field(default_factory=list)  # ERROR lines and tracebacks in the daemon's logs
    final_exit_code: int | None = None
    logged: int = 0  # mail_log rows
    processed: int = 0  # rows that became case state
    quarantined: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    lost: int = 0  # appended mails with no mail_log row
    in_two_cases: int = 0  # mails stored in more than one case
    cases: int = 0
    inbox_left: int = 0
    processed_folder: int = 0
    quarantine_folder: int = 0
    customers: int = 0
    acknowledged_once: int = 0
    not_acknowledged: int = 0
    duplicate_acknowledgements: int = 0  # customers with more than one distinct acknowledgement
    resent: int = 0  # deliveries of an acknowledgement Message-ID that had arrived before
    ack_deliveries: int = 0
    smtp_deliveries: int = 0  # every mail the sink took: acknowledgements, notifications, ...
    smtp_resent: int = 0  # of which a Message-ID that had arrived before: a duplicate delivery
    sent_folder: int = 0  # Bcc copies filed in Sent (mailbox.sent_copies: bcc)
    copies_waiting: int = 0  # copies of the final run's mail, still in the INBOX for the next run
    outbox_left: int = 0  # pending or parked after the final run
    max_arrival_error_s: float = 0.0  # |case received_at - the moment of the APPEND|
    max_processing_lag_s: float = 0.0  # handled this long after arrival, yet deadlines count from arrival
    storm_seconds: float = 0.0  # delivering and killing
    final_seconds: float = 0.0  # the last `run --once`
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Nothing lost, nothing twice, one acknowledgement each, no crash of our own."""
        return (
            self.final_exit_code == 0
            and not self.crashes
            and self.lost == 0
            and self.in_two_cases == 0
            and self.inbox_left == 0
            and self.not_acknowledged == 0
            and self.duplicate_acknowledgements == 0
            and self.smtp_resent == 0
            and self.outbox_left == 0
            and self.logged == self.mails
            and self.quarantined == self.garbage
            and self.max_arrival_error_s <= 2.0
        )


@dataclass(frozen=True)
class _Sent:
    """One mail appended to the INBOX and when."""

    raw: bytes
    customer: str | None  # None for garbage
    before: datetime
    after: datetime


class _Db:
    """Read-only looks at the daemon's database while it runs (WAL: never in its way)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn: sqlite3.Connection | None = None

    def value(self, sql: str) -> int:
        try:
            if self.conn is None:
                if not self.path.exists():
                    return 0
                self.conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5)
            return int(self.conn.execute(sql).fetchone()[0] or 0)
        except sqlite3.Error:
            return 0  # not created or migrated yet

    def handled(self) -> int:
        return self.value("SELECT max(id) FROM mail_log")

    def pending(self) -> int:
        return self.value("SELECT count(*) FROM outbox WHERE status = 'pending'")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


class CrashStorm:
    """One storm: servers given, a fresh mailbox user and database in ``work``."""

    def __init__(
        self,
        dovecot: Dovecot,
        sink: SmtpSink,
        work: Path,
        *,
        mails: int,
        kills: int,
        seed: int,
        life: tuple[float, float] = (0.3, 3.0),
        user: str = USER,
    ) -> None:
        self.dovecot, self.sink, self.work = dovecot, sink, work
        self.kills, self.life, self.user = kills, life, user
        self.rng = random.Random(seed)
        self.db_path = work / "data" / "mailbot.db"
        self.rules_path = work / "rules.yaml"
        self.db = _Db(self.db_path)
        self.mails = self._mails(mails, seed)
        self.sent: list[_Sent] = []
        self.result = StormResult(mails=len(self.mails), garbage=sum(1 for _, c in self.mails if c is None))

    def env(self) -> dict[str, str]:
        """A mailbot process on these servers (no MAILBOT_* from the caller's environment)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("MAILBOT_")}
        env.update(
            MAILBOT_IMAP_URL=self.dovecot.url(self.user),
            MAILBOT_SMTP_URL=self.sink.url(),
            MAILBOT_DB=str(self.db_path),
            MAILBOT_RULES=str(self.rules_path),
            PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        )
        return env

    def run(self) -> StormResult:
        """Deliver while killing, finish with `run --once`, count."""
        started = time.monotonic()
        (self.work / "lives").mkdir(parents=True, exist_ok=True)
        self._write_rules()
        self.dovecot.url(self.user)  # creates the user's home
        mean_life = sum(self.life) / 2
        spread = max(1.0, self.kills * (mean_life + 0.3) * 0.7)  # the mail keeps coming during most kills
        deliverer = threading.Thread(target=self._deliver, args=(spread,), daemon=True)
        deliverer.start()
        try:
            for number in range(self.kills):
                self._life(number, deliverer)
        finally:
            deliverer.join()
        self.result.storm_seconds = time.monotonic() - started
        with (self.work / "lives" / "final.log").open("wb") as log:
            final = subprocess.run(
                [sys.executable, "-m", "mailbot", "run", "--once"],
                cwd=self.work,
                env=self.env(),
                stdout=subprocess.DEVNULL,
                stderr=log,
                timeout=900,
                check=False,
            )
        self.result.final_exit_code = final.returncode
        self.result.final_seconds = time.monotonic() - started - self.result.storm_seconds
        self.db.close()
        self._count()
        self.result.seconds = time.monotonic() - started
        return self.result

    def _write_rules(self) -> None:
        """The shipped rules.yaml, with Bcc copies checked soon after a kill: the sink delivers a copy
        before its 250, so no wait is needed for it to arrive, and the storm would otherwise idle
        through the two minutes a real server may take."""
        text = (REPO / "rules.yaml").read_text(encoding="utf-8")
        assert "sent_copies: bcc" in text and "sent_check_after_seconds: 120" in text
        text = text.replace("sent_check_after_seconds: 120", f"sent_check_after_seconds: {SENT_CHECK_AFTER}")
        self.rules_path.write_text(f"templates: {REPO / 'templates'}\n" + text, encoding="utf-8")

    def _mails(self, count: int, seed: int) -> list[tuple[bytes, str | None]]:
        mails: list[tuple[bytes, str | None]] = []
        for index, mail in enumerate(generate(count, PLAIN, seed=seed, prefix="storm")):
            if index % GARBAGE_EVERY == GARBAGE_EVERY // 2:
                mails.append((f"storm garbage {seed} {index}: this is not a mail\r\n".encode(), None))
            else:
                mails.append((mail.raw, mail.customer))
        return mails

    def _deliver(self, spread: float) -> None:
        began = time.monotonic()
        with self.dovecot.connect(self.user) as client:
            for index, (raw, customer) in enumerate(self.mails):
                delay = began + spread * index / len(self.mails) - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                before = datetime.now(UTC)
                client.append("INBOX", raw)
                self.sent.append(_Sent(raw, customer, before, datetime.now(UTC)))

    def _life(self, number: int, deliverer: threading.Thread) -> None:
        """Start the daemon, kill it at a moment chosen by one of AIMS."""
        log = (self.work / "lives" / f"{number:03d}.log").open("wb")
        proc = subprocess.Popen(
            self.life_command(),
            cwd=self.work,
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        log.close()
        began = time.monotonic()
        handled, delivered = self.db.handled(), len(self.sink.messages)
        aim = self.rng.choice(AIMS)
        if aim != "random" and not deliverer.is_alive() and not self._work_in_hand():
            aim = "random"  # nothing left to aim at
        low, high = self.life
        if aim == "random":
            until = began + self.rng.uniform(low, high)
            while time.monotonic() < until and proc.poll() is None:
                time.sleep(POLL)
        else:
            cap = began + high + 1.5  # start-up takes about a second
            moved = (
                (lambda: self.db.handled() > handled)
                if aim == "after-commit"
                else (lambda: len(self.sink.messages) > delivered)
            )
            while not moved() and time.monotonic() < cap and proc.poll() is None:
                time.sleep(POLL)
            time.sleep(self.rng.uniform(0, 0.3 if aim == "after-commit" else 0.02))
        self.result.aims[aim] = self.result.aims.get(aim, 0) + 1
        if proc.poll() is not None:
            self.result.crashes.append(f"life {number} ended by itself with exit code {proc.returncode}")
            return
        if self._work_in_hand():
            self.result.kills_with_work += 1
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        self.result.kills += 1
        self.after_kill(number)

    def life_command(self) -> list[str]:
        """The command of one life: `mailbot run` (bench/powercut.py runs it in a wrapper)."""
        return [sys.executable, "-m", "mailbot", "run"]

    def after_kill(self, number: int) -> None:
        """What happens to the machine after life ``number`` was killed: nothing (bench/powercut.py: a power cut)."""

    def _work_in_hand(self) -> bool:
        return len(self.sent) > self.db.handled() or self.db.pending() > 0

    def _count(self) -> None:
        result = self.result
        with contextlib.closing(sqlite3.connect(self.db_path)) as conn:
            # The Bcc copies of our own mail are logged too (filed in Sent); they are not the storm's mail.
            rows = conn.execute("SELECT raw_sha256, outcome, reason, at FROM mail_log WHERE outcome != 'sent-copy'")
            rows = rows.fetchall()
            result.logged = len(rows)
            result.quarantined = sum(1 for r in rows if r[1] == "quarantine")
            result.processed = result.logged - result.quarantined
            reasons = Counter(re.sub(r"\d+", "N", r[2] or "")[:60] for r in rows if r[1] == "quarantine")
            result.quarantine_reasons = dict(reasons)
            logged = {r[0]: r for r in rows}
            result.lost = sum(1 for s in self.sent if hashlib.sha256(s.raw).hexdigest() not in logged)
            result.in_two_cases = conn.execute(
                "SELECT count(*) FROM (SELECT raw_sha256 FROM messages WHERE direction = 'in' "
                "GROUP BY raw_sha256 HAVING count(DISTINCT case_id) > 1)"
            ).fetchone()[0]
            result.cases = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
            received = {c.lower(): at for c, at in conn.execute("SELECT customer_email, received_at FROM cases")}
            result.outbox_left = conn.execute("SELECT count(*) FROM outbox WHERE status != 'sent'").fetchone()[0]
        for sent in self.sent:
            if sent.customer is None or sent.customer.lower() not in received:
                continue
            at = from_iso(received[sent.customer.lower()])
            # INTERNALDATE has whole seconds: the arrival lies between the second before the APPEND and its end.
            error = max(0.0, (sent.before - at).total_seconds() - 1, (at - sent.after).total_seconds())
            result.max_arrival_error_s = max(result.max_arrival_error_s, error)
            handled_at = from_iso(logged[hashlib.sha256(sent.raw).hexdigest()][3])
            result.max_processing_lag_s = max(result.max_processing_lag_s, (handled_at - at).total_seconds())
        self._count_acks()
        with self.dovecot.connect(self.user) as client:
            counts = {
                name: int(client.folder_status(name, [b"MESSAGES"])[b"MESSAGES"])
                for _flags, _sep, name in client.list_folders()
            }
            client.select_folder("INBOX", readonly=True)
            fetched = client.fetch(client.search("ALL"), ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
            heads = [next((v for k, v in i.items() if k.startswith(b"BODY[HEADER")), b"") for i in fetched.values()]
            inbox_ids = [head.decode("ascii", "replace").partition(":")[2].strip() for head in heads]
        with contextlib.closing(sqlite3.connect(self.db_path)) as conn:
            ours = {r[0] for r in conn.execute("SELECT message_id FROM outbox")}
        # Copies of the mail the final run sent arrive after it read the inbox: ours, filed by the next run.
        result.copies_waiting = sum(1 for i in inbox_ids if i in ours)
        result.inbox_left = len(inbox_ids) - result.copies_waiting
        result.sent_folder = counts.get("Sent", 0)
        result.processed_folder = counts.get("Verwerkt", 0)
        result.quarantine_folder = counts.get("Quarantaine", 0)
        self._scan_logs()

    def _count_acks(self) -> None:
        result = self.result
        parser = email.parser.BytesHeaderParser(policy=email.policy.default)
        customers = {c.lower() for _, c in self.mails if c is not None}
        ids: dict[str, set[str]] = {c: set() for c in customers}
        seen: set[str] = set()
        for delivered in self.sink.messages:
            headers = parser.parsebytes(delivered.raw)
            result.smtp_deliveries += 1
            result.smtp_resent += str(headers.get("Message-ID", "")) in seen
            seen.add(str(headers.get("Message-ID", "")))
            if str(headers.get("Auto-Submitted", "")).lower() != "auto-replied":
                continue
            for rcpt in delivered.rcpt_tos:
                if rcpt.lower() in ids:
                    result.ack_deliveries += 1
                    message_id = str(headers.get("Message-ID", ""))
                    if message_id in ids[rcpt.lower()]:
                        result.resent += 1
                    ids[rcpt.lower()].add(message_id)
        result.customers = len(customers)
        result.acknowledged_once = sum(1 for found in ids.values() if len(found) == 1)
        result.not_acknowledged = sum(1 for found in ids.values() if not found)
        result.duplicate_acknowledgements = sum(1 for found in ids.values() if len(found) > 1)

    def _scan_logs(self) -> None:
        for path in sorted((self.work / "lives").glob("*.log")):
            for line in path.read_text(errors="replace").splitlines():
                if " ERROR " in line or line.startswith("Traceback"):
                    self.result.error_lines.append(f"{path.name}: {line[:200]}")


def crash_storm(
    dovecot: Dovecot,
    sink: SmtpSink,
    work: Path,
    *,
    mails: int,
    kills: int,
    seed: int = 2026,
    life: tuple[float, float] = (0.3, 3.0),
    user: str = USER,
) -> StormResult:
    """Run one storm on these servers (the test and the script share this)."""
    return CrashStorm(dovecot, sink, work, mails=mails, kills=kills, seed=seed, life=life, user=user).run()


def render(result: StormResult) -> str:
    """The figures, as the report quotes them."""
    aims = ", ".join(f"{k} {v}" for k, v in sorted(result.aims.items()))
    lines = [
        f"Crash storm: {result.mails} mails in ({result.garbage} of them not a mail), "
        f"{result.kills} SIGKILLs ({result.kills_with_work} with work in hand; aimed: {aims}), then `run --once`",
        f"  mail_log rows          {result.logged}  (processed {result.processed}, quarantined {result.quarantined})",
        f"  lost                   {result.lost}",
        f"  in more than one case  {result.in_two_cases}",
        f"  cases                  {result.cases}",
        f"  folders                INBOX {result.inbox_left} (+ {result.copies_waiting} copies of our own mail that "
        f"came after the last run read it), Verwerkt {result.processed_folder}, Quarantaine "
        f"{result.quarantine_folder}, Sent {result.sent_folder}",
        f"  customers              {result.customers}: acknowledged once {result.acknowledged_once}, "
        f"not at all {result.not_acknowledged}, more than once {result.duplicate_acknowledgements} "
        "(distinct Message-IDs)",
        f"  acknowledgement deliveries {result.ack_deliveries}, of which resent with the same Message-ID "
        f"{result.resent}",
        f"  all SMTP deliveries    {result.smtp_deliveries}, of which resent with the same Message-ID "
        f"{result.smtp_resent}; outbox mail not sent at the end {result.outbox_left}",
        f"  daemon crashes (not our kills) {len(result.crashes)}; ERROR lines in its logs {len(result.error_lines)}",
        f"  final `run --once` exit code {result.final_exit_code}",
        f"  received_at vs APPEND: max error {result.max_arrival_error_s:.1f} s; handled up to "
        f"{result.max_processing_lag_s:.1f} s after arrival",
        f"  quarantine reasons     {result.quarantine_reasons}",
        f"  duration               {result.seconds:.1f} s (storm {result.storm_seconds:.1f} s, final run "
        f"{result.final_seconds:.1f} s)",
        f"  verdict                {'OK' if result.ok else 'FAILED'}",
    ]
    lines += [f"  ! {c}" for c in result.crashes]
    lines += [f"  ! {e}" for e in result.error_lines[:20]]
    return "\n".join(lines)
