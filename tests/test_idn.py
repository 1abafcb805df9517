"""Internationalised addresses (RFC 6530-6533): envelope forms, header forms and lookalike domains."""

from __future__ import annotations

import pytest

from mailbot.mail.headerfields import address_field
from mailbot.mail.idn import AddressError, envelope_address, lookalike
from mailbot.mail.send import envelope
from mailbot.models import Address
from mailbot.store import QueuedMail


@pytest.mark.parametrize(
    ("address", "ascii_form", "utf8_form"),
    [
        ("jan@example.nl", "jan@example.nl", "jan@example.nl"),
        ("jan@bücher.de", "jan@xn--bcher-kva.de", "jan@bücher.de"),
        ("jan@xn--bcher-kva.de", "jan@xn--bcher-kva.de", "jan@bücher.de"),
        ("ivan@пример.рф", "ivan@xn--e1afmkfd.xn--p1ai", "ivan@пример.рф"),
        ("jöran@bücher.de", None, "jöran@bücher.de"),
        ("用户@例子.广告", None, "用户@例子.广告"),
        ("JAN@BÜCHER.DE", "JAN@xn--bcher-kva.de", "JAN@bücher.de"),
    ],
)
def test_envelope_forms(address: str, ascii_form: str | None, utf8_form: str) -> None:
    forms = envelope_address(address)
    assert (forms.ascii, forms.utf8) == (ascii_form, utf8_form)


@pytest.mark.parametrize(
    "address", ["no-at-sign", "a b@example.nl", "a@", "@example.nl", "x\r\nRCPT TO:<y@z>@example.nl", "a..b@x.nl"]
)
def test_what_no_envelope_can_carry_is_refused(address: str) -> None:
    with pytest.raises(AddressError):
        envelope_address(address)


def test_a_non_ascii_local_part_needs_smtputf8() -> None:
    forms = envelope_address("jöran@bücher.de")
    assert forms.form(smtputf8=True) == "jöran@bücher.de"
    with pytest.raises(AddressError, match="SMTPUTF8"):
        forms.form(smtputf8=False)
    assert envelope_address("jan@bücher.de").form(smtputf8=False) == "jan@xn--bcher-kva.de"


def mail(*recipients: str, raw: bytes = b"Subject: x\r\n\r\nbody\r\n") -> QueuedMail:
    return QueuedMail(1, None, "ack", "<x@example.nl>", "klacht@example.nl", recipients, raw, 0)


def test_envelope_sends_to_whom_it_can_and_names_the_rest() -> None:
    form = envelope(mail("jan@bücher.de", "jöran@bücher.de", "ok@example.net"), smtputf8_offered=False)
    assert form.recipients == ("jan@xn--bcher-kva.de", "ok@example.net")
    assert list(form.unsendable) == ["jöran@bücher.de"] and not form.smtputf8
    with_utf8 = envelope(mail("jöran@bücher.de"), smtputf8_offered=True)
    assert with_utf8.recipients == ("jöran@bücher.de",) and with_utf8.smtputf8


def test_envelope_adds_the_copy_address_once_and_refuses_when_nobody_is_left() -> None:
    assert envelope(mail("a@example.net"), False, copy_to="klacht@example.nl").recipients == (
        "a@example.net",
        "klacht@example.nl",
    )
    with pytest.raises(AddressError):
        envelope(mail("jöran@bücher.de"), smtputf8_offered=False, copy_to="klacht@example.nl")


def test_a_utf8_header_needs_smtputf8() -> None:
    raw = "To: jöran@bücher.de\r\nSubject: x\r\n\r\nbody\r\n".encode()
    with pytest.raises(AddressError, match="SMTPUTF8"):
        envelope(mail("ok@example.net", raw=raw), smtputf8_offered=False)


def test_header_forms_never_put_encoded_words_in_an_address() -> None:
    idn = address_field("To", [Address("jan@bücher.de", "Иван Петров")])
    assert idn.isascii() and "<jan@xn--bcher-kva.de>" in idn and "=?utf-8?" in idn  # the name encoded, not the address
    utf8 = address_field("To", [Address("jöran@bücher.de", "Jöran")])
    assert "<jöran@bücher.de>" in utf8  # RFC 6532: UTF-8 as it is
    assert "=?utf-8?q?j" not in utf8.lower()


@pytest.mark.parametrize(
    ("domain", "flagged"),
    [
        ("example.nl", False),
        ("bücher.de", False),  # one script, a real IDN
        ("пример.рф", False),  # all Cyrillic
        ("exаmple.nl", True),  # Cyrillic a among Latin letters
        ("xn--exmple-4nf.nl", True),  # the same, as punycode
        ("gmaіl.com", True),  # Cyrillic i
    ],
)
def test_lookalike_domains(domain: str, flagged: bool) -> None:
    reason = lookalike(domain, ("example.nl",))
    assert (reason is not None) == flagged
    if domain in ("exаmple.nl", "xn--exmple-4nf.nl"):
        assert reason is not None and "example.nl" in reason
