"""A customer without an e-mail address gets every mail as a letter to print and post (issue 12 item 8).

The letter's words, its PDF, and the whole way over real Dovecot + SMTP: a phone complaint from
someone without e-mail, the acknowledgement as a letter to staff, #verstuurd, the next letter.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from attacks import from_our_server
from test_compose import CUSTOMER_TEMPLATES, RULES, TEMPLATES, context, make_case
from test_lifecycle import plain

from mailbot.commands.values import postal_address
from mailbot.demo import compose_mail
from mailbot.mail.letter import Letter, letter_text, render_pdf
from mailbot.models import Address

BOT = "klacht@example.nl"
JANSEN = "Jan Jansen, Dorpsstraat 1, 1234 AB Dorp"


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("template", CUSTOMER_TEMPLATES)
def test_no_letter_asks_to_answer_an_e_mail(template: str) -> None:
    from mailbot.mail.compose import Composer

    composer = Composer(TEMPLATES, RULES)
    case = make_case(customer=Address("", "Jan Jansen", "Dorpsstraat 1\n1234 AB Dorp"))
    _, body = composer.render(template, context(case))
    text = letter_text(body)
    assert "deze e-mail" not in text.lower() and "op deze mail" not in text.lower()
    assert "\n\n\n" not in text and text.startswith("Geachte")


@pytest.mark.parametrize(
    ("written", "name", "postal"),
    [
        (JANSEN, "Jan Jansen", "Dorpsstraat 1\n1234 AB Dorp"),
        ("Mevrouw De Groot, Kerkweg 12a, 3511AB Utrecht", "Mevrouw De Groot", "Kerkweg 12a\n3511AB Utrecht"),
        ("P. Peeters, Grote Markt 3, 2000 Antwerpen", "P. Peeters", "Grote Markt 3\n2000 Antwerpen"),
    ],
)
def test_a_postal_address_is_read_name_first(written: str, name: str, postal: str) -> None:
    assert postal_address(written) == Address("", name, postal)


@pytest.mark.parametrize("written", ["Jan Jansen", "Jan Jansen, Dorpsstraat", "bel terug, morgen, na 3 uur"])
def test_what_is_no_postal_address_is_not_taken_for_one(written: str) -> None:
    assert postal_address(written) is None


def test_the_pdf_holds_the_address_date_and_every_word_on_as_many_pages_as_needed() -> None:
    text = "Geachte heer Jansen,\n\n" + "Wij zijn nog bezig met uw klacht over de camera (€ 100, “kapot”). " * 80
    letter = Letter("Veilig & Zeker B.V.", ("Jan Jansen", "Dorpsstraat 1", "1234 AB Dorp"), "maandag 7 december 2026",
                    "Stand van zaken", "KL-2026-0001", text)  # fmt: skip
    data = render_pdf(letter)
    assert data.startswith(b"%PDF-")
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(data)).pages) >= 2
    words = pdf_text(data)
    for part in ("Veilig & Zeker B.V.", "Jan Jansen", "Dorpsstraat 1", "1234 AB Dorp", "maandag 7 december 2026"):
        assert part in words
    assert "Klachtnummer: KL-2026-0001" in words and "€ 100, “kapot”" in words
    assert " ".join(words.split()).count("Wij zijn nog bezig") == 80


def letters(bot, staff: str) -> list:
    return [m for m in bot.received(staff) if "Brief om te versturen" in str(m["Subject"])]


def the_pdf(message) -> bytes:
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    return part.get_content()


@pytest.mark.integration
def test_a_customer_without_e_mail_gets_letters_that_staff_post(bot) -> None:
    note = f"Hoi,\n\n#telefonisch {JANSEN}\n\nBelde boos.\nklacht: De camera bij de voordeur werkt niet.\n\nAnna"
    bot.deliver(from_our_server(bot.rules, compose_mail("medewerker1@example.nl", BOT, "Telefoon", note)))
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    assert case.customer == Address("", "Jan Jansen", "Dorpsstraat 1\n1234 AB Dorp")
    assert all(all("@" in r for r in m.rcpt_tos) for m in bot.sink.messages)  # nothing to an empty address
    # The acknowledgement goes to the coordinator and the owner, as a PDF letter to post.
    (to_post,) = letters(bot, "coordinator@example.nl")
    body = plain(to_post)
    assert "Jan Jansen heeft geen e-mailadres" in body and "Dorpsstraat 1\r\n1234 AB Dorp" in body
    assert "#verstuurd" in body and "ontvangstbevestiging" in body
    page = pdf_text(the_pdf(to_post))
    assert "Jan Jansen" in page and "1234 AB Dorp" in page and case.ref in page
    assert "U belde ons op maandag 2 november 2026 over een klacht" in page
    assert "De camera bij de voordeur werkt niet." in page and "boos" not in page
    assert "deze e-mail" not in page
    assert store.case(case.id).ack_sent_at is None  # not yet in the post

    # Posted: the acknowledgement counts from now; a second #verstuurd has nothing to post.
    answer = compose_mail(
        "medewerker1@example.nl", BOT, f"RE: {to_post['Subject']}", "#verstuurd", in_reply_to=to_post["Message-ID"]
    )
    bot.deliver(from_our_server(bot.rules, answer))
    bot.run_once()
    assert store.case(case.id).ack_sent_at == bot.clock.now()
    assert [e.kind for e in store.events(case.id)].count("letter-posted") == 1
    again = compose_mail(
        "medewerker1@example.nl", BOT, f"RE: {to_post['Subject']}", "#verstuurd", in_reply_to=to_post["Message-ID"]
    )
    bot.deliver(from_our_server(bot.rules, again))
    bot.run_once()
    refusal = bot.received("medewerker1@example.nl")[-1]
    assert "wacht geen brief" in plain(refusal)
    assert [e.kind for e in store.events(case.id)].count("letter-posted") == 1

    # The solution is a letter too; the acknowledgement's deadline was met by the posting.
    solved = compose_mail(
        "medewerker1@example.nl",
        BOT,
        f"RE: {to_post['Subject']}",
        "#opgelost De camera is vervangen.",
        in_reply_to=to_post["Message-ID"],
    )
    bot.deliver(from_our_server(bot.rules, solved))
    bot.run_once()
    second = letters(bot, "coordinator@example.nl")[-1]
    assert "De camera is vervangen." in pdf_text(the_pdf(second))
    from mailbot.reports.kpi import load_report
    from mailbot.reports.model import Period, names_from

    period = Period.parse("2026-01-01", "2026-12-31", bot.rules.calendar.timezone)
    report = load_report(store, period, names_from(bot.rules), datetime.now(UTC))
    assert report.acknowledged.met == 1 and report.per_channel == {"email": 0, "telefonisch": 1}
    assert second.get_content_type() == "multipart/mixed"  # the text and HTML, and the PDF beside them
    assert [p.get_content_type() for p in second.iter_parts()] == ["multipart/alternative", "application/pdf"]
