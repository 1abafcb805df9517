"""Faults: kills, outages, locks, silent drops and half-done moves; nothing lost, nothing twice.

`./run test -m faults` runs these alone; `python bench/faults.py` is the full size: the crash storm,
and mail loops, case hijacking and spoofed staff commands.
"""

from __future__ import annotations

import email
import json
import logging
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from email.policy import default as default_policy
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import REPO, Bot, rules_copy, run_mailbot
from tcp_proxy import TcpProxy

from mailbot.config import ConfigError, load_rules, load_settings
from mailbot.demo import compose_mail
from mailbot.ops.daemon import Daemon
from mailbot.testing.servers import Dovecot, SmtpSink

pytestmark = pytest.mark.faults

BOT = "klacht@example.nl"
FIRST_LINE = "beveiliging@example.nl"


# --- helpers -------------------------------------------------------------------------------


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    """An SMTP sink that only records: it keeps working while Dovecot is down."""
    with SmtpSink(None) as server:
        yield server


def acks(sink: SmtpSink) -> dict[str, list[str]]:
    """Message-IDs of the acknowledgements each customer received, one entry per delivery."""
    found: dict[str, list[str]] = {}
    for delivered in sink.messages:
        message = email.message_from_bytes(delivered.raw, policy=default_policy)
        if message["Auto-Submitted"] == "auto-replied":
            for rcpt in delivered.rcpt_tos:
                found.setdefault(rcpt, []).append(str(message["Message-ID"]))
    return found


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll ``condition``; return the seconds it took; fail after ``timeout``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            pytest.fail(f"{what}: not within {timeout} s")
        time.sleep(0.05)
    return time.monotonic() - started


def count(bot: Bot, sql: str) -> int:
    """One number from the daemon's database, read-only (WAL: never in the daemon's way)."""
    if not bot.settings.db_path.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{bot.settings.db_path}?mode=ro", uri=True, timeout=5)
        try:
            return int(conn.execute(sql).fetchone()[0] or 0)
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def inbox(bot: Bot, folder: str = "INBOX") -> int:
    return len(bot.dovecot.fetch_all(bot.user, folder))


class Served:
    """A daemon running in a thread, as `mailbot run` does; ``error`` is what ended it, if anything."""

    def __init__(self, bot: Bot, prepare: Callable[[Daemon], None] | None = None) -> None:
        self.bot, self.prepare = bot, prepare
        self.daemon: Daemon | None = None
        self.error: BaseException | None = None
        self.started = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        daemon = self.bot.daemon()  # SQLite connections belong to the thread that made them
        self.daemon = daemon
        if self.prepare:
            self.prepare(daemon)
        self.started.set()
        try:
            daemon.run()
        except BaseException as exc:
            # Logged here as well: a test that fails while waiting never reaches the check in served().
            logging.getLogger(__name__).exception("the daemon died")
            self.error = exc
        finally:
            daemon.store.close()

    @property
    def alive(self) -> bool:
        return self.thread.is_alive() and self.error is None


@contextmanager
def served(bot: Bot, prepare: Callable[[Daemon], None] | None = None) -> Iterator[Served]:
    """Run the daemon in a thread; stop it at the end and check that it never died."""
    run = Served(bot, prepare)
    run.thread.start()
    assert run.started.wait(15)
    try:
        yield run
    finally:
        assert run.daemon is not None
        run.daemon.stop()
        run.thread.join(timeout=30)
    assert not run.thread.is_alive(), "the daemon did not stop"
    assert run.error is None, f"the daemon died: {run.error!r}"


def complaint(customer: str, subject: str = "Klacht") -> bytes:
    return compose_mail(customer, FIRST_LINE, subject, "De monteur is niet gekomen en het alarm is kapot.")


def fast_bot(dovecot: Dovecot, sink: SmtpSink, tmp_path: Path, *, keepalive: int | None = None, **kwargs) -> Bot:
    """A Bot on these servers; with ``keepalive``, IDLE is checked that often and IMAP answers wait 2 s."""
    rules = REPO / "rules.yaml"
    if keepalive is not None:
        rules = rules_copy(tmp_path, "  keepalive_seconds: 120\n", f"  keepalive_seconds: {keepalive}\n")
    bot = Bot(dovecot, sink, tmp_path / "data", rules_path=rules, **kwargs)
    if keepalive is not None:
        assert bot.settings.imap is not None
        bot.settings = replace(bot.settings, imap=replace(bot.settings.imap, timeout=2.0))
    return bot


# --- the tools themselves ---------------------------------------------------------------------


def test_proxy_forwards_holds_and_silently_drops() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]

        def echo() -> None:
            while True:
                try:
                    conn, _ = server.accept()
                except OSError:
                    return
                threading.Thread(target=_echo, args=(conn,), daemon=True).start()

        threading.Thread(target=echo, daemon=True).start()
        with TcpProxy(port) as proxy:
            first = socket.create_connection(("127.0.0.1", proxy.port), timeout=0.5)
            first.sendall(b"a")
            assert first.recv(10) == b"a"
            proxy.pause()
            first.sendall(b"b")
            with pytest.raises(TimeoutError):
                first.recv(10)  # held back
            proxy.resume()
            assert first.recv(10) == b"b"  # and not lost
            assert proxy.blackhole() == 1
            first.sendall(b"c")
            with pytest.raises(TimeoutError):
                first.recv(10)  # swallowed, and the connection is not closed either (recv would say b"")
            second = socket.create_connection(("127.0.0.1", proxy.port), timeout=0.5)
            second.sendall(b"d")
            assert second.recv(10) == b"d"  # a new connection works
            assert proxy.url(f"imap://u@127.0.0.1:{port}/INBOX") == f"imap://u@127.0.0.1:{proxy.port}/INBOX"
            first.close()
            second.close()


def _echo(conn: socket.socket) -> None:
    with conn:
        while data := conn.recv(100):
            conn.sendall(data)


def test_keepalive_and_timeouts_are_configured_and_checked(tmp_path: Path) -> None:
    assert load_rules(REPO / "rules.yaml").mailbox.keepalive_seconds == 120
    path = rules_copy(tmp_path, "  keepalive_seconds: 120\n", "  keepalive_seconds: 0\n")
    line = path.read_text(encoding="utf-8").splitlines().index("  keepalive_seconds: 0") + 1
    with pytest.raises(ConfigError, match=rf"{path}:{line}: mailbox.keepalive_seconds must be a whole number"):
        load_rules(path)
    env = {"MAILBOT_IMAP_URL": "imap://u:p@127.0.0.1:143", "MAILBOT_SMTP_URL": "smtp://127.0.0.1:25"}
    settings = load_settings({**env, "MAILBOT_IMAP_TIMEOUT": "2.5", "MAILBOT_SMTP_TIMEOUT": "1"})
    assert settings.imap is not None and settings.imap.timeout == 2.5
    assert settings.smtp is not None and settings.smtp.timeout == 1.0
    assert load_settings(env).imap.timeout == 90.0  # type: ignore[union-attr]
    for bad in ("soon", "0", "-3", "7200"):
        with pytest.raises(ConfigError, match="MAILBOT_SMTP_TIMEOUT: must be a number of seconds"):
            load_settings({**env, "MAILBOT_SMTP_TIMEOUT": bad})


# --- 1. crash safety ------------------------------------------------------------------------


@pytest.mark.integration
def test_fault_bench_at_ci_size_loses_nothing_answers_no_machine_and_lets_no_stranger_in(
    dovecot_binary: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """bench/faults.py end to end, small: the SIGKILL storm, then loops, hijacking and spoofed commands."""
    monkeypatch.syspath_prepend(str(REPO))
    from attacks import AUTOMATIC_HEADERS, AUTOMATIC_SENDERS, RESPONDER_STYLES, SPOOFS

    from bench.faults import SECTIONS, main

    out = tmp_path / "faults.json"
    size = ["--mails", "60", "--kills", "10", "--seed", "11", "--life", "0.2", "1.8", "--rounds", "1"]
    code = main([*size, "--json", str(out)])
    report = capsys.readouterr().out
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert {c["section"] for c in figures["checks"]} == set(SECTIONS), report
    assert code == 0 and figures["ok"] and "BROKEN" not in report, report

    loops = figures["loops"]
    automatic = len(AUTOMATIC_HEADERS) + len(AUTOMATIC_SENDERS)
    assert loops["loops"] == len(RESPONDER_STYLES) + automatic, report
    # Every loop ran, and stopped after the acknowledgement and one answer to it.
    assert loops["exchanged"] == dict.fromkeys([*RESPONDER_STYLES, "automatic signs"], 2), report
    assert loops["automatic"] == 2 * automatic and loops["replies_to_automatic"] == 0, report
    assert loops["cases_from_automatic"] == 0, report
    hijack = figures["hijack"]
    assert len(hijack["attempts"]) == 8 and set(hijack["attempts"].values()) == {1}, report
    assert set(hijack["joined"].values()) == {0}, report
    assert hijack["linked"] == sum("tag" in kind for kind in hijack["attempts"]), report
    assert hijack["genuine_joined"] == hijack["genuine"] == 2, report
    sending = figures["sending"]  # one round: each bad address and failure once, among good mail
    assert sending["good_acknowledged"] == sending["good"] == 4 and sending["runs_that_raised"] == 0, report
    assert sending["utf8_parked_with_reason"] == sending["refused_parked_with_reason"] == 1, report
    assert sending["exceptions_parked"] == sending["idn_delivered_as_punycode"] == 1, report
    assert sending["utf8_delivered"] == 1, report
    assert sending["failures_listed"] == 3 and sending["duplicate_deliveries"] == 0, report
    spoofing = figures["spoofing"]
    assert spoofing["attempts"] == {s.name: 1 for s in SPOOFS} and set(spoofing["obeyed"].values()) == {0}, report
    assert spoofing["refused_with_reason"] == len(SPOOFS), report
    assert spoofing["genuine_obeyed"] == spoofing["genuine"] == 1, report

    cut = SimpleNamespace(**figures["powercut"])  # bench/powercut.py: every second kill a power cut
    assert cut.cuts >= 1 and cut.lost == 0 and cut.smtp_resent == 0 and cut.blobs_named_missing == 0, report
    assert cut.inbox_left == 0 and cut.not_acknowledged == 0 and cut.final_exit_code == 0, report

    result = SimpleNamespace(**figures["crash"])
    assert result.final_exit_code == 0, report
    assert result.kills == 10 and not result.crashes, report
    assert result.logged == result.mails and result.lost == 0 and result.in_two_cases == 0, report
    assert result.quarantined == result.garbage and result.cases == result.mails - result.garbage, report
    assert (result.inbox_left, result.processed_folder, result.quarantine_folder) == (
        0,
        result.processed,
        result.quarantined,
    ), report
    assert result.acknowledged_once == result.customers, report
    assert result.not_acknowledged == 0 and result.duplicate_acknowledgements == 0, report
    # A kill between the 250 and the commit leaves the mail in doubt; its Bcc copy at the server
    # shows it went, so it is not sent again (sentcheck.py).
    assert result.resent == 0 and result.smtp_resent == 0, report
    assert result.sent_folder + result.copies_waiting == result.smtp_deliveries, report  # a copy of each
    assert result.max_arrival_error_s <= 2.0, report  # deadlines count from the arrival, not the handling
    assert result.outbox_left == 0 and not result.error_lines, report


@pytest.mark.integration
def test_sigterm_in_a_burst_finishes_the_message_in_hand_and_exits_0(
    dovecot: Dovecot, sink: SmtpSink, tmp_path: Path
) -> None:
    bot = fast_bot(dovecot, sink, tmp_path)
    env = bot.environment()
    customers = [f"term{i}@example.net" for i in range(20)]
    for customer in customers:
        bot.deliver(complaint(customer))
    proc = subprocess.Popen(
        [sys.executable, "-m", "mailbot", "run"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: count(bot, "SELECT count(*) FROM mail_log") >= 2, 30, "handling started")
        proc.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    assert time.monotonic() - signalled < 15
    assert "stopping after the current message" in stderr
    handled = count(bot, "SELECT count(*) FROM mail_log")
    # Every committed message was moved, and none that was not: the message in hand was finished.
    assert inbox(bot) == len(customers) - handled
    assert inbox(bot, "Verwerkt") == handled
    result = run_mailbot("run", "--once", env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert sorted(c.customer.email for c in bot.store().cases()) == sorted(customers)
    received = acks(sink)
    assert all(len(received[c]) == 1 for c in customers)


# --- 2. outages -----------------------------------------------------------------------------


@pytest.mark.integration
def test_imap_server_stopped_and_started_mid_run(
    dovecot: Dovecot, sink: SmtpSink, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bot = fast_bot(dovecot, sink, tmp_path)
    first = [f"imap{i}@example.net" for i in range(12)]
    later = [f"imap{i}@example.net" for i in range(12, 18)]
    for customer in first:
        bot.deliver(complaint(customer))
    with served(bot) as run:
        wait_until(lambda: count(bot, "SELECT count(*) FROM mail_log") >= 3, 20, "handling started")
        dovecot.stop()  # the batch is committed (one transaction: group.py); its MOVE and sending under way
        time.sleep(1.0)
        assert run.alive
        dovecot.start()
        wait_until(lambda: set(first) <= set(acks(sink)), 30, "the first burst acknowledged")
        wait_until(lambda: inbox(bot, "Verwerkt") == len(first), 30, "the first burst moved")
        # Again while the daemon is in IDLE (its back-off after the first outage over): the server
        # says BYE and closes the connection.
        time.sleep(3.5)
        dovecot.stop()
        time.sleep(1.0)
        dovecot.start()
        for customer in later:
            bot.deliver(complaint(customer))
        took = wait_until(lambda: set(first + later) <= set(acks(sink)), 40, "the second burst acknowledged")
        assert took < 25  # reconnected with back-off, not after the IDLE ran out (25 minutes)
        assert run.alive
    assert "trouble" in caplog.text and "during IDLE" in caplog.text
    received = acks(sink)
    assert all(len(received[c]) == 1 for c in first + later)
    assert inbox(bot) == 0 and inbox(bot, "Verwerkt") == 18
    store = bot.store()
    assert len(store.cases()) == 18
    assert count(bot, "SELECT count(*) FROM mail_log WHERE outcome = 'quarantine'") == 0


def _smtp_down(sink: SmtpSink, how: str) -> None:
    if how == "refused":
        sink.stop()
    elif how == "4xx":
        sink.fail_with = (451, "4.3.0 try again later")
    else:
        sink.stall_data = True


def _smtp_back(sink: SmtpSink, how: str) -> None:
    if how == "refused":
        sink.start()
    elif how == "4xx":
        sink.fail_with = None
    else:
        sink.stall_data = False


@pytest.mark.integration
@pytest.mark.parametrize("how", ["refused", "4xx", "timeout"])
def test_smtp_outage_sends_everything_once_when_back(
    dovecot: Dovecot, sink: SmtpSink, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    # The daemon looks every half second instead of sleeping until the retry is due on the
    # frozen clock, so that advancing the clock is noticed at once.
    monkeypatch.setattr(Daemon, "_wait_seconds", lambda self: 0.5)
    bot = fast_bot(dovecot, sink, tmp_path)
    assert bot.settings.smtp is not None
    bot.settings = replace(bot.settings, smtp=replace(bot.settings.smtp, timeout=1.0))
    customers = [f"smtp-{how}{i}@example.net" for i in range(3)]
    _smtp_down(sink, how)
    for customer in customers:
        bot.deliver(complaint(customer))
    with served(bot) as run:
        wait_until(
            lambda: (
                count(bot, "SELECT count(*) FROM outbox WHERE last_error IS NOT NULL") == 6
                and count(bot, "SELECT count(*) FROM outbox") == 6
            ),
            20,
            "every acknowledgement and notification tried once",
        )
        time.sleep(1.0)  # more passes of the loop while the server is still down
        assert run.alive
        assert count(bot, "SELECT count(*) FROM outbox WHERE status = 'sent'") == 0
        assert count(bot, "SELECT count(*) FROM cases WHERE ack_sent_at IS NOT NULL") == 0  # never accepted
        assert acks(sink) == {}
        _smtp_back(sink, how)
        bot.clock.advance(timedelta(minutes=2))  # the first retry is due after a minute
        wait_until(lambda: set(customers) <= set(acks(sink)), 20, "acknowledgements sent")
        wait_until(lambda: count(bot, "SELECT count(*) FROM outbox WHERE status = 'sent'") == 6, 10, "all sent")
        bot.clock.advance(timedelta(hours=2))
        time.sleep(1.5)  # further passes send nothing again
    received = acks(sink)
    assert all(len(received[c]) == 1 for c in customers)
    assert len(sink.messages) == 6
    assert count(bot, "SELECT count(*) FROM cases WHERE ack_sent_at IS NOT NULL") == 3
    assert count(bot, "SELECT count(*) FROM mail_log WHERE outcome = 'quarantine'") == 0


@pytest.mark.integration
def test_a_two_day_smtp_outage_parks_nothing(dovecot: Dovecot, sink: SmtpSink, tmp_path: Path) -> None:
    from mailbot.ops.outbox import GIVE_UP_AFTER, Outbox

    bot = fast_bot(dovecot, sink, tmp_path)
    bot.deliver(complaint("geduld@example.net"))
    sink.stop()
    report = bot.run_once()
    assert report.processed == 1 and report.sent == 0
    store = bot.store()
    outbox = Outbox(store, bot.clock, bot.settings.smtp)
    for _ in range(GIVE_UP_AFTER + 5):  # more passes than a mail the server refuses may take
        bot.clock.advance(timedelta(hours=1))
        assert outbox.send_due().sent == 0
    rows = store.db.execute("SELECT status, attempts, last_error FROM outbox").fetchall()
    assert len(rows) == 2
    assert all(status == "pending" and attempts == 0 and error for status, attempts, error in rows)
    sink.start()
    bot.clock.advance(timedelta(hours=1))
    assert outbox.send_due().sent == 2
    assert list(acks(sink)) == ["geduld@example.net"]


@pytest.mark.integration
def test_smtp_connection_cut_before_the_250_resends_once_with_the_same_message_id(
    dovecot: Dovecot, sink: SmtpSink, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Daemon, "_wait_seconds", lambda self: 0.5)
    bot = fast_bot(dovecot, sink, tmp_path)
    sink.drop_after_data = 1  # the first mail is taken, but the client never hears the 250
    bot.deliver(complaint("knip@example.net"))
    with served(bot):
        # The cut mail counts a try; the other one never reached the server and counts none.
        wait_until(lambda: count(bot, "SELECT count(*) FROM outbox WHERE last_error IS NOT NULL") == 2, 20, "both due")
        assert count(bot, "SELECT count(*) FROM outbox WHERE attempts >= 1") == 1
        assert sink.dropped == 1
        first = sink.messages[0]
        message_id = email.message_from_bytes(first.raw, policy=default_policy)["Message-ID"]
        row = f"SELECT {{}} FROM outbox WHERE message_id = '{message_id}'"
        assert count(bot, row.format("attempts")) == 1
        assert count(bot, row.format("status = 'pending'")) == 1  # not sent as far as we know
        if "knip@example.net" in first.rcpt_tos:
            assert count(bot, "SELECT count(*) FROM cases WHERE ack_sent_at IS NOT NULL") == 0
        bot.clock.advance(timedelta(minutes=2))
        wait_until(lambda: count(bot, row.format("status = 'sent'")) == 1, 20, "the resend")
        bot.clock.advance(timedelta(hours=3))
        time.sleep(1.5)
    same = [
        d for d in sink.messages if email.message_from_bytes(d.raw, policy=default_policy)["Message-ID"] == message_id
    ]
    assert len(same) == 2 and same[0].raw == same[1].raw  # resent once, the same bytes
    assert len(sink.messages) == 3
    assert count(bot, row.format("attempts")) == 2
    assert len(acks(sink)["knip@example.net"]) in (1, 2)
    assert len(set(acks(sink)["knip@example.net"])) == 1
    assert count(bot, "SELECT count(*) FROM cases WHERE ack_sent_at IS NOT NULL") == 1


@pytest.mark.integration
@pytest.mark.parametrize("busy_ms", [10_000, 300], ids=["busy-timeout-10s", "busy-timeout-300ms"])
def test_database_locked_by_another_writer_waits_and_loses_nothing(
    dovecot: Dovecot, sink: SmtpSink, tmp_path: Path, caplog: pytest.LogCaptureFixture, busy_ms: int
) -> None:
    bot = fast_bot(dovecot, sink, tmp_path)
    bot.deliver(complaint("voor@example.net"))

    def prepare(daemon: Daemon) -> None:
        daemon.store.db.execute(f"PRAGMA busy_timeout={busy_ms}")

    with served(bot, prepare) as run:
        wait_until(lambda: "voor@example.net" in acks(sink), 20, "the first mail")
        other = sqlite3.connect(bot.settings.db_path, timeout=5, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another writer: a backup, a script, `sqlite3` by hand
        other.execute("CREATE TABLE IF NOT EXISTS lock_probe (x)")
        other.execute("INSERT INTO lock_probe VALUES (1)")
        customers = [f"slot{i}@example.net" for i in range(4)]
        for customer in customers:
            bot.deliver(complaint(customer))
        time.sleep(1.5)
        assert run.alive
        assert count(bot, "SELECT count(*) FROM mail_log") == 1  # nothing got past the lock
        other.execute("COMMIT")
        other.close()
        wait_until(lambda: set(customers) <= set(acks(sink)), 30, "everything after the lock")
    assert count(bot, "SELECT count(*) FROM mail_log") == 5
    assert count(bot, "SELECT count(*) FROM mail_log WHERE outcome = 'quarantine'") == 0
    assert all(len(ids) == 1 for ids in acks(sink).values())
    assert inbox(bot) == 0
    if busy_ms < 1000:
        # Waited in Python, not in SQLite's busy handler: in the daemon's back-off, or, when the lock
        # came while a send result was being written, in the outbox until it could write it.
        assert "database is locked" in caplog.text or "the database is busy, recording the result" in caplog.text


@pytest.mark.integration
def test_silent_drop_during_idle_is_found_by_the_keepalive(
    dovecot: Dovecot, sink: SmtpSink, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bot = fast_bot(dovecot, sink, tmp_path, keepalive=2)
    with TcpProxy(dovecot.port) as proxy:
        assert bot.settings.imap is not None
        bot.settings = replace(bot.settings, imap=replace(bot.settings.imap, port=proxy.port))
        bot.deliver(complaint("voor-de-val@example.net"))
        with served(bot) as run:
            wait_until(lambda: "voor-de-val@example.net" in acks(sink), 20, "the first mail")
            time.sleep(0.5)  # in IDLE now
            assert proxy.blackhole() == 1  # the connection is dead, and neither side is told
            bot.deliver(complaint("tijdens@example.net"))  # straight into Dovecot: announced to nobody
            took = wait_until(lambda: "tijdens@example.net" in acks(sink), 20, "the mail during the drop")
            # keepalive 2 s + an answer within 2 s + 1 s back-off, and the handling itself (before: 25 minutes)
            assert took < 15
            assert proxy.accepted == 2  # connected again through the proxy
            bot.deliver(complaint("erna@example.net"))
            wait_until(lambda: "erna@example.net" in acks(sink), 10, "the mail after the reconnect")
            assert run.alive
    assert "TimeoutError" in caplog.text
    assert all(len(ids) == 1 for ids in acks(sink).values()) and len(acks(sink)) == 3
    assert inbox(bot) == 0 and inbox(bot, "Verwerkt") == 3


@pytest.mark.integration
def test_copy_done_but_expunge_never_sent_processes_nothing_twice_and_deletes_nothing(
    dovecot: Dovecot, sink: SmtpSink, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imapclient import IMAPClient

    from mailbot.mail.mailbox import Mailbox

    real_connect = Mailbox.connect

    def connect_without_move(self: Mailbox) -> None:
        real_connect(self)
        self.capabilities = self.capabilities - {b"MOVE"}

    class Crash(BaseException):
        pass

    def crash(*args: object, **kwargs: object) -> None:
        raise Crash()

    monkeypatch.setattr(Mailbox, "connect", connect_without_move)
    monkeypatch.setattr(IMAPClient, "uid_expunge", crash)  # COPY and \Deleted done, then the process dies
    bot = fast_bot(dovecot, sink, tmp_path)
    customers = [f"kopie{i}@example.net" for i in range(4)]
    for customer in customers:
        bot.deliver(complaint(customer))
    raws = bot.dovecot.fetch_all(BOT)
    with pytest.raises(Crash):
        bot.run_once()
    assert inbox(bot) == 4 and inbox(bot, "Verwerkt") == 4  # copied, flagged \Deleted, not expunged
    monkeypatch.undo()
    monkeypatch.setattr(Mailbox, "connect", connect_without_move)
    report = bot.run_once()
    assert (report.processed, report.already_done) == (0, 4)  # recognised by their bytes
    assert inbox(bot) == 0
    kept = bot.dovecot.fetch_all(BOT, "Verwerkt")
    assert set(kept) == set(raws)  # nothing deleted; an interrupted COPY may leave a second copy
    assert len(bot.store().cases()) == 4
    assert all(len(acks(sink)[c]) == 1 for c in customers)


@pytest.mark.integration
def test_move_done_but_sync_state_not_recorded_processes_nothing_twice_and_misses_nothing(
    dovecot: Dovecot, sink: SmtpSink, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mailbot.store import Store

    class Crash(BaseException):
        pass

    def crash(*args: object, **kwargs: object) -> None:
        raise Crash()

    bot = fast_bot(dovecot, sink, tmp_path)
    customers = [f"verplaatst{i}@example.net" for i in range(4)]
    for customer in customers:
        bot.deliver(complaint(customer))
    monkeypatch.setattr(Store, "set_sync_state", crash)  # MOVE done, then the process dies
    with pytest.raises(Crash):
        bot.run_once()
    monkeypatch.undo()
    assert inbox(bot) == 0 and inbox(bot, "Verwerkt") == 4
    assert count(bot, "SELECT count(*) FROM sync_state") == 0
    bot.deliver(complaint("nieuw@example.net"))
    report = bot.run_once()
    assert (report.processed, report.already_done) == (1, 0)
    assert len(bot.store().cases()) == 5 and inbox(bot) == 0 and inbox(bot, "Verwerkt") == 5
    assert all(len(acks(sink)[c]) == 1 for c in [*customers, "nieuw@example.net"])


@pytest.mark.integration
@pytest.mark.parametrize("settle", [0.03, 0.5], ids=["just-into-idle", "long-in-idle"])
def test_uidvalidity_change_under_a_running_daemon(
    dovecot: Dovecot, sink: SmtpSink, tmp_path: Path, settle: float
) -> None:
    # Dovecot takes the two moments differently: long in IDLE it ends the session with BYE; just
    # into IDLE it keeps the session alive on the vanished folder, answering NO to everything.
    bot = fast_bot(dovecot, sink, tmp_path, keepalive=2, folder="Klachten")
    with dovecot.connect(BOT) as imap:
        imap.create_folder("Klachten")
    first = [complaint(f"oud{i}@example.net") for i in range(3)]
    for raw in first:
        bot.deliver(raw, "Klachten")
    with served(bot) as run:
        wait_until(lambda: len(acks(sink)) == 3, 20, "the first three")
        time.sleep(settle)  # in IDLE on the old folder
        with dovecot.connect(BOT) as imap:
            imap.delete_folder("Klachten")
            imap.create_folder("Klachten")
        # UIDs start again at 1, below the last UID seen: a stale state would skip them.
        bot.deliver(first[0], "Klachten")
        bot.deliver(complaint("nieuw@example.net"), "Klachten")
        wait_until(lambda: "nieuw@example.net" in acks(sink), 20, "the new mail in the new folder")
        wait_until(lambda: inbox(bot, "Klachten") == 0, 10, "the folder emptied")
        assert run.alive
    store = bot.store()
    assert len(store.cases()) == 4
    changes = store.db.execute("SELECT detail_json FROM events WHERE kind = 'uidvalidity-changed'").fetchall()
    assert len(changes) == 1 and '"known": 1' in changes[0][0]
    assert all(len(ids) == 1 for ids in acks(sink).values()) and len(acks(sink)) == 4
    assert len(bot.dovecot.fetch_all(BOT, "Verwerkt")) == 5  # the old mail twice: once per folder life


@pytest.mark.integration
def test_mail_announced_in_the_reply_to_the_last_search_before_idle_is_not_left_waiting(
    dovecot: Dovecot, sink: SmtpSink, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mailbot.mail.mailbox import Mailbox

    bot = fast_bot(dovecot, sink, tmp_path)
    real_uids_after = Mailbox.uids_after
    armed = threading.Event()

    def search_then_arrival(self: Mailbox, last_uid: int) -> list[int]:
        found = real_uids_after(self, last_uid)
        if armed.is_set() and not found and sys._getframe(1).f_code.co_name == "wait":
            armed.clear()
            # As when a mail lands while the server runs the SEARCH: the result does not hold it,
            # and the `* n EXISTS` comes in the same reply, which imapclient does not return.
            bot.deliver(complaint("tussendoor@example.net"))
            assert self.client is not None
            self.client._imap.noop()
        return found

    monkeypatch.setattr(Mailbox, "uids_after", search_then_arrival)
    bot.deliver(complaint("eerst@example.net"))
    with served(bot):
        wait_until(lambda: "eerst@example.net" in acks(sink), 20, "the first mail")
        armed.set()
        bot.deliver(complaint("wekker@example.net"))  # wakes the daemon; its next look before IDLE is the trap
        wait_until(lambda: not armed.is_set(), 20, "the trap sprung")
        wait_until(lambda: "tussendoor@example.net" in acks(sink), 10, "the mail announced before IDLE")
    assert inbox(bot) == 0
