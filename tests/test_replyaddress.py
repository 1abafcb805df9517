"""Per-case reply addresses: made and read back, never forged, and what they do for a case."""

from __future__ import annotations

import email
from dataclasses import replace
from datetime import datetime
from email.policy import default
from pathlib import Path

import pytest
from conftest import START, Bot, rules_copy

from mailbot.demo import compose_mail
from mailbot.mail.parse import parse_mail
from mailbot.mail.quotes import strip_quoted
from mailbot.mail.replyaddress import ReplyToken, make_reply_address, read_reply_address
from mailbot.models import Address

SECRET = b"0123456789abcdef" * 4
OURS = {"klacht@example.nl": "formal", "beveiliging@example.nl": "first_line"}
BOT = "klacht@example.nl"
FIRST_LINE = "beveiliging@example.nl"


def mail_to(*addresses: str):
    raw = compose_mail("klant@example.net", ", ".join(addresses), "Nog een vraag", "Hoe staat het ervoor?")
    return parse_mail(raw, received_at=datetime.fromisoformat(START), strip=strip_quoted).mail


def test_a_reply_address_reads_back_as_its_case_and_audience() -> None:
    for audience in ("customer", "staff"):
        address = make_reply_address(BOT, "KL-2026-0001", audience, SECRET)
        assert address.startswith("klacht+kl-2026-0001.") and address.endswith("@example.nl")
        mail, token, forged = read_reply_address(mail_to(address), OURS, SECRET)
        assert token == ReplyToken("KL-2026-0001", audience) and not forged
        assert [a.email for a in mail.to] == [BOT], "later steps see the configured address"


def test_mail_clients_that_change_case_still_match() -> None:
    address = make_reply_address(BOT, "KL-2026-0001", "customer", SECRET).upper().replace("@EXAMPLE.NL", "@example.nl")
    _, token, _ = read_reply_address(mail_to(address), OURS, SECRET)
    assert token == ReplyToken("KL-2026-0001", "customer")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda a: a.replace("kl-2026-0001", "kl-2026-0002"),  # another case, same token
        lambda a: a.replace(".k.", ".m."),  # the customer's token made into staff's
        lambda a: a.replace("@", "0@"),  # a longer token
        lambda a: a[: a.index("@") - 1] + ("0" if a[a.index("@") - 1] != "0" else "1") + a[a.index("@") :],
        lambda a: "klacht+kl-2026-0001@example.nl",  # no token at all
    ],
)
def test_a_tampered_reply_address_names_no_case(tamper) -> None:
    address = tamper(make_reply_address(BOT, "KL-2026-0001", "customer", SECRET))
    mail, token, forged = read_reply_address(mail_to(address), OURS, SECRET)
    assert token is None and forged
    assert [a.email for a in mail.to] == [BOT]


def test_another_key_makes_other_addresses() -> None:
    address = make_reply_address(BOT, "KL-2026-0001", "customer", b"another key")
    _, token, forged = read_reply_address(mail_to(address), OURS, SECRET)
    assert token is None and forged


def test_plus_addresses_of_others_are_left_alone() -> None:
    mail = mail_to("iemand+nieuwsbrief@example.net", FIRST_LINE)
    same, token, forged = read_reply_address(mail, OURS, SECRET)
    assert same is mail and token is None and not forged


# --- in the daemon ----------------------------------------------------------------------------


@pytest.fixture
def reply_bot(dovecot, smtp_sink, tmp_path: Path) -> Bot:
    rules = rules_copy(tmp_path, "  reply_addresses: false\n", "  reply_addresses: true\n")
    return Bot(dovecot, smtp_sink, tmp_path / "data", rules_path=rules)


def reply_to(message) -> str:
    return message["Reply-To"].addresses[0].addr_spec


@pytest.mark.integration
def test_a_reply_to_the_case_address_joins_the_case_without_any_reference(reply_bot: Bot) -> None:
    bot = reply_bot
    bot.deliver(compose_mail("klant@example.net", FIRST_LINE, "Klacht", "De camera doet het niet."))
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    [ack] = bot.received("klant@example.net")
    address = reply_to(ack)
    assert address.startswith(f"klacht+{case.ref.lower()}.k.")
    # A client that drops References and the subject tag: only the address tells.
    bot.deliver(compose_mail("klant@example.net", address, "Nog iets", "Ook de deurbel is stuk."))
    # A stranger who guesses the shape but not the token.
    guessed = address[: address.index("@") - 4] + "abcd" + address[address.index("@") :]
    bot.deliver(compose_mail("vreemde@example.net", guessed, "Nog iets", "Ik wil ook meelezen."))
    bot.run_once()
    assert len(store.messages(case.id)) == 2
    assert store.messages(case.id)[-1].text.startswith("Ook de deurbel")
    assert len(store.cases()) == 2, "the guessed address opened a case of its own"
    via = store.db.execute("SELECT reason FROM mail_log ORDER BY id").fetchall()
    assert [v[0] for v in via] == ["new case", "reply-address", "new case"]


@pytest.mark.integration
def test_a_command_to_the_staff_reply_address_counts_as_authenticated(reply_bot: Bot) -> None:
    bot = reply_bot
    bot.deliver(compose_mail("klant@example.net", FIRST_LINE, "Klacht", "De camera is kapot."))
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    notice = next(m for m in bot.received("techniek@example.nl") if case.ref in m["Subject"])
    staff_address = reply_to(notice)
    assert f"+{case.ref.lower()}.m." in staff_address
    customer_address = reply_to(bot.received("klant@example.net")[0])

    # Without Authentication-Results, to the customer's address: not obeyed.
    bot.deliver(compose_mail("medewerker3@example.nl", customer_address, "RE: kapot", "#urgent"))
    bot.run_once()
    assert not store.case(case.id).urgent
    # The same to the staff address (which only the notification carries): obeyed.
    bot.deliver(compose_mail("medewerker3@example.nl", staff_address, "RE: kapot", "#urgent"))
    bot.run_once()
    assert store.case(case.id).urgent
    kinds = [e.kind for e in store.events(case.id)]
    assert kinds.count("commands-ignored") == 1


def test_reply_to_is_written_only_when_switched_on(tmp_path: Path) -> None:
    from mailbot.config import load_rules
    from mailbot.mail.compose import Composer

    rules = load_rules(rules_copy(tmp_path, "  reply_addresses: false\n", "  reply_addresses: true\n"))
    (tmp_path / "kort.j2").write_text("{% block subject %}Ontvangen{% endblock %}Wij hebben uw bericht.")
    now = datetime.fromisoformat(START)
    for switched_on in (True, False):
        these = rules if switched_on else replace(rules, security=replace(rules.security, reply_addresses=False))
        out = Composer(tmp_path, these, SECRET).build(
            kind="ack",
            template="kort",
            context={},
            to=[Address("klant@example.net")],
            ref="KL-2026-0001",
            now=now,
            not_before=now,
            automatic=True,
            reply_audience="customer",
        )
        message = email.message_from_bytes(out.raw, policy=default)
        assert (message["Reply-To"] is not None) == switched_on
