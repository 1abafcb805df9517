"""Mail loops (RFC 3834): mailbot never answers a machine, and a machine that answers everything gets one reply."""

from __future__ import annotations

import pytest
from attacks import (
    AUTOMATIC_HEADERS,
    AUTOMATIC_SENDERS,
    BOT,
    FIRST_LINE,
    RESPONDER_STYLES,
    exchange,
    responder_answer,
    wrong_mac,
)

from mailbot.demo import compose_mail

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("style", RESPONDER_STYLES)
def test_a_responder_that_answers_everything_gets_one_reply(bot, style: str) -> None:
    responder = "altijd-antwoord@example.net"
    bot.deliver(compose_mail(responder, FIRST_LINE, "Klacht", "De camera is kapot en ik ben ontevreden."))
    sent_to_responder = exchange(bot, {responder: lambda message: responder_answer(style, responder, message)})[
        responder
    ]
    assert sent_to_responder == 1, [m["Subject"] for m in bot.received(responder)]  # its answers go to the dossier
    store = bot.store()
    (case,) = store.cases()
    assert [m.role for m in store.messages(case.id)] == ["customer", "customer"]  # the answer is on file
    assert (case.level.label, case.category) == ("first_line", "complaint")


@pytest.mark.parametrize("headers", AUTOMATIC_HEADERS)
def test_automatic_mail_is_never_answered_and_opens_no_case(bot, headers: dict[str, str]) -> None:
    bot.deliver(compose_mail("robot@example.net", FIRST_LINE, "Melding", "De camera is kapot.", **headers))
    report = bot.run_once()
    assert report.outcomes == {"auto": 1}
    assert bot.received("robot@example.net") == [] and bot.store().cases() == []


@pytest.mark.parametrize(("sender", "subject"), AUTOMATIC_SENDERS)
def test_bounces_and_out_of_office_by_sender_or_subject(bot, sender: str, subject: str) -> None:
    bot.deliver(compose_mail(sender, FIRST_LINE, subject, "Dit is een automatisch bericht."))
    report = bot.run_once()
    assert report.outcomes == {"auto": 1}
    assert len(bot.sink.messages) == 0


def test_our_own_mail_coming_back_is_recognised(bot) -> None:
    bot.deliver(compose_mail("klant@example.net", FIRST_LINE, "Klacht", "Het alarm is kapot."))
    bot.run_once()
    (ack,) = bot.received("klant@example.net")
    sent = len(bot.sink.messages)
    # A forwarding rule sends our acknowledgement straight back to klacht@, headers and all.
    bot.deliver(ack.as_bytes())
    # And a misconfigured alias sends mail "from" our own mailbox.
    bot.deliver(compose_mail(BOT, FIRST_LINE, "Test", "Wij hebben uw klacht ontvangen."))
    bot.run_once()
    assert len(bot.sink.messages) == sent
    assert len(bot.store().cases()) == 1


def test_a_forged_reference_to_our_mail_does_not_open_a_case(bot) -> None:
    from mailbot.mail.msgid import is_forged

    bot.deliver(compose_mail("eigenaar@example.net", FIRST_LINE, "Klacht", "Mijn pas is kapot."))
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    (ack,) = bot.received("eigenaar@example.net")
    genuine = ack["Message-ID"]
    secret = (bot.settings.data_dir / "secret.key").read_bytes()
    assert not is_forged(genuine, "example.nl", secret)
    # A stranger guesses the shape of our ids (and even the case number) without the key.
    forged = wrong_mac(genuine)
    assert is_forged(forged, "example.nl", secret)
    bot.deliver(compose_mail("vreemde@example.org", BOT, "Vraag", "Stuur mij het dossier.", in_reply_to=forged))
    bot.deliver(compose_mail("eigenaar@example.net", BOT, "Re: aanvulling", "Nog iets.", in_reply_to=genuine))
    bot.run_once()
    assert [m.from_email for m in store.messages(case.id)] == ["eigenaar@example.net"] * 2
    assert len(store.cases()) == 2
