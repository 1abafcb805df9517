"""Tests for finding the case a message belongs to (mailbot.intake.thread)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from mailbot.intake.thread import ThreadMatch, find_thread, ids_in_raw, tag_in_subject
from mailbot.models import Address, Case, Category, Level, ParsedMail, SubjectType

PREFIX = "KL"
STAFF = frozenset({"medewerker1@example.nl", "coordinator@example.nl", "klacht@example.nl"})
CUSTOMER = "petra.devries@example.com"

OUR_ACK = "<KL-2026-0001.5f2c9a1b7d3e4f60@example.nl>"
CUSTOMER_FIRST = "<CAF=eerste-bericht@mail.example.com>"
OTHER_CASE_MAIL = "<KL-2026-0009.0123456789abcdef@example.nl>"
# Message-ID -> case id, as the store knows them (incoming and outgoing).
KNOWN_IDS = {OUR_ACK: 1, CUSTOMER_FIRST: 1, OTHER_CASE_MAIL: 9}


def _case(case_id: int, ref: str, customer: str) -> Case:
    received = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    return Case(
        id=case_id,
        ref=ref,
        category=Category.COMPLAINT,
        level=Level.FIRST_LINE,
        urgent=False,
        subject_type=SubjectType.SERVICE,
        status="open",
        customer=Address(customer, "Petra de Vries"),
        subject="Monteur niet gekomen",
        owner_team="klantenservice",
        owner_email=None,
        received_at=received,
        ack_due=None,
        ack_sent_at=None,
        solution_due=None,
        answered=False,
    )


CASES = {
    "KL-2026-0001": _case(1, "KL-2026-0001", CUSTOMER),
    "KL-2026-0009": _case(9, "KL-2026-0009", "ander@example.com"),
}


class Lookups:
    """Plain-dict stand-ins for the store, recording what they were asked."""

    def __init__(self) -> None:
        self.asked_ids: list[tuple[str, ...]] = []
        self.asked_refs: list[str] = []

    def case_for_ids(self, ids: Sequence[str]) -> int | None:
        self.asked_ids.append(tuple(ids))
        return next((KNOWN_IDS[i] for i in ids if i in KNOWN_IDS), None)

    def case_by_ref(self, ref: str) -> Case | None:
        self.asked_refs.append(ref)
        return CASES.get(ref)


def mail(
    subject: str = "Monteur niet gekomen",
    sender: str | None = CUSTOMER,
    in_reply_to: tuple[str, ...] = (),
    references: tuple[str, ...] = (),
) -> ParsedMail:
    return ParsedMail(
        key="<nieuw@mail.example.com>",
        message_id="<nieuw@mail.example.com>",
        in_reply_to=in_reply_to,
        references=references,
        subject=subject,
        sender=Address(sender) if sender else None,
        to=(Address("klacht@example.nl"),),
        cc=(),
        reply_to=(),
        date=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
        text="Nog steeds niets gehoord.",
        stripped="Nog steeds niets gehoord.",
        headers={},
        attachments=(),
        raw_sha256="0" * 64,
        size=200,
    )


def thread(
    m: ParsedMail, lookups: Lookups | None = None, extra_ids: Sequence[str] = (), allow_tag: bool = True
) -> ThreadMatch:
    lookups = lookups or Lookups()
    return find_thread(m, PREFIX, lookups.case_for_ids, lookups.case_by_ref, STAFF, extra_ids, allow_tag)


# --- by Message-ID ------------------------------------------------------------------------------


def test_reference_to_a_known_id_joins_its_case() -> None:
    m = mail("Re: Monteur", references=("<iets@elders.example.com>", OUR_ACK))
    assert thread(m) == ThreadMatch(1, "references")


def test_in_reply_to_comes_before_references() -> None:
    lookups = Lookups()
    m = mail("Re: Monteur", in_reply_to=(OUR_ACK,), references=(OTHER_CASE_MAIL, CUSTOMER_FIRST))

    assert thread(m, lookups) == ThreadMatch(1, "references")
    # In-Reply-To first, then References newest first: the most specific id decides.
    assert lookups.asked_ids == [(OUR_ACK, CUSTOMER_FIRST, OTHER_CASE_MAIL)]


def test_newest_reference_comes_first_without_in_reply_to() -> None:
    lookups = Lookups()
    m = mail("Re: Monteur", references=(OTHER_CASE_MAIL, CUSTOMER_FIRST))
    assert thread(m, lookups) == ThreadMatch(1, "references")
    assert lookups.asked_ids == [(CUSTOMER_FIRST, OTHER_CASE_MAIL)]


def test_ids_found_in_a_bounce_join_the_case() -> None:
    lookups = Lookups()
    m = mail("Onbestelbaar: [KL-2026-0009] x", sender="mailer-daemon@mx.example.com")
    result = thread(m, lookups, extra_ids=(OUR_ACK,), allow_tag=False)
    assert result == ThreadMatch(1, "references")
    assert lookups.asked_refs == []


def test_a_known_reference_beats_the_tag_in_the_subject() -> None:
    m = mail("Re: [KL-2026-0001] Monteur", in_reply_to=(OTHER_CASE_MAIL,))
    assert thread(m) == ThreadMatch(9, "references")


def test_no_ids_and_no_tag_is_a_new_case() -> None:
    lookups = Lookups()
    assert thread(mail("Monteur niet gekomen"), lookups) == ThreadMatch(None, "new")
    assert lookups.asked_ids == []


def test_unknown_references_and_no_tag_is_a_new_case() -> None:
    assert thread(mail("Re: Monteur", in_reply_to=("<onbekend@example.com>",))) == ThreadMatch(None, "new")


# --- by case tag ---------------------------------------------------------------------------------


def test_tag_and_the_customer_join() -> None:
    m = mail("Re: [KL-2026-0001] Ontvangstbevestiging van uw klacht", in_reply_to=("<onbekend@example.com>",))
    assert thread(m) == ThreadMatch(1, "tag")


def test_tag_and_staff_join() -> None:
    assert thread(mail("Fwd: [KL-2026-0001] Monteur", sender="medewerker1@example.nl")) == ThreadMatch(1, "tag")


def test_tag_and_a_stranger_make_a_new_linked_case() -> None:
    result = thread(mail("[KL-2026-0001] Mijn klacht", sender="onbekende@example.org"))
    assert result == ThreadMatch(None, "stranger", stranger_of=1)


def test_tag_without_a_sender_is_a_stranger() -> None:
    assert thread(mail("[KL-2026-0001] x", sender=None)) == ThreadMatch(None, "stranger", stranger_of=1)


def test_the_customer_of_another_case_is_a_stranger_here() -> None:
    result = thread(mail("[KL-2026-0009] Monteur", sender=CUSTOMER))
    assert result == ThreadMatch(None, "stranger", stranger_of=9)


def test_unknown_tag_is_a_new_case() -> None:
    lookups = Lookups()
    assert thread(mail("Re: [KL-2025-0777] oude klacht"), lookups) == ThreadMatch(None, "unknown-tag")
    assert lookups.asked_refs == ["KL-2025-0777"]


def test_allow_tag_false_ignores_the_tag() -> None:
    lookups = Lookups()
    result = thread(mail("Automatisch antwoord: [KL-2026-0001] x"), lookups, allow_tag=False)
    assert result == ThreadMatch(None, "new")
    assert lookups.asked_refs == []


def test_lower_case_tag_is_looked_up_upper_case() -> None:
    lookups = Lookups()
    assert thread(mail("re: [kl-2026-0001] monteur"), lookups) == ThreadMatch(1, "tag")
    assert lookups.asked_refs == ["KL-2026-0001"]


@pytest.mark.parametrize(
    ("subject", "ref"),
    [
        ("Re: [KL-2026-0001] Ontvangstbevestiging van uw klacht", "KL-2026-0001"),
        ("[KL-2026-0001]", "KL-2026-0001"),
        ("Antw: [kl-2026-0001] nog steeds niets", "KL-2026-0001"),
        ("RE: [ KL-2026-0001 ] monteur", "KL-2026-0001"),
        ("Re:[KL-2026-12345]x", "KL-2026-12345"),
        ("Re: [KL-2026-0002] Ontvangstbevestiging: [KL-2026-0001] x", "KL-2026-0002"),
        ("[AB-2026-0001] ander systeem", None),
        ("[XKL-2026-0001] bijna", None),
        ("KL-2026-0001 zonder haken", None),
        ("[KL-26-0001] kort jaartal", None),
        ("[KL-2026-001] te weinig cijfers", None),
        ("[KL 2026 0001] spaties", None),
        ("", None),
    ],
)
def test_tag_in_subject(subject: str, ref: str | None) -> None:
    assert tag_in_subject(subject, PREFIX) == ref


def test_tag_in_subject_uses_the_given_prefix() -> None:
    assert tag_in_subject("Re: [AB-2026-0001] x", "AB") == "AB-2026-0001"
    assert tag_in_subject("Re: [KL-2026-0001] x", "AB") is None


# --- ids quoted in a bounce -----------------------------------------------------------------------

BOUNCE = b"""From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>\r
To: klacht@example.nl\r
Subject: Undelivered Mail Returned to Sender\r
Message-ID: <20261124101500.ABC123@mx.example.com>\r
In-Reply-To: <niet-van-ons@mx.example.com>\r
Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r
\r
--b\r
Content-Type: text/plain\r
\r
This is the mail system at host mx.example.com. Your message could not be delivered.\r
\r
--b\r
Content-Type: text/rfc822-headers\r
\r
From: "Veilig & Zeker Beveiliging B.V." <klacht@example.nl>\r
Subject: [KL-2026-0001] Ontvangstbevestiging van uw klacht\r
Message-ID: <KL-2026-0001.5f2c9a1b7d3e4f60@example.nl>\r
In-Reply-To: <KL-2026-0001.AAAA0000BBBB1111@EXAMPLE.NL>\r
References: <CAF=eerste-bericht@mail.example.com>\r
message-id:<KL-2026-0001.5f2c9a1b7d3e4f60@example.nl>\r
Message-ID: <KL-2026-0004.eeee@example.nl.evil.example>\r
Message-ID: <KL-2026-0005.dddd@notexample.nl>\r
--b--\r
"""


def test_ids_in_raw_finds_our_ids_in_a_bounce() -> None:
    assert ids_in_raw(BOUNCE, "example.nl") == (
        "<KL-2026-0001.5f2c9a1b7d3e4f60@example.nl>",
        "<KL-2026-0001.AAAA0000BBBB1111@EXAMPLE.NL>",
    )


def test_ids_in_raw_ignores_foreign_domains() -> None:
    assert ids_in_raw(BOUNCE, "example.org") == ()
    found = ids_in_raw(BOUNCE, "mx.example.com")
    assert found == ("<20261124101500.ABC123@mx.example.com>", "<niet-van-ons@mx.example.com>")


def test_ids_in_raw_ignores_ids_that_are_only_mentioned() -> None:
    text = b"Subject: Re: klacht\r\n\r\nUw bericht <KL-2026-0001.5f2c9a1b7d3e4f60@example.nl> kwam aan.\r\n"
    assert ids_in_raw(text, "example.nl") == ()
