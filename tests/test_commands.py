"""Staff commands at the top of a note: names, aliases, values, Dutch errors and dates."""

from __future__ import annotations

import calendar
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mailbot.cases.lifecycle import BY_NAME
from mailbot.commands import (
    ALIASES,
    COMMANDS,
    REGISTRY,
    Agreement,
    Command,
    CommandBlock,
    describe,
    help_text,
    in_order,
    parse_commands,
)
from mailbot.commands.plans import Agreements, MeetingPlan
from mailbot.config import load_rules
from mailbot.models import Address, Category, SubjectType

RULES = load_rules(Path(__file__).resolve().parent.parent / "rules.yaml")
AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=AMS)


def parse(text: str) -> CommandBlock:
    return parse_commands(text, rules=RULES, now=NOW)


def only(text: str) -> Command:
    block = parse(text)
    assert block.ok, block.errors
    assert len(block.commands) == 1
    return block.commands[0]


def error(text: str) -> str:
    block = parse(text)
    assert not block.ok
    return block.errors[0].reason


def test_the_fixed_now_is_a_monday() -> None:
    assert calendar.weekday(2026, 11, 23) == calendar.MONDAY
    assert calendar.weekday(2026, 11, 24) == calendar.TUESDAY
    assert calendar.weekday(2026, 11, 27) == calendar.FRIDAY


@pytest.mark.parametrize(
    ("text", "name", "value"),
    [
        ("#eigenaar medewerker2@example.nl", "eigenaar", "medewerker2@example.nl"),
        ("#owner Coordinator@Example.nl", "eigenaar", "coordinator@example.nl"),
        ("#eigenaar <directeur@example.nl>", "eigenaar", "directeur@example.nl"),
        ("#team techniek", "team", "techniek"),
        ("#team Team Klantenservice", "team", "klantenservice"),
        ("#urgent", "urgent", True),
        ("#niet-urgent", "urgent", False),
        ("#not-urgent", "urgent", False),
        ("#type product", "type", SubjectType.PRODUCT),
        ("#type dienstverlening", "type", SubjectType.SERVICE),
        ("#type gedrag", "type", SubjectType.BEHAVIOUR),
        ("#type service", "type", SubjectType.SERVICE),
        ("#type behaviour", "type", SubjectType.BEHAVIOUR),
        ("#type dienst", "type", SubjectType.SERVICE),
        ("#soort klacht", "soort", Category.COMPLAINT),
        ("#soort Compliment", "soort", Category.COMPLIMENT),
        ("#soort escalatie", "soort", Category.ESCALATION),
        ("#category complaint", "soort", Category.COMPLAINT),
        ("#escaleren", "escaleren", ""),
        ("#escalate", "escaleren", ""),
        ("#tevreden", "tevreden", ""),
        ("#satisfied", "tevreden", ""),
        ("#status in behandeling", "status", "in_progress"),
        ("#status Wacht op klant", "status", "waiting"),
        ("#status open", "status", "open"),
        ("#status in progress", "status", "in_progress"),
        ("#status waiting", "status", "waiting"),
        ("#oplossing Monteur komt langs", "oplossing", "Monteur komt langs"),
        ("#solution Camera vervangen", "oplossing", "Camera vervangen"),
        ("#opgelost", "opgelost", ""),
        ("#solved Klant is tevreden", "opgelost", "Klant is tevreden"),
        ("#verbeter Monteurs bellen vooraf", "verbeter", "Monteurs bellen vooraf"),
        ("#improve Call ahead", "verbeter", "Call ahead"),
        ("#sluiten", "sluiten", ""),
        ("#close Dubbele melding", "sluiten", "Dubbele melding"),
        ("#telefonisch klant@example.net Jan Jansen", "telefonisch", Address("klant@example.net", "Jan Jansen")),
        ("#phone Klant@Example.net", "telefonisch", Address("klant@example.net", "")),
        ("#post Jan Jansen <klant@example.net>", "post", Address("klant@example.net", "Jan Jansen")),
        ("#letter klant@example.net", "post", Address("klant@example.net", "")),
    ],
)
def test_each_command_and_its_alias(text: str, name: str, value: object) -> None:
    cmd = only(text)
    assert (cmd.name, cmd.value, cmd.raw, cmd.line) == (name, value, text, 1)


def test_names_are_case_insensitive() -> None:
    assert only("#EIGENAAR medewerker1@example.nl").value == "medewerker1@example.nl"
    assert only("#Urgent").value is True
    assert only("#Owner: medewerker3@example.nl").name == "eigenaar"


def test_every_canonical_name_has_help() -> None:
    assert set(COMMANDS) == {
        "eigenaar", "team", "urgent", "type", "status", "oplossing", "opgelost",
        "gesprek", "afspraak", "verbeter", "sluiten", "telefonisch", "post", "sociaal",
        "soort", "escaleren", "tevreden", "uitstel", "oordeel", "niet-behandelen",
        "contact", "tussenbericht", "verstuurd",
    }  # fmt: skip
    assert all(ALIASES[name] == name for name in COMMANDS)
    assert all(spec.usage in help_text() for spec in COMMANDS.values())


def test_typo_suggests_the_closest_command() -> None:
    assert error("#eigenar medewerker1@example.nl") == "Onbekende opdracht '#eigenar'. Bedoelt u #eigenaar?"
    assert "Bedoelt u #gesprek?" in error("#gesprk dinsdag 14:00")
    assert "Bedoelt u" not in error("#xyzzy")
    assert error("#") == "Na het teken # staat geen opdracht."


def test_unknown_team_lists_the_teams() -> None:
    assert error("#team financien") == (
        "Onbekend team 'financien'. Kies uit: klantenservice (Team Klantenservice), techniek (Team Techniek)."
    )


def test_owner_must_be_staff() -> None:
    assert "geen medewerker" in error("#eigenaar klant@example.net")
    # A team mailbox is staff, but not a person who can own a case.
    assert "geen medewerker" in error("#eigenaar klantenservice@example.nl")
    assert "Bedoelt u medewerker1@example.nl?" in error("#eigenaar medewerker1@exampl.nl")
    assert "geen geldig e-mailadres" in error("#eigenaar Jan")
    assert error("#eigenaar") == "Hier hoort een e-mailadres bij."


def test_bad_values() -> None:
    assert "Kies uit: product, dienstverlening, gedrag" in error("#type prijs")
    assert "Kies uit: in behandeling, wacht op klant, open" in error("#status klaar")
    assert "geen tekst" in error("#urgent heel erg")
    assert "mist de tekst" in error("#verbeter")


def test_customer_address_must_not_be_our_own() -> None:
    assert "adres van de organisatie" in error("#telefonisch medewerker1@example.nl")
    assert "adres van de organisatie" in error("#post klacht@example.nl")
    assert "adres van de organisatie" in error("#post iemand@mail.example.nl")
    assert error("#telefonisch Jan Jansen") == (
        "Schrijf het e-mailadres van de klant, bijvoorbeeld: #telefonisch klant@example.net Jan Jansen. "
        "Heeft de klant geen e-mail, schrijf dan naam en postadres: #telefonisch Jan Jansen, Dorpsstraat 1, "
        "1234 AB Dorp"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#gesprek dinsdag 14:00", datetime(2026, 11, 24, 14, 0, tzinfo=AMS)),
        ("#meeting tuesday 2pm", datetime(2026, 11, 24, 14, 0, tzinfo=AMS)),
        ("#gesprek 3 december om 10.30", datetime(2026, 12, 3, 10, 30, tzinfo=AMS)),
        ("#gesprek 3 december 10u30", datetime(2026, 12, 3, 10, 30, tzinfo=AMS)),
        ("#gesprek morgen 9:00", datetime(2026, 11, 24, 9, 0, tzinfo=AMS)),
        ("#gesprek morgen om 9 uur", datetime(2026, 11, 24, 9, 0, tzinfo=AMS)),
        ("#gesprek vandaag 15:00", datetime(2026, 11, 23, 15, 0, tzinfo=AMS)),
        # Today is Monday: a bare weekday is the next one after today.
        ("#gesprek maandag 9:00", datetime(2026, 11, 30, 9, 0, tzinfo=AMS)),
        ("#gesprek aanstaande vrijdag 11:15", datetime(2026, 11, 27, 11, 15, tzinfo=AMS)),
        ("#gesprek 1-12-2026 13:00", datetime(2026, 12, 1, 13, 0, tzinfo=AMS)),
        ("#gesprek woensdag 2 december om 16.45 uur", datetime(2026, 12, 2, 16, 45, tzinfo=AMS)),
    ],
)
def test_meeting_dates(text: str, expected: datetime) -> None:
    cmd = only(text)
    assert cmd.name == "gesprek"
    assert isinstance(cmd.value, MeetingPlan) and cmd.value.at == expected
    assert cmd.value.at.tzinfo is not None


def test_meeting_is_confirmed_with_the_exact_date() -> None:
    assert describe(only("#gesprek dinsdag 14:00")) == "Gesprek gepland op dinsdag 24 november 2026 om 14.00 uur"


def test_meeting_mistakes() -> None:
    assert error("#gesprek ergens volgende maand") == "Ik begrijp de datum 'ergens volgende maand' niet."
    assert error("#gesprek") == (
        "Schrijf de dag en de tijd van het gesprek, bijvoorbeeld: #gesprek dinsdag 10.30 uur op kantoor met J. de Vries"
    )
    assert "mis ik de tijd" in error("#gesprek dinsdag")
    assert "al voorbij" in error("#gesprek 1 november 2026 10:00")
    assert "al voorbij" in error("#gesprek vandaag 9:00")
    assert "al voorbij" in error("#gesprek gisteren 14:00")
    # Without a year, 20 November is next year's: far ahead, so probably a typo for a past day.
    assert "Schrijf dan het jaar erbij" in error("#gesprek 20 november 10:00")
    assert error("#gesprek woensdag 1 december 10:00") == (
        "In 'woensdag 1 december' klopt de dag niet: 1 december 2026 is een dinsdag."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#afspraak Nieuwe camera plaatsen voor 15 december", Agreement("Nieuwe camera plaatsen", date(2026, 12, 15))),
        ("#afspraak Camera voor de voordeur voor 1-12-2026", Agreement("Camera voor de voordeur", date(2026, 12, 1))),
        ("#afspraak Klant terugbellen uiterlijk vrijdag", Agreement("Klant terugbellen", date(2026, 11, 27))),
        ("#afspraak Offerte sturen voor uiterlijk morgen", Agreement("Offerte sturen", date(2026, 11, 24))),
        ("#agreement Replace the sensor by 4 december", Agreement("Replace the sensor", date(2026, 12, 4))),
        ("#agreement Call back before friday", Agreement("Call back", date(2026, 11, 27))),
    ],
)
def test_agreements(text: str, expected: Agreement) -> None:
    cmd = only(text)
    assert (cmd.name, cmd.value) == ("afspraak", Agreements(made=(expected,), on=NOW.date()))


def test_agreement_mistakes() -> None:
    assert "Schrijf de afspraak en de datum" in error("#afspraak Nieuwe camera plaatsen")
    assert "Schrijf de afspraak en de datum" in error("#afspraak voor 15 december")
    assert "Ik begrijp de datum 'de klant'" in error("#afspraak Uitleg voor de klant")
    assert "al voorbij" in error("#afspraak Bellen voor 1 november 2026")
    assert describe(only("#afspraak Bellen voor 15 december")) == "Afspraak: Bellen, uiterlijk dinsdag 15 december 2026"


def test_block_followed_by_a_note() -> None:
    text = "\n\n#eigenaar medewerker3@example.nl\n#URGENT\n\nKlant belde net.\nZe wil #team techniek erbij.\n"
    block = parse(text)
    assert block.ok
    assert [(c.name, c.line) for c in block.commands] == [("eigenaar", 3), ("urgent", 4)]
    assert block.note == "Klant belde net.\nZe wil #team techniek erbij."
    # The command inside a sentence is not obeyed: the writer hears of it.
    assert [(m.line, m.raw) for m in block.mentions] == [(7, "#team")]


def test_hash_lines_after_text_are_commands_too() -> None:
    # Staff write a greeting first: a command on a line of its own counts wherever it stands.
    block = parse("Even een update.\n#urgent\n")
    assert block.ok and [(c.name, c.line) for c in block.commands] == [("urgent", 2)]


def test_a_text_line_right_after_the_block_ends_it() -> None:
    block = parse("#sluiten\nKlant heeft zelf ingetrokken.")
    assert [c.name for c in block.commands] == ["sluiten"]
    assert block.note == "Klant heeft zelf ingetrokken."


def test_empty_text_has_no_commands() -> None:
    for text in ("", "\n \n", "Alleen een notitie."):
        block = parse(text)
        assert block.ok and block.commands == ()
    assert parse("").note == ""


def test_solution_text_may_come_from_the_note() -> None:
    block = parse("#oplossing\n\nDe monteur heeft de camera vervangen.")
    assert block.ok
    assert block.commands[0].value == "De monteur heeft de camera vervangen."
    assert block.note == "De monteur heeft de camera vervangen."
    assert parse("#opgelost\nKlant is blij.").commands[0].value == "Klant is blij."
    assert "mist de tekst" in error("#oplossing")


def test_twice_the_same_command_is_an_error() -> None:
    block = parse("#eigenaar medewerker1@example.nl\n#eigenaar medewerker2@example.nl")
    assert [c.value for c in block.commands] == ["medewerker1@example.nl"]
    assert [(e.line, e.reason) for e in block.errors] == [
        (2, "U schrijft twee keer #eigenaar. Gebruik #eigenaar maar één keer.")
    ]
    assert "twee keer #urgent" in error("#urgent\n#niet-urgent")
    assert parse("#verbeter Eerder bellen\n#verbeter Sneller komen").ok


def test_conflicts() -> None:
    assert parse("#opgelost Camera vervangen\n#sluiten").ok
    assert (
        error("#telefonisch klant@example.net\n#post klant@example.net")
        == "#telefonisch en #post gaan niet samen. Kies er één."
    )
    assert "gaan niet samen" in error("#sluiten\n#status open")


def test_errors_and_commands_together() -> None:
    block = parse("#eigenaar medewerker1@example.nl\n#eigenar x\n#team onbekend")
    assert not block.ok
    assert [c.name for c in block.commands] == ["eigenaar"]
    assert [(e.line, e.raw) for e in block.errors] == [(2, "#eigenar x"), (3, "#team onbekend")]


def test_describe_every_kind() -> None:
    assert describe(only("#telefonisch klant@example.net Jan Jansen")) == (
        "Nieuwe telefonische klacht van Jan Jansen <klant@example.net>"
    )
    assert describe(only("#post klant@example.net")) == "Nieuwe schriftelijke klacht van klant@example.net"
    assert (
        describe(only("#social klant@example.net")) == "Nieuwe via sociale media gemelde klacht van klant@example.net"
    )
    assert describe(only("#niet-urgent")) == "Zaak is niet urgent"
    assert describe(only("#type service")) == "Type: dienstverlening"
    assert describe(only("#status waiting")) == "Status: wacht op klant"
    assert describe(only("#team techniek")) == "Team: techniek"
    assert describe(only("#sluiten")) == "Zaak gesloten"
    assert describe(only("#opgelost Klaar")) == "Klacht opgelost: Klaar"


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_commands("#urgent", rules=RULES, now=datetime(2026, 11, 23, 10, 0))


def test_a_category_must_be_one_of_three_and_contradictions_are_refused() -> None:
    assert "Kies uit: klacht, compliment, escalatie" in error("#soort vraag")
    assert "gaan niet samen" in error("#tevreden\n#escaleren")
    assert "gaan niet samen" in error("#escaleren\n#sluiten")
    assert describe(only("#soort compliment")) == "Soort: compliment"


def test_the_registry_is_the_one_list_of_commands() -> None:
    # Every command is one class of mailbot/commands/, listed once; names and aliases never clash.
    names = [c.name for c in REGISTRY]
    assert len(set(names)) == len(names) and list(COMMANDS) == names
    written = [a for c in REGISTRY for a in (c.name, *c.aliases)]
    assert len(set(written)) == len(written) and set(ALIASES) == set(written)
    assert all(c.step is None or c.step in BY_NAME for c in REGISTRY)  # a step the lifecycle knows
    assert {c.name for c in REGISTRY if c.registers} == {"telefonisch", "post", "sociaal"}
    assert all(other in COMMANDS and other != c.name for c in REGISTRY for other in c.conflicts)
    rows = help_text().splitlines()[2:]
    assert [row.split()[0].lstrip("#") for row in rows] == names  # the help lists them in the registry's order


def test_the_commands_a_note_holds_are_applied_facts_first() -> None:
    block = parse("#opgelost Klaar\n#soort klacht\n#verbeter Sneller bellen\n#urgent")
    assert [c.name for c in in_order(block.commands)] == ["verbeter", "urgent", "soort", "opgelost"]


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("#oordeel gegrond", "gegrond"),
        ("#oordeel Deels gegrond", "deels gegrond"),
        ("#oordeel deels-gegrond", "deels gegrond"),
        ("#outcome ongegrond", "ongegrond"),
    ],
)
def test_oordeel_reads_the_three_conclusions(line: str, value: str) -> None:
    assert only(line).value == value
    assert describe(only(line)) == f"Oordeel vastgelegd: de klacht is {value}"


def test_oordeel_refuses_anything_else_and_lists_the_choices() -> None:
    assert "gegrond, deels gegrond, ongegrond" in error("#oordeel terecht")


def test_niet_behandelen_needs_its_reason() -> None:
    assert "mist de tekst" in error("#niet-behandelen")
    assert only("#niet-behandelen Eerder behandeld in maart.").value == "Eerder behandeld in maart."
