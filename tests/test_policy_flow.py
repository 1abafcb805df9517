"""Each policy's decisions over real Dovecot and SMTP (issue 12, items 2, 3, 6 and 9).

The shipped rules (the security company: an appeal to the business-unit director, no outside body)
the municipal example (the klachtencommissie, then the Nationale ombudsman with its term) and the care
organisation's (a conversation and a letter of agreements, the board, then the disputes committee):
the solution names the next step, #oordeel records the conclusion, the decision on the appeal is the
director's own letter, and a compliment gets a reference of its own.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_lifecycle import BOT, FIRST_LINE, command, customer_says, last, plain

from mailbot.demo import compose_mail


def outcomes(store, case_id: int) -> list[str]:
    return [e.detail["outcome"] for e in store.events(case_id) if e.kind == "outcome"]


@pytest.mark.integration
def test_shipped_policy_solution_names_the_appeal_and_the_director_decides_in_a_letter(bot) -> None:
    customer = "henk@example.net"
    bot.deliver(compose_mail(customer, BOT, "Camera kapot", "Onze camera werkt al weken niet. Ik ben ontevreden."))
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    notice = last(bot, "techniek@example.nl", case.ref)

    command(bot, "medewerker3@example.nl", notice, "#opgelost Wij hebben de camera vervangen.")
    bot.run_once()
    solution = plain(last(bot, customer, "opgelost"))
    assert "in beroep gaan bij de directeur van bedrijfsonderdeel Beveiliging" in " ".join(solution.split())
    assert "Geschillencommissie" not in solution and "Doe dat" not in solution  # nothing the policy lacks

    customer_says(bot, customer, last(bot, customer, "opgelost"), "Nee, ik ben het er niet mee eens.")
    bot.run_once()
    case = store.case(case.id)
    assert (case.level.label, case.owner_email) == ("appeal", bot.rules.director.email)
    director_notice = last(bot, bot.rules.director.email, "Escalatie")

    command(bot, bot.rules.director.email, director_notice, "#oordeel ongegrond\n#opgelost De camera werkt goed.")
    bot.run_once()
    letter = last(bot, customer, "Beslissing op uw beroep")
    text = " ".join(plain(letter).split())
    assert "De camera werkt goed." in text and "uw klacht is ongegrond" in text
    assert "Met deze beslissing is onze klachtenprocedure afgerond." in text
    signed = f"{bot.rules.director.name}\n{bot.rules.director.title}\n{bot.rules.organisation}"
    assert plain(letter).replace("\r\n", "\n").rstrip().endswith(signed)
    assert "opgelost" not in letter["Subject"] and "tevreden" not in text
    assert outcomes(store, case.id) == ["ongegrond"]

    # No satisfaction check follows the decision on an appeal.
    asked = len([m for m in bot.received(customer) if "tevreden" in m["Subject"]])
    bot.clock.advance(timedelta(days=10))
    bot.run_once()
    assert len([m for m in bot.received(customer) if "tevreden" in m["Subject"]]) == asked


@pytest.mark.integration
def test_municipal_decisions_name_the_klachtencommissie_then_the_ombudsman_with_its_term(
    dovecot, smtp_sink, tmp_path
) -> None:
    from conftest import REPO, Bot

    bot = Bot(dovecot, smtp_sink, tmp_path / "data", rules_path=REPO / "examples" / "gemeente" / "rules.yaml")
    customer, staff = "fatma@example.net", "consulent1@gemeente.example.nl"
    bot.deliver(
        compose_mail(
            customer,
            bot.user,
            "Uitkering te laat",
            "Ik dien een klacht in. Mijn uitkering is weer te laat betaald. Ik ben hier erg ontevreden over.",
        )
    )
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    notice = last(bot, "werkeninkomen@gemeente.example.nl", case.ref)

    command(bot, staff, notice, "#oordeel deels gegrond\n#opgelost De betaling is vandaag gedaan.")
    bot.run_once()
    solution = " ".join(plain(last(bot, customer, "opgelost")).split())
    assert "uw klacht is deels gegrond" in solution
    assert "in beroep gaan bij de Klachtencommissie Sociaal Domein" in solution
    assert outcomes(store, case.id) == ["deels gegrond"]

    customer_says(bot, customer, last(bot, customer, "opgelost"), "Nee, ik ben het niet eens met deze oplossing.")
    bot.run_once()
    assert store.case(case.id).level.label == "appeal"
    committee = bot.rules.director.email
    command(bot, committee, last(bot, committee, "Escalatie"), "#oordeel gegrond\n#opgelost Excuses en een vergoeding.")
    bot.run_once()
    letter = " ".join(plain(last(bot, customer, "Beslissing op uw beroep")).split())
    assert "uw klacht is gegrond" in letter
    assert "voorleggen aan de Nationale ombudsman. Doe dat binnen een jaar na de datum van deze brief." in letter
    assert "Postbus 93122, 2509 AC Den Haag" in letter and "www.nationaleombudsman.nl" in letter
    assert outcomes(store, case.id) == ["deels gegrond", "gegrond"]

    # The dossier's timeline shows each conclusion and who recorded it.
    from conftest import run_mailbot

    shown = run_mailbot("cases", "show", case.ref, env=bot.environment())
    assert shown.returncode == 0, shown.stderr
    timeline = [line for line in shown.stdout.splitlines() if " outcome " in line]
    assert len(timeline) == 2 and staff in timeline[0] and "outcome=deels gegrond" in timeline[0]
    assert committee in timeline[1] and "outcome=gegrond" in timeline[1]


@pytest.mark.integration
def test_a_compliment_gets_its_own_reference_and_the_thanks_names_it(bot) -> None:
    customer = "fan@example.net"
    bot.deliver(compose_mail(customer, FIRST_LINE, "Compliment", "Jan de Vries heeft ons top geholpen, bedankt!"))
    bot.run_once()
    (case,) = bot.store().cases()
    assert case.ref.startswith(f"{bot.rules.cases.compliment_prefix}-2026-")
    thanks = plain(last(bot, customer, "Bedankt"))
    assert case.ref in thanks and "klachtnummer" not in thanks
    assert "zij" not in thanks.split() and "hun" not in thanks.split()


@pytest.mark.integration
def test_a_municipal_complaint_not_handled_is_told_in_writing_with_the_reason(dovecot, smtp_sink, tmp_path) -> None:
    from conftest import REPO, Bot

    bot = Bot(dovecot, smtp_sink, tmp_path / "data", rules_path=REPO / "examples" / "gemeente" / "rules.yaml")
    customer, staff = "piet@example.net", "consulent1@gemeente.example.nl"
    text = "Ik dien een klacht in. Mijn uitkering is weer te laat betaald. Ik ben hier erg ontevreden over."
    bot.deliver(compose_mail(customer, bot.user, "Uitkering", text))
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    reason = "Over dezelfde betaling heeft u in maart een klacht ingediend; die is toen behandeld."
    command(bot, staff, last(bot, "werkeninkomen@gemeente.example.nl", case.ref), f"#niet-behandelen {reason}")
    bot.run_once()
    letter = " ".join(plain(last(bot, customer, "Wij behandelen uw klacht niet")).split())
    assert reason in letter and "voorleggen aan de Nationale ombudsman" in letter
    assert store.case(case.id).status == "closed"
    assert [e.detail["reason"] for e in store.events(case.id) if e.kind == "not-handled"] == [reason]
    assert "vier weken" not in plain(last(bot, staff, "Uitgevoerd"))  # within the Awb's four weeks

    # Five weeks after receipt the staff member is told the Awb's term has passed.
    bot.deliver(compose_mail("kees@example.net", bot.user, "Uitkering", text))
    bot.run_once()
    (late,) = [c for c in store.cases() if c.customer.email == "kees@example.net"]
    bot.clock.advance(timedelta(weeks=5))
    command(bot, staff, last(bot, "werkeninkomen@gemeente.example.nl", late.ref), f"#niet-behandelen {reason}")
    bot.run_once()
    assert "meer dan vier weken geleden" in " ".join(plain(last(bot, staff, "Uitgevoerd")).split())


@pytest.mark.integration
def test_the_care_policy_from_a_letter_to_the_disputes_committee_after_the_board(dovecot, smtp_sink, tmp_path) -> None:
    # examples/zorg: staff enter a written complaint; a complaint about a carer's conduct goes to
    # the department's manager, with a conversation and a letter of agreements; the board hears an
    # appeal; the disputes committee is named only once the internal procedure has ended.
    from attacks import from_our_server
    from conftest import REPO, Bot

    bot = Bot(dovecot, smtp_sink, tmp_path / "data", rules_path=REPO / "examples" / "zorg" / "rules.yaml")
    customer, staff, manager = "dewit@example.net", "begeleider1@zorg.example.nl", "manager.wonen@zorg.example.nl"
    note = (
        f"Goedemorgen,\n\n#post {customer} Mevrouw De Wit\n\nBrief van de dochter van een bewoner.\n"
        "klacht: De begeleider van de woongroep was onvriendelijk en schreeuwde tegen mijn moeder.\n\nAnouk"
    )
    bot.deliver(from_our_server(bot.rules, compose_mail(staff, "klachten@zorg.example.nl", "Brief De Wit", note)))
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    assert (case.channel, case.subject_type.value, case.owner_email) == ("post", "behaviour", manager)
    recorded = plain(last(bot, customer))
    assert "Wij kregen op maandag 2 november 2026 uw brief met een klacht." in recorded
    assert "schreeuwde tegen mijn moeder" in recorded and "dochter van een bewoner" not in recorded

    notice = last(bot, manager, case.ref)
    command(bot, manager, notice, "#gesprek dinsdag 10.30 uur op kantoor met Kees van Dam")
    bot.run_once()
    invitation = " ".join(plain(last(bot, customer, "gesprek")).split())
    assert "dinsdag 3 november 2026 om 10.30 uur" in invitation and "Kees van Dam" in invitation
    command(
        bot,
        manager,
        notice,
        "#afspraak De begeleider biedt excuses aan voor 9 november\n#afspraak Een vaste begeleider voor 30 november",
    )
    bot.run_once()
    (agreements,) = [m for m in bot.received(customer) if "afspraken" in str(m["Subject"]).lower()]
    text = " ".join(plain(agreements).split())
    assert "excuses" in text and "vaste begeleider" in text  # both lines, one letter

    command(
        bot, manager, notice, "#opgelost De begeleider heeft excuses gemaakt; uw moeder heeft een vaste begeleider."
    )
    bot.run_once()
    solution = " ".join(plain(last(bot, customer, "opgelost")).split())
    assert "de Raad van Bestuur" in solution and "Geschillencommissie" not in solution

    customer_says(bot, customer, last(bot, customer, "opgelost"), "Nee, ik ben niet tevreden, het gebeurt nog steeds.")
    bot.run_once()
    case = store.case(case.id)
    assert (case.level.label, case.owner_email) == ("appeal", bot.rules.director.email)
    command(
        bot,
        bot.rules.director.email,
        last(bot, bot.rules.director.email, case.ref),
        "#opgelost Wij handhaven de oplossing.",
    )
    bot.run_once()
    decision = " ".join(plain(last(bot, customer, "Beslissing op uw beroep")).split())
    assert "de Geschillencommissie Zorg" in decision and "Postbus 90600, 2509 LP Den Haag" in decision
