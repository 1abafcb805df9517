"""A complaint's whole life over real Dovecot and SMTP, with a frozen clock moved forward by hand."""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from datetime import datetime, timedelta

import pytest
from attacks import SPOOFS, Spoof, from_our_server, staff_answer, vouched

from mailbot.cases.lifecycle import TRANSITIONS, Status, Trigger, describe
from mailbot.demo import compose_mail

BOT = "klacht@example.nl"
FIRST_LINE = "beveiliging@example.nl"


def plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def outlook_reply(text: str, original) -> str:
    """Text as Outlook writes a reply: new text, then the original under a header block."""
    return (
        f"{text}\n\n-----Oorspronkelijk bericht-----\nVan: {original['From']}\n"
        f"Verzonden: maandag 2 november 2026 09:00\nAan: {original['To']}\nOnderwerp: {original['Subject']}\n\n"
        f"{plain(original)}"
    )


def gmail_reply(text: str, original) -> str:
    """Text as Gmail writes a reply: new text, an attribution line, the original quoted with '> '."""
    return f"{text}\n\nOp ma 2 nov 2026 om 09:00 schreef {original['From']}:\n" + textwrap.indent(plain(original), "> ")


def last(bot, user: str, containing: str = ""):
    mails = [m for m in bot.received(user) if containing in m["Subject"]]
    assert mails, f"{user} received nothing with {containing!r}"
    return mails[-1]


def command(bot, staff: str, notice, text: str, style=outlook_reply, authenticated: bool = True) -> None:
    """A member of staff answers mailbot's notification with commands at the top."""
    results = [vouched(bot, staff)] if authenticated else []
    bot.deliver(staff_answer(staff, notice, style(text, notice), results, to=bot.user))


def customer_says(bot, customer: str, original, text: str) -> None:
    bot.deliver(
        compose_mail(
            customer, BOT, f"Re: {original['Subject']}", gmail_reply(text, original), in_reply_to=original["Message-ID"]
        )
    )


def statuses(store, case_id: int) -> list[str]:
    return [e.kind for e in store.events(case_id) if e.detail.get("status_to")]


@pytest.mark.integration
def test_a_formal_complaint_from_acknowledgement_to_the_disputes_committee(bot) -> None:
    customer = "henk@example.net"
    bot.deliver(
        compose_mail(
            customer,
            BOT,
            "Camera werkt niet",
            "Onze camera werkt al weken niet. Ik ben ontevreden.",
            name="Henk Visser",
        )
    )
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    assert (case.level.label, case.status) == ("formal", "open")
    notice = last(bot, "techniek@example.nl", case.ref)

    # Staff answer the customer from their own client, with the bot in Cc: personal contact.
    bot.clock.advance(timedelta(hours=3))
    ack = last(bot, customer)
    reply = compose_mail(
        "medewerker3@example.nl",
        customer,
        f"RE: {ack['Subject']}",
        outlook_reply("Geachte heer Visser, ik kom morgen kijken.", ack),
        in_reply_to=ack["Message-ID"],
        cc=BOT,
    )
    bot.deliver(from_our_server(bot.rules, reply))
    bot.run_once()
    case = store.case(case.id)
    assert case.status == "in_progress" and case.contact_at == bot.clock.now()

    # Five working days later without a solution: an interim update to the customer.
    bot.clock.set(datetime.fromisoformat("2026-11-09T09:00:00+01:00"))
    bot.run_once()
    update = last(bot, customer, "Stand van zaken")
    # In the customer's words: no internal status ("Status: in behandeling"), the owner by name.
    assert "Status" not in plain(update) and "maandag 16 november 2026" in plain(update)
    assert "Team Techniek behandelt uw klacht." in plain(update)

    # The owner proposes a solution, then confirms it: two mails to the customer.
    command(bot, "medewerker3@example.nl", notice, "#oplossing Wij vervangen de camera kosteloos.")
    bot.run_once()
    assert "Wij vervangen de camera kosteloos." in plain(last(bot, customer, "voorstel"))
    result = last(bot, "medewerker3@example.nl", "Uitgevoerd")
    assert "Oplossing: Wij vervangen de camera kosteloos." in plain(result)
    command(bot, "medewerker3@example.nl", notice, "#opgelost", style=gmail_reply)
    bot.run_once()
    assert "is opgelost" in plain(last(bot, customer, "opgelost"))
    assert store.case(case.id).status == "solved"

    # Three working days later: are you satisfied? The customer says no: an appeal to the director.
    bot.clock.set(datetime.fromisoformat("2026-11-12T10:00:00+01:00"))
    bot.run_once()
    check = last(bot, customer, "tevreden")
    assert store.case(case.id).status == "satisfaction_check"
    customer_says(bot, customer, check, "Nee, de nieuwe camera werkt ook niet.")
    bot.run_once()
    case = store.case(case.id)
    assert (case.level.label, case.status, case.owner_email) == ("appeal", "open", "directeur@example.nl")
    appeal_ack = last(bot, customer, "beroep")
    assert "De directeur van bedrijfsonderdeel Beveiliging beoordeelt uw beroep" in plain(appeal_ack)
    assert "ontvangen op donderdag 12 november 2026 om 10.00 uur" in plain(appeal_ack)
    director_notice = last(bot, "directeur@example.nl", "Escalatie")

    # The director's decision is a letter of its own, signed as the director, with no satisfaction
    # check after it; the shipped policy names no outside body, so it ends the procedure.
    command(bot, "directeur@example.nl", director_notice, "#opgelost Wij betalen het abonnement over november terug.")
    bot.run_once()
    final = plain(last(bot, customer, "Beslissing op uw beroep"))
    assert "Wij betalen het abonnement" in final and "klachtenprocedure afgerond" in final
    assert bot.rules.director.title in final and "tevreden" not in final
    assert not any("Geschillencommissie" in plain(m) for m in bot.received(customer))

    # Still not satisfied: the case leaves the internal procedure, and the customer is told so.
    customer_says(bot, customer, appeal_ack, "Ik leg mijn klacht voor aan de geschillencommissie.")
    bot.run_once()
    case = store.case(case.id)
    assert (case.level.label, case.status) == ("dispute", "referred")
    assert "geen volgende stap" in plain(last(bot, customer, "klachtenprocedure is afgerond"))
    assert statuses(store, case.id) == [
        "personal-contact",
        "interim-update",
        "propose-solution",
        "solve",
        "satisfaction-check",
        "escalate",
        "solve",
        "refer",
    ]


@pytest.mark.integration
def test_bad_commands_change_nothing_and_get_a_clear_answer(bot) -> None:
    bot.deliver(compose_mail("x@example.net", FIRST_LINE, "Klacht", "De camera is kapot."))
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    notice = last(bot, "techniek@example.nl", case.ref)
    command(bot, "medewerker3@example.nl", notice, "#urgent\n#eigenar medewerker2@example.nl\n#opgelost")
    bot.run_once()
    after = store.case(case.id)
    assert (after.urgent, after.status, after.owner_email) == (case.urgent, "open", case.owner_email)
    answer = plain(last(bot, "medewerker3@example.nl", "Niet uitgevoerd"))
    assert "#eigenar" in answer and "#eigenaar" in answer and "Er is niets veranderd" in answer

    # A command the status does not allow is refused too: nothing half-applied.
    command(bot, "medewerker3@example.nl", notice, "#sluiten\n#oplossing Nieuwe camera")
    bot.run_once()
    assert store.case(case.id).status == "open"
    assert "Dat kan niet" in plain(last(bot, "medewerker3@example.nl", "Niet uitgevoerd"))

    # Only staff may command: a customer's '#sluiten' is just text.
    ack = last(bot, "x@example.net")
    customer_says(bot, "x@example.net", ack, "#sluiten")
    bot.run_once()
    assert store.case(case.id).status == "open"


@pytest.mark.integration
def test_behaviour_complaint_meeting_and_agreements_are_watched(bot) -> None:
    customer = "els@example.net"
    bot.deliver(
        compose_mail(
            customer,
            BOT,
            "Onbeschofte medewerker",
            "Pieter Bakker was gisteren erg onbeschoft tegen mij aan de telefoon.",
            name="Els de Boer",
        )
    )
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    assert case.subject_type.value == "behaviour"
    assert (case.owner_team, case.owner_email) == ("techniek", "medewerker3@example.nl")  # Pieter's manager
    assert "gesprek met de leidinggevende" in plain(last(bot, customer))
    notice = last(bot, "medewerker3@example.nl", case.ref)

    command(
        bot,
        "medewerker3@example.nl",
        notice,
        "#gesprek dinsdag 10:30\n#afspraak Excuses van de medewerker voor 13 november\n"
        "#afspraak Extra training klantcontact voor 20 november",
    )
    bot.run_once()
    invite = plain(last(bot, customer, "Uitnodiging"))
    assert "dinsdag 3 november 2026 om 10.30 uur" in invite and "hoor en wederhoor" in invite
    letter = plain(last(bot, customer, "Afsprakenbrief"))
    assert "Excuses van de medewerker, uiterlijk vrijdag 13 november 2026" in letter
    assert "Extra training klantcontact, uiterlijk vrijdag 20 november 2026" in letter
    assert "Gesprek gepland op dinsdag 3 november 2026 om 10.30 uur" in plain(
        last(bot, "medewerker3@example.nl", "Uitgevoerd")
    )

    # On the date of the first agreement the owner is reminded; only once, even after a restart.
    bot.clock.set(datetime.fromisoformat("2026-11-13T09:00:00+01:00"))
    bot.run_once()
    bot.run_once()
    reminders = [m for m in bot.received("medewerker3@example.nl") if "Afspraak vandaag" in m["Subject"]]
    assert len(reminders) == 1 and "Excuses van de medewerker" in plain(reminders[0])


@pytest.mark.integration
def test_phone_complaint_registered_with_swaks(bot) -> None:
    swaks = shutil.which("swaks")
    assert swaks, "swaks is needed (./run installs it)"
    body = (
        "Goedemorgen,\n\n#telefonisch kees@example.net Kees Jansen\n\n"
        "Meneer Jansen belde om 10.15 uur, klonk erg boos.\nklacht: De sleutelkluis bij de voordeur gaat niet open.\n\n"
        "Groet,\nAnna"
    )
    result = subprocess.run(
        [
            swaks,
            "--server",
            f"127.0.0.1:{bot.sink.port}",
            "--from",
            "medewerker1@example.nl",
            "--to",
            BOT,
            "--header",
            "Subject: Telefonische klacht",
            "--add-header",
            f"Authentication-Results: {vouched(bot, 'medewerker1@example.nl')}",
            "--body",
            body,
            "--silent",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    assert (case.customer.email, case.channel) == ("kees@example.net", "telefonisch")
    recorded = plain(last(bot, "kees@example.net"))
    # Written for the customer: the summary given for them, never the note for colleagues.
    assert "U belde ons op maandag 2 november 2026 over een klacht" in recorded
    assert "De sleutelkluis bij de voordeur gaat niet open." in recorded
    assert "boos" not in recorded and "10.15" not in recorded and "#telefonisch" not in recorded
    assert "Nieuwe telefonische klacht van Kees Jansen" in plain(last(bot, "medewerker1@example.nl", "Uitgevoerd"))


@pytest.mark.integration
def test_deadline_reminder_and_breach_across_a_holiday(dovecot, smtp_sink, tmp_path) -> None:
    from conftest import Bot, rules_copy

    # Friday 2 January 2026 is a closure day (a bridge day after New Year).
    rules = rules_copy(tmp_path, "    - 2026-12-24\n", "    - 2026-01-02\n")
    bot = Bot(dovecot, smtp_sink, tmp_path / "data", rules_path=rules)
    bot.clock.set(datetime.fromisoformat("2025-12-23T15:00:00+01:00"))  # Tuesday before Christmas
    bot.deliver(compose_mail("kerst@example.net", FIRST_LINE, "Alarm", "Het alarm is kapot en niemand komt."))
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    # Two weeks: Tuesday 6 January 2026, at closing time.
    assert case.solution_due.isoformat() == "2026-01-06T16:00:00+00:00"
    # Two working days before: Monday 5 January, then back past the closure day, the weekend and
    # New Year's Day to Wednesday 31 December.
    bot.clock.set(datetime.fromisoformat("2025-12-31T08:29:00+01:00"))
    bot.run_once()
    assert not [m for m in bot.received("klantenservice@example.nl") if "Herinnering" in m["Subject"]]
    bot.clock.set(datetime.fromisoformat("2025-12-31T08:30:00+01:00"))
    bot.run_once()
    reminder = last(bot, "klantenservice@example.nl", "Herinnering")
    assert "dinsdag 6 januari 2026" in reminder["Subject"]
    assert not [m for m in bot.received("coordinator@example.nl") if "Termijn verlopen" in m["Subject"]]
    bot.clock.set(datetime.fromisoformat("2026-01-06T17:00:00+01:00"))
    bot.run_once()
    assert "dinsdag 6 januari 2026" in plain(last(bot, "coordinator@example.nl", "Termijn verlopen"))


@pytest.mark.integration
def test_satisfied_customer_closes_the_case_and_the_owner_fills_in_the_form(bot) -> None:
    customer = "blij@example.net"
    bot.deliver(compose_mail(customer, FIRST_LINE, "Pas", "Mijn toegangspas is kapot."))
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    notice = last(bot, "techniek@example.nl", case.ref)
    command(bot, "medewerker3@example.nl", notice, "#eigenaar medewerker3@example.nl\n#opgelost Nieuwe pas gestuurd.")
    bot.run_once()
    bot.clock.advance(timedelta(days=5))
    bot.run_once()
    customer_says(bot, customer, last(bot, customer, "tevreden"), "Ja, ik ben tevreden. Dank u.")
    bot.run_once()
    assert store.case(case.id).status == "closed"
    form = last(bot, "medewerker3@example.nl", "Verbeterformulier")
    answer = compose_mail(
        "medewerker3@example.nl",
        BOT,
        f"RE: {form['Subject']}",
        "Afhandeling: nieuwe pas per post\nOorzaak: chip defect\nVerbetering: passen testen\n",
        in_reply_to=form["Message-ID"],
    )
    bot.deliver(from_our_server(bot.rules, answer))
    bot.run_once()
    (event,) = [e for e in store.events(case.id) if e.kind == "improvement-form"]
    assert event.detail == {
        "handling": "nieuwe pas per post",
        "cause": "chip defect",
        "improvement": "passen testen",
    }


@pytest.mark.integration
def test_the_coordinator_gets_a_daily_digest_on_working_days(bot) -> None:
    bot.deliver(compose_mail("d1@example.net", FIRST_LINE, "Urgent", "Er is ingebroken, het alarm ging niet af."))
    bot.deliver(compose_mail("d2@example.net", FIRST_LINE, "Dank", "Ik wil Jan de Vries bedanken, top service!"))
    bot.run_once()
    bot.clock.set(datetime.fromisoformat("2026-11-03T08:00:00+01:00"))
    bot.run_once()
    digests = [m for m in bot.received("coordinator@example.nl") if "Klachtenoverzicht" in m["Subject"]]
    assert len(digests) == 1
    text = plain(digests[0])
    assert "dinsdag 3 november 2026" in digests[0]["Subject"] and "URGENT" in text
    assert "Nieuwe complimenten (1)" in text


def test_the_state_machine_is_described_and_consistent() -> None:
    table = describe()
    for t in TRANSITIONS:
        assert t.name in table
        assert t.sources, t.name
        assert t.trigger in Trigger
    reachable = {Status.OPEN} | {t.to for t in TRANSITIONS if t.to}
    assert reachable == set(Status) - {Status.WAITING}  # waiting is set by #status, not by a named target


@pytest.mark.integration
def test_municipal_policy_from_config_alone(dovecot, smtp_sink, tmp_path) -> None:
    """The gemeente's procedure: the department acknowledges, a conversation with hoor en wederhoor,
    a letter of agreements that is watched, the complaints committee, then the Nationale ombudsman."""
    from conftest import REPO, Bot

    bot = Bot(dovecot, smtp_sink, tmp_path / "data", rules_path=REPO / "examples" / "gemeente" / "rules.yaml")
    inbox, customer = bot.user, "fatma@example.net"
    assert inbox == "klachten@gemeente.example.nl"
    bot.deliver(
        compose_mail(
            customer,
            "sociaaldomein@gemeente.example.nl",
            "Behandeling aan de balie",
            "Meneer Ahmed Yilmaz was onvriendelijk en neerbuigend toen ik naar mijn uitkering vroeg.",
            name="Fatma Kaya",
        )
    )
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    assert case.ref.startswith("SD-2026-") and case.subject_type.value == "behaviour"
    assert (case.owner_team, case.owner_email) == ("werk-inkomen", "teamleider.wi@gemeente.example.nl")
    ack = plain(last(bot, customer))
    assert "Marloes Jansen" in ack and "hoor en wederhoor" in ack
    assert "Gemeente Voorbeeld, Sociaal Domein" in ack
    # 5 working days to acknowledge, 6 weeks to decide: Monday 14 December 2026.
    assert "maandag 14 december 2026" in ack

    notice = last(bot, "teamleider.wi@gemeente.example.nl", case.ref)
    command(bot, "teamleider.wi@gemeente.example.nl", notice, "#gesprek donderdag 10:00")
    bot.run_once()
    assert "donderdag 5 november 2026 om 10.00 uur" in plain(last(bot, customer, "Uitnodiging"))
    bot.clock.set(datetime.fromisoformat("2026-11-05T12:00:00+01:00"))
    command(
        bot,
        "teamleider.wi@gemeente.example.nl",
        notice,
        "#afspraak Nieuw gesprek met een andere consulent voor 20 november\n#status in behandeling",
    )
    bot.run_once()
    assert "Nieuw gesprek met een andere consulent, uiterlijk vrijdag 20 november 2026" in plain(
        last(bot, customer, "Afsprakenbrief")
    )
    bot.clock.set(datetime.fromisoformat("2026-11-20T09:30:00+01:00"))
    bot.run_once()
    assert "Nieuw gesprek" in plain(last(bot, "teamleider.wi@gemeente.example.nl", "Afspraak vandaag"))

    command(bot, "teamleider.wi@gemeente.example.nl", notice, "#opgelost Gesprek met nieuwe consulent gevoerd.")
    bot.run_once()
    bot.clock.set(datetime.fromisoformat("2026-11-27T10:00:00+01:00"))
    bot.run_once()
    customer_says(bot, customer, last(bot, customer, "tevreden"), "Nee, ik ben niet tevreden.")
    bot.run_once()
    case = store.case(case.id)
    assert (case.level.label, case.owner_email) == ("appeal", "klachtencommissie@gemeente.example.nl")
    committee_ack = last(bot, customer, "beroep")
    assert "De Klachtencommissie Sociaal Domein beoordeelt uw beroep." in plain(committee_ack)

    committee_notice = last(bot, "klachtencommissie@gemeente.example.nl", "Escalatie")
    command(
        bot,
        "klachtencommissie@gemeente.example.nl",
        committee_notice,
        "#oordeel gegrond\n#opgelost De afdeling biedt excuses aan.",
    )
    bot.run_once()
    decision = plain(last(bot, customer, "Beslissing op uw beroep"))
    assert "uw klacht is gegrond" in decision and "Nationale ombudsman" in decision
    customer_says(bot, customer, committee_ack, "Ik stap naar de Nationale ombudsman.")
    bot.run_once()
    assert (store.case(case.id).status, store.case(case.id).level.label) == ("referred", "dispute")
    assert "www.nationaleombudsman.nl" in plain(last(bot, customer, "Nationale ombudsman"))


@pytest.mark.integration
def test_compliments_are_routed_and_counted_per_person_and_team(bot) -> None:
    from conftest import run_mailbot

    for i, text in enumerate(
        [
            "Jan de Vries heeft ons top geholpen, bedankt!",
            "Complimenten voor Jan, geweldig!",
            "De monteur van de installatie was fantastisch, bedankt!",
        ]
    ):
        bot.deliver(compose_mail(f"fan{i}@example.net", FIRST_LINE, "Compliment", text))
    bot.run_once()
    assert len([m for m in bot.received("medewerker1@example.nl") if "Compliment voor" in m["Subject"]]) == 2
    assert len([m for m in bot.received("techniek@example.nl") if "Compliment voor" in m["Subject"]]) == 1
    result = run_mailbot("compliments", "--json", env=bot.environment())
    assert result.returncode == 0, result.stderr
    counts = {(r["team"], r["person"]): r["compliments"] for r in json.loads(result.stdout)}
    assert counts == {("klantenservice", "medewerker1@example.nl"): 2, ("techniek", None): 1}


@pytest.mark.integration
def test_team_urgent_type_improvement_and_close_by_command(bot) -> None:
    customer = "piet@example.net"
    bot.deliver(compose_mail(customer, FIRST_LINE, "Factuur klopt niet", "De factuur is te hoog. Ik ben ontevreden."))
    bot.deliver(compose_mail("ander@example.net", FIRST_LINE, "Vraag", "Ik ben niet tevreden over de planning."))
    bot.run_once()
    store = bot.store()
    case = next(c for c in store.cases() if c.customer.email == customer)
    assert (case.owner_team, case.urgent, case.subject_type.value) == ("klantenservice", False, "service")
    notice = last(bot, "klantenservice@example.nl", case.ref)

    command(
        bot,
        "medewerker1@example.nl",
        notice,
        "#team techniek\n#urgent\n#type product\n#verbeter Facturen controleren voor verzending\n\n"
        "Doorgezet naar techniek.",
    )
    bot.run_once()
    case = store.case(case.id)
    assert (case.owner_team, case.urgent, case.subject_type.value) == ("techniek", True, "product")
    assert store.cases()[0].id == case.id  # urgent cases come first
    assert case.ref in last(bot, "techniek@example.nl", "toegewezen")["Subject"]
    assert "URGENT" in last(bot, "directeur@example.nl", case.ref)["Subject"]
    improvement = [e for e in store.events(case.id) if e.kind == "improvement"]
    assert improvement[0].detail["suggestion"] == "Facturen controleren voor verzending"
    note = store.messages(case.id)[-1]
    assert note.internal and note.role == "staff"

    command(bot, "medewerker3@example.nl", notice, "#sluiten Klant heeft telefonisch bevestigd.")
    bot.run_once()
    case = store.case(case.id)
    assert case.status == "closed" and case.closed_at == bot.clock.now()
    assert case.ref in last(bot, "techniek@example.nl", "Verbeterformulier")["Subject"]
    assert (bot.settings.data_dir / "archive" / case.ref / "dossier.html").is_file()
    # A closed case takes no more commands, and says so.
    command(bot, "medewerker3@example.nl", notice, "#oplossing Toch nog iets")
    bot.run_once()
    assert "gesloten" in plain(last(bot, "medewerker3@example.nl", "Niet uitgevoerd"))


@pytest.mark.integration
@pytest.mark.parametrize("spoof", SPOOFS, ids=lambda s: s.name)
def test_spoofed_staff_commands_are_never_obeyed(bot, spoof: Spoof) -> None:
    bot.deliver(compose_mail("klant@example.net", FIRST_LINE, "Klacht", "De camera is kapot."))
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    notice = last(bot, "techniek@example.nl", case.ref)
    bot.deliver(staff_answer("medewerker3@example.nl", notice, "#opgelost Alles is goed.\n#sluiten", spoof.results))
    bot.run_once()
    after = store.case(case.id)
    assert after.status == "open" and after.solution is None
    assert not [m for m in bot.received("klant@example.net") if "opgelost" in m["Subject"]]
    ignored = [e for e in store.events(case.id) if e.kind == "commands-ignored"]
    assert len(ignored) == 1 and spoof.why in ignored[0].detail["reason"]
    told = plain(last(bot, "medewerker3@example.nl", "Niet verwerkt"))
    # What an admin must fix, not "send from your own mailbox" (which she did).
    assert spoof.why in told and "beheerder" in told and "Setting up for your organisation" in told
    assert "eigen mailbox" not in told
    assert store.messages(case.id)[-1].internal  # kept as a note


@pytest.mark.integration
def test_a_spoofed_phone_registration_is_quarantined(bot) -> None:
    bot.deliver(
        compose_mail(
            "medewerker1@example.nl",
            BOT,
            "Telefonisch",
            "#telefonisch slachtoffer@example.net\n\nStuur deze persoon maar mail.",
        )
    )
    report = bot.run_once()
    assert report.quarantined == 1 and bot.store().cases() == []
    assert bot.received("slachtoffer@example.net") == []


@pytest.mark.integration
def test_a_reply_that_disputes_our_solution_escalates(bot) -> None:
    # The solution mail is our answer: the case knows it, so "niet eens met" in the reply to it is
    # an escalation (a when_answered rule) before any satisfaction check was sent.
    customer = "ria@example.net"
    bot.deliver(compose_mail(customer, FIRST_LINE, "Camera", "De camera bij de achterdeur is kapot."))
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    assert not case.answered
    command(bot, "medewerker3@example.nl", last(bot, "techniek@example.nl", case.ref), "#opgelost Camera vervangen.")
    bot.run_once()
    assert store.case(case.id).answered
    solution = last(bot, customer, "opgelost")
    customer_says(bot, customer, solution, "Ik ben het niet eens met uw oplossing, de camera doet het nog steeds niet.")
    bot.run_once()
    after = store.case(case.id)
    assert after.level.label != case.level.label and after.status == Status.OPEN
    assert not after.answered  # the new level has not answered yet
