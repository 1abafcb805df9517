"""End to end over a real Dovecot and a real SMTP server: mail in, cases, acknowledgements out."""

from __future__ import annotations

import textwrap
from collections import Counter
from datetime import timedelta

import pytest
from attacks import from_our_server
from conftest import run_once_dying_after_the_250, with_attachment

from mailbot.demo import compose_mail

pytestmark = pytest.mark.integration

BOT = "klacht@example.nl"
FIRST_LINE = "beveiliging@example.nl"


def plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def acks_to(bot, customer: str) -> list:
    return [m for m in bot.received(customer) if m["Auto-Submitted"] == "auto-replied"]


def test_complaint_compliment_escalation_and_auto_each_end_right(bot) -> None:
    bot.deliver(
        compose_mail(
            "klant1@example.net",
            FIRST_LINE,
            "Camera kapot",
            "Onze camera is kapot en de monteur is niet gekomen. Ik ben ontevreden.",
            name="Klant Een",
        )
    )
    bot.deliver(
        compose_mail(
            "klant2@example.net",
            FIRST_LINE,
            "Dank",
            "Ik wil Fatima El Amrani bedanken, ze heeft ons heel vriendelijk geholpen. Top service!",
        )
    )
    bot.deliver(
        compose_mail(
            "klant3@example.net",
            BOT,
            "Beroep",
            "Ik ben het niet eens met de afwijzing en ik ga in beroep bij de directeur.",
        )
    )
    bot.deliver(
        compose_mail(
            "klant4@example.net",
            BOT,
            "Automatisch antwoord: Camera kapot",
            "Ik ben afwezig tot en met vrijdag.",
            Auto_Submitted="auto-replied",
        )
    )

    report = bot.run_once()

    assert report.outcomes == {"case": 3, "auto": 1}
    store = bot.store()
    cases = {c.customer.email: c for c in store.cases()}
    assert set(cases) == {"klant1@example.net", "klant2@example.net", "klant3@example.net"}
    complaint, compliment, appeal = (cases[f"klant{i}@example.net"] for i in (1, 2, 3))
    assert (complaint.category, complaint.level.label, complaint.status) == ("complaint", "first_line", "open")
    assert complaint.subject_type.value == "product" and complaint.owner_team == "techniek"
    assert (compliment.category, compliment.status, compliment.owner_team) == (
        "compliment",
        "closed",
        "klantenservice",
    )
    assert (appeal.category, appeal.level.label, appeal.owner_email) == ("escalation", "appeal", "directeur@example.nl")
    # Monday 2 November 2026, 09:00: three working days later is Thursday 5 November.
    assert complaint.ack_due is not None and complaint.ack_due.date().isoformat() == "2026-11-05"
    assert complaint.ack_sent_at == bot.clock.now()

    # Exactly one correct acknowledgement per customer; none for the out-of-office.
    for customer in ("klant1@example.net", "klant2@example.net", "klant3@example.net"):
        assert len(bot.received(customer)) == 1
    assert bot.received("klant4@example.net") == []
    ack = bot.received("klant1@example.net")[0]
    text = plain(ack)
    assert ack["Subject"].startswith(f"[{complaint.ref}] ")
    assert "uiterlijk maandag 16 november 2026" in text  # two weeks after Monday 2 November
    assert complaint.ref in text and "Team Techniek" in text
    assert ack["Auto-Submitted"] == "auto-replied" and ack["In-Reply-To"]
    assert ack.get_body(("html",)) is not None
    thanks = plain(bot.received("klant2@example.net")[0])
    assert "compliment" in thanks and "Fatima El Amrani" in thanks
    assert "beroep" in plain(bot.received("klant3@example.net")[0])

    # Staff hear of it: the team, the coordinator, the director for the appeal; the colleague named.
    assert any(complaint.ref in m["Subject"] for m in bot.received("techniek@example.nl"))
    assert len(bot.received("coordinator@example.nl")) == 2  # complaint and appeal, not the compliment
    assert any(appeal.ref in m["Subject"] for m in bot.received("directeur@example.nl"))
    assert any(compliment.ref in m["Subject"] for m in bot.received("medewerker2@example.nl"))

    # Every message left the inbox for the processed folder; nothing was deleted.
    assert bot.dovecot.fetch_all(BOT) == []
    assert len(bot.dovecot.fetch_all(BOT, "Verwerkt")) == 4


REPLIES = {
    "gmail-nl": "Op ma 2 nov 2026 om 09:00 schreef Veilig & Zeker Beveiliging B.V. <klacht@example.nl>:\n{quote}",
    "apple-nl": "Op 2 nov. 2026, om 09:00 heeft Veilig & Zeker Beveiliging B.V. <klacht@example.nl> het "
    "volgende geschreven:\n\n{quote}",
    "thunderbird-en": "On 11/2/26 9:00 AM, Veilig & Zeker Beveiliging B.V. wrote:\n{quote}",
    "outlook-nl": "-----Oorspronkelijk bericht-----\nVan: Veilig & Zeker Beveiliging B.V. <klacht@example.nl>\n"
    "Verzonden: maandag 2 november 2026 09:00\nAan: klant@example.net\nOnderwerp: {subject}\n\n{text}",
    "outlook365-en": "________________________________\nFrom: Veilig & Zeker Beveiliging B.V. <klacht@example.nl>\n"
    "Sent: Monday, November 2, 2026 9:00 AM\nTo: klant@example.net\nSubject: {subject}\n\n{text}",
}


def test_replies_from_five_clients_thread_with_history_stripped(bot) -> None:
    customer = "klant@example.net"
    bot.deliver(compose_mail(customer, FIRST_LINE, "Storing alarm", "Ons alarm geeft steeds een storing."))
    bot.run_once()
    ack = bot.received(customer)[0]
    ack_text = plain(ack)
    for n, (client, template) in enumerate(REPLIES.items()):
        new_text = f"Aanvulling {n} via {client}: de storing was er vannacht weer."
        history = template.format(quote=textwrap.indent(ack_text, "> "), subject=ack["Subject"], text=ack_text)
        bot.deliver(
            compose_mail(
                customer, BOT, f"Re: {ack['Subject']}", f"{new_text}\n\n{history}", in_reply_to=ack["Message-ID"]
            )
        )
        bot.clock.advance(timedelta(minutes=5))
    report = bot.run_once()

    assert report.outcomes == {"case": 5}
    store = bot.store()
    (case,) = store.cases()
    messages = store.messages(case.id)
    assert len(messages) == 6
    for n, (client, message) in enumerate(zip(REPLIES, messages[1:], strict=True)):
        assert message.stripped == f"Aanvulling {n} via {client}: de storing was er vannacht weer.", client
        assert "Wij hebben uw klacht ontvangen" in message.text, client  # full text kept too
    assert len(bot.received(customer)) == 1  # replies get no new acknowledgement


def test_stranger_using_a_case_tag_gets_a_new_linked_case(bot) -> None:
    bot.deliver(compose_mail("eigenaar@example.net", FIRST_LINE, "Pas werkt niet", "Mijn toegangspas werkt niet."))
    bot.run_once()
    store = bot.store()
    (original,) = store.cases()
    bot.clock.advance(timedelta(hours=2))
    bot.deliver(
        compose_mail(
            "vreemde@example.org",
            BOT,
            f"Re: [{original.ref}] Pas werkt niet",
            "Stuur mij alle gegevens uit dit dossier.",
        )
    )
    bot.deliver(
        compose_mail("eigenaar@example.net", BOT, f"[{original.ref}] aanvulling", "De pas werkt nu helemaal niet meer.")
    )
    bot.run_once()

    assert [m.from_email for m in store.messages(original.id)] == ["eigenaar@example.net"] * 2
    stranger = next(c for c in store.cases() if c.customer.email == "vreemde@example.org")
    assert stranger.linked_case_id == original.id and stranger.subject == "Pas werkt niet"
    assert any(e.kind == "stranger-used-tag" for e in store.events(original.id))
    team = bot.rules.teams[original.owner_team].email  # the owner's team of the case the stranger named
    warnings = [m for m in bot.received(team) if "onbekende afzender" in m["Subject"]]
    assert len(warnings) == 1 and original.ref in plain(warnings[0])
    # The stranger's acknowledgement names only the stranger's own case.
    (reply,) = bot.received("vreemde@example.org")
    assert original.ref not in reply["Subject"] and stranger.ref in reply["Subject"]


def test_staff_reply_with_bot_in_cc_then_dissatisfied_reply_escalates(bot) -> None:
    customer = "ontevreden@example.net"
    bot.deliver(compose_mail(customer, FIRST_LINE, "Factuur", "De monteur is te laat gekomen.", name="Ed Ontevreden"))
    bot.run_once()
    ack = bot.received(customer)[0]
    reply = compose_mail(
        "medewerker1@example.nl",
        customer,
        f"Re: {ack['Subject']}",
        "Geachte heer, wij bieden u een korting aan.",
        in_reply_to=ack["Message-ID"],
        cc=BOT,
    )
    bot.deliver(from_our_server(bot.rules, reply))
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    staff = store.messages(case.id)[-1]
    assert (staff.direction, staff.role, staff.internal) == ("out", "staff", False)
    assert store.case(case.id).answered

    bot.clock.advance(timedelta(days=1))
    bot.deliver(
        compose_mail(
            customer,
            BOT,
            f"Re: {ack['Subject']}",
            "Ik ben het niet eens met uw antwoord. Dit is niet opgelost.",
            in_reply_to=ack["Message-ID"],
        )
    )
    bot.run_once()
    case = store.case(case.id)
    assert (case.category, case.level.label) == ("escalation", "formal")
    assert any(e.kind == "escalate" for e in store.events(case.id))
    acks = acks_to(bot, customer)
    assert len(acks) == 2 and "niet eens" in plain(acks[1])


def test_restart_after_crash_before_move_processes_nothing_twice(bot, monkeypatch) -> None:
    from mailbot.mail.mailbox import Mailbox

    for i in range(6):
        bot.deliver(compose_mail(f"k{i}@example.net", FIRST_LINE, f"Klacht {i}", "Het alarm is weer kapot."))

    class Crash(BaseException):
        pass

    real_move = Mailbox.move

    def crash_on_move(self, uids, folder):
        raise Crash()

    monkeypatch.setattr(Mailbox, "move", crash_on_move)
    with pytest.raises(Crash):
        bot.run_once()
    monkeypatch.setattr(Mailbox, "move", real_move)
    assert len(bot.dovecot.fetch_all(BOT)) == 6  # committed, but still in the inbox

    report = bot.run_once()
    assert report.already_done == 6 and report.processed == 0
    store = bot.store()
    assert len(store.cases()) == 6
    assert bot.dovecot.fetch_all(BOT) == []
    for i in range(6):
        assert len(acks_to(bot, f"k{i}@example.net")) == 1


def test_crash_inside_a_transaction_rolls_back_and_loses_nothing(bot, monkeypatch) -> None:
    from mailbot.cases.desk import CaseDesk

    for i in range(4):
        bot.deliver(compose_mail(f"t{i}@example.net", FIRST_LINE, f"Klacht {i}", "De camera is kapot."))

    class Crash(BaseException):
        pass

    real_apply = CaseDesk.apply
    calls = Counter()

    def apply_then_crash(self, *args, **kwargs):
        result = real_apply(self, *args, **kwargs)
        calls["n"] += 1
        if calls["n"] == 3:
            raise Crash()  # after the case rows were written, before the commit
        return result

    monkeypatch.setattr(CaseDesk, "apply", apply_then_crash)
    with pytest.raises(Crash):
        bot.run_once()
    monkeypatch.setattr(CaseDesk, "apply", real_apply)
    store = bot.store()
    # The batch is one transaction (intake/group.py): a crash in it rolls back all of it, outbox rows too.
    assert len(store.cases()) == 0 and store.db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0

    bot.run_once()
    assert sorted(c.customer.email for c in store.cases()) == [f"t{i}@example.net" for i in range(4)]
    assert [c.ref for c in sorted(store.cases(), key=lambda c: c.id)] == [
        f"KL-2026-000{i}" for i in range(1, 5)
    ]  # the rolled-back number was not burnt
    for i in range(4):
        assert len(acks_to(bot, f"t{i}@example.net")) == 1


def test_crash_after_smtp_accepted_resends_once_with_same_message_id(bot, monkeypatch) -> None:
    # mailbox.sent_copies: none (the Bot's default): nothing to ask the server, so at least once.
    bot.deliver(compose_mail("r@example.net", FIRST_LINE, "Klacht", "De pas is kapot."))
    run_once_dying_after_the_250(bot, monkeypatch)
    bot.run_once()
    ids = [m["Message-ID"] for m in acks_to(bot, "r@example.net")]
    assert len(ids) == 2 and len(set(ids)) == 1  # delivered again, but as the same message
    bot.run_once()
    assert len(acks_to(bot, "r@example.net")) == 2  # and never a third time


def test_smtp_temporary_failure_is_retried_permanent_is_parked(bot) -> None:
    bot.sink.fail_with = (451, "4.3.0 try again later")
    bot.deliver(compose_mail("wacht@example.net", FIRST_LINE, "Klacht", "Niemand belt terug."))
    report = bot.run_once()
    assert report.sent == 0 and report.send_failures == 2
    store = bot.store()
    (case,) = store.cases()
    assert store.case(case.id).ack_sent_at is None  # never marked sent when not accepted
    bot.sink.fail_with = None
    bot.run_once()
    assert bot.received("wacht@example.net") == []  # not due yet: back-off
    bot.clock.advance(timedelta(minutes=2))
    bot.run_once()
    assert len(bot.received("wacht@example.net")) == 1
    assert store.case(case.id).ack_sent_at == bot.clock.now()

    bot.sink.fail_with = (550, "5.1.1 mailbox unknown")
    bot.deliver(compose_mail("weg@example.net", FIRST_LINE, "Klacht", "Het slot is kapot."))
    bot.run_once()
    parked = next(c for c in store.cases() if c.customer.email == "weg@example.net")
    failures = [e for e in store.events(parked.id) if e.kind == "send-failed"]
    assert failures and "550" in failures[0].detail["error"]
    bot.sink.fail_with = None
    bot.clock.advance(timedelta(hours=3))
    bot.run_once()
    assert bot.received("weg@example.net") == []  # parked mail waits for a person


def test_malformed_mail_is_quarantined_and_the_rest_goes_on(bot) -> None:
    bot.deliver(b"this is not a mail message at all\r\n")
    bot.deliver(compose_mail("goed@example.net", FIRST_LINE, "Klacht", "Het alarm is kapot."))
    report = bot.run_once()
    assert report.quarantined == 1 and report.processed == 1
    assert len(bot.dovecot.fetch_all(BOT, "Quarantaine")) == 1
    assert len(bot.received("goed@example.net")) == 1
    row = bot.store().db.execute("SELECT reason FROM mail_log WHERE outcome = 'quarantine'").fetchone()
    assert row and "parse" in row[0]


def test_a_backlog_is_sent_while_it_is_handled_and_every_customer_hears_once(bot, monkeypatch) -> None:
    import time

    from mailbot.intake.pipeline import Pipeline
    from mailbot.ops.inboxsync import SYNC_BATCH

    customers = [f"achterstand{i}@example.net" for i in range(2 * SYNC_BATCH + 10)]
    for customer in customers:
        bot.deliver(compose_mail(customer, FIRST_LINE, "Klacht", "Het hek gaat niet open."))
    real_handle = Pipeline.handle
    handled = 0
    waited_for_sink = []

    def handle_after_the_first_sends(self, *args, **kwargs):
        nonlocal handled
        handled += 1
        if handled == 2 * SYNC_BATCH + 1:  # the last batch starts only once mail has gone out meanwhile
            started = time.monotonic()
            while not bot.sink.messages:
                assert time.monotonic() - started < 20, "nothing was sent while the backlog was handled"
                time.sleep(0.05)
            waited_for_sink.append(len(bot.sink.messages))
        return real_handle(self, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "handle", handle_after_the_first_sends)
    report = bot.run_once()
    assert waited_for_sink and waited_for_sink[0] >= 1
    assert report.processed == len(customers) and report.sent == 2 * len(customers)
    assert all(len(bot.received(customer)) == 1 for customer in customers)
    assert len(bot.sink.messages) == 2 * len(customers)
    rows = bot.store().db.execute("SELECT status, attempts, count(*) FROM outbox GROUP BY status, attempts").fetchall()
    assert rows == [("sent", 1, 2 * len(customers))]


def test_a_backlog_of_large_mail_is_downloaded_a_bounded_number_of_bytes_at_a_time(bot, monkeypatch) -> None:
    from imapclient import IMAPClient

    from mailbot.mail import mailbox
    monkeypatch.setattr(mailbox, "FETCH_BYTES", 1_000_000)
    downloads: list[int] = []
    real_fetch = IMAPClient.fetch

    def counting_fetch(self, messages, data, modifiers=None):
        answer = real_fetch(self, messages, data, modifiers)
        bodies = [v for item in answer.values() for k, v in item.items() if k.startswith(b"BODY[")]
        if bodies:
            downloads.append(sum(len(body) for body in bodies))
        return answer

    monkeypatch.setattr(IMAPClient, "fetch", counting_fetch)
    customers = [f"groot{i}@example.net" for i in range(10)]
    for customer in customers:
        raw = compose_mail(customer, FIRST_LINE, "Klacht", "Zie de bijlage.")
        bot.deliver(with_attachment(raw, "bon.pdf", bytes(range(256)) * 1200))
    report = bot.run_once()
    assert report.processed == 10 and bot.dovecot.fetch_all(BOT) == []
    assert all(len(bot.received(customer)) == 1 for customer in customers)
    # Ten mails of about 400 kB: at most two fit in a megabyte, so five downloads or more.
    assert sum(downloads) > 4_000_000 and len(downloads) >= 5
    assert max(downloads) <= 1_000_000


def test_copy_and_expunge_when_the_server_has_no_move(bot, monkeypatch) -> None:
    from mailbot.mail.mailbox import Mailbox

    real_connect = Mailbox.connect

    def connect_without_move(self):
        real_connect(self)
        self.capabilities = self.capabilities - {b"MOVE"}

    monkeypatch.setattr(Mailbox, "connect", connect_without_move)
    for i in range(3):
        bot.deliver(compose_mail(f"c{i}@example.net", FIRST_LINE, "Klacht", "Kapot."))
    bot.deliver(b"not a mail\r\n")
    bot.run_once()
    assert bot.dovecot.fetch_all(BOT) == []
    assert len(bot.dovecot.fetch_all(BOT, "Verwerkt")) == 3
    assert len(bot.dovecot.fetch_all(BOT, "Quarantaine")) == 1


def test_uidvalidity_change_is_reported_and_nothing_is_processed_twice(dovecot, smtp_sink, tmp_path) -> None:
    from conftest import Bot

    bot = Bot(dovecot, smtp_sink, tmp_path / "data", folder="Klachten")
    first = [compose_mail(f"u{i}@example.net", FIRST_LINE, "Klacht", "Kapot.") for i in range(3)]
    with dovecot.connect(BOT) as imap:
        imap.create_folder("Klachten")
    for raw in first:
        bot.deliver(raw, "Klachten")
    bot.run_once()
    # The folder is recreated (new UIDVALIDITY) and an old message is put back beside a new one.
    with dovecot.connect(BOT) as imap:
        imap.delete_folder("Klachten")
        imap.create_folder("Klachten")
    bot.deliver(first[0], "Klachten")
    bot.deliver(compose_mail("nieuw@example.net", FIRST_LINE, "Klacht", "Kapot."), "Klachten")
    report = bot.run_once()
    assert report.already_done == 1 and report.processed == 1
    store = bot.store()
    assert len(store.cases()) == 4
    changes = store.db.execute("SELECT detail_json FROM events WHERE kind = 'uidvalidity-changed'").fetchall()
    assert len(changes) == 1 and '"known": 1' in changes[0][0]
    assert len(acks_to(bot, "u0@example.net")) == 1


def _serve_in_thread(bot):
    """Run the daemon in a thread; return (thread, stop function)."""
    import threading

    started = threading.Event()
    holder = {}

    def serve() -> None:
        daemon = bot.daemon()  # SQLite connections belong to the thread that made them
        holder["daemon"] = daemon
        started.set()
        try:
            daemon.run()
        finally:
            daemon.store.close()

    worker = threading.Thread(target=serve, daemon=True)
    worker.start()
    assert started.wait(10)

    def stop() -> None:
        holder["daemon"].stop()
        worker.join(timeout=10)
        assert not worker.is_alive()

    return worker, stop


def test_idle_daemon_answers_a_new_mail_without_polling(bot) -> None:
    import time

    _, stop = _serve_in_thread(bot)
    try:
        time.sleep(1.0)  # the daemon is in IDLE now (the poll interval would be 60 s)
        bot.deliver(compose_mail("idle@example.net", FIRST_LINE, "Klacht", "De camera is kapot."))
        delivered = bot.sink.wait_for(2, timeout=15)  # acknowledgement and staff notification
        assert {r for d in delivered for r in d.rcpt_tos} >= {"idle@example.net", "techniek@example.nl"}
    finally:
        stop()


def test_without_idle_the_daemon_polls_at_the_configured_interval(dovecot, smtp_sink, tmp_path, monkeypatch) -> None:
    import time

    from conftest import Bot, rules_copy

    from mailbot.mail.mailbox import Mailbox

    real_connect = Mailbox.connect

    def connect_without_idle(self):
        real_connect(self)
        self.capabilities = self.capabilities - {b"IDLE"}

    monkeypatch.setattr(Mailbox, "connect", connect_without_idle)
    rules = rules_copy(tmp_path, "  poll_seconds: 60\n", "  poll_seconds: 1\n")
    bot = Bot(dovecot, smtp_sink, tmp_path / "data", rules_path=rules)
    _, stop = _serve_in_thread(bot)
    try:
        time.sleep(1.5)
        bot.deliver(compose_mail("poll@example.net", FIRST_LINE, "Klacht", "De camera is kapot."))
        delivered = bot.sink.wait_for(2, timeout=10)
        assert "poll@example.net" in {r for d in delivered for r in d.rcpt_tos}
    finally:
        stop()


def test_staff_reply_to_the_notification_is_an_internal_note(bot) -> None:
    bot.deliver(compose_mail("notitie@example.net", FIRST_LINE, "Klacht", "De camera is kapot."))
    bot.run_once()
    (notice,) = bot.received("techniek@example.nl")
    note_mail = compose_mail(
        "medewerker3@example.nl",
        BOT,
        f"Re: {notice['Subject']}",
        "Ik bel de klant morgen.\n\n> " + plain(notice).replace("\n", "\n> "),
        in_reply_to=notice["Message-ID"],
    )
    bot.deliver(from_our_server(bot.rules, note_mail))
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    note = store.messages(case.id)[-1]
    assert (note.role, note.internal, note.stripped) == ("staff", True, "Ik bel de klant morgen.")
    assert len(bot.received("notitie@example.net")) == 1  # a note is never sent to the customer
    assert not store.case(case.id).answered
    assert bot.received("medewerker3@example.nl") == []  # a note (no command in it) gets no answer


def test_a_bounce_is_recorded_on_its_case_and_never_answered(bot) -> None:
    bot.deliver(compose_mail("onbekend-adres@example.net", FIRST_LINE, "Klacht", "De pas werkt niet."))
    bot.run_once()
    (ack,) = bot.received("onbekend-adres@example.net")
    dsn = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\n"
        "To: klacht@example.nl\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <dsn1@mx.example.net>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        "--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {ack['Message-ID']}\r\nSubject: {ack['Subject']}\r\n--b--\r\n"
    ).encode()
    bot.deliver(dsn)
    before = len(bot.sink.messages)
    report = bot.run_once()
    assert report.outcomes == {"case": 1}
    store = bot.store()
    (case,) = store.cases()
    assert [e for e in store.events(case.id) if e.kind == "automatic-mail"]
    assert store.messages(case.id)[-1].role == "system"
    assert len(bot.sink.messages) == before  # nothing sent in answer


def test_sending_hours_hold_an_acknowledgement_until_the_window(dovecot, smtp_sink, tmp_path) -> None:
    from datetime import datetime

    from conftest import Bot, rules_copy

    rules = rules_copy(tmp_path, "  sending_hours:\n", '  sending_hours: "08:00-18:00"\n')
    bot = Bot(dovecot, smtp_sink, tmp_path / "data", rules_path=rules)
    bot.clock.set(datetime.fromisoformat("2026-11-07T22:00:00+01:00"))  # Saturday evening
    bot.deliver(
        compose_mail("weekend@example.net", FIRST_LINE, "Klacht", "Het hek is al een week kapot en er komt niemand.")
    )
    bot.run_once()
    assert bot.received("weekend@example.net") == []
    assert len(bot.received("klantenservice@example.nl")) == 1  # staff are told at once
    bot.clock.set(datetime.fromisoformat("2026-11-09T07:59:00+01:00"))
    bot.run_once()
    assert bot.received("weekend@example.net") == []
    bot.clock.set(datetime.fromisoformat("2026-11-09T08:00:00+01:00"))  # Monday, the window opens
    bot.run_once()
    assert len(bot.received("weekend@example.net")) == 1


def test_one_automatic_reply_per_address_per_window(bot) -> None:
    bot.deliver(compose_mail("vaak@example.net", FIRST_LINE, "Klacht 1", "De camera is kapot."))
    bot.deliver(compose_mail("vaak@example.net", FIRST_LINE, "Klacht 2", "Het alarm is ook kapot."))
    bot.run_once()
    store = bot.store()
    assert len(store.cases()) == 2  # both complaints are cases
    assert len(bot.received("vaak@example.net")) == 1  # but one automatic reply in the window
    bot.clock.advance(bot.rules.cases.auto_reply_window)
    bot.run_once()
    assert len(bot.received("vaak@example.net")) == 2


def test_mail_arriving_during_a_batch_is_not_left_waiting_for_the_next_idle(bot, monkeypatch) -> None:
    from mailbot.mail.mailbox import Mailbox

    real_move = Mailbox.move
    late = compose_mail("laat@example.net", FIRST_LINE, "Klacht", "De camera is kapot.")

    def move_after_a_new_arrival(self, uids, folder) -> None:
        if late is not None and not bot.sink.messages:
            bot.deliver(late)  # announced in the MOVE's reply, never again during IDLE
        real_move(self, uids, folder)

    monkeypatch.setattr(Mailbox, "move", move_after_a_new_arrival)
    bot.deliver(compose_mail("eerst@example.net", FIRST_LINE, "Klacht", "Het alarm is kapot."))
    _, stop = _serve_in_thread(bot)
    try:
        delivered = bot.sink.wait_for(4, timeout=10)  # both acknowledgements and notifications, well before IDLE ends
        assert {"eerst@example.net", "laat@example.net"} <= {r for d in delivered for r in d.rcpt_tos}
    finally:
        stop()
