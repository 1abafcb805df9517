"""Tests for charset and header decoding (mailbot.mail.charsets), through parse_mail as mail arrives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mailbot.mail.parse import ParseResult, parse_mail
from mailbot.mail.quotes import strip_quoted
from mailbot.models import Address

RECEIVED = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def parse(raw: bytes, received_at: datetime = RECEIVED) -> ParseResult:
    return parse_mail(raw, received_at=received_at, strip=strip_quoted)


def crlf(text: str) -> bytes:
    """A message as it arrives over IMAP: CRLF line endings, UTF-8 where 8-bit."""
    return text.replace("\n", "\r\n").encode("utf-8")


def test_headers_are_lower_cased_decoded_single_line_first_occurrence() -> None:
    raw = crlf(
        """From: petra@example.com
Subject: =?utf-8?Q?Klacht_over_de?=
 =?utf-8?Q?_beveiliging?=
X-Mailer: Webformulier
X-Mailer: Tweede
X-Ticket: regel1\x01regel2
Date: Tue, 24 Nov 2026 10:15:00 +0100

Tekst.
"""
    )
    headers = parse(raw).mail.headers

    assert headers["subject"] == "Klacht over de beveiliging"
    assert headers["x-mailer"] == "Webformulier"
    assert headers["x-ticket"] == "regel1 regel2"
    assert headers["from"] == "petra@example.com"
    assert all(key == key.lower() for key in headers)


def test_latin1_quoted_printable_body_is_decoded_as_windows_1252() -> None:
    # Mail labelled iso-8859-1 is nearly always windows-1252: =85 is the ellipsis.
    raw = (
        b"From: Jan Bakker <jan@example.com>\r\n"
        b"To: klacht@example.nl\r\n"
        b"Subject: Klacht\r\n"
        b"Date: Tue, 24 Nov 2026 10:15:00 +0100\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"=E9=E9n klacht over de beveiliging=85 bij het caf=E9 op de hoek. Dit is een=\r\n"
        b" lange regel.\r\n"
    )
    text = parse(raw).mail.text

    assert text == "één klacht over de beveiliging… bij het café op de hoek. Dit is een lange regel.\n"


def test_iso_8859_15_euro_sign() -> None:
    raw = (
        b"From: jan@example.com\r\nContent-Type: text/plain; charset=ISO-8859-15\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\nDe factuur was \xa4 49,95 te hoog.\r\n"
    )
    assert parse(raw).mail.text == "De factuur was € 49,95 te hoog.\n"


def test_undeclared_8bit_body_falls_back_from_utf8_to_windows_1252() -> None:
    raw = b"From: jan@example.com\r\n\r\nCaf\xe9 \x80 5\r\n"
    assert parse(raw).mail.text == "Café € 5\n"


@pytest.mark.parametrize(
    ("header", "subject"),
    [
        ("=?iso-8859-1?Q?Klacht_over_caf=E9_De_Hoek?=", "Klacht over café De Hoek"),
        ("=?utf-8?B?w6nDqW4ga2xhY2h0?=", "één klacht"),
        ("Re: =?ISO-8859-1?Q?=E9=E9n?= =?utf-8?B?IGtsYWNodA==?= (2)", "Re: één klacht (2)"),
        ("=?utf-8?q?Klacht?=\r\n =?utf-8?q?_ingediend?=", "Klacht ingediend"),
        ("=?utf-8*nl?Q?Klacht?=", "Klacht"),
        ("=?utf-8?B?bm90IGJhc2U2NA?=", "not base64"),  # padding missing
        ("Klacht =?x-unknown?Q?caf=E9?=", "Klacht caf\ufffd"),
        ("Klacht\r\n\tover\x0bde =?utf-8?Q?monteur=0D=0Aen_meer?=", "Klacht over de monteur en meer"),
    ],
)
def test_rfc2047_subject(header: str, subject: str) -> None:
    raw = f"From: jan@example.com\r\nSubject: {header}\r\n\r\nTekst\r\n".encode()
    assert parse(raw).mail.subject == subject


def test_raw_utf8_headers_are_decoded() -> None:
    raw = "From: José Müller <jose@example.com>\r\nSubject: Klacht één\r\n\r\nx\r\n".encode()
    mail = parse(raw).mail

    assert mail.subject == "Klacht één"
    assert mail.sender == Address("jose@example.com", "José Müller")


def test_raw_latin1_display_name_is_recovered() -> None:
    raw = b"From: Caf\xe9 De Hoek <info@cafedehoek.nl>\r\nSubject: x\r\n\r\nx\r\n"
    assert parse(raw).mail.sender == Address("info@cafedehoek.nl", "Caf\u00e9 De Hoek")


def test_unknown_charset_does_not_crash() -> None:
    raw = (
        b"From: jan@example.com\r\nSubject: =?x-unknown?Q?caf=E9?=\r\n"
        b"Content-Type: text/plain; charset=x-unknown\r\n\r\nKlacht over caf\xe9 \xc3\xa9\r\n"
    )
    mail = parse(raw).mail

    assert mail.text == "Klacht over caf\ufffd é\n"
    assert "unknown charset 'x-unknown'" in mail.defects


@pytest.mark.parametrize("charset", ["hex", "rot13", "punycode", "undefined", '"utf-8"'])
def test_odd_charset_names_never_crash(charset: str) -> None:
    raw = f"From: jan@example.com\r\nContent-Type: text/plain; charset={charset}\r\n\r\nKlacht\r\n"
    assert parse(raw.encode()).mail.text == "Klacht\n"


def test_line_endings_normalised_and_nul_removed() -> None:
    raw = b"From: jan@example.com\r\n\r\nregel 1\r\nregel\x00 2\rregel 3\r\n"
    assert parse(raw).mail.text == "regel 1\nregel 2\nregel 3\n"
