"""#uitstel, #gesprek and #afspraak over real Dovecot and SMTP: the customer's mail, the moved deadline
and its timers, the Awb's limit and the consent, the invitation, one letter of agreements, and the
alert for an agreement past its date."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from test_lifecycle import command, last, plain

from mailbot.cases.dossier import dossier, render_dossier
from mailbot.config import ConfigError, load_rules
from mailbot.config.rules import ExtensionRules
from mailbot.demo import compose_mail
from mailbot.workdays import WorkCalendar

GEMEENTE_INBOX = "sociaaldomein@gemeente.example.nl"
TEAMLEADER = "teamleider.wi@gemeente.example.nl"
GEMEENTE_COORDINATOR = "klachtcoordinator@gemeente.example.nl"


def mails_with(bot, user: str, text: str) -> list:
    """What ``user`` received whose plain text holds ``text``."""
    return [m for m in bot.received(user) if text in plain(m)]


def extended(store, case_id: int) -> list[dict[str, Any]]:
    return [e.detail for e in store.events(case_id) if e.kind == "extend"]


def pending(store, case_id: int, kind: str) -> list[datetime]:
    return [t.due_at for t in store.timers(case_id) if t.kind == kind and t.status == "pending"]


def updates(store, case_id: int) -> list[datetime]:
    """When the customer got an interim update."""
    return [e.at for e in store.events(case_id) if e.kind == "interim-update"]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def gemeente(dovecot, smtp_sink, tmp_path):
    """mailbot under the municipal example's rules (Awb 9:11: one extension, at most four weeks)."""
    from conftest import REPO, Bot

    return Bot(dovecot, smtp_sink, tmp_path / "data", rules_path=REPO / "examples" / "gemeente" / "rules.yaml")


def complaint(bot, customer: tuple[str, str], to: str, subject: str, text: str, staff: str) -> tuple:
    """A customer's (address, name) complaint arrives and is handled: the store, the case, the notice ``staff`` got."""
    bot.deliver(compose_mail(customer[0], to, subject, text, name=customer[1]))
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    return store, case, last(bot, staff, case.ref)


ELS, PIETERS_MANAGER = "els@example.net", "medewerker3@example.nl"
TECH = "techniek@example.nl"


def behaviour_complaint(bot) -> tuple:
    """Els complains about Pieter Bakker; the case goes to his manager."""
    return complaint(
        bot,
        (ELS, "Els de Boer"),
        "klacht@example.nl",
        "Onbeschofte medewerker",
        "Pieter Bakker was gisteren erg onbeschoft tegen mij aan de telefoon.",
        PIETERS_MANAGER,
    )


@pytest.mark.integration
def test_an_extension_under_the_awb_once_within_four_weeks_then_only_with_consent(gemeente) -> None:
    bot = gemeente
    assert bot.rules.coordinator.email == GEMEENTE_COORDINATOR
    customer = "fatma@example.net"
    store, case, notice = complaint(
        bot,
        (customer, "Fatma Kaya"),
        GEMEENTE_INBOX,
        "Behandeling aan de balie",
        "Meneer Ahmed Yilmaz was onvriendelijk en neerbuigend toen ik naar mijn uitkering vroeg.",
        TEAMLEADER,
    )
    # Six weeks from Monday 2 November: Monday 14 December 2026.
    assert case.solution_due == at("2026-12-14T17:00:00+01:00")
    assert pending(store, case.id, "solution-passed") == [at("2026-12-14T17:00:00+01:00")]

    # Not later than the current deadline, and past the Awb's four weeks: refused, nothing sent.
    command(bot, TEAMLEADER, notice, "#uitstel 11 december Wij wachten op het UWV")
    command(bot, TEAMLEADER, notice, "#uitstel 15 januari 2027 Wij wachten op het UWV")
    bot.run_once()
    assert mails_with(bot, TEAMLEADER, "moet later zijn dan de huidige termijn (maandag 14 december 2026)")
    (too_far,) = mails_with(bot, TEAMLEADER, "tot en met maandag 11 januari 2027")
    assert "Niet uitgevoerd" in too_far["Subject"]
    assert "Langer kan alleen als de klant ermee instemt: zet dan 'toestemming' achter de regel." in plain(too_far)
    assert store.case(case.id).solution_due == case.solution_due and extended(store, case.id) == []
    assert not [m for m in bot.received(customer) if "meer tijd" in m["Subject"]]

    # Within the limit: the customer hears the old date, the new one and why; the timers move.
    bot.clock.set(datetime.fromisoformat("2026-12-01T10:00:00+01:00"))
    command(bot, TEAMLEADER, notice, "#uitstel vrijdag 8 januari 2027 Wij wachten op informatie van het UWV")
    bot.run_once()
    letter = plain(last(bot, customer, "meer tijd"))
    assert "uiterlijk maandag 14 december 2026 zouden afhandelen" in letter
    assert "De reden is: Wij wachten op informatie van het UWV." in letter
    assert "Wij handelen uw klacht nu uiterlijk vrijdag 8 januari 2027 af." in letter
    assert "Wat gebeurt er nu?" in letter and "toestemming" not in letter
    case = store.case(case.id)
    assert case.solution_due == at("2027-01-08T17:00:00+01:00")
    assert pending(store, case.id, "solution-passed") == [at("2027-01-08T17:00:00+01:00")]
    remind = WorkCalendar(bot.rules.calendar).working_days_before(
        case.solution_due, bot.rules.policy.reminder_before.amount
    )
    assert pending(store, case.id, "solution-reminder") == [remind] and remind.year == 2027
    (record,) = extended(store, case.id)
    assert (record["consent"], record["solution_due_before"][:10]) == (False, "2026-12-14")

    # The old date passes unnoticed; a second extension needs the customer's consent.
    bot.clock.set(datetime.fromisoformat("2026-12-15T10:00:00+01:00"))
    command(bot, TEAMLEADER, notice, "#uitstel 22 januari 2027 Het UWV heeft meer tijd nodig")
    bot.run_once()
    assert not mails_with(bot, GEMEENTE_COORDINATOR, "verlopen op maandag 14 december 2026")
    assert mails_with(bot, TEAMLEADER, "Dat is in dit dossier al 1 keer gebeurd.")
    command(bot, TEAMLEADER, notice, "#uitstel 22 januari 2027 Het UWV heeft meer tijd nodig toestemming")
    bot.run_once()
    letter = plain(last(bot, customer, "meer tijd"))
    assert "uiterlijk vrijdag 22 januari 2027 af" in letter and "U hebt ermee ingestemd" in letter
    assert [r["consent"] for r in extended(store, case.id)] == [False, True]
    assert "met toestemming van de klant" in plain(last(bot, TEAMLEADER, "Uitgevoerd"))

    # The moved deadline is the one that alerts when it passes.
    bot.clock.set(datetime.fromisoformat("2027-01-22T17:30:00+01:00"))
    bot.run_once()
    assert mails_with(bot, GEMEENTE_COORDINATOR, "verlopen op vrijdag 22 januari 2027")


@pytest.mark.integration
def test_an_extension_without_a_limit_in_the_policy(bot) -> None:
    customer = "henk@example.net"
    store, case, notice = complaint(
        bot,
        (customer, "Henk Visser"),
        "klacht@example.nl",
        "Camera stuk",
        "De camera is stuk. Ik ben ontevreden.",
        TECH,
    )
    # The owner spoke to the customer, so the first interim update has news and goes out; its
    # successor is set before the deadline of Monday 16 November.
    bot.clock.set(at("2026-11-03T10:00:00+01:00"))
    command(bot, "medewerker3@example.nl", notice, "#contact Klant gebeld")
    bot.run_once()
    bot.clock.set(at("2026-11-09T09:00:00+01:00"))
    bot.run_once()
    assert len(updates(store, case.id)) == 1 and pending(store, case.id, "interim-update")
    # The same day the shipped policy (no limit) allows eight weeks more without consent.
    command(bot, "medewerker3@example.nl", notice, "#uitstel 15 januari 2027: het onderdeel is pas dan leverbaar")
    bot.run_once()
    assert "uiterlijk vrijdag 15 januari 2027 af" in plain(last(bot, customer, "meer tijd"))
    assert store.case(case.id).solution_due == at("2027-01-15T17:00:00+01:00")
    # The interim updates go on, past the old deadline, one at a time: the second tells of the
    # extension; with nothing new for the third the owner is asked first, and it goes a morning later.
    for day in ("2026-11-16", "2026-11-19", "2026-11-23", "2026-11-24"):
        bot.clock.set(at(f"{day}T09:00:00+01:00"))
        bot.run_once()
        assert len(updates(store, case.id)) == {"2026-11-16": 2, "2026-11-19": 2, "2026-11-23": 2}.get(day, 3)
    assert mails_with(bot, TECH, "#tussenbericht <wat u de klant wilt laten weten>")
    # A date on a holiday is refused with the reason.
    command(bot, "medewerker3@example.nl", notice, "#uitstel 1 januari 2027 nog later")
    bot.run_once()
    assert mails_with(bot, "medewerker3@example.nl", "moet later zijn dan de huidige termijn")
    command(bot, "medewerker3@example.nl", notice, "#uitstel 27 april 2027 nog later")
    bot.run_once()
    assert mails_with(
        bot, "medewerker3@example.nl", "dinsdag 27 april 2027 is geen werkdag (Koningsdag). Kies een werkdag."
    )


@pytest.mark.integration
def test_an_extension_after_the_last_interim_update_starts_them_again(bot) -> None:
    store, case, notice = complaint(
        bot, ("henk@example.net", "Henk Visser"), "klacht@example.nl", "Camera stuk", "Camera stuk. Ontevreden.", TECH
    )
    # On the deadline's day the update goes out, and none is set after it: the solution is due first.
    bot.clock.set(at("2026-11-16T10:00:00+01:00"))
    bot.run_once()
    assert len(updates(store, case.id)) == 1 and not pending(store, case.id, "interim-update")
    command(bot, "medewerker3@example.nl", notice, "#uitstel 15 januari 2027: het onderdeel is pas dan leverbaar")
    bot.run_once()
    assert pending(store, case.id, "interim-update")
    bot.clock.set(at("2026-11-23T10:00:00+01:00"))
    bot.run_once()
    assert len(updates(store, case.id)) == 2


@pytest.mark.integration
def test_a_conversation_in_office_words_and_one_letter_of_agreements_watched_until_kept(bot) -> None:
    customer, owner = ELS, PIETERS_MANAGER
    store, case, notice = behaviour_complaint(bot)

    # Saturday is refused with the reason; nothing of the mail is done.
    command(bot, owner, notice, "#gesprek zaterdag 10.00 uur\n#afspraak Excuses voor 13 november")
    bot.run_once()
    (refused,) = mails_with(bot, owner, "zaterdag 7 november 2026 is geen werkdag")
    assert "Niet uitgevoerd" in refused["Subject"] and store.agreements(case.id) == []

    # "om 2 uur" is 14.00 uur; all #afspraak lines of the mail make one letter.
    command(
        bot,
        owner,
        notice,
        "#gesprek dinsdag om 2 uur op kantoor met J. de Vries\n"
        "#afspraak Excuses van de medewerker voor 13 november\n"
        "#afspraak Extra training klantcontact voor 20 november",
    )
    bot.run_once()
    invite = plain(last(bot, customer, "Uitnodiging"))
    assert "Het gesprek is op dinsdag 3 november 2026 om 14.00 uur." in invite
    assert "U bent welkom bij ons op kantoor." in invite and "Van onze kant is bij het gesprek: J. de Vries." in invite
    assert "Komt dit moment u niet uit? Beantwoord dan deze e-mail" in invite
    (letter,) = [m for m in bot.received(customer) if "Afsprakenbrief" in m["Subject"]]
    assert "Excuses van de medewerker, uiterlijk vrijdag 13 november 2026" in plain(letter)
    assert "Extra training klantcontact, uiterlijk vrijdag 20 november 2026" in plain(letter)

    # Kept before its date: neither reminder nor alert for it. The other: the reminder, then the alert.
    bot.clock.set(datetime.fromisoformat("2026-11-12T11:00:00+01:00"))
    command(bot, owner, notice, "#afspraak nagekomen Excuses")
    bot.run_once()
    assert [a.text for a in store.agreements(case.id) if a.kept_at] == ["Excuses van de medewerker"]
    shown = render_dossier(dossier(store, store.case(case.id)), WorkCalendar(bot.rules.calendar).zone)
    assert "Agreement     Excuses van de medewerker (by 2026-11-13, kept)" in shown
    assert "Agreement     Extra training klantcontact (by 2026-11-20)" in shown
    for day in ("2026-11-13", "2026-11-16", "2026-11-20", "2026-11-23"):
        bot.clock.set(datetime.fromisoformat(f"{day}T09:30:00+01:00"))
        bot.run_once()
    assert not [m for m in bot.received(owner) if "Excuses" in m["Subject"]]
    assert len([m for m in bot.received(owner) if "Afspraak vandaag: Extra training klantcontact" in m["Subject"]]) == 1
    for person in (owner, "coordinator@example.nl"):
        (alert,) = [m for m in bot.received(person) if "Afspraak niet nagekomen" in m["Subject"]]
        assert "Extra training klantcontact, uiterlijk vrijdag 20 november 2026" in plain(alert)
        assert "#afspraak nagekomen Extra training klantcontact" in plain(alert)


def test_a_wrong_extension_limit_names_the_file_and_line(tmp_path) -> None:
    from conftest import rules_copy

    path = rules_copy(tmp_path, "  solve: 2 weeks\n", "  solve: 2 weeks\n  extension:\n    max_weeks: vier\n")
    with pytest.raises(ConfigError) as caught:
        load_rules(path)
    line = path.read_text(encoding="utf-8").splitlines().index("    max_weeks: vier") + 1
    assert f"{path}:{line}" in str(caught.value)
    assert "deadlines.extension.max_weeks must be a whole number of at least 1" in str(caught.value)
    path = rules_copy(tmp_path, "  solve: 2 weeks\n", "  solve: 2 weeks\n  extension: {}\n")
    assert load_rules(path).deadlines.extension == ExtensionRules()
    path = rules_copy(tmp_path, "  solve: 2 weeks\n", "  solve: 2 weeks\n  extension: {max_times: 2}\n")
    assert load_rules(path).deadlines.extension == replace(ExtensionRules(), max_times=2)
    path = rules_copy(tmp_path, "  solve: 2 weeks\n", "  solve: 2 weeks\n  extension: {max_times: 1, often: 2}\n")
    with pytest.raises(ConfigError, match=r"unknown key 'often' in deadlines\.extension"):
        load_rules(path)


@pytest.mark.integration
def test_an_agreement_made_before_the_alert_existed_is_watched_from_its_reminder_on(bot) -> None:
    store, case, notice = behaviour_complaint(bot)
    command(bot, PIETERS_MANAGER, notice, "#afspraak Excuses van de medewerker voor zaterdag 7 november")
    bot.run_once()
    # A database from before the alert: the agreement has only its reminder.
    with store.transaction():
        store.db.execute("DELETE FROM timers WHERE kind = 'agreement-overdue'")
    # Due on a Saturday: reminded on Monday 9 November, alerted on Tuesday 10 November.
    bot.clock.set(datetime.fromisoformat("2026-11-09T09:30:00+01:00"))
    bot.run_once()
    assert pending(store, case.id, "agreement-overdue") == [at("2026-11-10T08:30:00+01:00")]
    bot.clock.set(datetime.fromisoformat("2026-11-10T09:30:00+01:00"))
    bot.run_once()
    (alert,) = [m for m in bot.received("coordinator@example.nl") if "Afspraak niet nagekomen" in m["Subject"]]
    assert "uiterlijk zaterdag 7 november 2026" in plain(alert)
