"""The `mailbot` command as a user runs it: a real process, real servers, a real kill."""

from __future__ import annotations

import email
import json
import os
import re
import signal
import subprocess
import sys
import time
from email.policy import default
from pathlib import Path

import pytest
from conftest import run_mailbot

from mailbot.demo import compose_mail

REPO = Path(__file__).resolve().parent.parent
FIRST_LINE = "beveiliging@example.nl"


def test_help_lists_every_command() -> None:
    result = run_mailbot("--help")
    assert result.returncode == 0
    for command in ("run", "cases", "classify", "check-config", "demo"):
        assert command in result.stdout


def test_check_config_names_file_line_and_reason(tmp_path: Path) -> None:
    text = (REPO / "rules.yaml").read_text(encoding="utf-8")
    broken = text.replace("    product: techniek\n", "    product: techniek2\n")
    path = tmp_path / "rules.yaml"
    path.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("    product: techniek2") + 1
    result = run_mailbot("check-config", env={**os.environ, "MAILBOT_RULES": str(path)})
    assert result.returncode == 2
    assert f"{path}:{line}: unknown team 'techniek2'" in result.stderr


def test_check_config_never_prints_the_password(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "MAILBOT_RULES": str(REPO / "rules.yaml"),
        "MAILBOT_IMAP_URL": "imap://klacht%40example.nl:Geheim123@127.0.0.1:notaport/INBOX",
        "MAILBOT_SMTP_URL": "smtp://127.0.0.1:25",
    }
    result = run_mailbot("check-config", env=env)
    assert result.returncode == 2 and "port" in result.stderr
    assert "Geheim123" not in result.stderr + result.stdout


def test_classify_prints_the_verdict_as_json(tmp_path: Path) -> None:
    eml = tmp_path / "one.eml"
    eml.write_bytes(
        compose_mail(
            "k@example.net", FIRST_LINE, "Inbraak", "Er is ingebroken en het alarm ging niet af. De camera werkt niet."
        )
    )
    result = run_mailbot("classify", str(eml), "--json", env={**os.environ, "MAILBOT_RULES": str(REPO / "rules.yaml")})
    assert result.returncode == 0, result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["category"] == "complaint" and verdict["urgent"] is True
    assert verdict["subject_type"] == "product" and "urgent" in verdict["rules"]


@pytest.mark.integration
def test_run_once_then_cases_list_and_show(bot) -> None:
    env = bot.environment()
    bot.deliver(
        compose_mail(
            "cli@example.net", FIRST_LINE, "Slot kapot", "Het slot van de poort is kapot.", name="Carla Lindeman"
        )
    )
    result = run_mailbot("run", "--once", env=env)
    assert result.returncode == 0, result.stderr
    listing = json.loads(run_mailbot("cases", "list", "--json", env=env).stdout)
    assert [c["customer"]["email"] for c in listing] == ["cli@example.net"]
    ref = listing[0]["ref"]
    shown = json.loads(run_mailbot("cases", "show", ref, "--json", env=env).stdout)
    assert {"category", "level", "urgent", "status", "ack_due", "messages", "events"} <= set(shown)
    (message,) = shown["messages"]
    assert (message["direction"], message["role"], message["from"]) == ("in", "customer", "cli@example.net")
    assert message["stripped_text"] == "Het slot van de poort is kapot."
    assert [e["kind"] for e in shown["events"]][:1] == ["opened"]
    text = run_mailbot("cases", "show", ref, env=env).stdout
    assert f"Case {ref}" in text and "Carla Lindeman" in text and "Timeline" in text
    assert run_mailbot("cases", "show", "KL-1999-9999", env=env).returncode == 1


@pytest.mark.integration
def test_sigkill_mid_batch_then_restart_loses_nothing_and_repeats_nothing(dovecot, smtp_sink, tmp_path) -> None:
    # The daemon commits a fetched batch at once (group commit), then sends what it queued: the
    # kill lands while the acknowledgements are going out, some taken by the server, some not.
    # Those in doubt are looked for among the Bcc copies (sentcheck.py) after a short grace here.
    from conftest import Bot, rules_copy

    rules = rules_copy(tmp_path, "  sent_check_after_seconds: 120\n", "  sent_check_after_seconds: 2\n")
    bot = Bot(dovecot, smtp_sink, tmp_path / "data", rules_path=rules)
    env = bot.environment()
    customers = [f"burst{i}@example.net" for i in range(60)]
    for i, customer in enumerate(customers):
        bot.deliver(compose_mail(customer, FIRST_LINE, f"Klacht {i}", "De monteur is niet gekomen."))

    def acknowledged() -> int:
        return len({r for m in bot.sink.messages for r in m.rcpt_tos if r in customers})

    proc = subprocess.Popen(
        [sys.executable, "-m", "mailbot", "run"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and acknowledged() < 10:
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert 10 <= acknowledged() < len(customers)  # killed in the middle of sending
    finally:
        if proc.poll() is None:
            proc.kill()
    result = run_mailbot("run", "--once", env=env, timeout=120)
    assert result.returncode == 0, result.stderr

    store = bot.store()
    cases = store.cases()
    assert sorted(c.customer.email for c in cases) == sorted(customers)  # one case per mail, none lost
    # What is left in the inbox are the Bcc copies of the last run's own mail (mailbox.sent_copies).
    ours = {row.message_id for row in store.outbox()}
    left = [email.message_from_bytes(raw, policy=default)["Message-ID"] for raw in bot.dovecot.fetch_all(bot.user)]
    assert set(left) <= ours
    for customer in customers:
        ids = {m["Message-ID"] for m in bot.received(customer) if m["Auto-Submitted"] == "auto-replied"}
        assert len(ids) == 1, customer  # exactly one acknowledgement (a resend keeps its Message-ID)


class _Count:
    """Count handled messages in the database of a running daemon, read-only."""

    def __init__(self, bot) -> None:
        self.path = bot.settings.db_path

    def __enter__(self) -> int:
        import sqlite3

        self.conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5)
        try:
            return int(self.conn.execute("SELECT count(*) FROM mail_log").fetchone()[0])
        except sqlite3.Error:
            return 0

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


@pytest.mark.integration
def test_sigterm_finishes_cleanly(bot) -> None:
    env = bot.environment()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mailbot", "run"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    bot.deliver(compose_mail("term@example.net", FIRST_LINE, "Klacht", "Kapot."))
    bot.sink.wait_for(2, timeout=20)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 0, stderr
    assert "stopping after the current message" in stderr


def test_demo_without_aiosmtpd_says_what_to_install() -> None:
    # A plain `pip install mailbot` has no aiosmtpd: None in sys.modules makes its import fail as a missing one.
    probe = "import runpy, sys; sys.modules['aiosmtpd'] = None; runpy.run_module('mailbot', run_name='__main__')"
    result = subprocess.run([sys.executable, "-c", probe, "demo"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["mailbot: the demo needs aiosmtpd: pip install 'mailbot[demo]'"]
    assert result.stdout == ""


@pytest.mark.integration
def test_demo_shows_cases_dossier_and_acknowledgements() -> None:
    result = run_mailbot("demo", timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "5 case(s)" in out
    assert "Ontvangstbevestiging van uw klacht" in out and "Bedankt voor uw compliment" in out
    assert "staff" in out and "escalation (formal)" in out
    # The policy's later steps (demo_policy.py): an extension, an appeal decided by the director, the yearly report.
    assert "Wij hebben meer tijd nodig voor uw klacht" in out and "De reden is: wij wachten op" in out
    assert "Beslissing op uw beroep" in out and "uw klacht is deels gegrond" in out
    year = re.search(r"(\d+) complaints received .*\n\s+extended: (\d+), handled again after an appeal: (\d+)", out)
    assert year is not None and year.groups() == ("4", "1", "1")
