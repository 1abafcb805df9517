"""Forward blocks of the mail clients staff use, Dutch and English (mail/forwarded.py; issue 13)."""

from __future__ import annotations

import pytest

from mailbot.mail.forwarded import address_in, find_forward
from mailbot.models import Address

NOTE = "Hoi,\n\nKunnen jullie dit als klacht registreren?\n\nGroet, Fatima"
WORDS = "De monteur is niet gekomen en niemand heeft gebeld. Ik ben hier erg ontevreden over."
CUSTOMER = Address("jan.jansen@example.net", "Jan Jansen")

# (client, language, the block as that client writes it in a plain-text forward)
BLOCKS = [
    (
        "outlook",
        "nl",
        "-----Oorspronkelijk bericht-----\nVan: Jan Jansen <jan.jansen@example.net>\n"
        "Verzonden: maandag 2 november 2026 08:12\nAan: Fatima Bakker <medewerker1@example.nl>\n"
        "Onderwerp: Monteur niet gekomen\n\n",
    ),
    (
        "outlook",
        "en",
        "-----Original Message-----\nFrom: Jan Jansen [mailto:jan.jansen@example.net]\n"
        "Sent: Monday, November 2, 2026 8:12 AM\nTo: Fatima Bakker\nSubject: Monteur niet gekomen\n"
        "Importance: High\n\n",
    ),
    (
        "outlook",
        "nl",  # Outlook 365: a rule, and the HTML part's bold field names with the mailto link
        "________________________________\n*Van:* Jan Jansen <jan.jansen@example.net<mailto:jan.jansen@example.net>>\n"
        "*Verzonden:* maandag 2 november 2026 08:12\n*Aan:* medewerker1@example.nl\n"
        "*Onderwerp:* Monteur niet gekomen\n\n",
    ),
    (
        "outlook",
        "en",  # Outlook 365 without any line above the fields
        "From: Jan Jansen <jan.jansen@example.net>\nSent: Monday, 2 November 2026 08:12\n"
        "To: medewerker1@example.nl\nSubject: Monteur niet gekomen\n\n",
    ),
    (
        "gmail",
        "en",
        "---------- Forwarded message ---------\nFrom: Jan Jansen <jan.jansen@example.net>\n"
        "Date: Mon, 2 Nov 2026 at 08:12\nSubject: Monteur niet gekomen\nTo: <medewerker1@example.nl>\n\n\n",
    ),
    (
        "gmail",
        "nl",
        "---------- Doorgestuurd bericht ---------\nVan: Jan Jansen <jan.jansen@example.net>\n"
        "Date: ma 2 nov 2026 om 08:12\nSubject: Monteur niet gekomen\nTo: <medewerker1@example.nl>\n\n\n",
    ),
    (
        "apple-mail",
        "en",
        "Begin forwarded message:\n\n> From: Jan Jansen <jan.jansen@example.net>\n> Subject: Monteur niet gekomen\n"
        "> Date: 2 November 2026 at 08:12:00 CET\n> To: medewerker1@example.nl\n> \n",
    ),
    (
        "apple-mail",
        "nl",
        "Begin doorgestuurd bericht:\n\nVan: Jan Jansen <jan.jansen@example.net>\nOnderwerp: Monteur niet gekomen\n"
        "Datum: 2 november 2026 om 08:12:00 CET\nAan: medewerker1@example.nl\n\n",
    ),
    (
        "thunderbird",
        "en",
        "-------- Forwarded Message --------\nSubject: \tMonteur niet gekomen\nDate: \tMon, 2 Nov 2026 08:12:00 +0100\n"
        "From: \tJan Jansen <jan.jansen@example.net>\nTo: \tmedewerker1@example.nl\n\n\n",
    ),
    (
        "thunderbird",
        "nl",
        "-------- Doorgestuurd bericht --------\nOnderwerp: \tMonteur niet gekomen\n"
        "Datum: \tMon, 2 Nov 2026 08:12:00 +0100\nVan: \tJan Jansen <jan.jansen@example.net>\n"
        "Aan: \tmedewerker1@example.nl\n\n\n",
    ),
]


def body(block: str, words: str = WORDS) -> str:
    """A staff member's forward: her note, the client's block, the customer's words (quoted as the block is)."""
    quote = "> " if "\n> From:" in block else ""
    return f"{NOTE}\n\n{block}" + "\n".join(quote + line for line in words.split("\n")) + "\n"


@pytest.mark.parametrize(("client", "language", "block"), BLOCKS, ids=[f"{c}-{lang}" for c, lang, _ in BLOCKS])
def test_each_clients_forward_names_the_customer_and_keeps_their_words_apart(
    client: str, language: str, block: str
) -> None:
    found = find_forward(body(block))
    assert found is not None
    assert found.client == client
    assert found.sender == CUSTOMER
    assert found.subject == "Monteur niet gekomen"
    assert found.text == WORDS
    assert found.note == NOTE
    assert found.date.strip()


def test_older_history_below_the_customers_words_is_left_out() -> None:
    words = f"{WORDS}\n\nOp ma 26 okt 2026 om 10:15 schreef Klantenservice <info@example.nl>:\n> Wij komen dinsdag."
    found = find_forward(body(BLOCKS[0][2], words))
    assert found is not None and found.text == WORDS


def test_a_block_that_names_only_a_contact_has_no_sender() -> None:
    block = BLOCKS[0][2].replace("Jan Jansen <jan.jansen@example.net>", "Jan Jansen")
    found = find_forward(body(block))
    assert found is not None
    assert found.sender is None and found.sender_text == "Jan Jansen"
    assert found.text == WORDS


def test_the_recipients_of_the_original_are_read() -> None:
    block = BLOCKS[0][2].replace(
        "Aan: Fatima Bakker <medewerker1@example.nl>", "Aan: Fatima Bakker <medewerker1@example.nl>; klacht@example.nl"
    )
    found = find_forward(body(block))
    assert found is not None
    assert [a.email for a in found.to] == ["medewerker1@example.nl", "klacht@example.nl"]


@pytest.mark.parametrize(
    "text",
    [
        "Hoi,\n\nKunnen jullie dit oppakken?\n\nGroet, Fatima",
        "Groet,\n\nFatima\n________________________________\nVeilig & Zeker Beveiliging B.V.\nTel. 010 123 45 67",
        "Van: de afdeling planning hoorde ik dat de monteur te laat was.\nGroet, Fatima",
    ],
    ids=["no-block", "signature-rule", "sentence-starting-with-van"],
)
def test_mail_without_a_forward_block_has_none(text: str) -> None:
    assert find_forward(text) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Jan Jansen <Jan.Jansen@Example.net>", Address("jan.jansen@example.net", "Jan Jansen")),
        ('"Jansen, Jan" <jan@example.net>', Address("jan@example.net", "Jansen, Jan")),
        ("Jan Jansen [mailto:jan@example.net]", Address("jan@example.net", "Jan Jansen")),
        ("jan@example.net", Address("jan@example.net", "")),
        ("Jan Jansen", None),
    ],
)
def test_address_in_reads_each_clients_way_of_writing_a_sender(value: str, expected: Address | None) -> None:
    assert address_in(value) == expected


OUTLOOK_HTML = (
    "<html><body><p>Hoi,</p><p>Kunnen jullie dit als klacht registreren?</p>"
    '<div style="border:none;border-top:solid #E1E1E1 1.0pt"><p class="MsoNormal"><b>Van:</b> Jan Jansen '
    "&lt;jan.jansen@example.net&gt;<br><b>Verzonden:</b> maandag 2 november 2026 08:12<br><b>Aan:</b> "
    "Fatima Bakker &lt;medewerker1@example.nl&gt;<br><b>Onderwerp:</b> Monteur niet gekomen</p></div>"
    "<p>De monteur is niet gekomen en niemand heeft gebeld. Ik ben hier erg ontevreden over.</p></body></html>"
)
GMAIL_HTML = (
    '<div dir="ltr">Kunnen jullie dit als klacht registreren?<br><br><div class="gmail_quote">'
    '<div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>From: <strong '
    'class="gmail_sendername">Jan Jansen</strong> <span>&lt;<a href="mailto:jan.jansen@example.net">'
    "jan.jansen@example.net</a>&gt;</span><br>Date: Mon, 2 Nov 2026 at 08:12<br>Subject: Monteur niet gekomen"
    '<br>To: &lt;<a href="mailto:medewerker1@example.nl">medewerker1@example.nl</a>&gt;<br></div><br><br>'
    '<div dir="ltr">De monteur is niet gekomen en niemand heeft gebeld. Ik ben hier erg ontevreden over.</div>'
    "</div></div>"
)


@pytest.mark.parametrize(("client", "html"), [("outlook", OUTLOOK_HTML), ("gmail", GMAIL_HTML)])
def test_a_forward_sent_as_html_only_is_read_from_its_text(client: str, html: str) -> None:
    from datetime import UTC, datetime
    from email.message import EmailMessage

    from mailbot.mail.parse import parse_mail
    from mailbot.mail.quotes import strip_quoted

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "medewerker1@example.nl", "klacht@example.nl", "FW: x"
    message.set_content(html, subtype="html")
    mail = parse_mail(message.as_bytes(), received_at=datetime.now(UTC), strip=strip_quoted, assume_tz="UTC").mail
    found = find_forward(mail.text)
    assert found is not None and found.client == client
    assert (found.sender, found.subject, found.text) == (CUSTOMER, "Monteur niet gekomen", WORDS)
