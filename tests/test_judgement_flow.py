"""Judgement in a case's life over real Dovecot and SMTP: a person decides when the classifier is
unsure, answers are read, dispute words flag without skipping a step, corrections, closed cases.

The threshold is set per test (``classification.min_confidence``): 1 makes every new mail a case
for a person to judge, whatever the classifier thinks; 0 lets the classifier decide. So these
tests check the case logic, not the classifier's figures (those are `mailbot eval`'s).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from test_lifecycle import BOT, FIRST_LINE, command, customer_says, last, plain

from mailbot.cases.work import next_level
from mailbot.demo import compose_mail
from mailbot.models import Level
from mailbot.reports.kpi import load_report
from mailbot.reports.model import Period

COORDINATOR = "coordinator@example.nl"
DIRECTOR = "directeur@example.nl"
UNSURE = "  min_confidence: 1\n"  # every new mail waits for a person's #soort
SURE = "  min_confidence: 0\n"


def bot_with(dovecot, smtp_sink, tmp_path, threshold: str):
    from conftest import Bot, rules_copy

    rules = rules_copy(tmp_path, "  min_confidence: 0.6\n", threshold)
    return Bot(dovecot, smtp_sink, tmp_path / "data", rules_path=rules)


@pytest.fixture
def unsure_bot(dovecot, smtp_sink, tmp_path):
    return bot_with(dovecot, smtp_sink, tmp_path, UNSURE)


@pytest.fixture
def sure_bot(dovecot, smtp_sink, tmp_path):
    return bot_with(dovecot, smtp_sink, tmp_path, SURE)


def subjects(bot, user: str) -> list[str]:
    return [m["Subject"] for m in bot.received(user)]


def report(bot):
    period = Period(date(2026, 11, 1), date(2026, 11, 30), "Europe/Amsterdam")
    return load_report(bot.store(), period, {}, bot.clock.now())


def triaged(bot, customer: str, subject: str, text: str, verdict: str, to: str = FIRST_LINE, name: str = ""):
    """A new mail, judged by the coordinator with ``verdict`` (the lines of the triage answer)."""
    bot.deliver(compose_mail(customer, to, subject, text, name=name))
    bot.run_once()
    case = next(c for c in bot.store().cases() if c.customer.email == customer)
    command(bot, COORDINATOR, last(bot, COORDINATOR, f"[{case.ref}]"), verdict)
    bot.run_once()
    return bot.store().case(case.id)


# --- 4. Unsure: a person decides -------------------------------------------------------------


@pytest.mark.integration
def test_an_unsure_mail_gets_a_neutral_acknowledgement_and_the_coordinator_decides(unsure_bot) -> None:
    bot, customer = unsure_bot, "ria@example.net"
    text = "Gisteren stond de beveiliger bij de ingang. Hij heeft mij de weg gewezen naar de lift."
    bot.deliver(compose_mail(customer, FIRST_LINE, "Gisteren bij de ingang", text, name="Ria Bos"))
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    assert case.awaiting_verdict and case.status == "open"

    # The customer: thanks, read, an answer by the acknowledgement date; no complaint assumed.
    (ack,) = bot.received(customer)
    body = plain(ack)
    own_words = f"{ack['Subject']}\n{body.split('Met vriendelijke groet')[0]}".lower()  # not the signature
    assert "klacht" not in own_words
    assert case.ref in ack["Subject"] and "gelezen" in body
    assert "uiterlijk donderdag 5 november 2026" in body  # 3 working days after Monday 2 November
    assert store.case(case.id).ack_sent_at is not None  # the neutral acknowledgement keeps the deadline

    # The coordinator: the mail's own words and one command to answer with; the team hears nothing yet.
    triage = last(bot, COORDINATOR, "Kies de soort")
    assert text in plain(triage) and "#soort klacht" in plain(triage) and "#soort compliment" in plain(triage)
    assert not [s for s in subjects(bot, "klantenservice@example.nl") if case.ref in s]

    # The next morning's digest reminds the coordinator of the choice still to make.
    bot.clock.set(datetime.fromisoformat("2026-11-03T08:00:00+01:00"))
    bot.run_once()
    digest = plain(last(bot, COORDINATOR, "Klachtenoverzicht"))
    assert "Wacht op uw keuze van de soort bericht (1)" in digest and case.ref in digest

    # Then the coordinator decides: a complaint, urgent, about a product.
    bot.clock.set(datetime.fromisoformat("2026-11-03T09:00:00+01:00"))
    command(bot, COORDINATOR, triage, "#soort klacht\n#urgent\n#type product")
    bot.run_once()
    after = store.case(case.id)
    assert (after.category.value, after.urgent, after.subject_type.value, after.awaiting_verdict) == (
        "complaint",
        True,
        "product",
        False,
    )
    assert after.solution_due == case.solution_due  # deadlines still run from the arrival
    ack2 = last(bot, customer, "Ontvangstbevestiging van uw klacht")
    assert "voorrang" in plain(ack2)  # #urgent applied before the mail went
    assert case.ref in last(bot, f"{after.owner_team}@example.nl", "URGENT")["Subject"]
    assert "Soort: klacht" in plain(last(bot, COORDINATOR, "Uitgevoerd"))

    # The acknowledgement deadline passes: it was met by the neutral acknowledgement, nobody is alerted.
    bot.clock.set(datetime.fromisoformat("2026-11-06T09:00:00+01:00"))
    bot.run_once()
    assert not [s for s in subjects(bot, COORDINATOR) if "Termijn verlopen" in s]
    assert report(bot).acknowledged.met == 1


@pytest.mark.integration
def test_an_unsure_mail_judged_a_compliment_is_thanked_and_counted_as_one(unsure_bot) -> None:
    bot, customer = unsure_bot, "kees@example.net"
    case = triaged(
        bot,
        customer,
        "Jan de Vries",
        "Ik wil even laten weten dat Jan de Vries vanochtend heel attent was.",
        "#soort compliment",
    )
    assert (case.category.value, case.status) == ("compliment", "closed")
    mails = bot.received(customer)
    assert [m["Subject"].split("] ", 1)[-1] for m in mails] == ["Wij hebben uw bericht ontvangen: Jan de Vries",
                                                                 "Bedankt voor uw compliment"]  # fmt: skip
    assert "Jan de Vries" in plain(last(bot, "medewerker1@example.nl", "Compliment voor"))
    pending = [t for t in bot.store().timers(case.id) if t.status == "pending"]
    assert pending == []
    figures = report(bot)
    assert (figures.complaints, figures.compliments) == (0, 1)
    assert figures.compliments_per_person == {"medewerker1@example.nl": 1}


@pytest.mark.integration
def test_a_second_mail_before_the_verdict_changes_nothing_by_itself(unsure_bot) -> None:
    bot, customer = unsure_bot, "lies@example.net"
    bot.deliver(compose_mail(customer, FIRST_LINE, "Uw antwoord", "Ik wacht op uw antwoord."))
    bot.run_once()
    (case,) = bot.store().cases()
    customer_says(bot, customer, last(bot, customer), "Ik ben het niet eens met uw antwoord, ik wil in beroep.")
    bot.run_once()
    after = bot.store().case(case.id)
    assert (after.level, after.category, after.awaiting_verdict) == (case.level, case.category, True)
    told = plain(last(bot, COORDINATOR, "Reactie van de klant"))
    assert "in beroep" in told and "#soort klacht" in told

    # Still no choice the next morning: the coordinator is reminded of the promise made to the customer.
    bot.clock.set(datetime.fromisoformat("2026-11-03T08:30:00+01:00"))
    bot.run_once()
    bot.run_once()
    (reminder,) = [m for m in bot.received(COORDINATOR) if "Herinnering: kies de soort" in m["Subject"]]
    assert case.ref in reminder["Subject"] and "donderdag 5 november 2026" in plain(reminder)
    command(bot, COORDINATOR, reminder, "#soort klacht")
    bot.run_once()
    assert "Ontvangstbevestiging van uw klacht" in last(bot, customer)["Subject"]


# --- 8. A person corrects the verdict on any open case ------------------------------------------


@pytest.mark.integration
def test_a_complaint_corrected_to_a_compliment_gets_the_thanks_and_no_more_complaint_mail(unsure_bot) -> None:
    bot, customer = unsure_bot, "joke@example.net"
    case = triaged(bot, customer, "Monteur", "De monteur van de installatie kwam vandaag langs.", "#soort klacht")
    assert case.category.value == "complaint"
    assert [t for t in bot.store().timers(case.id) if t.status == "pending"]
    notice = last(bot, f"{case.owner_team}@example.nl", f"[{case.ref}]")

    command(bot, "medewerker1@example.nl", notice, "#soort compliment")
    bot.run_once()
    after = bot.store().case(case.id)
    assert (after.category.value, after.status) == ("compliment", "closed")
    assert "Bedankt voor uw compliment" in last(bot, customer)["Subject"]
    assert "Team Techniek" in plain(last(bot, customer))  # "monteur" names the technical team
    timers = bot.store().timers(case.id)
    assert {t.status for t in timers} == {"cancelled"}
    # Weeks later: no interim update, no reminder, no alert for what is a compliment.
    before = len(bot.received(customer))
    bot.clock.set(datetime.fromisoformat("2026-11-20T09:00:00+01:00"))
    bot.run_once()
    assert len(bot.received(customer)) == before
    assert not [s for s in subjects(bot, COORDINATOR) if "Termijn verlopen" in s]
    assert (report(bot).complaints, report(bot).compliments) == (0, 1)


@pytest.mark.integration
def test_escalating_by_command_climbs_one_rung_at_a_time_with_its_mails(unsure_bot) -> None:
    bot, customer = unsure_bot, "wim@example.net"
    case = triaged(bot, customer, "Alarm", "Het alarm gaat elke nacht af.", "#soort klacht\n#type product")
    assert case.level.label == "first_line"
    notice = last(bot, "techniek@example.nl", f"[{case.ref}]")

    command(bot, "medewerker3@example.nl", notice, "#escaleren")
    bot.run_once()
    assert bot.store().case(case.id).level.label == "formal"
    assert "niet eens bent met de behandeling" in plain(last(bot, customer))
    assert case.ref in last(bot, COORDINATOR, "Escalatie naar formele klacht")["Subject"]

    command(bot, "medewerker3@example.nl", notice, "#escaleren")
    bot.run_once()
    after = bot.store().case(case.id)
    assert (after.level.label, after.owner_email) == ("appeal", "directeur@example.nl")
    assert case.ref in last(bot, "directeur@example.nl", "Escalatie naar beroep")["Subject"]

    # From the appeal, the last internal stage, the next rung is the referral.
    command(bot, "directeur@example.nl", last(bot, "directeur@example.nl", "Escalatie"), "#escaleren")
    bot.run_once()
    after = bot.store().case(case.id)
    assert (after.level.label, after.status) == ("dispute", "referred")
    # The shipped policy names no outside body: the customer hears the procedure has ended.
    assert "geen volgende stap" in plain(last(bot, customer, "klachtenprocedure is afgerond"))
    figures = report(bot)
    assert (figures.escalations, figures.referrals, figures.levels_reached["appeal"]) == (2, 1, 1)


@pytest.mark.integration
def test_soort_escalatie_makes_a_first_line_complaint_formal(unsure_bot) -> None:
    bot, customer = unsure_bot, "ans@example.net"
    case = triaged(
        bot,
        customer,
        "Re: uw antwoord",
        "Ik ben het niet eens met uw antwoord van vorige week.",
        "#soort escalatie",
    )
    assert (case.category.value, case.level.label, case.awaiting_verdict) == ("escalation", "formal", False)
    assert "niet eens bent met de behandeling" in plain(last(bot, customer))
    assert report(bot).levels_reached["formal"] == 1


# --- 6. Dispute words flag the case and never skip a step --------------------------------------


@pytest.mark.integration
def test_a_lawyer_in_the_first_mail_flags_the_case_but_opens_no_dispute(sure_bot) -> None:
    from conftest import run_mailbot

    bot, customer = sure_bot, "bram@example.net"
    bot.deliver(
        compose_mail(
            customer,
            BOT,
            "Schade aan mijn deur",
            "Uw beveiliger heeft mijn deur beschadigd. Mijn advocaat neemt contact met u op als dit "
            "niet snel wordt opgelost. Ik stap anders naar de geschillencommissie.",
        )
    )
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    assert case.level.label != "dispute" and case.status != "referred"
    assert case.dispute_flag == "advocaat, geschillencommissie"
    flag = last(bot, COORDINATOR, "Let op")
    assert "advocaat, geschillencommissie" in plain(flag) and "één keer" in plain(flag)

    # The customer writes again naming the court: no second notice, and still no referral.
    customer_says(bot, customer, last(bot, customer), "Ik ga ook naar de rechter als het moet.")
    bot.run_once()
    assert len([s for s in subjects(bot, COORDINATOR) if "Let op" in s]) == 1
    assert store.case(case.id).status not in ("referred",)
    assert store.case(case.id).level.label != "dispute"

    shown = run_mailbot("cases", "show", case.ref, env=bot.environment())
    assert shown.returncode == 0, shown.stderr
    assert "Dispute flag  the customer names: advocaat, geschillencommissie" in shown.stdout


@pytest.mark.integration
def test_a_dissatisfied_answer_naming_a_lawyer_climbs_one_rung_only(unsure_bot) -> None:
    bot, customer = unsure_bot, "els@example.net"
    case = triaged(bot, customer, "Pas", "Mijn toegangspas doet het niet.", "#soort klacht\n#opgelost Nieuwe pas.")
    assert case.status == "solved"
    bot.clock.advance(timedelta(days=5))
    bot.run_once()
    customer_says(bot, customer, last(bot, customer, "tevreden"), "Nee. Ik laat mijn jurist ernaar kijken.")
    bot.run_once()
    after = bot.store().case(case.id)
    assert (after.level.label, after.status, after.dispute_flag) == ("formal", "open", "jurist")
    assert not [m for m in bot.received(customer) if "onafhankelijke" in m["Subject"]]

    # Closed later, the archived dossier shows the flag.
    notice = last(bot, COORDINATOR, "Escalatie")
    command(bot, COORDINATOR, notice, "#sluiten Met de klant opgelost.")
    bot.run_once()
    page = (bot.settings.data_dir / "archive" / case.ref / "dossier.html").read_text(encoding="utf-8")
    assert "De klant noemt: jurist" in page


# --- 5. Reading answers: twenty customers answer the satisfaction check ------------------------

# Written for this test: (answer, what it means).
TWENTY = [
    ("Ja hoor, helemaal tevreden!", "satisfied"),
    ("Ja.", "satisfied"),
    ("Nee hoor, alles werkt prima nu. Dank u wel!", "satisfied"),
    ("De nieuwe camera doet het weer. Bedankt voor de snelle service.", "satisfied"),
    ("Geen klachten meer, dank je wel.", "satisfied"),
    ("Keurig opgelost, dank u.", "satisfied"),
    ("Het duurde lang, maar nu is alles in orde.", "satisfied"),
    ("Ja, maar de monteur was weer te laat.", "dissatisfied"),
    ("Nee.", "dissatisfied"),
    ("Nee, het alarm gaat nog steeds zomaar af.", "dissatisfied"),
    ("Ik ben helemaal niet tevreden over hoe dit is gegaan.", "dissatisfied"),
    ("Bedankt voor niks, de pas werkt weer niet.", "dissatisfied"),
    ("Allesbehalve tevreden. Er is niemand langs geweest.", "dissatisfied"),
    ("Ja maar waarom moest ik drie keer bellen?", "dissatisfied"),
    ("Deels. De camera werkt, de deurbel nog niet.", "unclear"),
    ("Hoe lang gaat deze camera nu mee?", "unclear"),
    ("Kunt u mij even terugbellen?", "unclear"),
    ("Ik ben vanaf maandag op vakantie.", "unclear"),
    ("Gedeeltelijk, ik wacht nog op de nieuwe sleutel.", "unclear"),
    ("De monteur was vriendelijk en het is ook gemaakt, al is er wel een kras op de muur.", "unclear"),
]


@pytest.mark.integration
def test_twenty_answers_to_the_satisfaction_check(unsure_bot) -> None:
    bot = unsure_bot
    customers = [f"klant{i:02d}@example.net" for i in range(len(TWENTY))]
    for customer in customers:
        bot.deliver(compose_mail(customer, FIRST_LINE, "Storing", "Mijn alarm geeft steeds een storing."))
    bot.run_once()
    store = bot.store()
    cases = {c.customer.email: c for c in store.cases()}
    for customer in customers:
        triage = last(bot, COORDINATOR, f"[{cases[customer].ref}]")
        command(
            bot, COORDINATOR, triage, "#soort klacht\n#eigenaar medewerker2@example.nl\n#opgelost Storing verholpen."
        )
    bot.run_once()
    bot.clock.set(datetime.fromisoformat("2026-11-06T10:00:00+01:00"))
    bot.run_once()
    for customer, (answer, _) in zip(customers, TWENTY, strict=True):
        customer_says(bot, customer, last(bot, customer, "tevreden"), answer)
    bot.run_once()

    asked = [m for m in bot.received("medewerker2@example.nl") if "Kiest u wat er gebeurt" in m["Subject"]]
    for customer, (answer, meaning) in zip(customers, TWENTY, strict=True):
        case = store.case(cases[customer].id)
        outcome = {
            ("closed", "first_line"): "satisfied",
            ("open", "formal"): "dissatisfied",
            ("satisfaction_check", "first_line"): "unclear",
        }[(case.status, case.level.label)]
        assert outcome == meaning, answer
        mine = [m for m in asked if case.ref in m["Subject"]]
        assert len(mine) == (meaning == "unclear"), answer
        if mine:
            assert "#tevreden" in plain(mine[0]) and "#escaleren" in plain(mine[0]) and answer in plain(mine[0])
    # An unclear answer counts as no answer until the owner has read it.
    assert report(bot).satisfaction == {"satisfied": 7, "not_satisfied": 7, "no_answer": 6}

    # The owner settles an unclear one with one command.
    unclear = next(c for c, (_, m) in zip(customers, TWENTY, strict=True) if m == "unclear")
    ask = next(m for m in asked if cases[unclear].ref in m["Subject"])
    command(bot, "medewerker2@example.nl", ask, "#tevreden")
    bot.run_once()
    assert store.case(cases[unclear].id).status == "closed"
    assert report(bot).satisfaction["satisfied"] == 8


@pytest.mark.integration
def test_an_answer_to_a_proposal_is_read_too(unsure_bot) -> None:
    bot, customer = unsure_bot, "piet@example.net"
    case = triaged(
        bot,
        customer,
        "Camera",
        "De camera bij de poort is kapot.",
        "#soort klacht\n#type product\n#oplossing Nieuwe camera.",
    )
    assert case.status == "solution_proposed"
    proposal = last(bot, customer, "voorstel")

    customer_says(bot, customer, proposal, "Wanneer kan de monteur dan komen?")
    bot.run_once()
    assert bot.store().case(case.id).status == "solution_proposed"
    ask = last(bot, "techniek@example.nl", "Kiest u wat er gebeurt")
    assert "#opgelost" in plain(ask) and "#escaleren" in plain(ask)

    customer_says(bot, customer, proposal, "Ja, daar ga ik mee akkoord. Dank u.")
    bot.run_once()
    assert bot.store().case(case.id).status == "solution_proposed"  # the owner still has to do it
    assert "#opgelost" in plain(last(bot, "techniek@example.nl", "akkoord"))

    customer_says(bot, customer, proposal, "Nee, een nieuwe camera lost het niet op, de bekabeling is het probleem.")
    bot.run_once()
    assert bot.store().case(case.id).level.label == "formal"


# --- 9. Mail on a closed case ------------------------------------------------------------------


@pytest.mark.integration
def test_mail_on_a_closed_case_is_read(unsure_bot) -> None:
    bot, customer = unsure_bot, "ruud@example.net"
    case = triaged(
        bot,
        customer,
        "Pas kapot",
        "Mijn toegangspas is kapot, ik ben ontevreden.",
        "#soort klacht\n#eigenaar medewerker3@example.nl\n#sluiten Pas vervangen.",
    )
    store = bot.store()
    assert case.status == "closed"
    before_customer, before_staff = len(bot.received(customer)), len(bot.received("medewerker3@example.nl"))

    # A thank-you: kept in the dossier, no mail to anyone.
    ack = bot.received(customer)[0]
    customer_says(bot, customer, ack, "Dank u wel, de nieuwe pas werkt prima!")
    bot.run_once()
    assert len(bot.received(customer)) == before_customer
    assert len(bot.received("medewerker3@example.nl")) == before_staff
    assert store.messages(case.id)[-1].stripped.startswith("Dank u wel")
    assert [c.id for c in store.cases()] == [case.id]

    # A new incident in a reply to "closed": a new case, linked, acknowledged; owner and coordinator told.
    bot.clock.advance(timedelta(days=2))
    customer_says(bot, customer, ack, "De nieuwe pas is nu ook kapot. Ik kan weer niet naar binnen.")
    bot.run_once()
    new = next(c for c in store.cases() if c.id != case.id)
    assert new.linked_case_id == case.id and new.status == "open"
    assert store.case(case.id).status == "closed"
    assert new.ref in last(bot, customer)["Subject"]  # acknowledged (neutrally: a person judges it first)
    told = last(bot, "medewerker3@example.nl", "Nieuwe klacht na gesloten dossier")
    assert new.ref in told["Subject"] and case.ref in told["Subject"]
    assert "ook kapot" in plain(last(bot, COORDINATOR, f"[{new.ref}]"))
    assert any(e.kind == "followed-up" and e.detail["new_case"] == new.ref for e in store.events(case.id))
    (logged,) = store.mail_log_rows([new.id])  # the mail log names the case the mail went to
    assert logged["reason"] == "reply to a closed case"
    shown = store.messages(new.id)
    assert shown and "ook kapot" in shown[0].stripped


@pytest.mark.parametrize(
    ("current", "after"),
    [
        (Level.FIRST_LINE, Level.FORMAL),
        (Level.FORMAL, Level.APPEAL),
        (Level.APPEAL, Level.DISPUTE),  # from the last internal stage: the referral
        (Level.DISPUTE, Level.DISPUTE),  # the top of the ladder
    ],
)
def test_the_ladder_is_climbed_one_rung_at_a_time(current: Level, after: Level) -> None:
    assert next_level(current) == after


@pytest.mark.integration
def test_a_compliment_verdict_withdraws_the_acknowledgement_still_waiting_for_sending_hours(
    dovecot, smtp_sink, tmp_path
) -> None:
    from conftest import Bot, rules_copy

    rules = rules_copy(tmp_path, "  min_confidence: 0.6\n", UNSURE)
    text = rules.read_text(encoding="utf-8").replace("  sending_hours:\n", '  sending_hours: "08:30-17:00"\n')
    rules.write_text(text, encoding="utf-8")
    bot = Bot(dovecot, smtp_sink, tmp_path / "data", rules_path=rules)
    bot.clock.set(datetime.fromisoformat("2026-11-02T20:00:00+01:00"))  # Monday evening
    customer = "avond@example.net"
    bot.deliver(compose_mail(customer, FIRST_LINE, "Vanavond", "Pieter Bakker heeft vanavond heel snel geholpen."))
    bot.run_once()
    assert bot.received(customer) == []  # the neutral acknowledgement waits for the morning
    (case,) = bot.store().cases()
    command(bot, COORDINATOR, last(bot, COORDINATOR, f"[{case.ref}]"), "#soort compliment")
    bot.run_once()
    bot.clock.set(datetime.fromisoformat("2026-11-03T09:00:00+01:00"))
    bot.run_once()
    assert [m["Subject"].split("] ", 1)[-1] for m in bot.received(customer)] == ["Bedankt voor uw compliment"]
    kinds = {row.kind: row.status for row in bot.store().outbox(case.id) if row.kind in ("ack", "thanks")}
    assert kinds == {"ack": "cancelled", "thanks": "sent"}


@pytest.mark.integration
def test_an_urgent_mail_that_waits_for_a_choice_alerts_the_director_at_once(unsure_bot) -> None:
    bot = unsure_bot
    bot.deliver(
        compose_mail("dirk@example.net", FIRST_LINE, "Inbraak", "Er is vannacht ingebroken, het alarm ging niet af.")
    )
    bot.run_once()
    (case,) = bot.store().cases()
    assert case.awaiting_verdict and case.urgent
    (alert,) = [m for m in bot.received(DIRECTOR) if case.ref in str(m["Subject"])]
    assert "URGENT" in str(alert["Subject"]) and "krijgt de directeur dit bericht ook" in plain(alert)


@pytest.mark.integration
@pytest.mark.parametrize(
    "text",
    [
        "Uw portier wacht mijn dochter (15) elke avond op bij de stalling en stuurt haar berichtjes. Ze is bang. "
        "Haal hem daar weg.",
        "Your guard just pushed my husband down the stairs at the station exit. He is bleeding. "
        "We are waiting for the ambulance.",
    ],
)
def test_a_danger_that_praises_nothing_is_never_thanked(dovecot, smtp_sink, tmp_path, text: str) -> None:
    # With the shipped threshold: whatever the model makes of it, the customer gets no thanks, the
    # case stays open and urgent, and the director hears of it at once (urgency.danger_without_praise).
    bot = bot_with(dovecot, smtp_sink, tmp_path, "  min_confidence: 0.6\n")
    bot.deliver(compose_mail("moeder@example.net", FIRST_LINE, "Melding", text))
    bot.run_once()
    (case,) = bot.store().cases()
    assert case.category.value != "compliment" or case.awaiting_verdict
    assert case.status.value == "open" and case.urgent
    assert not [m for m in bot.received("moeder@example.net") if "compliment" in plain(m).lower()]
    assert [m for m in bot.received(DIRECTOR) if case.ref in str(m["Subject"])]
