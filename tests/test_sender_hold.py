"""The background sender while the handling of a backlog holds the database (issue 14).

The handling of a batch is one transaction (group.py), so the sender cannot write a send result
until the batch commits. It keeps sending meanwhile: a result that cannot be written yet is held,
then written with the moment the server answered. A crash that loses held results leaves their
mail in doubt, looked for at the server, never sent again.
"""

from __future__ import annotations

import asyncio
import email
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from email.policy import default
from pathlib import Path

import pytest
from conftest import Bot

from mailbot.demo import compose_mail
from mailbot.ops.outbox import Outbox
from mailbot.ops.runreport import RunReport
from mailbot.ops.sender import BackgroundSender
from mailbot.testing.servers import SmtpSink

pytestmark = pytest.mark.integration

FIRST_LINE = "beveiliging@example.nl"
CUSTOMERS = ("een@example.net", "twee@example.net")


@pytest.fixture
def handled(dovecot, smtp_sink: SmtpSink, tmp_path: Path):
    """A bot (checking sent mail by its Bcc copies) and a daemon that has handled the customers'
    complaints; their mail waits in the outbox."""
    bot = Bot(dovecot, smtp_sink, tmp_path / "data", sent_copies="bcc")
    for customer in CUSTOMERS:
        bot.deliver(compose_mail(customer, FIRST_LINE, "Klacht", f"De lift doet het niet ({customer})."))
    daemon = bot.daemon()
    daemon.mailbox.connect()
    daemon.sync(RunReport())
    return bot, daemon


def sender_of(bot: Bot, daemon) -> BackgroundSender:
    """The background sender a backlog starts (inboxsync.py), on the daemon's writer lock."""
    outbox = daemon.outbox
    return BackgroundSender(
        daemon.store, bot.settings.db_path, bot.clock, outbox.smtp, copy_to=outbox.copy_to, sent_check=True
    )


@contextmanager
def batch_begins_after_the_claim(
    daemon, monkeypatch: pytest.MonkeyPatch, sender: BackgroundSender
) -> Iterator[threading.Event]:
    """Kick ``sender``; once it has claimed its mail, hold the database (as the transaction of the next
    batch of messages does) while the block runs, and only then let the sender offer the mail; the
    event yielded is set once the sender has offered every mail and heard the server's answers."""
    import mailbot.ops.outbox

    claimed, held, offered = threading.Event(), threading.Event(), threading.Event()
    real = mailbot.ops.outbox.deliver

    async def after_the_batch_began(*args, **kwargs) -> None:
        claimed.set()
        await asyncio.to_thread(held.wait, 10)
        await real(*args, **kwargs)
        offered.set()  # every mail offered and answered

    monkeypatch.setattr(mailbot.ops.outbox, "deliver", after_the_batch_began)
    sender.kick()
    assert claimed.wait(10)
    with daemon.store.writer_lock:
        held.set()
        yield offered


def message_ids(sink: SmtpSink) -> list[str]:
    """The Message-ID of every mail the sink took, in arrival order."""
    return [str(email.message_from_bytes(m.raw, policy=default)["Message-ID"]) for m in sink.messages]


def test_mail_goes_out_while_the_handling_holds_the_database_and_its_results_keep_their_time(
    handled, smtp_sink: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot, daemon = handled
    queued = bot.store().outbox()
    assert len(queued) == 4 and {row.status for row in queued} == {"pending"}
    answered_at = bot.clock.now()
    sender = sender_of(bot, daemon)
    with batch_begins_after_the_claim(daemon, monkeypatch, sender) as offered:
        assert offered.wait(10)  # every mail went out meanwhile, none waited for the lock
        assert {row.status for row in bot.store().outbox()} == {"sending"}  # results held, not written
        bot.clock.advance(timedelta(minutes=5))  # the batch takes its time
    report = sender.close()
    monkeypatch.undo()
    daemon.store.close()
    assert report.sent == len(queued)
    store = bot.store()
    rows = store.outbox()
    assert {row.status for row in rows} == {"sent"}
    assert {row.sent_at for row in rows} == {answered_at}  # when the server answered, not when written
    assert all(case.ack_sent_at == answered_at for case in store.cases())
    assert sorted(message_ids(smtp_sink)) == sorted(row.message_id for row in rows)  # each once


def test_a_crash_that_loses_held_results_sends_nothing_twice(
    handled, smtp_sink: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot, daemon = handled
    queued = bot.store().outbox()

    class Crash(BaseException):
        pass

    def crash(self: Outbox, results: object, report: object) -> None:
        raise Crash()  # the process dies (SIGKILL) before the held results are written

    died = threading.Event()
    monkeypatch.setattr(Outbox, "record_all", crash)
    monkeypatch.setattr(BackgroundSender, "_run", _dies_on(BackgroundSender._run, died))
    sender = sender_of(bot, daemon)
    with batch_begins_after_the_claim(daemon, monkeypatch, sender) as offered:
        assert offered.wait(10)
    assert died.wait(10)
    daemon.mailbox.close()
    daemon.store.close()
    monkeypatch.undo()
    assert {row.status for row in bot.store().outbox()} == {"sending"}  # in doubt
    bot.run_once()  # looks for them at the server: the Bcc copies are there
    store = bot.store()
    assert {row.status for row in store.outbox()} == {"sent"}
    assert all(case.ack_sent_at is not None for case in store.cases())
    ids = message_ids(smtp_sink)
    assert len(ids) == len(set(ids)) == len(queued)  # nothing delivered twice


def test_closing_stops_between_two_mails_and_leaves_the_rest_queued(handled, smtp_sink: SmtpSink) -> None:
    bot, daemon = handled
    outbox = daemon.outbox
    report = outbox.send_due(should_stop=lambda: len(smtp_sink.messages) >= 1)  # SIGTERM after the first
    daemon.mailbox.close()
    daemon.store.close()
    rows = bot.store().outbox()
    assert report.sent == 1 and len(smtp_sink.messages) == 1
    assert sorted(row.status for row in rows) == ["pending", "pending", "pending", "sent"]  # not in doubt


def _dies_on(run, died: threading.Event):
    """The sender thread's body, ending as a killed process would: nothing after the Crash runs."""

    def body(self: BackgroundSender) -> None:
        try:
            run(self)
        except BaseException:
            died.set()

    return body
