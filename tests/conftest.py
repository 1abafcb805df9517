"""Shared fixtures: a real Dovecot IMAP server and SMTP sink on loopback per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mailbot.testing.servers import Dovecot, SmtpSink, find_dovecot


@pytest.fixture(autouse=True)
def _servers_only_in_integration_tests(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that needs Dovecot (``dovecot_binary``, itself or through ``dovecot`` and ``bot``) or starts
    the SMTP sink must be marked integration, so that the fast run (`./run test -m "not integration"`)
    needs neither: unmarked, it fails saying so."""
    if request.node.get_closest_marker("integration") is not None:
        return
    unmarked = f"{request.node.nodeid} needs a mail server: mark it @pytest.mark.integration"
    if "dovecot_binary" in request.fixturenames:
        pytest.fail(unmarked, pytrace=False)

    def refuse(*args: object, **kwargs: object) -> None:
        pytest.fail(unmarked, pytrace=False)

    monkeypatch.setattr(SmtpSink, "start", refuse)


@pytest.fixture(scope="session")
def dovecot_binary() -> str:
    """Return the dovecot binary; fail, never skip, when it is missing.

    CI installs Dovecot, so a missing binary means a broken setup, and a silent skip
    would hide it.
    """
    binary = find_dovecot()
    if binary is None:
        pytest.fail(
            "dovecot binary not found on PATH or in /usr/sbin: install dovecot-imapd "
            "(apt-get install dovecot-imapd). Integration tests fail instead of skipping.",
            pytrace=False,
        )
    return binary


@pytest.fixture
def dovecot(tmp_path: Path, dovecot_binary: str) -> Iterator[Dovecot]:
    """A private Dovecot in this test's tmp_path, stopped afterwards."""
    with Dovecot(tmp_path / "dovecot", binary=dovecot_binary) as server:
        yield server


@pytest.fixture
def smtp_sink(dovecot: Dovecot) -> Iterator[SmtpSink]:
    """An SMTP sink that delivers every message into the recipients' INBOXes on ``dovecot``."""
    with SmtpSink(dovecot) as sink:
        yield sink


REPO = Path(__file__).resolve().parent.parent
# A Monday morning in the past, so arrival times of real IMAP mail never come before it
# and deadlines are counted from this frozen moment.
START = "2026-11-02T09:00:00+01:00"


class Bot:
    """mailbot wired to the test's Dovecot and SMTP sink, with a frozen clock."""

    def __init__(
        self,
        dovecot: Dovecot,
        sink: SmtpSink,
        data_dir: Path,
        rules_path: Path = REPO / "rules.yaml",
        folder: str = "INBOX",
        sent_copies: str = "none",
    ) -> None:
        from dataclasses import replace
        from datetime import datetime

        from mailbot.clock import FrozenClock
        from mailbot.config import load_rules
        from mailbot.demo import loopback_settings

        self.dovecot, self.sink = dovecot, sink
        # Bcc copies of our own mail (mailbox.sent_copies, sentcheck.py) arrive in the watched inbox;
        # tests of other things count what reaches it, so they run without, unless they ask.
        rules = load_rules(rules_path)
        self.rules = replace(rules, mailbox=replace(rules.mailbox, sent_copies=sent_copies))
        self.user = self.rules.bot_address
        self.settings = loopback_settings(dovecot, sink, data_dir, rules_path, user=self.user)
        if folder != "INBOX":
            from mailbot.config import parse_imap_url

            self.settings = replace(self.settings, imap=parse_imap_url(dovecot.url(self.user, folder)))
        self.clock = FrozenClock(datetime.fromisoformat(START))
        self.templates = self.rules.template_dir

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """A mail arrives in the watched mailbox, at the frozen clock's time."""
        self.dovecot.append(self.user, raw, folder, arrived=self.clock.now())

    def daemon(self):
        from mailbot.ops.daemon import Daemon
        from mailbot.ops.wiring import build_services
        from mailbot.store import Store

        store = Store(self.settings.db_path)
        services = build_services(self.rules, store, self.clock, self.templates, self.settings.data_dir)
        return Daemon(self.settings, services)

    def run_once(self):
        """`mailbot run --once`, in process."""
        daemon = self.daemon()
        try:
            return daemon.run(once=True)
        finally:
            daemon.store.close()

    def environment(self) -> dict[str, str]:
        """The environment of a `mailbot` process on this test's servers.

        Such a process runs on the real clock, so the frozen clock is set to now as well: mail the
        test delivers then arrives "now" for the process too.
        """
        import os
        from datetime import UTC, datetime

        self.clock.set(datetime.now(UTC))
        return {
            **os.environ,
            "MAILBOT_IMAP_URL": self.dovecot.url(self.user),
            "MAILBOT_SMTP_URL": self.sink.url(),
            "MAILBOT_DB": str(self.settings.db_path),
            "MAILBOT_RULES": str(self.settings.rules_path),
        }

    def store(self):
        from mailbot.store import Store

        return Store(self.settings.db_path)

    def received(self, user: str) -> list:
        """What ``user``'s mailbox received, parsed."""
        import email
        from email.policy import default

        return [email.message_from_bytes(raw, policy=default) for raw in self.dovecot.fetch_all(user)]


def run_once_dying_after_the_250(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    """`run --once` that dies (as by SIGKILL) right after the SMTP server took the first mail,
    before its result is committed; the outbox is whole again afterwards."""
    from mailbot.ops.outbox import Outbox

    class Crash(BaseException):
        pass

    def crash_on_record(self: Outbox, result: object, report: object) -> None:
        raise Crash()

    with monkeypatch.context() as patched:
        patched.setattr(Outbox, "record", crash_on_record)
        with pytest.raises(Crash):
            bot.run_once()


def rules_copy(folder: Path, old: str, new: str) -> Path:
    """The shipped rules.yaml with one line changed, written to ``folder``, using the shipped templates."""
    text = (REPO / "rules.yaml").read_text(encoding="utf-8")
    assert old in text, old
    path = folder / "rules.yaml"
    path.write_text(f"templates: {REPO / 'templates'}\n" + text.replace(old, new), encoding="utf-8")
    return path


def with_attachment(raw: bytes, filename: str, data: bytes) -> bytes:
    """``raw`` with a PDF attachment added, as a mail client would send it."""
    import email
    from email.message import EmailMessage
    from email.policy import default

    msg = email.message_from_bytes(raw, policy=default)
    assert isinstance(msg, EmailMessage)
    msg.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
    return msg.as_bytes()


def mode(path: Path) -> int:
    """A file's permission bits."""
    import stat

    return stat.S_IMODE(path.stat().st_mode)


def run_mailbot(*args: str, env: dict[str, str] | None = None, timeout: float = 60):
    """`python -m mailbot ARGS` from the repository, as a user would run it."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "mailbot", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture
def bot(dovecot: Dovecot, smtp_sink: SmtpSink, tmp_path: Path) -> Bot:
    """mailbot against this test's servers, with a frozen clock at START."""
    return Bot(dovecot, smtp_sink, tmp_path / "data")
