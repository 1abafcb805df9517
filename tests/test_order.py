"""Every customer hears things in order (issue 13): over real Dovecot and SMTP, with a frozen clock.

A held acknowledgement goes before a later mail of its case, an urgent case's acknowledgement is
never held by the one-reply-per-window rule, and a held mail's Date is the moment it went.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from test_lifecycle import FIRST_LINE, command, last

from mailbot.demo import compose_mail
from mailbot.mail.dateheader import with_date

STAFF = "medewerker1@example.nl"
CUSTOMER = "volgorde@example.net"


def test_with_date_replaces_only_the_date_header() -> None:
    raw = b"From: a@example.nl\r\nDate: Mon, 02 Nov 2026 08:00:00 +0000\r\nSubject: x\r\n\r\nDate: in the body\r\n"
    dated = with_date(raw, datetime(2026, 11, 2, 9, 15, tzinfo=UTC))
    assert dated == raw.replace(b"08:00:00 +0000", b"09:15:00 +0000")


def test_with_date_takes_a_folded_date_whole_and_adds_a_missing_one() -> None:
    moment = datetime(2026, 11, 2, 9, 15, tzinfo=UTC)
    folded = b"DATE: Mon, 02 Nov 2026\r\n 08:00:00 +0000\r\nSubject: x\r\n\r\nbody"
    assert with_date(folded, moment) == b"Date: Mon, 02 Nov 2026 09:15:00 +0000\r\nSubject: x\r\n\r\nbody"
    assert (
        with_date(b"Subject: x\r\n\r\nbody", moment)
        == b"Subject: x\r\nDate: Mon, 02 Nov 2026 09:15:00 +0000\r\n\r\nbody"
    )


def kinds_received(bot, customer: str, case_id: int) -> list[str]:
    """The kinds of the case's mail in the order the customer's mailbox received them."""
    kinds = {row.message_id: row.kind for row in bot.store().outbox(case_id)}
    return [kinds[m["Message-ID"]] for m in bot.received(customer) if m["Message-ID"] in kinds]


def second_complaint(bot, subject: str, body: str):
    """The customer's first complaint is acknowledged at once; a second, ten minutes later, is the case."""
    bot.deliver(compose_mail(CUSTOMER, FIRST_LINE, "Camera kapot", "De camera bij de ingang is kapot. Slecht."))
    bot.run_once()
    bot.clock.advance(timedelta(minutes=10))
    bot.deliver(compose_mail(CUSTOMER, FIRST_LINE, subject, body))
    bot.run_once()
    store = bot.store()
    return next(c for c in store.cases() if c.subject == subject)


@pytest.mark.integration
def test_a_held_acknowledgement_reaches_the_customer_before_the_solution(bot) -> None:
    case = second_complaint(bot, "Factuur te hoog", "De factuur is veel te hoog. Ik ben hier ontevreden over.")
    assert not case.urgent
    (ack,) = [row for row in bot.store().outbox(case.id) if row.kind == "ack"]
    window = bot.rules.cases.auto_reply_window
    assert ack.status == "pending"  # the window holds it: one automatic reply per address per hour
    assert ack.not_before > bot.clock.now() + window / 2

    bot.clock.advance(timedelta(minutes=10))
    notice = last(bot, bot.rules.teams[case.owner_team].email, case.ref)
    command(bot, STAFF, notice, "#oplossing Wij passen de factuur aan.")
    bot.run_once()
    assert kinds_received(bot, CUSTOMER, case.id) == ["ack", "oplossing"]
    # The acknowledgement says when it went, not when it was queued twenty minutes before.
    first = next(m for m in bot.received(CUSTOMER) if m["Message-ID"] == ack.message_id)
    assert parsedate_to_datetime(first["Date"]) == bot.clock.now()
    assert bot.store().case(case.id).ack_sent_at == bot.clock.now()


@pytest.mark.integration
def test_an_urgent_complaints_acknowledgement_is_not_held(bot) -> None:
    case = second_complaint(
        bot, "Inbraak vannacht", "Er is ingebroken en het alarm ging niet af. Stuur alstublieft met spoed iemand langs."
    )
    assert case.urgent
    assert kinds_received(bot, CUSTOMER, case.id) == ["ack"]
    (ack,) = [row for row in bot.store().outbox(case.id) if row.kind == "ack"]
    assert ack.status == "sent" and ack.sent_at == bot.clock.now()


@pytest.mark.integration
def test_a_case_made_urgent_sends_its_held_acknowledgement_at_once(bot) -> None:
    case = second_complaint(bot, "Factuur te hoog", "De factuur is veel te hoog. Ik ben hier ontevreden over.")
    assert kinds_received(bot, CUSTOMER, case.id) == []
    notice = last(bot, bot.rules.teams[case.owner_team].email, case.ref)
    command(bot, STAFF, notice, "#urgent")
    bot.run_once()
    assert kinds_received(bot, CUSTOMER, case.id) == ["ack"]


@pytest.mark.integration
def test_a_mail_waiting_to_be_retried_holds_back_the_next_one_of_its_case(bot) -> None:
    from mailbot.ops.outbox import Outbox

    case = second_complaint(bot, "Factuur te hoog", "De factuur is veel te hoog. Ik ben hier ontevreden over.")
    store = bot.store()
    (ack,) = [row for row in store.outbox(case.id) if row.kind == "ack"]
    # The acknowledgement was tried and refused for now: it waits an hour for its next try.
    retry_at = bot.clock.now() + timedelta(hours=1)
    with store.transaction():
        store.mark_retry(ack.id, "451 try again later", retry_at)
    notice = last(bot, bot.rules.teams[case.owner_team].email, case.ref)
    command(bot, STAFF, notice, "#oplossing Wij passen de factuur aan.")
    bot.run_once()
    assert kinds_received(bot, CUSTOMER, case.id) == []  # the proposal waits for the acknowledgement
    outbox = Outbox(store, bot.clock, bot.settings.smtp)
    assert outbox.next_due_at() == retry_at  # not the proposal's own time: nothing to do until then
    bot.clock.set(retry_at)
    assert outbox.send_due().sent >= 2
    assert kinds_received(bot, CUSTOMER, case.id) == ["ack", "oplossing"]
