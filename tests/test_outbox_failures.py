"""One mail's failure is that mail's alone; internationalised addresses; exactly once across a crash.

Over a real Dovecot and a real SMTP server (aiosmtpd), with and without SMTPUTF8.
"""

from __future__ import annotations

import email
from datetime import timedelta
from email.policy import default

import pytest
from conftest import Bot, run_once_dying_after_the_250

from mailbot.demo import compose_mail
from mailbot.testing.servers import SmtpSink

pytestmark = pytest.mark.integration

FIRST_LINE = "beveiliging@example.nl"
COORDINATOR = "coordinator@example.nl"


def customers_acknowledged(bot: Bot) -> set[str]:
    """Customers the sink took an acknowledgement for (envelope recipients, as the server saw them)."""
    return {
        rcpt
        for m in bot.sink.messages
        for rcpt in m.rcpt_tos
        if email.message_from_bytes(m.raw, policy=default)["Auto-Submitted"] == "auto-replied"
    }


def failure_notices(bot: Bot) -> list:
    return [m for m in bot.received(COORDINATOR) if str(m["Subject"]).startswith("Niet gelukt")]


def utf8_mail(sender: str, subject: str, body: str, name: str = "") -> bytes:
    """A mail as an SMTPUTF8 client writes it: the address in UTF-8 in the header (RFC 6532)."""
    from email.header import Header
    from uuid import uuid4

    shown = f"{Header(name, 'utf-8').encode()} <{sender}>" if name else sender
    return (
        f"From: {shown}\r\nTo: {FIRST_LINE}\r\nSubject: {subject}\r\nMessage-ID: <{uuid4().hex}@example.net>\r\n"
        "Date: Mon, 02 Nov 2026 08:55:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    ).encode()


def deliver_complaints(bot: Bot, senders: list[str]) -> None:
    for i, sender in enumerate(senders):
        text = "De surveillant is niet gekomen, erg vervelend."
        if sender.isascii():
            bot.deliver(compose_mail(sender, FIRST_LINE, f"Klacht {i}", text))
        else:
            bot.deliver(utf8_mail(sender, f"Klacht {i}", text))


@pytest.fixture
def plain_sink(dovecot):
    """A server without SMTPUTF8, as many are."""
    with SmtpSink(dovecot, smtputf8=False) as sink:
        yield sink


@pytest.fixture
def utf8_sink(dovecot):
    """A server that offers SMTPUTF8 (RFC 6531)."""
    with SmtpSink(dovecot, smtputf8=True) as sink:
        yield sink


def test_a_non_ascii_address_without_smtputf8_parks_that_mail_alone(dovecot, plain_sink, tmp_path) -> None:
    bot = Bot(dovecot, plain_sink, tmp_path / "data")
    # The first mail would have stopped the outbox before: every restart stuck on it.
    deliver_complaints(bot, ["jöran@bücher.example", "voor@example.net", "idn@bücher.example", "na@example.net"])
    report = bot.run_once()
    assert report.processed == 4
    # Mail behind the bad address went out; an IDN domain alone needs no SMTPUTF8: punycode.
    assert customers_acknowledged(bot) == {"voor@example.net", "idn@xn--bcher-kva.example", "na@example.net"}
    store = bot.store()
    parked = next(c for c in store.cases() if c.customer.email == "jöran@bücher.example")
    (failure,) = [e for e in store.events(parked.id) if e.kind == "send-failed"]
    assert "before the @" in failure.detail["error"] and "SMTPUTF8" in failure.detail["error"]
    # The coordinator hears of it, once, with the case and the reason.
    (notice,) = failure_notices(bot)
    body = notice.get_body(("plain",)).get_content()
    assert parked.ref in body and "SMTPUTF8" in body  # the technical reason, beside the Dutch one:
    assert "letters buiten het gewone alfabet" in body and "Ontvangstbevestiging" in body  # which mail, in words
    # The header of the IDN mail carries the punycode form, readable by every client.
    idn = next(m for m in plain_sink.messages if "idn@xn--bcher-kva.example" in m.rcpt_tos)
    assert b"\r\nTo: idn@xn--bcher-kva.example\r\n" in idn.raw
    # A second run neither retries the parked mail nor tells the coordinator again.
    bot.clock.advance(timedelta(hours=2))
    bot.run_once()
    assert len(failure_notices(bot)) == 1
    assert not any("jöran@bücher.example" in m.rcpt_tos for m in plain_sink.messages)


def test_a_non_ascii_address_goes_out_with_smtputf8(dovecot, utf8_sink, tmp_path) -> None:
    bot = Bot(dovecot, utf8_sink, tmp_path / "data")
    bot.deliver(utf8_mail("jöran@bücher.example", "Klacht", "Niemand kwam opdagen.", name="Jöran Ørsted"))
    bot.deliver(compose_mail("gewoon@example.net", FIRST_LINE, "Klacht", "Niemand kwam opdagen."))
    bot.run_once()
    (utf8,) = [m for m in utf8_sink.messages if "jöran@bücher.example" in m.rcpt_tos]
    message = email.message_from_string(utf8.raw.decode("utf-8"), policy=default)  # RFC 6532 mail is UTF-8
    assert message["To"].addresses[0].addr_spec == "jöran@bücher.example"  # RFC 6532: UTF-8 in the header
    assert message["To"].addresses[0].display_name == "Jöran Ørsted"
    assert "gewoon@example.net" in customers_acknowledged(bot)
    assert failure_notices(bot) == []


def test_a_recipient_refused_among_good_ones_is_parked_and_the_rest_get_it(bot) -> None:
    # The new-case notice goes to the team and the coordinator; the team's address no longer exists.
    gone = "klantenservice@example.nl"
    bot.sink.refuse[gone] = f"550 5.1.1 <{gone}>: no such user"
    deliver_complaints(bot, ["klant@example.net", "tweede@example.net"])
    bot.run_once()
    notify = [m for m in bot.received(COORDINATOR) if "Nieuwe" in str(m["Subject"])]
    assert len(notify) == 2 and all(gone in str(m["To"]) for m in notify), "the others got the notice"
    assert all(gone not in m.rcpt_tos for m in bot.sink.messages)
    assert customers_acknowledged(bot) >= {"klant@example.net", "tweede@example.net"}
    store = bot.store()
    refused = [e for c in store.cases() for e in store.events(c.id) if e.kind == "recipient-refused"]
    assert len(refused) == 2 and all(e.detail["recipient"] == gone for e in refused)
    assert "550" in refused[0].detail["error"]
    body = failure_notices(bot)[0].get_body(("plain",)).get_content()
    assert gone in body and "Ontvanger geweigerd" in body and "De mailserver weigert dit adres" in body
    # `mailbot status` names it too.
    from mailbot.ops.status import assess, gather

    health = assess(gather(store, bot.rules, bot.clock.now()), bot.clock.now())
    assert health.queue.refused == len(refused)
    assert any("refused" in line for line in health.attention)


def test_an_unexpected_exception_in_one_send_parks_that_mail_only(bot, monkeypatch) -> None:
    import aiosmtplib

    real = aiosmtplib.SMTP.data

    async def broken_for_one(self, message, *args, **kwargs):
        if b"To: pech@example.net" in bytes(message):
            raise RuntimeError("a bug nobody foresaw")
        return await real(self, message, *args, **kwargs)

    monkeypatch.setattr(aiosmtplib.SMTP, "data", broken_for_one)
    deliver_complaints(bot, ["pech@example.net", "geluk@example.net"])
    report = bot.run_once()  # does not raise
    assert report.processed == 2
    assert "geluk@example.net" in customers_acknowledged(bot)
    store = bot.store()
    (case,) = [c for c in store.cases() if c.customer.email == "pech@example.net"]
    (failure,) = [e for e in store.events(case.id) if e.kind == "send-failed"]
    assert "RuntimeError" in failure.detail["error"]
    assert [row.status for row in store.outbox(case.id) if row.kind == "ack"] == ["parked"]


def test_a_timer_whose_template_fails_stops_only_itself(dovecot, smtp_sink, tmp_path) -> None:
    import shutil

    from conftest import REPO

    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    rules_path = tmp_path / "rules.yaml"  # templates/ beside it: this test's own copy
    shutil.copy(REPO / "rules.yaml", rules_path)
    bot = Bot(dovecot, smtp_sink, tmp_path / "data", rules_path=rules_path)
    deliver_complaints(bot, ["een@example.net", "twee@example.net"])
    bot.run_once()
    # An admin's edit that the start-up check cannot catch: it fails only for one customer's data.
    template = templates / "interim_update.j2"
    text = template.read_text(encoding="utf-8")
    broken = '{% block body -%}\n{% if "een@" in case.customer.email %}{{ nope.x }}{% endif %}'
    template.write_text(text.replace("{% block body -%}", broken, 1), encoding="utf-8")
    bot.clock.advance(timedelta(days=8))
    bot.run_once()  # nothing happened on either case: their owners are asked first (cases/contact.py)
    bot.clock.advance(timedelta(days=1))  # unanswered: the standard updates go the next working morning
    report = bot.run_once()
    store = bot.store()
    failed = [e for c in store.cases() for e in store.events(c.id) if e.kind == "timer-failed"]
    assert len(failed) == 1 and failed[0].detail["timer"] == "interim-update"
    assert report.timers >= 1  # the other timers (reminders, deadlines) still fired
    updates = [m for m in bot.received("twee@example.net") if "Stand van zaken" in str(m["Subject"])]
    assert len(updates) == 1  # the other customer's interim update went out
    notices = failure_notices(bot)
    body = notices[0].get_body(("plain",)).get_content()
    assert len(notices) == 1 and "Geplande actie mislukt" in body and "tussentijds bericht aan de klant" in body


def test_crash_after_the_server_took_a_mail_does_not_send_it_twice(dovecot, smtp_sink, tmp_path, monkeypatch) -> None:
    bot = Bot(dovecot, smtp_sink, tmp_path / "data", sent_copies="bcc")
    bot.deliver(compose_mail("r@example.net", FIRST_LINE, "Klacht", "De pas is kapot."))
    run_once_dying_after_the_250(bot, monkeypatch)  # the server said 250; the process died before the commit
    bot.run_once()
    acks = [m for m in bot.received("r@example.net") if m["Auto-Submitted"] == "auto-replied"]
    assert len(acks) == 1  # found at the server (the Bcc copy), not sent again
    store = bot.store()
    (case,) = store.cases()
    assert store.case(case.id).ack_sent_at is not None
    assert all(row.status == "sent" for row in store.outbox())
    # The copies are filed in Sent, where staff see what went out (the copy of a mail resent in the
    # last run arrived after that run read the inbox: the next run files it).
    bot.run_once()
    assert bot.dovecot.fetch_all(bot.user, "INBOX") == []
    sent = bot.dovecot.fetch_all(bot.user, "Sent")
    assert len(sent) == len(store.outbox())


def test_crash_before_the_server_took_a_mail_sends_it_after_the_check(
    dovecot, smtp_sink, tmp_path, monkeypatch
) -> None:
    import mailbot.mail.send

    bot = Bot(dovecot, smtp_sink, tmp_path / "data", sent_copies="bcc")
    bot.deliver(compose_mail("s@example.net", FIRST_LINE, "Klacht", "Het hek staat open."))

    class Crash(BaseException):
        pass

    async def crash_before_data(*args, **kwargs):
        raise Crash()

    monkeypatch.setattr(mailbot.mail.send, "_send_one", crash_before_data)
    with pytest.raises(Crash):
        bot.run_once()  # claimed, then the process died before the server heard of it
    monkeypatch.undo()
    assert bot.store().queue_figures(bot.clock.now()).in_doubt > 0
    bot.run_once()
    acks = [m for m in bot.received("s@example.net") if m["Auto-Submitted"] == "auto-replied"]
    assert len(acks) == 1  # not found at the server, so sent: nothing lost
    assert bot.store().queue_figures(bot.clock.now()).in_doubt == 0


def test_our_message_id_on_other_mail_is_not_taken_for_a_sent_copy(dovecot, smtp_sink, tmp_path) -> None:
    bot = Bot(dovecot, smtp_sink, tmp_path / "data", sent_copies="bcc")
    deliver_complaints(bot, ["a@example.net"])
    bot.run_once()
    store = bot.store()
    ack = next(row for row in store.outbox() if row.kind == "ack")
    # Someone reuses the Message-ID of our acknowledgement on a new complaint.
    forged = compose_mail("a@example.net", FIRST_LINE, "Nog een klacht", "Weer niemand gekomen!")
    forged = forged.replace(b"Message-ID:", b"X-Old-Message-ID:", 1)
    forged = f"Message-ID: {ack.message_id}\r\n".encode() + forged
    bot.deliver(forged)
    report = bot.run_once()
    # The two genuine copies of the first run's mail are filed; the forged one is handled as mail.
    assert report.sent_copies == 2 and report.processed == 1
    assert report.outcomes.get("case") == 1


def test_a_second_daemon_on_the_same_database_refuses_to_start(bot) -> None:
    import subprocess
    import sys
    import time

    from conftest import REPO, run_mailbot

    env = bot.environment()
    first = subprocess.Popen(
        [sys.executable, "-m", "mailbot", "run"], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        lock = bot.settings.db_path.with_name(bot.settings.db_path.name + ".lock")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and str(first.pid) not in (lock.read_text() if lock.exists() else ""):
            time.sleep(0.1)
        second = run_mailbot("run", "--once", env=env)
        assert second.returncode == 2
        assert f"pid {first.pid}" in second.stderr and "already" in second.stderr
        # Reading commands work beside the running daemon.
        status = run_mailbot("status", "--json", env=env)
        assert status.returncode in (0, 1) and '"daemon"' in status.stdout
    finally:
        first.terminate()
        first.wait(timeout=30)
    # The lock dies with the process: a new daemon starts at once.
    assert run_mailbot("run", "--once", env=env).returncode == 0


def test_a_connection_cut_before_the_250_is_looked_for_not_resent(dovecot, smtp_sink, tmp_path) -> None:
    bot = Bot(dovecot, smtp_sink, tmp_path / "data", sent_copies="bcc")
    smtp_sink.drop_after_data = 1  # the first mail is taken, but the client never hears the 250
    deliver_complaints(bot, ["knip@example.net"])
    bot.run_once()
    assert smtp_sink.dropped == 1
    bot.clock.advance(timedelta(minutes=5))  # the mail the cut connection held back is due again
    bot.run_once()
    ids = [email.message_from_bytes(m.raw, policy=default)["Message-ID"] for m in smtp_sink.messages]
    assert len(ids) == len(set(ids)) == 2  # the acknowledgement and the notice, each once
    store = bot.store()
    assert [row.status for row in store.outbox()] == ["sent", "sent"]
    (case,) = store.cases()
    assert store.case(case.id).ack_sent_at is not None


@pytest.mark.parametrize("min_confidence", [0.0, 1.0], ids=["new-case-mail", "triage-mail"])
def test_a_lookalike_sender_domain_is_flagged_in_the_new_case_mail(
    dovecot, smtp_sink, tmp_path, min_confidence: float
) -> None:
    from dataclasses import replace

    bot = Bot(dovecot, smtp_sink, tmp_path / "data")
    classification = replace(bot.rules.classification, min_confidence=min_confidence)  # 1.0: a person decides
    bot.rules = replace(bot.rules, classification=classification)
    # "exаmple.nl" with a Cyrillic "а": reads as our own domain, is another one.
    bot.deliver(utf8_mail("directie@exаmple.nl", "Betaling", "Wilt u de factuur vandaag nog betalen? Het is dringend."))
    bot.deliver(compose_mail("gewoon@example.net", FIRST_LINE, "Klacht", "De surveillant kwam niet."))
    bot.run_once()
    notices = {
        str(m["Subject"]): m.get_body(("plain",)).get_content()
        for m in bot.received(COORDINATOR)
        if "Nieuwe" in str(m["Subject"]) or "Kies" in str(m["Subject"])
    }
    flagged = [body for body in notices.values() if "Let op:" in body]
    assert len(flagged) == 1 and "lijkt op example.nl" in flagged[0] and "exаmple.nl" in flagged[0]


def test_a_result_the_database_cannot_take_yet_is_written_later_not_sent_again(bot, monkeypatch) -> None:
    # Another writer (a backup, sqlite3 by hand) holds the database just after the server's 250:
    # the result waits for the lock; given up, the mail would stay 'sending' and go out twice.
    import sqlite3

    from mailbot.ops.outbox import Outbox

    real = Outbox._record
    busy = {"left": 3}

    def locked_at_first(self, result, report):
        if busy["left"]:
            busy["left"] -= 1
            raise sqlite3.OperationalError("database is locked")
        return real(self, result, report)

    monkeypatch.setattr(Outbox, "_record", locked_at_first)
    deliver_complaints(bot, ["wacht@example.net"])
    report = bot.run_once()
    assert busy["left"] == 0
    acks = [m for m in bot.sink.messages if "wacht@example.net" in m.rcpt_tos]
    assert len(acks) == 1
    store = bot.store()
    (case,) = store.cases()
    assert case.ack_sent_at is not None
    assert {row.status for row in store.outbox(case.id)} == {"sent"}
    assert report.sent == len(store.outbox(case.id))  # each counted once, the retried one too
