"""Staff at work from Outlook and Gmail (issue 13 items 1, 4, 5, 7 and `mailbot check-auth`), over real Dovecot + SMTP.

Their mail looks as staff write it: a greeting, the command somewhere, a signature, the quoted
history of mailbot's notice below.
"""

from __future__ import annotations

import json

import pytest
from attacks import from_our_server, staff_answer, vouched
from conftest import run_mailbot
from test_lifecycle import gmail_reply, outlook_reply, plain

from mailbot.demo import compose_mail

BOT = "klacht@example.nl"
FIRST_LINE = "beveiliging@example.nl"
CUSTOMER = "klant@example.net"
PIETER = "medewerker3@example.nl"  # Team Techniek, its manager


def outlook(text: str, original) -> str:
    """An Outlook reply: greeting, text and signature, then the original under its header block."""
    return outlook_reply(f"Hoi,\n\n{text}\n\nMet vriendelijke groet,\nPieter Bakker\nTeam Techniek", original)


def gmail(text: str, original) -> str:
    """A Gmail reply: greeting, text, a short sign-off, an attribution line, the original quoted with '> '."""
    return gmail_reply(f"Goedemorgen Sanne,\n\n{text}\n\nGroet,\nPieter", original)


def received_since(bot, user: str, before: int) -> list:
    return bot.received(user)[before:]


def answer(bot, notice, text: str, style=outlook, staff: str = PIETER) -> list:
    """``staff`` answers mailbot's ``notice`` (authenticated by our server); the mail they get back."""
    before = len(bot.received(staff))
    bot.deliver(staff_answer(staff, notice, style(text, notice), [vouched(bot, staff)]))
    bot.run_once()
    return received_since(bot, staff, before)


def complaint(bot, text: str = "De camera bij de voordeur is kapot. Niemand komt hem maken."):
    """A customer's complaint about a camera: the case and Team Techniek's notice of it."""
    bot.deliver(compose_mail(CUSTOMER, FIRST_LINE, "Camera kapot", text, name="Els de Boer"))
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    notice = next(m for m in bot.received("techniek@example.nl") if case.ref in m["Subject"])
    return store, case, notice


@pytest.mark.integration
@pytest.mark.parametrize("style", [outlook, gmail], ids=["outlook", "gmail"])
def test_a_command_after_a_greeting_is_done_and_confirmed_once_with_the_status_after(bot, style) -> None:
    store, case, notice = complaint(bot)
    (confirmation,) = answer(bot, notice, "#sluiten Dubbele melding, klant belde al.", style)
    assert store.case(case.id).status == "closed"
    assert "Uitgevoerd" in confirmation["Subject"]
    text = plain(confirmation)
    assert "- Zaak gesloten: Dubbele melding, klant belde al." in text
    assert "Status: gesloten." in text  # the status after the command, not before it


@pytest.mark.integration
def test_several_commands_one_confirmation_listing_all_with_the_final_status(bot) -> None:
    store, case, notice = complaint(bot)
    mails = answer(bot, notice, "#status in behandeling\nIk heb de klant gebeld.\n#oplossing Wij vervangen de camera.")
    assert len(mails) == 1, [m["Subject"] for m in mails]
    text = plain(mails[0])
    assert "Status: in behandeling" in text and "Oplossing: Wij vervangen de camera." in text
    assert "Status: oplossing voorgesteld." in text
    assert store.case(case.id).status == "solution_proposed"


@pytest.mark.integration
def test_a_command_inside_a_sentence_is_not_done_and_the_writer_hears_it(bot) -> None:
    store, case, notice = complaint(bot)
    (told,) = answer(bot, notice, "De monteur is geweest, dus de zaak mag op #opgelost. Zie ook bon #4711.")
    assert store.case(case.id).status == "open"
    assert "Niet uitgevoerd" in told["Subject"]
    text = plain(told)
    assert "'#opgelost' staat in een zin en is daarom niet uitgevoerd" in text and "eigen regel" in text
    assert "#4711" not in text  # an order number is text, not a command
    assert "Uw bericht is als notitie bij het dossier bewaard" in text and "Status: open." in text
    assert [e.kind for e in store.events(case.id)].count("staff-note") == 1


@pytest.mark.integration
def test_a_line_command_is_done_and_a_sentence_one_reported_in_the_same_confirmation(bot) -> None:
    store, case, notice = complaint(bot)
    (told,) = answer(bot, notice, "#urgent\nIk zet hem daarna ook op #sluiten als de klant belt.")
    assert store.case(case.id).urgent and store.case(case.id).status == "open"
    assert "Deels uitgevoerd" in told["Subject"]
    text = plain(told)
    assert "- Zaak is urgent" in text and "Dit is niet gedaan" in text and "'#sluiten' staat in een zin" in text


@pytest.mark.integration
def test_a_misspelt_command_changes_nothing_and_the_nearest_is_suggested(bot) -> None:
    store, case, notice = complaint(bot)
    (told,) = answer(bot, notice, "#urgent\n#opgelsot Camera vervangen.", gmail)
    after = store.case(case.id)
    assert (after.urgent, after.status) == (case.urgent, "open")
    text = plain(told)
    assert "Onbekende opdracht '#opgelsot'. Bedoelt u #opgelost?" in text and "Er is niets veranderd" in text


@pytest.mark.integration
def test_a_command_not_allowed_now_changes_nothing_and_says_why(bot) -> None:
    store, case, notice = complaint(bot)
    (told,) = answer(bot, notice, "#tevreden")  # only after the question whether the customer is satisfied
    assert store.case(case.id).status == "open"
    assert "Niet uitgevoerd" in told["Subject"] and "Dat kan niet bij een dossier met status 'open'" in plain(told)


@pytest.mark.integration
def test_taking_a_case_yourself_sends_you_one_mail(bot) -> None:
    store, case, notice = complaint(bot)
    team_before = len(bot.received("techniek@example.nl"))
    mails = answer(bot, notice, f"#eigenaar {PIETER}")
    assert store.case(case.id).owner_email == PIETER
    assert len(mails) == 1 and "Uitgevoerd" in mails[0]["Subject"]
    assert "Eigenaar: medewerker3@example.nl" in plain(mails[0])
    # The team hears who took it, once.
    (told,) = received_since(bot, "techniek@example.nl", team_before)
    assert "Dossier aan u toegewezen" in told["Subject"]


@pytest.mark.integration
def test_assigning_a_colleague_sends_them_one_mail_and_you_one_confirmation(bot) -> None:
    store, case, notice = complaint(bot)
    assert store.case(case.id).owner_email != "medewerker2@example.nl"
    before = len(bot.received("medewerker2@example.nl"))
    mails = answer(bot, notice, "#eigenaar medewerker2@example.nl", staff="coordinator@example.nl")
    assert len(mails) == 1 and "Uitgevoerd" in mails[0]["Subject"]
    (assigned,) = received_since(bot, "medewerker2@example.nl", before)
    assert "Dossier aan u toegewezen" in assigned["Subject"]


@pytest.mark.integration
def test_the_alert_after_urgent_shows_the_customers_words_and_the_case_as_the_mail_left_it(bot) -> None:
    words = "De camera bij de voordeur is kapot. Gisteren is er ingebroken en niemand komt."
    store, case, notice = complaint(bot, words)
    director_before = len(bot.received("directeur@example.nl"))
    # #urgent comes first in the mail; the owner and type set after it must be in the alert all the same.
    answer(
        bot, notice, "#urgent\n#type dienstverlening\n#eigenaar medewerker2@example.nl", staff="coordinator@example.nl"
    )
    after = store.case(case.id)
    assert (after.urgent, after.subject_type.value, after.owner_email) == (True, "service", "medewerker2@example.nl")
    (alert,) = received_since(bot, "directeur@example.nl", director_before)
    text = plain(alert)
    assert "URGENT" in alert["Subject"]
    assert "Sanne de Klachtencoördinator heeft dossier" in text and "urgent gemaakt" in text
    assert words in text  # the customer's own words, not an empty section
    assert "Soort: dienstverlening (urgent)" in text
    assert "Eigenaar: Fatima El Amrani" in text and "Behandelaar: Team Klantenservice" in text
    assert "Oplossing uiterlijk: maandag 16 november 2026" in text


@pytest.mark.integration
def test_a_phone_complaint_without_a_summary_gets_a_neutral_confirmation(bot) -> None:
    note = (
        "Hoi,\n\n#telefonisch kees@example.net Kees Jansen\n\n"
        "Meneer Jansen belde om 10.15 uur, klonk erg boos over de sleutelkluis.\n\nGroet,\nJan"
    )
    raw = compose_mail("medewerker1@example.nl", BOT, "Telefoon Jansen", note)
    bot.deliver(from_our_server(bot.rules, raw))
    bot.run_once()
    (recorded,) = bot.received("kees@example.net")
    text = plain(recorded)
    assert "U belde ons op maandag 2 november 2026 over een klacht. Wij hebben uw klacht genoteerd." in text
    assert "boos" not in text and "10.15" not in text and "Telefoon Jansen" not in recorded["Subject"]


@pytest.mark.integration
def test_the_improvement_form_without_our_servers_word_is_refused_with_what_an_admin_must_fix(bot) -> None:
    store, case, notice = complaint(bot)
    answer(bot, notice, f"#eigenaar {PIETER}\n#sluiten")
    form = next(m for m in bot.received(PIETER) if "Verbeterformulier" in m["Subject"])
    before = len(bot.received(PIETER))
    fields = "Afhandeling: camera vervangen\nOorzaak: vochtschade\nVerbetering: behuizing controleren\n"
    bot.deliver(compose_mail(PIETER, BOT, f"RE: {form['Subject']}", fields, in_reply_to=form["Message-ID"]))
    bot.run_once()
    assert not [e for e in store.events(case.id) if e.kind == "improvement-form"]
    kept = store.messages(case.id)[-1]  # kept in the dossier, marked, for whoever looks into it
    assert kept.internal and "not authenticated" in (kept.flag or "")
    (told,) = received_since(bot, PIETER, before)
    text = plain(told)
    assert "Niet verwerkt" in told["Subject"] and "Er is niets veranderd" in text
    assert "geen Authentication-Results" in text and "mx.example.nl" in text
    assert "beheerder" in text and "README" in text and "eigen mailbox" not in text

    # The same answer as our server delivers it is taken.
    bot.deliver(
        from_our_server(
            bot.rules, compose_mail(PIETER, BOT, f"RE: {form['Subject']}", fields, in_reply_to=form["Message-ID"])
        )
    )
    bot.run_once()
    (event,) = [e for e in store.events(case.id) if e.kind == "improvement-form"]
    assert event.detail["cause"] == "vochtschade"


@pytest.mark.integration
def test_a_reply_to_the_customer_without_our_servers_word_is_no_personal_contact(bot) -> None:
    store, case, _notice = complaint(bot)
    ack = bot.received(CUSTOMER)[0]
    reply = compose_mail(PIETER, CUSTOMER, f"RE: {ack['Subject']}", "Geachte mevrouw, wij komen morgen.", cc=BOT)
    bot.deliver(reply)
    bot.run_once()
    assert (store.case(case.id).status, store.case(case.id).answered) == ("open", False)
    assert "Niet verwerkt" in bot.received(PIETER)[-1]["Subject"]
    # Sent again (a new mail: the same one twice is a duplicate), as our server delivers it: taken.
    again = compose_mail(PIETER, CUSTOMER, f"RE: {ack['Subject']}", "Geachte mevrouw, wij komen morgen.", cc=BOT)
    bot.deliver(from_our_server(bot.rules, again))
    bot.run_once()
    assert (store.case(case.id).status, store.case(case.id).answered) == ("in_progress", True)


@pytest.mark.integration
def test_check_auth_says_whether_a_staff_mail_would_be_obeyed_and_why(bot, tmp_path) -> None:
    _store, _case, notice = complaint(bot)
    trusted = tmp_path / "trusted.eml"
    trusted.write_bytes(staff_answer(PIETER, notice, "#urgent", [vouched(bot, PIETER)]))
    untrusted = tmp_path / "untrusted.eml"
    untrusted.write_bytes(
        staff_answer(PIETER, notice, "#urgent", ["mx.aanvaller.example; dkim=pass header.d=example.nl"])
    )

    ok = run_mailbot("check-auth", str(trusted), env=bot.environment())
    assert ok.returncode == 0, ok.stderr
    assert "OBEYED" in ok.stdout and "dkim=pass for example.nl" in ok.stdout and "staff in rules.yaml" in ok.stdout

    refused = run_mailbot("check-auth", str(untrusted), "--json", env=bot.environment())
    assert refused.returncode == 1, refused.stderr
    verdict = json.loads(refused.stdout)
    assert (verdict["staff"], verdict["authenticated"], verdict["obeyed"]) == (True, False, False)
    assert verdict["authserv_id"] == "mx.aanvaller.example" and "security.authserv_ids" in verdict["fix"]

    # And the daemon does as check-auth said.
    bot.deliver(untrusted.read_bytes())
    bot.run_once()
    assert not bot.store().cases()[0].urgent
    bot.deliver(trusted.read_bytes())
    bot.run_once()
    assert bot.store().cases()[0].urgent


@pytest.mark.integration
def test_a_registration_is_confirmed_as_done_even_when_a_command_after_it_is_not(bot) -> None:
    note = "#telefonisch kees@example.net Kees Jansen\n#tevreden\nklacht: De sleutelkluis gaat niet open."
    bot.deliver(from_our_server(bot.rules, compose_mail("medewerker1@example.nl", BOT, "Telefoon", note)))
    bot.run_once()
    (case,) = bot.store().cases()
    assert case.status == "open"
    told = bot.received("medewerker1@example.nl")[-1]
    text = plain(told)
    assert "Deels uitgevoerd" in told["Subject"] and "Nieuwe telefonische klacht van Kees Jansen" in text
    assert "Dit is niet gedaan" in text and "#tevreden" in text and "Er is niets veranderd" not in text


@pytest.mark.integration
def test_a_real_reply_to_the_staff_reply_address_is_obeyed_without_the_header(dovecot, smtp_sink, tmp_path) -> None:
    # Microsoft 365 writes no header mailbot can trust; the README's way out is the case's staff
    # address. A mail client's reply carries In-Reply-To as well: it must count all the same.
    from conftest import Bot, rules_copy

    rules = rules_copy(tmp_path, "  reply_addresses: false\n", "  reply_addresses: true\n")
    bot = Bot(dovecot, smtp_sink, tmp_path / "data", rules_path=rules)
    store, case, notice = complaint(bot)
    staff_address = notice["Reply-To"].addresses[0].addr_spec
    assert ".m." in staff_address
    reply = compose_mail(
        PIETER, staff_address, f"RE: {notice['Subject']}", outlook("#urgent", notice), in_reply_to=notice["Message-ID"]
    )
    bot.deliver(reply)
    bot.run_once()
    assert store.case(case.id).urgent
    saved = tmp_path / "reply.eml"
    saved.write_bytes(reply)
    said = run_mailbot("check-auth", str(saved), env=bot.environment())
    assert said.returncode == 0 and f"staff reply address of case {case.ref}" in said.stdout, said.stdout + said.stderr
    # The customer's reply address vouches for nobody: the same from a forger's hand changes nothing.
    customer_address = bot.received(CUSTOMER)[0]["Reply-To"].addresses[0].addr_spec
    forged = compose_mail(
        PIETER,
        customer_address,
        f"RE: {notice['Subject']}",
        outlook("#sluiten", notice),
        in_reply_to=notice["Message-ID"],
    )
    bot.deliver(forged)
    bot.run_once()
    assert store.case(case.id).status == "open"


@pytest.mark.integration
def test_many_refused_mails_in_a_staff_members_name_bring_them_one_answer_an_hour(bot) -> None:
    from datetime import timedelta

    store, case, notice = complaint(bot)
    for text in ("#sluiten", "#opgelost Alles is goed.", "Een notitie."):
        bot.deliver(staff_answer(PIETER, notice, outlook(text, notice), []))
    bot.run_once()
    assert store.case(case.id).status == "open"
    refused = [e for e in store.events(case.id) if e.kind == "commands-ignored"]
    assert [e.detail["answered"] for e in refused] == [True, False, False]
    assert [m["Subject"] for m in bot.received(PIETER)].count(
        f"[{case.ref}] Niet verwerkt: uw bericht over {case.ref}"
    ) == 1
    bot.clock.advance(timedelta(hours=1))
    bot.deliver(staff_answer(PIETER, notice, outlook("#sluiten", notice), []))
    bot.run_once()
    assert sum("Niet verwerkt" in m["Subject"] for m in bot.received(PIETER)) == 2
