"""Forwarded complaints register themselves (issue 13): over real Dovecot and SMTP.

A member of staff forwards a customer's mail to klacht@ from her own mail client (Outlook, Gmail,
Apple Mail, Thunderbird, in Dutch and English, or as an attached message): a case opens for the
original sender, on the customer's own words; she is told the klachtnummer, or asked for the
address when the forward does not carry it.
"""

from __future__ import annotations

import shutil
import subprocess
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from attacks import staff_answer, vouched
from test_forwarded import BLOCKS, NOTE, WORDS, body
from test_lifecycle import BOT, last, outlook_reply, plain

from mailbot.demo import compose_mail

pytestmark = pytest.mark.integration

STAFF = "medewerker1@example.nl"
CUSTOMER = "jan.jansen@example.net"
ACK_SUBJECT = "Ontvangstbevestiging van uw klacht"
REGISTERED = "Geregistreerd"
ASKED = "Vraag: van wie"


def forward(bot, text: str, subject: str = "FW: Monteur niet gekomen", authenticated: bool = True) -> bytes:
    """A staff member's forward to klacht@ as her mail client sends it, with our server's verdict on top."""
    raw = compose_mail(STAFF, BOT, subject, text, name="Fatima Bakker")
    return (f"Authentication-Results: {vouched(bot, STAFF)}\n".encode() if authenticated else b"") + raw


def registered_case(bot):
    """The one case there is, checked to be the customer's, opened from a forward by STAFF."""
    store = bot.store()
    (case,) = store.cases()
    assert case.customer.email == CUSTOMER
    assert case.channel == "forwarded"
    (event,) = [e for e in store.events(case.id) if e.kind == "registered"]
    assert event.actor == STAFF and event.detail["channel"] == "forwarded"
    return case


def assert_registered_and_told(bot, client: str) -> None:
    """The case is the customer's, on their words; they are acknowledged; the staff member has the klachtnummer."""
    case = registered_case(bot)
    store = bot.store()
    assert case.customer.name == "Jan Jansen"
    assert case.subject == "Monteur niet gekomen"
    assert case.category.value == "complaint"
    (event,) = [e for e in store.events(case.id) if e.kind == "registered"]
    assert event.detail["client"] == client
    (message,) = store.messages(case.id)
    assert (message.role, message.from_email, message.stripped) == ("customer", CUSTOMER, WORDS)
    ack = last(bot, CUSTOMER, ACK_SUBJECT)
    assert case.ref in ack["Subject"] and "Kunnen jullie" not in plain(ack)
    told = last(bot, STAFF, REGISTERED)
    assert case.ref in told["Subject"] and f"klachtnummer {case.ref}" in plain(told) and CUSTOMER in plain(told)


@pytest.mark.parametrize(("client", "language", "block"), BLOCKS, ids=[f"{c}-{lang}" for c, lang, _ in BLOCKS])
def test_a_forward_from_each_client_opens_the_customers_case(bot, client: str, language: str, block: str) -> None:
    bot.deliver(forward(bot, body(block)))
    report = bot.run_once()
    assert report.quarantined == 0
    assert_registered_and_told(bot, client)


def send_with_swaks(bot, options: dict[str, str]) -> None:
    """Send a mail through the SMTP sink into the watched mailbox with swaks, as an admin tries it by hand."""
    swaks = shutil.which("swaks")
    assert swaks, "swaks is needed (./run installs it)"
    argv = [swaks, "--server", f"127.0.0.1:{bot.sink.port}", "--silent", "2"]
    result = subprocess.run(
        argv + [word for pair in options.items() for word in pair], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr


def test_a_forward_sent_with_swaks_registers_the_complaint(bot) -> None:
    options = {
        "--from": STAFF,
        "--to": BOT,
        "--header": "Subject: FW: Monteur niet gekomen",
        "--add-header": f"Authentication-Results: {vouched(bot, STAFF)}",
        "--body": body(BLOCKS[0][2]),
    }
    send_with_swaks(bot, options)
    bot.run_once()
    assert_registered_and_told(bot, "outlook")


def test_a_mail_forwarded_as_an_attachment_opens_the_customers_case(bot) -> None:
    original = EmailMessage(policy=default_policy)
    original["From"] = f"Jan Jansen <{CUSTOMER}>"
    original["To"] = STAFF
    original["Subject"] = "Monteur niet gekomen"
    original["Date"] = "Mon, 02 Nov 2026 08:12:00 +0100"
    original["Message-ID"] = "<origineel-1@example.net>"
    original.set_content(WORDS)
    staff_mail = EmailMessage(policy=default_policy)
    staff_mail["From"] = f"Fatima Bakker <{STAFF}>"
    staff_mail["To"] = BOT
    staff_mail["Subject"] = "FW: Monteur niet gekomen"
    staff_mail["Message-ID"] = "<doorgestuurd-1@example.nl>"
    staff_mail.set_content(NOTE)
    staff_mail.add_attachment(original)  # message/rfc822, as "forward as attachment" sends it
    raw = f"Authentication-Results: {vouched(bot, STAFF)}\n".encode() + staff_mail.as_bytes()
    bot.deliver(raw)
    bot.run_once()
    assert_registered_and_told(bot, "attachment")


def test_the_customers_words_decide_not_the_staff_members_note(bot) -> None:
    praise = "Ik wil de monteur Ahmed bedanken. Hij was erg vriendelijk en heeft alles netjes opgelost. Top service!"
    block = BLOCKS[4][2].replace("Monteur niet gekomen", "Bedankt")
    bot.deliver(forward(bot, body(block, praise), subject="Fwd: Bedankt"))  # the note asks for "klacht"
    bot.run_once()
    case = registered_case(bot)
    assert case.category.value == "compliment"
    assert [m for m in bot.received(CUSTOMER) if "compliment" in str(m["Subject"])]


def test_an_unknown_sender_is_asked_for_and_one_line_registers_the_case(bot) -> None:
    block = BLOCKS[0][2].replace("Jan Jansen <jan.jansen@example.net>", "Jan Jansen")
    bot.deliver(forward(bot, body(block)))
    report = bot.run_once()
    assert report.quarantined == 0 and bot.store().cases() == []
    question = last(bot, STAFF, ASKED)
    assert "#klant naam@adres" in plain(question) and "Jan Jansen" in plain(question)

    # An answer without an address: asked again, nothing registered, nothing quarantined.
    bot.deliver(staff_answer(STAFF, question, outlook_reply("Het is meneer Jansen.", question), [vouched(bot, STAFF)]))
    report = bot.run_once()
    assert report.quarantined == 0 and bot.store().cases() == []
    again = [m for m in bot.received(STAFF) if ASKED in str(m["Subject"])]
    assert len(again) == 2 and "geen e-mailadres" in plain(again[-1])

    answer = outlook_reply(f"#klant {CUSTOMER}", again[-1])
    bot.deliver(staff_answer(STAFF, again[-1], answer, [vouched(bot, STAFF)]))
    report = bot.run_once()
    assert report.quarantined == 0
    assert_registered_and_told(bot, "outlook")


def test_a_forward_from_outside_the_staff_stays_an_ordinary_mail(bot) -> None:
    neighbour = "buurman@example.net"
    bot.deliver(compose_mail(neighbour, BOT, "FW: Monteur niet gekomen", body(BLOCKS[0][2])))
    bot.run_once()
    (case,) = bot.store().cases()
    assert (case.customer.email, case.channel) == (neighbour, "email")
    assert bot.received(CUSTOMER) == []


def test_a_forward_without_our_servers_word_registers_nothing(bot) -> None:
    bot.deliver(forward(bot, body(BLOCKS[0][2]), authenticated=False))
    report = bot.run_once()
    assert report.quarantined == 1 and bot.store().cases() == []
    assert bot.received(CUSTOMER) == []
    notice = plain(last(bot, bot.rules.coordinator.email, "quarantaine"))
    assert f"Een doorgestuurd bericht van {STAFF} is niet geregistreerd" in notice


def test_a_forwarded_mail_of_a_colleague_asks_whose_complaint_it_is(bot) -> None:
    block = BLOCKS[0][2].replace("Jan Jansen <jan.jansen@example.net>", "Piet de Wit <medewerker3@example.nl>")
    bot.deliver(forward(bot, body(block)))
    report = bot.run_once()
    assert report.quarantined == 0 and bot.store().cases() == []
    question = plain(last(bot, STAFF, ASKED))
    assert "eigen organisatie (medewerker3@example.nl)" in question and "#klant naam@adres" in question
    assert bot.received("medewerker3@example.nl") == []
