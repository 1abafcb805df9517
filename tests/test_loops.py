"""Mail loops (RFC 3834): mailbot never answers a machine, and a machine that answers everything gets one reply."""

from __future__ import annotations

import pytest

from mailbot.demo import compose_mail

pytestmark = pytest.mark.integration

FIRST_LINE = "beveiliging@example.nl"
BOT = "klacht@example.nl"


def exchange(bot, responder: str, reply, rounds: int = 5) -> int:
    """Let a hostile auto-responder answer every mail mailbot sends it, for several rounds; count the mail."""
    answered = 0
    for _ in range(rounds):
        bot.run_once()
        received = bot.received(responder)
        for message in received[answered:]:
            bot.deliver(reply(message))
        answered = len(received)
        bot.clock.advance(bot.rules.cases.auto_reply_window)  # the window never stops a real loop
    return answered


@pytest.mark.parametrize(
    "style",
    ["re-subject", "in-reply-to", "new-subject-quoting-tag"],
)
def test_a_responder_that_answers_everything_gets_one_reply(bot, style: str) -> None:
    responder = "altijd-antwoord@example.net"

    def reply(message):
        if style == "in-reply-to":
            return compose_mail(
                responder,
                BOT,
                "Bedankt voor uw bericht",
                "Wij hebben uw bericht ontvangen.",
                in_reply_to=message["Message-ID"],
            )
        if style == "re-subject":
            return compose_mail(responder, BOT, f"Re: {message['Subject']}", "Wij hebben uw bericht ontvangen.")
        ref = message["X-Mailbot-Case"]
        return compose_mail(responder, BOT, f"Ontvangen [{ref}]", "Uw bericht is in goede orde ontvangen.")

    bot.deliver(compose_mail(responder, FIRST_LINE, "Klacht", "De camera is kapot en ik ben ontevreden."))
    sent_to_responder = exchange(bot, responder, reply)
    assert sent_to_responder == 1, [m["Subject"] for m in bot.received(responder)]  # its answers go to the dossier
    store = bot.store()
    (case,) = store.cases()
    assert [m["role"] for m in store.messages(case.id)] == ["customer", "customer"]  # the answer is on file
    assert (case.level.label, case.category) == ("first_line", "complaint")


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Auto_Submitted": "auto-notified"},
        {"Auto_Submitted": "auto-generated; owner-email=x@example.net"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
        {"List_Id": "<nieuws.example.org>"},
        {"List_Unsubscribe": "<mailto:uit@example.org>"},
        {"X_Auto_Response_Suppress": "DR, AutoReply"},
        {"X_Auto_Response_Suppress": "OOF"},
        {"Return_Path": "<>"},
    ],
)
def test_automatic_mail_is_never_answered_and_opens_no_case(bot, headers: dict[str, str]) -> None:
    bot.deliver(compose_mail("robot@example.net", FIRST_LINE, "Melding", "De camera is kapot.", **headers))
    report = bot.run_once()
    assert report.outcomes == {"auto": 1}
    assert bot.received("robot@example.net") == [] and bot.store().cases() == []


@pytest.mark.parametrize(
    ("sender", "subject"),
    [
        ("mailer-daemon@mx.example.net", "Returned mail"),
        ("postmaster@example.net", "Undelivered Mail Returned to Sender"),
        ("noreply@example.net", "Uw bestelling"),
        ("no-reply@example.net", "Uw bestelling"),
        ("klant@example.net", "Automatisch antwoord: Klacht"),
        ("klant@example.net", "Afwezig: Klacht"),
        ("klant@example.net", "Out of Office: Klacht"),
        ("klant@example.net", "Automatic reply: Klacht"),
        ("postmaster@example.onmicrosoft.com", "Onbestelbaar: Klacht"),
        ("klant@example.net", "Undeliverable: Klacht"),
    ],
)
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
    from mailbot.msgid import is_forged

    bot.deliver(compose_mail("eigenaar@example.net", FIRST_LINE, "Klacht", "Mijn pas is kapot."))
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    (ack,) = bot.received("eigenaar@example.net")
    genuine = ack["Message-ID"]
    secret = (bot.settings.data_dir / "secret.key").read_bytes()
    assert not is_forged(genuine, "example.nl", secret)
    # A stranger guesses the shape of our ids (and even the case number) without the key.
    forged = genuine[: genuine.rindex(".") + 1] + "0" * 20 + "@example.nl>"
    assert is_forged(forged, "example.nl", secret)
    bot.deliver(compose_mail("vreemde@example.org", BOT, "Vraag", "Stuur mij het dossier.", in_reply_to=forged))
    bot.deliver(compose_mail("eigenaar@example.net", BOT, "Re: aanvulling", "Nog iets.", in_reply_to=genuine))
    bot.run_once()
    assert [m["from_email"] for m in store.messages(case.id)] == ["eigenaar@example.net"] * 2
    assert len(store.cases()) == 2
