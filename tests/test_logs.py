"""Log lines: the message and case they are about, text or JSON, and no personal mail content at INFO+."""

from __future__ import annotations

import email
import email.policy
import io
import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import REPO, Bot, run_mailbot
from test_faults import wait_until

from mailbot.demo import compose_mail
from mailbot.logs import ContextFilter, JsonFormatter, TextFormatter, about, log_failure, redacted

FIRST_LINE = "beveiliging@example.nl"
# Distinctive enough that any occurrence in a log line can only come from this mail.
CUSTOMER = "quirijn.zwanenburg7@example.net"
SUBJECT = "Zonnewijzer Ypsilon defect"
BODY = "De monteur liet de kanarie Pietronella ontsnappen en het alarm is kapot."


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, logging.StreamHandler[io.StringIO], io.StringIO]]:
    """A logger writing through the context filter into a string."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(ContextFilter())
    logger = logging.getLogger("mailbot.test-logs")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, handler, out
    logger.removeHandler(handler)


def test_json_lines_carry_the_context_and_nested_contexts_add_to_it(captured) -> None:
    logger, handler, out = captured
    handler.setFormatter(JsonFormatter())
    logger.info("before")
    with about(message_id="<m1@example.net>"):
        logger.info("parsed")
        with about(case="KL-2026-0001"):
            logger.warning("handled:\n%s", "two lines")
        logger.info("after the case")
    logger.info("after the message")
    lines = out.getvalue().splitlines()
    assert len(lines) == 5  # a newline in the text stays inside its JSON string
    entries = [json.loads(line) for line in lines]
    assert [(e["case"], e["message_id"]) for e in entries] == [
        (None, None),
        (None, "<m1@example.net>"),
        ("KL-2026-0001", "<m1@example.net>"),
        (None, "<m1@example.net>"),
        (None, None),
    ]
    third = entries[2]
    assert (third["level"], third["logger"], third["event"]) == ("WARNING", "mailbot.test-logs", "handled:\ntwo lines")
    moment = datetime.fromisoformat(third["time"])
    assert moment.utcoffset() == timedelta(0)
    assert abs(datetime.now(moment.tzinfo) - moment) < timedelta(minutes=5)


def test_text_lines_end_with_case_and_msgid(captured) -> None:
    logger, handler, out = captured
    handler.setFormatter(TextFormatter("%(levelname)s %(name)s: %(message)s"))
    with about(case="KL-2026-0002", message_id="<m2@example.net>"):
        logger.info("sent %s", "ack")
    logger.info("idle")
    assert out.getvalue().splitlines() == [
        "INFO mailbot.test-logs: sent ack case=KL-2026-0002 msgid=<m2@example.net>",
        "INFO mailbot.test-logs: idle",
    ]


def test_a_failure_shows_type_and_place_at_error_and_its_text_only_at_debug(captured) -> None:
    logger, handler, out = captured
    handler.setFormatter(JsonFormatter())
    try:
        {}[CUSTOMER]  # an exception whose text quotes the mail
    except KeyError:
        log_failure(logger, "internal error on message abc; quarantined")
    error, debug = (json.loads(line) for line in out.getvalue().splitlines())
    assert error["level"] == "ERROR" and error["event"].startswith(
        "internal error on message abc; quarantined: KeyError"
    )
    assert "test_logs.py:" in error["event"] and CUSTOMER not in json.dumps(error)
    assert debug["level"] == "DEBUG" and CUSTOMER in debug["exception"]


def test_redacted_hides_addresses_only() -> None:
    text = "550 5.1.1 <jan.de-vries+klacht@mail.example.net>: Recipient address rejected (try 2)"
    assert redacted(text) == "550 5.1.1 <<address>>: Recipient address rejected (try 2)"


def test_the_log_format_comes_from_the_option_or_the_environment() -> None:
    result = run_mailbot("check-config", env={**os.environ, "MAILBOT_LOG_FORMAT": "xml"})
    assert result.returncode == 2 and "MAILBOT_LOG_FORMAT must be text or json" in result.stderr
    result = run_mailbot("--log-format", "xml", "check-config")
    assert result.returncode == 2 and "invalid choice: 'xml'" in result.stderr


@pytest.mark.integration
def test_json_logs_of_the_daemon_name_case_and_message_but_no_mail_content(bot: Bot, tmp_path: Path) -> None:
    env = {**bot.environment(), "MAILBOT_LOG_FORMAT": "text"}  # the option wins over the environment
    errors = tmp_path / "stderr.log"
    raw = compose_mail(CUSTOMER, FIRST_LINE, SUBJECT, BODY, name="Quirijn Zwanenburg")
    with errors.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mailbot", "--verbose", "--log-format", "json", "run"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
        try:
            bot.deliver(raw)
            bot.sink.wait_for(2, timeout=30)  # the acknowledgement and the team's notice
            wait_until(lambda: errors.read_text().count('"sent ') >= 2, 30, "both sends logged")
            proc.send_signal(signal.SIGHUP)  # the traditional reload, even with nothing changed
            wait_until(lambda: "rules reloaded from" in errors.read_text(), 30, "reload on SIGHUP")
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
    entries = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert all(set(e) >= {"time", "level", "logger", "event", "case", "message_id"} for e in entries)
    assert all(datetime.fromisoformat(e["time"]).utcoffset() == timedelta(0) for e in entries)

    store = bot.store()
    try:
        [case] = store.cases()
    finally:
        store.close()
    message_id = str(parsed(raw)["Message-ID"])
    [handled] = [e for e in entries if e["event"].startswith("message handled")]
    assert (handled["level"], handled["case"], handled["message_id"]) == ("INFO", case.ref, message_id)
    sent = [e for e in entries if e["event"].startswith("sent ")]
    sent_ids = {str(m["Message-ID"]) for m in (parsed(d.raw) for d in bot.sink.messages)}
    assert len(sent) == 2 and all(e["case"] == case.ref for e in sent)
    assert {e["message_id"] for e in sent} == sent_ids

    secrets = [CUSTOMER, SUBJECT, "Zonnewijzer", "Pietronella", "Zwanenburg"]
    loud = [json.dumps(e, ensure_ascii=False) for e in entries if e["level"] != "DEBUG"]
    assert [line for line in loud if any(s in line for s in secrets)] == []
    # The details are there for whoever asks for DEBUG: the check above can see what it looks for.
    quiet = [json.dumps(e, ensure_ascii=False) for e in entries if e["level"] == "DEBUG"]
    assert any(CUSTOMER in line and SUBJECT in line for line in quiet)


def parsed(raw: bytes) -> email.message.Message:
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_an_error_is_described_in_one_line_with_the_servers_code_when_it_gave_one() -> None:
    import aiosmtplib

    from mailbot.logs import describe_error

    assert describe_error(TimeoutError("timed out")) == "TimeoutError: timed out"
    assert describe_error(TimeoutError()) == "TimeoutError"  # nothing more to say: the type alone
    assert describe_error(aiosmtplib.SMTPResponseException(421, "4.3.0 try later")) == "421 4.3.0 try later"
