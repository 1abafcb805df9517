"""Group commit (issue 14): a batch in one durable transaction, a message that fails set aside alone,
and the MOVE only after the batch's commit is on disk. Over the real Dovecot and SMTP sink."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Bot
from test_faults import acks, complaint, count, fast_bot, inbox

from mailbot.mail.mailbox import Mailbox
from mailbot.store import db as store_db
from mailbot.store.db import StoreBase
from mailbot.store.intake import IntakeStore
from mailbot.testing.servers import Dovecot, SmtpSink

pytestmark = pytest.mark.integration


@pytest.fixture
def bot(dovecot: Dovecot, smtp_sink: SmtpSink, tmp_path: Path) -> Bot:
    """A bot whose sink delivers into Dovecot and records every mail."""
    return fast_bot(dovecot, smtp_sink, tmp_path)


def test_connections_commit_without_an_fsync_unless_durable(tmp_path: Path) -> None:
    store = StoreBase(tmp_path / "x.db")
    seen: list[int] = []

    def watch(s: StoreBase) -> None:
        seen.append(s.db.execute("PRAGMA synchronous").fetchone()[0])

    store_db.DURABLE_LISTENERS.append(watch)
    try:
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL: survives a process crash
        with store.transaction():
            store.db.execute("CREATE TABLE t (x)")
        assert seen == []
        with store.transaction(durable=True):
            store.db.execute("INSERT INTO t VALUES (1)")
        assert seen == [2]  # FULL while the durable commit ran: the WAL was synced
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 1  # and NORMAL again after it
    finally:
        store_db.DURABLE_LISTENERS.remove(watch)
        store.close()


def test_a_batch_is_one_durable_commit_and_moves_only_after_it(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    durable: list[int] = []  # mail_log rows at each durable commit of the daemon's connection
    monkeypatch.setattr(
        store_db,
        "DURABLE_LISTENERS",
        [lambda s: durable.append(s.db.execute("SELECT count(*) FROM mail_log").fetchone()[0])],
    )
    real_move = Mailbox.move
    moves: list[tuple[int, int, int, int]] = []  # moved, of them committed, all committed, last durable

    def move_after_checking(self: Mailbox, uids: list[int], folder: str) -> None:
        if uids:
            marks = ",".join(str(uid) for uid in uids)
            committed = count(bot, f"SELECT count(*) FROM mail_log WHERE uid IN ({marks})")
            moves.append((len(uids), committed, count(bot, "SELECT count(*) FROM mail_log"), durable[-1]))
        real_move(self, uids, folder)

    monkeypatch.setattr(Mailbox, "move", move_after_checking)
    for i in range(4):
        bot.deliver(complaint(f"vast{i}@example.net"))
    bot.deliver(b"not a mail at all\r\n")
    bot.run_once()
    # Everything moved was committed, and everything committed was durable before the MOVE.
    assert moves and all(moved == committed and total == last for moved, committed, total, last in moves)
    assert sum(moved for moved, *_ in moves) == 5
    assert durable[0] == 5  # one batch: the five messages in one durable commit, not five


def test_one_bad_message_in_a_batch_is_quarantined_alone_and_the_others_commit(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_log_mail = IntakeStore.log_mail

    def fail_for_one(self: IntakeStore, entry, *args, **kwargs):  # type: ignore[no-untyped-def]
        # After its case, messages, events and acknowledgement were written: all must roll back.
        if entry.case_id is not None and self.case(entry.case_id).customer.email == "kapot@example.net":
            raise RuntimeError("injected fault after the case was written")
        return real_log_mail(self, entry, *args, **kwargs)

    monkeypatch.setattr(IntakeStore, "log_mail", fail_for_one)
    customers = ["goed0@example.net", "goed1@example.net", "kapot@example.net", "goed2@example.net"]
    for customer in customers:
        bot.deliver(complaint(customer))
    bot.run_once()
    store = bot.store()
    assert sorted(c.customer.email for c in store.cases()) == sorted(c for c in customers if c != "kapot@example.net")
    outcomes = dict(store.db.execute("SELECT outcome, count(*) FROM mail_log GROUP BY outcome").fetchall())
    assert outcomes == {"quarantine": 1, **{k: v for k, v in outcomes.items() if k != "quarantine"}}
    assert sum(outcomes.values()) == 4
    reason = store.db.execute("SELECT reason FROM mail_log WHERE outcome = 'quarantine'").fetchone()[0]
    assert "injected fault" in reason
    # Nothing of the bad message's partial work survived: no row of its case, no mail to its sender.
    assert count(bot, "SELECT count(*) FROM outbox WHERE recipients LIKE '%kapot@%'") == 0
    assert "kapot@example.net" not in acks(bot.sink)
    assert sorted(acks(bot.sink)) == sorted(c for c in customers if c != "kapot@example.net")
    assert (inbox(bot), inbox(bot, "Verwerkt"), inbox(bot, "Quarantaine")) == (0, 3, 1)


def test_a_crash_between_the_durable_commit_and_the_move_leaves_the_mail_in_the_inbox_and_doubles_nothing(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    customers = [f"tussen{i}@example.net" for i in range(3)]
    for customer in customers:
        bot.deliver(complaint(customer))
    real_move = Mailbox.move

    def die(self: Mailbox, uids: list[int], folder: str) -> None:
        raise KeyboardInterrupt("the process dies between the commit and the MOVE")

    monkeypatch.setattr(Mailbox, "move", die)
    with pytest.raises(KeyboardInterrupt):
        bot.run_once()
    assert inbox(bot) == 3 and count(bot, "SELECT count(*) FROM cases") == 3  # committed, not moved
    monkeypatch.setattr(Mailbox, "move", real_move)
    bot.run_once()
    assert (inbox(bot), inbox(bot, "Verwerkt")) == (0, 3)
    assert count(bot, "SELECT count(*) FROM cases") == 3  # recognised, not a case more
    received = acks(bot.sink)
    assert sorted(received) == sorted(customers)
    assert all(len(ids) == 1 for ids in received.values()), received


def test_the_claim_of_mail_to_send_is_durable(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    claimed_when_durable: list[int] = []
    monkeypatch.setattr(
        store_db,
        "DURABLE_LISTENERS",
        [
            lambda s: claimed_when_durable.append(
                s.db.execute("SELECT count(*) FROM outbox WHERE status = 'sending'").fetchone()[0]
            )
        ],
    )
    bot.deliver(complaint("claim@example.net"))
    bot.run_once()
    # A power cut after SMTP took a mail must find it 'sending' (checked at the server), never 'queued'.
    assert max(claimed_when_durable) >= 1
    assert acks(bot.sink) and count(bot, "SELECT count(*) FROM outbox WHERE status = 'sent'") >= 1


def test_a_blob_a_power_cut_left_short_is_written_again(tmp_path: Path) -> None:
    from mailbot.store.blobs import BlobStore

    blobs = BlobStore(tmp_path / "blobs")
    data = b"From: a@example.net\r\n\r\nhallo\r\n" * 10
    sha = blobs.put(data)
    blobs.path(sha).write_bytes(b"")  # what a power cut can leave of a file never fsync-ed
    with blobs.deferred():
        assert blobs.put(data) == sha
    assert blobs.get(sha) == data
