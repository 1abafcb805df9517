"""Every decision mail names the next step from the policy (issue 12, items 2, 3, 6 and 9).

The next step's name, address and term come from rules.yaml's next_steps; no template names a body
itself. The shipped rules (the security company: an appeal to the business-unit director, no outside
body) and the municipal example (the klachtencommissie, then the Nationale ombudsman with its term)
are rendered side by side.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mailbot.cases.decision import next_step
from mailbot.cases.work import template_context
from mailbot.config import ConfigError, Rules, load_rules
from mailbot.mail.compose import Composer
from mailbot.models import Address, Case, Category, Level, SubjectType

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
SHIPPED = load_rules(ROOT / "rules.yaml")
MUNICIPAL = load_rules(ROOT / "examples" / "gemeente" / "rules.yaml")
CARE = load_rules(ROOT / "examples" / "zorg" / "rules.yaml")
ZONE = ZoneInfo("Europe/Amsterdam")
RECEIVED = datetime(2026, 12, 7, 10, 15, tzinfo=ZONE)
# The bodies a template must never name: their names come from rules.yaml.
BODIES = ("geschillencommissie", "ombudsman", "klachtencommissie")
DECISION_MAILS = ("solution_confirmed", "satisfaction_check", "appeal_decision", "referral", "not_handled")


def a_case(rules: Rules, level: Level, status: str = "solved") -> Case:
    return Case(
        id=7,
        ref=f"{rules.cases.reference_prefix}-2026-0007",
        category=Category.ESCALATION if level >= Level.APPEAL else Category.COMPLAINT,
        level=level,
        urgent=False,
        subject_type=SubjectType.SERVICE,
        status=status,
        customer=Address("petra@example.com", "Petra de Vries"),
        subject="Monteur niet gekomen",
        owner_team=rules.default_team,
        owner_email=None,
        received_at=RECEIVED,
        ack_due=None,
        ack_sent_at=None,
        solution_due=datetime(2026, 12, 21, 17, 0, tzinfo=ZONE),
        answered=True,
        solution="Wij betalen het abonnement over november terug.",
    )


def render(rules: Rules, template: str, level: Level, **extra: object) -> tuple[str, str]:
    case = a_case(rules, level)
    return Composer(TEMPLATES, rules).render(template, template_context(case, rules, ZONE, **extra))


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# --- the templates name no body themselves --------------------------------------------------


# The pages (*.html.j2: dossier, reports) count referrals; they write to no customer.
MAIL_TEMPLATES = sorted(p for p in TEMPLATES.glob("*.j2") if not p.name.endswith(".html.j2"))


@pytest.mark.parametrize("path", MAIL_TEMPLATES, ids=lambda p: p.name)
def test_no_mail_template_names_an_outside_body(path: Path) -> None:
    text = path.read_text(encoding="utf-8").lower()
    assert [body for body in BODIES if body in text] == []


@pytest.mark.parametrize("rules", [SHIPPED, MUNICIPAL], ids=["shipped", "gemeente"])
@pytest.mark.parametrize("template", DECISION_MAILS)
@pytest.mark.parametrize("level", [Level.FORMAL, Level.APPEAL])
def test_a_decision_mail_has_no_double_period_and_no_colon_time(rules: Rules, template: str, level: Level) -> None:
    _, body = render(rules, template, level, reason="U heeft dezelfde klacht al eerder ingediend.")
    assert ".." not in body.replace("...", "")
    assert not re.search(r"\b\d{1,2}:\d{2}\b", body)


def test_the_staff_footer_has_one_period_after_a_name_ending_in_one() -> None:
    assert SHIPPED.organisation.endswith("B.V.")
    _, body = render(SHIPPED, "assigned", Level.FORMAL, assigned_by="Sanne")
    assert f"van {SHIPPED.organisation}\n" in body + "\n"
    assert "B.V.." not in body


# --- the shipped policy: an appeal to the director, nothing after it ---------------------------


def test_the_solution_names_the_appeal_to_the_director_without_an_invented_term() -> None:
    _, body = render(SHIPPED, "solution_confirmed", Level.FORMAL)
    text = one_line(body)
    assert "in beroep gaan bij de directeur van bedrijfsonderdeel Beveiliging" in text
    assert "Antwoord dan op deze e-mail" in text
    assert "Doe dat" not in text  # the policy sets no term for the appeal
    assert "Over een paar dagen vragen wij u of u tevreden bent" in text


def test_a_first_line_answer_names_the_formal_complaint_at_klacht() -> None:
    _, body = render(SHIPPED, "solution_confirmed", Level.FIRST_LINE)
    assert "formele klacht indienen bij de klachtencoördinatie" in one_line(body)
    assert "klacht@example.nl" in body


def test_the_satisfaction_check_says_who_judges_a_no() -> None:
    _, body = render(SHIPPED, "satisfaction_check", Level.FORMAL)
    assert "Dat beroep beoordeelt de directeur van bedrijfsonderdeel Beveiliging." in one_line(body)


def test_the_appeal_decision_is_the_directors_letter_and_ends_the_procedure() -> None:
    subject, body = render(SHIPPED, "appeal_decision", Level.APPEAL, solution="Wij betalen terug.")
    text = one_line(body)
    assert subject == "Beslissing op uw beroep: Monteur niet gekomen"
    assert "De directeur van bedrijfsonderdeel Beveiliging heeft uw beroep beoordeeld." in text
    assert "Wij betalen terug." in body
    assert "Met deze beslissing is onze klachtenprocedure afgerond." in text
    # Not the confirmation with a satisfaction check, and signed as the director, not the team.
    assert "opgelost" not in text and "tevreden" not in text
    assert body.rstrip().endswith(f"{SHIPPED.director.name}\n{SHIPPED.director.title}\n{SHIPPED.organisation}")
    assert "Klachtencoördinatie" not in body


def test_a_referral_without_an_outside_body_says_the_procedure_has_ended() -> None:
    subject, body = render(SHIPPED, "referral", Level.DISPUTE)
    assert subject.startswith("Onze klachtenprocedure is afgerond")
    assert "Binnen onze organisatie is er geen volgende stap." in one_line(body)


# --- the municipal example: the klachtencommissie, then the Nationale ombudsman with its term ------


def test_the_municipal_decision_names_the_klachtencommissie() -> None:
    _, body = render(MUNICIPAL, "solution_confirmed", Level.FORMAL)
    assert "in beroep gaan bij de Klachtencommissie Sociaal Domein" in one_line(body)


def test_the_municipal_appeal_decision_names_the_ombudsman_with_address_and_term() -> None:
    step = next_step(MUNICIPAL, Level.APPEAL)
    assert step is not None
    _, body = render(MUNICIPAL, "appeal_decision", Level.APPEAL, outcome="deels gegrond")
    text = one_line(body)
    assert f"voorleggen aan {step.name}. Doe dat {step.term}." in text
    for part in (step.address, step.url, step.phone):
        assert part in body
    assert "uw klacht is deels gegrond" in text
    assert "klachtenprocedure afgerond" not in text


def test_the_municipal_referral_names_the_ombudsman() -> None:
    subject, body = render(MUNICIPAL, "referral", Level.DISPUTE)
    assert subject.startswith("Uw klacht voorleggen aan de Nationale ombudsman")
    assert "Postbus 93122, 2509 AC Den Haag" in body


@pytest.mark.parametrize(
    ("outcome", "words"),
    [("gegrond", "u gelijk heeft"), ("deels gegrond", "voor een deel gelijk"), ("ongegrond", "geen gelijk")],
)
def test_the_outcome_is_explained_in_the_decision(outcome: str, words: str) -> None:
    _, body = render(MUNICIPAL, "solution_confirmed", Level.FORMAL, outcome=outcome)
    assert f"uw klacht is {outcome}." in body and words in body


# --- rules.yaml: next_steps, the director's title, the reminder's lead time ---------------------


def test_the_shipped_rules_name_no_outside_body_and_no_appeal_term() -> None:
    assert [s.level for s in SHIPPED.next_steps] == [Level.FORMAL, Level.APPEAL]
    assert next_step(SHIPPED, Level.APPEAL) is None
    assert all(not s.term for s in SHIPPED.next_steps)
    assert SHIPPED.deadlines.solve_appeal == SHIPPED.deadlines.solve  # no invented appeal term
    assert SHIPPED.director.title


def test_the_municipal_rules_keep_the_reminder_shorter_than_the_acknowledgement() -> None:
    assert MUNICIPAL.policy.reminder_before.amount < MUNICIPAL.deadlines.acknowledge.amount


def edited(tmp_path: Path, old: str, new: str, source: Path = ROOT / "rules.yaml") -> tuple[Path, int]:
    """``source`` with ``old`` replaced, written beside the templates it names; the line ``new`` starts on."""
    text = source.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new)
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace("templates: ../../templates", f"templates: {TEMPLATES}"), encoding="utf-8")
    return path, text[: text.index(new)].count("\n") + 1


def test_an_outside_body_without_address_or_url_is_refused_with_its_line(tmp_path: Path) -> None:
    path, line = edited(
        tmp_path,
        "  appeal:\n    name: de directeur van bedrijfsonderdeel Beveiliging\n",
        "  appeal:\n    name: de directeur van bedrijfsonderdeel Beveiliging\n  dispute:\n    name: de commissie\n",
    )
    with pytest.raises(ConfigError, match="address or url") as caught:
        load_rules(path)
    assert caught.value.line == line + 2


def test_an_unknown_rung_in_next_steps_is_refused(tmp_path: Path) -> None:
    path, _ = edited(tmp_path, "  appeal:\n    name: de directeur", "  beroep:\n    name: de directeur")
    with pytest.raises(ConfigError, match="unknown key 'beroep' in next_steps"):
        load_rules(path)


def test_the_old_disputes_committee_key_says_where_it_went(tmp_path: Path) -> None:
    path, line = edited(tmp_path, "  behaviour_meeting: true\n", "  behaviour_meeting: true\n  disputes_committee: x\n")
    with pytest.raises(ConfigError, match=r"next_steps\.dispute") as caught:
        load_rules(path)
    assert caught.value.line == line + 1


@pytest.mark.parametrize("lead", ["3 working days", "5 working days", "1 week"])
def test_a_reminder_as_long_as_the_acknowledgement_is_refused(tmp_path: Path, lead: str) -> None:
    path, line = edited(tmp_path, "  reminder_before: 2 working days", f"  reminder_before: {lead}")
    with pytest.raises(ConfigError, match=r"shorter than deadlines\.acknowledge") as caught:
        load_rules(path)
    assert caught.value.line == line


def test_a_shorter_reminder_is_accepted(tmp_path: Path) -> None:
    path, _ = edited(tmp_path, "  reminder_before: 2 working days", "  reminder_before: 1 working day")
    assert load_rules(path).policy.reminder_before.amount == 1


def test_the_municipal_example_with_the_old_lead_time_is_refused(tmp_path: Path) -> None:
    source = ROOT / "examples" / "gemeente" / "rules.yaml"
    path, _ = edited(tmp_path, "  reminder_before: 2 working days", "  reminder_before: 5 working days", source)
    with pytest.raises(ConfigError, match="the moment a complaint arrives"):
        load_rules(path)


def test_a_rules_file_without_next_steps_names_no_body() -> None:
    bare = replace(SHIPPED, next_steps=())
    _, body = render(bare, "appeal_decision", Level.APPEAL)
    assert "klachtenprocedure afgerond" in body
    _, body = render(bare, "solution_confirmed", Level.FORMAL)
    assert "Dan bekijken wij uw klacht opnieuw." in one_line(body)


# --- the care organisation: the disputes committee only after the internal procedure ----------


def test_the_care_example_names_the_disputes_committee_only_after_the_appeal() -> None:
    step = next_step(CARE, Level.APPEAL)
    assert step is not None and step.name == "de Geschillencommissie Zorg" and not step.term
    _, first = render(CARE, "solution_confirmed", Level.FORMAL)
    assert "Geschillencommissie" not in first and "in beroep gaan bij de Raad van Bestuur" in one_line(first)
    _, decision = render(CARE, "appeal_decision", Level.APPEAL)
    assert "voorleggen aan de Geschillencommissie Zorg." in one_line(decision) and step.address in decision
    assert "Doe dat" not in decision  # the procedure names no term, so none is invented
    assert CARE.deadlines.acknowledge.amount == 3


@pytest.mark.parametrize("rules", [SHIPPED, MUNICIPAL, CARE], ids=["shipped", "gemeente", "zorg"])
def test_every_policy_reminds_after_a_complaint_arrives(rules: Rules) -> None:
    assert rules.policy.reminder_before.amount < rules.deadlines.acknowledge.amount


# --- a complaint not handled (Awb 9:8) ------------------------------------------------------


def test_a_complaint_not_handled_gives_the_reason_and_the_ombudsman() -> None:
    reason = "Over dezelfde gedraging heeft u in maart al een klacht ingediend."
    subject, body = render(MUNICIPAL, "not_handled", Level.FORMAL, reason=reason)
    text = one_line(body)
    assert subject == "Wij behandelen uw klacht niet: Monteur niet gekomen"
    assert reason in body and "SD-2026-0007" in body
    assert "voorleggen aan de Nationale ombudsman. Doe dat binnen een jaar na de datum van deze brief." in text
    assert "- Adres: Postbus 93122, 2509 AC Den Haag" in body


def test_a_complaint_not_handled_names_no_body_the_policy_lacks() -> None:
    _, body = render(SHIPPED, "not_handled", Level.FORMAL, reason="Dit is geen klacht over ons.")
    assert "voorleggen aan" not in body and "klachtencoördinator" in body


# --- the hearing (Awb 9:10) ---------------------------------------------------------------------


def test_the_municipal_acknowledgement_offers_a_hearing_and_the_shipped_one_does_not() -> None:
    _, municipal = render(MUNICIPAL, "ack_complaint", Level.FORMAL)
    assert "U kunt uw klacht ook in een gesprek toelichten." in municipal and "hoor en wederhoor" in municipal
    _, shipped = render(SHIPPED, "ack_complaint", Level.FORMAL)
    assert "gesprek" not in shipped
    assert (MUNICIPAL.policy.hearing_offered, SHIPPED.policy.hearing_offered) == (True, False)


# --- the KPI report counts the conclusions ---------------------------------------------------------


def test_the_kpi_report_counts_the_last_conclusion_of_each_complaint() -> None:
    from datetime import date

    from mailbot.models import EventRecord
    from mailbot.reports.kpi import build_report
    from mailbot.reports.model import Period
    from mailbot.reports.render import csv_rows, render_html

    cases = [replace(a_case(SHIPPED, Level.FORMAL), id=i, ref=f"KL-2026-000{i}") for i in (1, 2, 3)]
    at = datetime(2026, 12, 10, 12, 0, tzinfo=ZONE)
    events = [
        EventRecord(1, at, "outcome", "staff", {"outcome": "gegrond"}),
        EventRecord(1, at, "outcome", "staff", {"outcome": "deels gegrond"}),  # judged again: the last counts
        EventRecord(2, at, "outcome", "staff", {"outcome": "ongegrond"}),
    ]
    period = Period(date(2026, 12, 1), date(2026, 12, 31), "Europe/Amsterdam")
    report = build_report(period, cases, events, at, {})
    assert report.judgements == {"gegrond": 0, "deels gegrond": 1, "ongegrond": 1}
    assert ("judgement", "ongegrond", 1) in csv_rows(report)
    page = render_html(report, TEMPLATES)
    assert "Oordeel over de klacht" in page and '<td>deels gegrond</td><td class="n">1</td>' in page
