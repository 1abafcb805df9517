"""The loopback mail servers used by the demo and the integration tests."""

from __future__ import annotations

import asyncio
import socket
import time
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import pytest
from imapclient.exceptions import IMAPClientAbortError

from mailbot.testing.servers import Delivered, DevServerError, Dovecot, SmtpSink

COMPLAINT = (
    b"From: Jan Jansen <jan@example.nl>\r\n"
    b"To: klacht@gemeente.example.nl\r\n"
    b"Subject: Klacht over mijn aanslag\r\n"
    b"Message-ID: <k1@example.nl>\r\n"
    b"\r\n"
    b"Geachte heer, mevrouw,\r\n"
)


def _live_group_members(pgid: int) -> list[int]:
    """Return the pids of non-zombie processes in process group ``pgid`` (Linux /proc)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _ppid, pgrp = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except OSError:
            continue
        if int(pgrp) == pgid and state != "Z":
            pids.append(int(stat.parent.name))
    return pids


def _send(sink: SmtpSink, message: EmailMessage, recipients: list[str]) -> None:
    """Send ``message`` through the sink with aiosmtplib."""
    asyncio.run(
        aiosmtplib.send(
            message,
            sender="noreply@gemeente.example.nl",
            recipients=recipients,
            hostname=sink.host,
            port=sink.port,
            timeout=10,
        )
    )


def _reply(to: str) -> EmailMessage:
    """A small outgoing message, as mailbot would send one."""
    message = EmailMessage()
    message["From"] = "Klachtenteam <noreply@gemeente.example.nl>"
    message["To"] = to
    message["Subject"] = "Ontvangstbevestiging van uw klacht"
    message.set_content("Wij hebben uw klacht ontvangen.")
    return message


@pytest.mark.integration
def test_append_then_fetch_returns_the_same_bytes(dovecot: Dovecot) -> None:
    uid = dovecot.append("klacht@gemeente.example.nl", COMPLAINT)

    assert uid == 1
    assert dovecot.fetch_all("klacht@gemeente.example.nl") == [COMPLAINT]
    assert dovecot.fetch_all("klacht@gemeente.example.nl", "Behandeld") == []
    assert dovecot.fetch_all("iemand.anders@example.nl") == []


@pytest.mark.integration
def test_append_creates_folders_and_user_names_ignore_case(dovecot: Dovecot) -> None:
    dovecot.append("Klacht@Gemeente.example.nl", COMPLAINT, folder="Behandeld/2025")

    assert dovecot.fetch_all("klacht@gemeente.example.nl", "Behandeld/2025") == [COMPLAINT]
    assert "Behandeld/2025" in dovecot.folders("klacht@gemeente.example.nl")


@pytest.mark.integration
def test_urls_name_loopback_ports_and_quote_the_user(dovecot: Dovecot, smtp_sink: SmtpSink) -> None:
    assert dovecot.url("klacht@gemeente.example.nl") == (
        f"imap://klacht%40gemeente.example.nl:secret@127.0.0.1:{dovecot.port}/INBOX"
    )
    assert dovecot.url("a@b.nl", "Behandeld/2025").endswith("/Behandeld/2025")
    assert smtp_sink.url() == f"smtp://127.0.0.1:{smtp_sink.port}"


@pytest.mark.integration
def test_smtp_message_lands_in_every_recipients_inbox(dovecot: Dovecot, smtp_sink: SmtpSink) -> None:
    recipients = ["jan@example.nl", "behandelaar@gemeente.example.nl"]
    _send(smtp_sink, _reply("jan@example.nl"), recipients)

    [delivered] = smtp_sink.wait_for(1, timeout=5)
    assert delivered.mail_from == "noreply@gemeente.example.nl"
    assert delivered.rcpt_tos == tuple(recipients)
    assert b"Subject: Ontvangstbevestiging van uw klacht" in delivered.raw
    for rcpt in recipients:
        [stored] = dovecot.fetch_all(rcpt)
        assert stored.startswith(f"Return-Path: <noreply@gemeente.example.nl>\r\nDelivered-To: {rcpt}\r\n".encode())
        assert stored.endswith(delivered.raw)


@pytest.mark.integration
@pytest.mark.parametrize("failure", [(451, "4.3.0 try later"), (550, "5.1.1 no such user")], ids=["temp", "perm"])
def test_fail_with_answers_data_with_that_code(dovecot: Dovecot, smtp_sink: SmtpSink, failure: tuple[int, str]) -> None:
    smtp_sink.fail_with = failure

    with pytest.raises(aiosmtplib.SMTPDataError) as refused:
        _send(smtp_sink, _reply("jan@example.nl"), ["jan@example.nl"])

    assert (refused.value.code, refused.value.message) == failure
    assert smtp_sink.messages == []
    assert dovecot.fetch_all("jan@example.nl") == []
    smtp_sink.fail_with = None
    _send(smtp_sink, _reply("jan@example.nl"), ["jan@example.nl"])
    assert len(smtp_sink.wait_for(1, timeout=5)) == 1


@pytest.mark.integration
def test_failed_imap_delivery_is_a_temporary_smtp_failure(dovecot: Dovecot, smtp_sink: SmtpSink) -> None:
    dovecot.stop()

    with pytest.raises(aiosmtplib.SMTPDataError) as refused:
        _send(smtp_sink, _reply("jan@example.nl"), ["jan@example.nl"])

    assert refused.value.code == 451
    assert smtp_sink.messages == []


@pytest.mark.integration
def test_servers_restart_and_keep_their_mail(dovecot: Dovecot, smtp_sink: SmtpSink) -> None:
    dovecot.append("klacht@gemeente.example.nl", COMPLAINT)
    smtp_sink.stop()
    dovecot.stop()

    dovecot.start()
    smtp_sink.start()
    _send(smtp_sink, _reply("klacht@gemeente.example.nl"), ["klacht@gemeente.example.nl"])

    smtp_sink.wait_for(1, timeout=5)
    assert len(dovecot.fetch_all("klacht@gemeente.example.nl")) == 2


@pytest.mark.integration
def test_wait_for_times_out_with_the_count(smtp_sink: SmtpSink) -> None:
    with pytest.raises(TimeoutError, match="expected 1 message"):
        smtp_sink.wait_for(1, timeout=0.1)


@pytest.mark.integration
def test_idle_reports_new_mail_within_three_seconds(dovecot: Dovecot) -> None:
    with dovecot.connect("klacht@gemeente.example.nl") as idler:
        idler.select_folder("INBOX")
        idler.idle()
        appended_at = time.monotonic()
        dovecot.append("klacht@gemeente.example.nl", COMPLAINT)
        responses: list[tuple[object, ...]] = []
        while time.monotonic() - appended_at < 3 and (1, b"EXISTS") not in responses:
            responses += idler.idle_check(timeout=0.2)
        latency = time.monotonic() - appended_at
        idler.idle_done()

    assert (1, b"EXISTS") in responses, f"no EXISTS within 3 s, got {responses}"
    print(f"IDLE latency {latency:.2f} s")


@pytest.mark.integration
def test_two_dovecots_run_side_by_side(tmp_path: Path, dovecot_binary: str) -> None:
    with (
        Dovecot(tmp_path / "one", binary=dovecot_binary) as one,
        Dovecot(tmp_path / "two", binary=dovecot_binary, password="ander") as two,
    ):
        assert one.port != two.port
        one.append("klacht@gemeente.example.nl", COMPLAINT)

        assert two.fetch_all("klacht@gemeente.example.nl") == []
        one.stop()
        two.append("klacht@gemeente.example.nl", COMPLAINT)
        assert two.fetch_all("klacht@gemeente.example.nl") == [COMPLAINT]


@pytest.mark.integration
def test_stop_ends_the_master_and_all_its_children(dovecot: Dovecot) -> None:
    pgid = dovecot.pid
    assert pgid is not None
    idler = dovecot.connect("klacht@gemeente.example.nl")  # keeps an imap process alive
    assert len(_live_group_members(pgid)) > 3

    dovecot.stop()
    dovecot.stop()

    assert _live_group_members(pgid) == []
    assert dovecot.pid is None
    with pytest.raises((OSError, IMAPClientAbortError)):
        idler.noop()


@pytest.mark.integration
def test_start_failure_explains_itself_with_the_log_tail(tmp_path: Path, dovecot_binary: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = Dovecot(tmp_path / "dc", port=taken.getsockname()[1], binary=dovecot_binary)
        with pytest.raises(DevServerError, match="Address already in use"):
            server.start()
    assert server.pid is None


def test_missing_binary_says_what_to_install(tmp_path: Path) -> None:
    server = Dovecot(tmp_path, binary=str(tmp_path / "no-dovecot"))

    with pytest.raises(DevServerError, match="install dovecot-imapd"):
        server.start()


def test_delivered_is_frozen() -> None:
    delivered = Delivered("a@example.nl", ("b@example.nl",), b"x")

    with pytest.raises(AttributeError):
        delivered.raw = b"y"  # type: ignore[misc]
