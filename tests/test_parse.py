"""Tests for decoding raw messages into ParsedMail (mailbot.mail.parse)."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from mailbot.mail.parse import ParseError, ParseResult, parse_mail
from mailbot.mail.parts import safe_filename
from mailbot.mail.quotes import strip_quoted
from mailbot.mail.references import message_ids, normalise_message_id
from mailbot.models import Address

RECEIVED = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def parse(raw: bytes, received_at: datetime = RECEIVED) -> ParseResult:
    return parse_mail(raw, received_at=received_at, strip=strip_quoted)


def crlf(text: str) -> bytes:
    """A message as it arrives over IMAP: CRLF line endings, UTF-8 where 8-bit."""
    return text.replace("\n", "\r\n").encode("utf-8")


PLAIN = crlf(
    """Return-Path: <petra.devries@example.com>
Received: from mail.example.com (mail.example.com [192.0.2.10])
\tby mx.example.nl with ESMTPS; Tue, 24 Nov 2026 10:15:03 +0100
From: Petra de Vries <Petra.DeVries@Example.com>
To: Klachten Veilig & Zeker <klacht@example.nl>
Cc: "Jansen, Kees" <kees.jansen@example.com>
Reply-To: petra@example.com
Subject: Klacht over de monteur
Date: Tue, 24 Nov 2026 10:15:00 +0100
Message-ID: <CAF=klacht-1@mail.example.com>
In-Reply-To: <antwoord-9@example.nl>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Geachte heer/mevrouw,

De monteur is op 18 november niet langs geweest. Ik heb de hele ochtend
thuis gewacht. Graag een reactie binnen één week.

Met vriendelijke groet,
Petra de Vries

Op di 17 nov 2026 om 09:00 schreef Team Klantcontact <klacht@example.nl>:
> Uw afspraak staat op 18 november tussen 8.00 en 12.00 uur.
"""
)


def test_plain_utf8_mail_fills_every_field() -> None:
    result = parse(PLAIN)
    mail = result.mail

    assert mail.message_id == "<CAF=klacht-1@mail.example.com>"
    assert mail.key == mail.message_id
    assert mail.in_reply_to == ("<antwoord-9@example.nl>",)
    assert mail.references == ()
    assert mail.subject == "Klacht over de monteur"
    assert mail.sender == Address("petra.devries@example.com", "Petra de Vries")
    assert mail.to == (Address("klacht@example.nl", "Klachten Veilig & Zeker"),)
    assert mail.cc == (Address("kees.jansen@example.com", "Jansen, Kees"),)
    assert mail.reply_to == (Address("petra@example.com"),)
    assert mail.date == datetime(2026, 11, 24, 9, 15, tzinfo=UTC)
    assert mail.text.startswith("Geachte heer/mevrouw,\n\nDe monteur")
    assert "binnen één week." in mail.text
    assert "\r" not in mail.text
    assert mail.stripped.endswith("Petra de Vries")
    assert "Uw afspraak" not in mail.stripped
    assert mail.attachments == ()
    assert mail.size == len(PLAIN)
    assert mail.raw_sha256 == hashlib.sha256(PLAIN).hexdigest()
    assert result.blobs == {mail.raw_sha256: PLAIN}
    assert mail.defects == ()


def test_base64_body() -> None:
    body = "Geachte heer/mevrouw,\r\n\r\nDe camera bij de ingang werkt al twee weken niet.\r\n"
    raw = (
        b"From: Anouk <anouk@example.com>\r\nTo: klacht@example.nl\r\nSubject: Camera\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(body.encode("utf-8")).replace(b"\n", b"\r\n")
    )
    assert parse(raw).mail.text == body.replace("\r\n", "\n")


def test_ids_are_read_undecoded() -> None:
    raw = b"From: jan@example.com\r\nMessage-ID: <=?utf-8?q?a?=@example.com>\r\n\r\nx\r\n"
    assert parse(raw).mail.message_id == "<=?utf-8?q?a?=@example.com>"


HTML_ONLY = crlf(
    """From: Petra de Vries <petra@example.com>
To: klacht@example.nl
Subject: Re: Uw klacht KL-2026-0042
Date: Wed, 25 Nov 2026 08:02:11 +0000
Message-ID: <html-1@example.com>
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<html><head><title>Re</title><style>p {color: red}</style>
<script>alert("x")</script></head><body>
<div dir=3D"ltr"><p>Ik ben het niet eens met uw antwoord&nbsp;&amp; wil een
formele klacht indienen.</p><p>Groet,<br>Petra</p></div>
<div class=3D"gmail_quote"><div class=3D"gmail_attr">Op di 24 nov 2026 om 16:40 schreef =
Team Klantcontact &lt;klacht@example.nl&gt;:<br></div>
<blockquote class=3D"gmail_quote"><p>Geachte mevrouw De Vries,</p>
<p>Wij hebben uw klacht ongegrond verklaard.</p></blockquote></div>
</body></html>
"""
)


def test_html_only_body_becomes_plain_text_and_the_quote_is_stripped() -> None:
    mail = parse(HTML_ONLY).mail

    assert mail.text == (
        "Ik ben het niet eens met uw antwoord & wil een formele klacht indienen.\n"
        "\n"
        "Groet,\n"
        "Petra\n"
        "\n"
        "Op di 24 nov 2026 om 16:40 schreef Team Klantcontact <klacht@example.nl>:\n"
        "> Geachte mevrouw De Vries,\n"
        ">\n"
        "> Wij hebben uw klacht ongegrond verklaard."
    )
    assert mail.stripped == ("Ik ben het niet eens met uw antwoord & wil een formele klacht indienen.\n\nGroet,\nPetra")
    assert "alert" not in mail.text and "color" not in mail.text


def test_text_plain_wins_over_html_alternative() -> None:
    raw = crlf(
        """From: jan@example.com
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8

Platte tekst.
--alt
Content-Type: text/html; charset=utf-8

<p>HTML tekst.</p>
--alt--
"""
    )
    mail = parse(raw).mail
    assert mail.text == "Platte tekst."
    assert mail.attachments == ()


def test_empty_plain_part_falls_back_to_html() -> None:
    raw = crlf(
        """From: jan@example.com
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8


--alt
Content-Type: text/html; charset=utf-8

<p>Alleen in HTML.</p>
--alt--
"""
    )
    assert parse(raw).mail.text == "Alleen in HTML."


ATTACHED = crlf(
    """From: Petra de Vries <petra@example.com>
To: klacht@example.nl
Subject: Foto's van de schade
Date: Tue, 24 Nov 2026 10:15:00 +0100
Message-ID: <bijlage-1@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="grens"

--grens
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: text/html; charset=utf-8

<p>Zie de foto:</p><img src=3D"cid:foto1@example.com">
--rel
Content-Type: image/png
Content-ID: <foto1@example.com>
Content-Disposition: inline
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--rel--
--grens
Content-Type: application/pdf; name="../../x"
Content-Disposition: attachment; filename="../../x"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcOkw7zDtsOfCg==
--grens
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="C:\\\\Temp\\\\..\\\\factuur\u202efdp.exe"
Content-Transfer-Encoding: base64

TVqQAA==
--grens
Content-Type: text/plain; charset=utf-8
Content-Disposition: attachment; filename*=utf-8''klacht%20%C3%A9%C3%A9n.txt

Bijlage als tekst.
--grens--
"""
)


def test_attachments_are_hashed_with_payload_in_blobs_and_names_sanitised() -> None:
    result = parse(ATTACHED)
    mail = result.mail
    payloads = {
        "bijlage-1.png": b"\x89PNG\r\n\x1a\n",
        "x": b"%PDF-1.4\n%\xc3\xa4\xc3\xbc\xc3\xb6\xc3\x9f\n",
        "factuurfdp.exe": b"MZ\x90\x00",
        "klacht één.txt": b"Bijlage als tekst.",  # the last CRLF belongs to the boundary
    }

    assert [a.filename for a in mail.attachments] == list(payloads)
    assert [a.content_type for a in mail.attachments] == [
        "image/png",
        "application/pdf",
        "application/octet-stream",
        "text/plain",
    ]
    for attachment in mail.attachments:
        payload = payloads[attachment.filename]
        assert attachment.sha256 == hashlib.sha256(payload).hexdigest()
        assert attachment.size == len(payload)
        assert result.blobs[attachment.sha256] == payload
    assert result.blobs[mail.raw_sha256] == ATTACHED
    assert len(result.blobs) == 5
    # The HTML body is text, not an attachment; the text attachment is not body.
    assert mail.text == "Zie de foto:"


def test_forwarded_message_is_one_attachment_and_not_body() -> None:
    raw = crlf(
        """From: kees@example.nl
Subject: Fwd: klacht
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

Zie doorgestuurde klacht.
--b
Content-Type: message/rfc822

From: petra@example.com
Subject: klacht

Binnenste tekst.
--b--
"""
    )
    result = parse(raw)
    (attachment,) = result.mail.attachments

    assert result.mail.text == "Zie doorgestuurde klacht."
    assert attachment.content_type == "message/rfc822"
    assert attachment.filename == "bijlage-1.eml"
    assert b"Binnenste tekst." in result.blobs[attachment.sha256]


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../x", "x"),
        ("..\\..\\windows\\system32\\evil.dll", "evil.dll"),
        ("..", ""),
        ("/etc/passwd", "passwd"),
        ("rapport\x00.pdf", "rapport.pdf"),
        ("  .verborgen  ", "verborgen"),
        ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
    ],
)
def test_safe_filename(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


NO_ID = b"From: jan@example.com\r\nSubject: Klacht\r\n\r\nGeen Message-ID.\r\n"


def test_missing_message_id_gives_a_deterministic_key() -> None:
    first = parse(NO_ID).mail
    again = parse(NO_ID).mail
    other = parse(NO_ID.replace(b"Geen", b"Echt geen")).mail
    digest = hashlib.sha256(NO_ID).hexdigest()

    assert first.message_id == ""
    assert first.key == f"<sha256-{digest[:32]}@mailbot.invalid>"
    assert again.key == first.key
    assert other.key != first.key
    assert any("Message-ID" in d for d in first.defects)


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("<CAF=Abc.123@Mail.Example.COM>", "<CAF=Abc.123@Mail.Example.COM>"),
        ("  <abc@example.com>  ", "<abc@example.com>"),
        ("abc@example.com", "<abc@example.com>"),
        ("<abc@exa\r\n mple.com>", "<abc@example.com>"),
        ("<abc@example.com> (opmerking)", "<abc@example.com>"),
        ("", ""),
        ("<>", ""),
        ("<a<b>", "<b>"),
    ],
)
def test_normalise_message_id(value: str, normalised: str) -> None:
    assert normalise_message_id(value) == normalised


def test_in_reply_to_and_references_are_parsed_robustly() -> None:
    raw = crlf(
        """From: jan@example.com
In-Reply-To: <antwoord-2@example.nl> (Team Klantcontact's message of Mon)
References: <klacht-1@example.com>
 <antwoord-1@example.nl>,<klacht-2@example.com>
\tjunk <met spatie@example.com> <> <klacht-1@example.com>
\t<antwoord-2@example.nl>
Message-ID: <klacht-3@example.com>

Tekst.
"""
    )
    mail = parse(raw).mail

    assert mail.in_reply_to == ("<antwoord-2@example.nl>",)
    assert mail.references == (
        "<klacht-1@example.com>",
        "<antwoord-1@example.nl>",
        "<klacht-2@example.com>",
        "<antwoord-2@example.nl>",
    )
    assert mail.thread_ids[0] == "<antwoord-2@example.nl>"


def test_message_ids_keeps_the_newest_of_a_runaway_references_header() -> None:
    ids = message_ids(" ".join(f"<r{n}@example.com>" for n in range(500)))
    assert len(ids) == 100
    assert ids[-1] == "<r499@example.com>"


def test_broken_date_falls_back_to_dateparser() -> None:
    raw = b"From: jan@example.com\r\nDate: Maandag, 24 nov 2026 10:15\r\n\r\nx\r\n"
    mail = parse(raw, received_at=datetime(2026, 11, 25, 8, 0, tzinfo=UTC)).mail

    assert mail.date.date().isoformat() == "2026-11-24"
    # No zone given: read as Dutch local time (CET in November).
    assert mail.date == datetime(2026, 11, 24, 9, 15, tzinfo=UTC)
    assert "Date read leniently (dateparser)" in mail.defects


def test_unreadable_date_falls_back_to_received_at() -> None:
    raw = b"From: jan@example.com\r\nDate: gisteren\r\n\r\nx\r\n"
    mail = parse(raw).mail

    assert mail.date == RECEIVED
    assert "Date unreadable; used receipt time" in mail.defects


def test_missing_date_falls_back_to_received_at_in_utc() -> None:
    amsterdam = timezone(timedelta(hours=1))
    received = datetime(2026, 11, 24, 10, 30, tzinfo=amsterdam)
    mail = parse(NO_ID, received_at=received).mail

    assert mail.date == received
    assert mail.date.utcoffset() == timedelta(0)
    assert "Date missing; used receipt time" in mail.defects


def test_naive_received_at_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse(NO_ID, received_at=datetime(2026, 11, 24, 10, 30))


def test_half_understood_address_makes_no_party_cve_2023_27043() -> None:
    raw = crlf(
        """From: alice@example.org)<bob@example.org>
To: klacht@example.nl, alice@example.org)<bob@example.org>, afdeling, "Kees" <kees@example.nl>
Cc: undisclosed-recipients:;
Subject: test

x
"""
    )
    mail = parse(raw).mail

    assert mail.sender is None
    assert [a.email for a in mail.to] == ["klacht@example.nl", "kees@example.nl"]
    assert mail.cc == ()
    everyone = [a.email for a in (*mail.to, *mail.cc, *mail.reply_to)]
    assert "bob@example.org" not in everyone
    assert any("alice@example.org)<bob@example.org>" in d for d in mail.defects)
    assert any(d.startswith("to:") and "afdeling" in d for d in mail.defects)
    assert "no usable From address" in mail.defects


def test_missing_from_gives_no_sender_and_a_defect() -> None:
    mail = parse(b"To: klacht@example.nl\r\nSubject: anoniem\r\n\r\nx\r\n").mail

    assert mail.sender is None
    assert "From missing" in mail.defects


def test_addresses_are_lower_cased_and_deduplicated_with_encoded_names() -> None:
    raw = crlf(
        """From: =?utf-8?Q?Jos=C3=A9_M=C3=BCller?= <JOSE@Example.COM>
To: KLACHT@example.nl, Klachten <klacht@EXAMPLE.nl>

x
"""
    )
    mail = parse(raw).mail

    assert mail.sender == Address("jose@example.com", "José Müller")
    assert mail.to == (Address("klacht@example.nl"),)


def test_missing_multipart_boundary_is_read_as_text() -> None:
    raw = crlf(
        """From: jan@example.com
Content-Type: multipart/mixed; boundary="weg"

Tekst zonder grens.
"""
    )
    mail = parse(raw).mail

    assert mail.text == "Tekst zonder grens.\n"
    assert mail.defects  # mail-parser's MIME defect is passed on


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty input"),
        (b" \r\n\r\n\t", "empty input"),
        (b"Dit is geen mail, alleen tekst.\n", "no mail headers"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "no mail headers"),
    ],
)
def test_not_a_mail_raises_parse_error(raw: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse(raw)


def test_mail_parser_failure_becomes_parse_error() -> None:
    nested = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n" * 5000
    with pytest.raises(ParseError, match="mail-parser failed"):
        parse(b"From: jan@example.com\r\n" + nested)


def test_the_strip_function_is_the_one_passed_in() -> None:
    result = parse_mail(PLAIN, received_at=RECEIVED, strip=lambda t: t.split("\n>")[0][:7])
    assert result.mail.stripped == "Geachte"
