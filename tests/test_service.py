"""mailbot as a service: sd_notify to a real socket, the heartbeat during IDLE, the unit file, backfill progress."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import REPO, Bot, run_mailbot

from mailbot.demo import compose_mail
from mailbot.store import Store
from mailbot.testing.servers import Dovecot, SmtpSink, free_port

FIRST_LINE = "beveiliging@example.nl"
UNIT = REPO / "deploy" / "mailbot.service"


class Notifications:
    """A datagram socket where systemd would listen: what `mailbot run` tells the service manager."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.received: list[str] = []

    def wait_for(self, predicate: Callable[[str], bool], timeout: float = 30) -> str:
        """The next message that satisfies ``predicate``; every message is kept in ``received``."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.sock.settimeout(max(0.01, end - time.monotonic()))
            try:
                message = self.sock.recv(4096).decode()
            except TimeoutError:
                break
            self.received.append(message)
            if predicate(message):
                return message
        raise AssertionError(f"no such notification within {timeout} s; got {self.received}")


@contextmanager
def notifications() -> Iterator[Notifications]:
    # Not in tmp_path: a socket's path must stay under 108 bytes.
    folder = Path(tempfile.mkdtemp(prefix="sd", dir="/tmp"))
    listener = Notifications(folder / "notify")
    try:
        yield listener
    finally:
        listener.sock.close()
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def mailbot_run(env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    """`mailbot run` as systemd would start it; SIGKILLed if a test leaves it running."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "mailbot", "run"],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)


def status(env: dict[str, str]) -> tuple[int, dict]:
    result = run_mailbot("status", "--json", env=env)
    return result.returncode, json.loads(result.stdout)


def lines_with(word: str) -> Callable[[str], bool]:
    return lambda message: word in message.splitlines()


# --- sd_notify and the heartbeat of a real `mailbot run` ----------------------------------------


@pytest.mark.integration
def test_run_tells_systemd_ready_watchdog_status_and_stopping(bot: Bot) -> None:
    with notifications() as sd:
        # WatchdogSec=4s: the daemon must ping every 2 s, so a 25-minute IDLE shows many pings.
        env = {**bot.environment(), "NOTIFY_SOCKET": str(sd.path), "WATCHDOG_USEC": "4000000"}
        with mailbot_run(env) as proc:
            first = sd.wait_for(lambda m: True)
            assert "READY=1" in first.splitlines(), first
            sd.wait_for(lambda m: m.startswith("STATUS=watching the mailbox; last sync "))
            bot.deliver(
                compose_mail("sd@example.net", FIRST_LINE, "Klacht", "Het hek is al een week kapot en er komt niemand.")
            )
            bot.sink.wait_for(2, timeout=30)  # the acknowledgement and the team's notice: a loop turn
            # Their Bcc copies come back (mailbox.sent_copies) and are filed in Sent: one more turn.
            deadline = time.monotonic() + 30
            while len(bot.dovecot.fetch_all(bot.user, "Sent")) < 2 and time.monotonic() < deadline:
                time.sleep(0.2)
            code, running = status(env)
            assert code == 0, running
            assert running["daemon"]["state"] == "running" and running["daemon"]["pid"] == proc.pid
            assert running["daemon"]["last_sync_at"] is not None and running["daemon"]["stopped_at"] is None

            # Now idle (IDLE lasts 25 minutes here): the heartbeat goes on, in the database too.
            before = running["daemon"]["heartbeat_at"]
            sd.wait_for(lines_with("WATCHDOG=1"))
            deadline = time.monotonic() + 15  # pings queued while we waited may be read at once: poll
            while (idle := status(env)[1])["daemon"]["heartbeat_at"] <= before and time.monotonic() < deadline:
                time.sleep(0.5)
            assert idle["daemon"]["heartbeat_at"] > before
            assert idle["daemon"]["last_sync_at"] <= before  # alive, and no new sync was needed

            proc.send_signal(signal.SIGTERM)
            sd.wait_for(lines_with("STOPPING=1"))
            _, stderr = proc.communicate(timeout=60)
            assert proc.returncode == 0, stderr
    code, stopped = status(env)
    assert code == 1 and stopped["daemon"]["state"] == "stopped"
    assert stopped["daemon"]["last_error"] is None  # a clean stop is no error
    assert not any("READY=1" in m.splitlines() for m in sd.received[1:])  # ready once


@pytest.mark.integration
def test_trouble_is_reported_without_the_password(dovecot: Dovecot, tmp_path: Path) -> None:
    db = tmp_path / "data" / "mailbot.db"
    env = {
        **os.environ,
        "MAILBOT_IMAP_URL": f"imap://klacht%40example.nl:Geheim123@127.0.0.1:{free_port()}/INBOX",  # nobody listens
        "MAILBOT_SMTP_URL": "smtp://127.0.0.1:25",
        "MAILBOT_DB": str(db),
        "MAILBOT_RULES": str(REPO / "rules.yaml"),
    }
    with notifications() as sd:
        env["NOTIFY_SOCKET"] = str(sd.path)
        with mailbot_run(env) as proc:
            sd.wait_for(lines_with("READY=1"))
            trouble = sd.wait_for(lambda m: m.startswith("STATUS=trouble"))
            assert "ConnectionRefusedError" in trouble and "Geheim123" not in trouble
            code, data = status(env)
            assert code == 0, data  # in trouble for seconds only: the daemon copes, with back-off
            daemon = data["daemon"]
            assert daemon["state"] == "running" and daemon["trouble_since"] is not None
            assert daemon["last_error"].startswith("ConnectionRefusedError")
            assert "Geheim123" not in json.dumps(data) and "klacht@example.nl" not in json.dumps(data)
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=30)
            assert proc.returncode == 0


# --- the unit file -------------------------------------------------------------------------------


def test_unit_runs_mailbot_hardened_with_notify_and_watchdog() -> None:
    text = UNIT.read_text(encoding="utf-8")
    settings = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.startswith("#"):
            settings.setdefault(key, []).append(value)
    assert settings["Type"] == ["notify"] and settings["ExecStart"][0].endswith("/mailbot run")
    assert settings["ExecReload"] == ["/bin/kill -HUP $MAINPID"]  # the daemon reloads its rules on SIGHUP
    assert settings["Restart"] == ["on-failure"] and settings["RestartPreventExitStatus"] == ["2"]
    assert settings["StateDirectory"] == ["mailbot"] and settings["User"] == ["mailbot"]
    assert settings["EnvironmentFile"] == ["/etc/mailbot/mailbot.env"] and settings["UMask"] == ["0077"]
    assert settings["CapabilityBoundingSet"] == [""] and settings["NoNewPrivileges"] == ["yes"]
    assert settings["RestrictAddressFamilies"] == ["AF_INET AF_INET6 AF_UNIX"]  # AF_UNIX: the notify socket
    assert "@system-service" in settings["SystemCallFilter"]
    for key in ("ProtectHome", "PrivateTmp", "PrivateDevices", "ProtectKernelTunables", "MemoryDenyWriteExecute"):
        assert settings[key] == ["yes"], key
    assert settings["ProtectSystem"] == ["strict"]
    # The watchdog is the status check's staleness; SIGTERM gets two IMAP timeouts (2 x 90 s) and change.
    assert settings["WatchdogSec"] == ["10min"] and settings["TimeoutStopSec"] == ["210s"]
    env_example = (REPO / "deploy" / "mailbot.env.example").read_text(encoding="utf-8")
    assert "0600" in env_example and "MAILBOT_IMAP_URL=" in env_example and "MAILBOT_SMTP_URL=" in env_example


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    # The unit names the installed command; verify checks that it exists, so point it at this one.
    installed = Path(sys.executable).parent / "mailbot"
    assert installed.exists(), installed
    unit = tmp_path / "mailbot.service"
    unit.write_text(UNIT.read_text(encoding="utf-8").replace("/opt/mailbot/venv/bin/mailbot", str(installed)))
    verify = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, cwd=tmp_path)
    assert verify.returncode == 0 and verify.stderr.strip() == "", verify.stderr
    security = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", str(unit)], capture_output=True, text=True, cwd=tmp_path
    )
    found = re.search(r"Overall exposure level for mailbot\.service: (\d+\.\d+)", security.stdout)
    if security.returncode != 0 and found is None:
        pytest.skip(f"systemd-analyze security --offline is not supported here: {security.stderr.strip()}")
    assert found is not None, security.stdout[-2000:]
    assert float(found.group(1)) <= 2.0  # systemd's "OK" band


# --- backfill progress over a real mailbox --------------------------------------------------------

BACKLOG = 250


def backlog_bot(dovecot: Dovecot, tmp_path: Path, sink: SmtpSink, count: int = BACKLOG) -> Bot:
    """A Bot whose inbox holds ``count`` waiting complaints, appended in a few MULTIAPPENDs."""
    sys.path.insert(0, str(REPO))
    try:
        from bench.servers import fill
    finally:
        sys.path.remove(str(REPO))
    bot = Bot(dovecot, sink, tmp_path / "data")
    mails = [
        compose_mail(f"achter{i}@example.net", FIRST_LINE, f"Klacht {i}", "De monteur kwam niet.") for i in range(count)
    ]
    bot.environment()  # the frozen clock to now, before anything arrives
    fill(dovecot, bot.user, mails)
    return bot


@pytest.fixture
def quiet_sink() -> Iterator[SmtpSink]:
    """An SMTP sink that only counts: no Dovecot delivery of 500 acknowledgements and notices."""
    with SmtpSink() as sink:
        yield sink


@pytest.mark.integration
def test_run_once_in_a_pipe_prints_plain_progress_lines(dovecot: Dovecot, quiet_sink: SmtpSink, tmp_path: Path) -> None:
    bot = backlog_bot(dovecot, tmp_path, quiet_sink)
    result = run_mailbot("run", "--once", env=bot.environment(), timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    found = [
        tuple(map(int, m.groups())) for m in re.finditer(r"^mailbot: (\d+)/(\d+) messages \(", result.stderr, re.M)
    ]
    done = [d for d, _total in found]
    assert {total for _d, total in found} == {BACKLOG}
    assert done == sorted(set(done)) and {100, 200, BACKLOG} <= set(done) and done[-1] == BACKLOG
    assert "done in" in result.stderr and "\r" not in result.stderr  # lines for a log, never a redrawn bar
    assert len(Store(bot.settings.db_path).cases()) == BACKLOG


@pytest.mark.integration
def test_run_once_on_a_terminal_draws_a_bar(dovecot: Dovecot, quiet_sink: SmtpSink, tmp_path: Path) -> None:
    bot = backlog_bot(dovecot, tmp_path, quiet_sink)
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "mailbot", "run", "--once"],
        cwd=REPO,
        env=bot.environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    chunks = []
    try:
        while True:  # read as it comes, or a full terminal buffer would stall mailbot
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the last writer closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=300) == 0
    finally:
        os.close(leader)
        if proc.poll() is None:
            proc.kill()
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert f"{BACKLOG}/{BACKLOG}" in screen and "msg/s" in screen and "\r" in screen  # a bar redrawn in place
    assert re.search(rf"mailbot: +\d+%\|.*\| *\d+/{BACKLOG}", screen), screen[-2000:]
    assert not re.search(r"^mailbot: \d+/\d+ messages", screen, re.M)  # no plain lines on a terminal
    assert "INFO" in screen  # the log still shows, above the bar
