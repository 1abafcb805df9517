"""Where staff write commands (issue 13): after a greeting, between text, inside sentences, misspelt."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mailbot.commands import CommandBlock, parse_commands
from mailbot.commands.scan import scan, signature_start
from mailbot.config import load_rules

RULES = load_rules(Path(__file__).resolve().parent.parent / "rules.yaml")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def parse(text: str) -> CommandBlock:
    return parse_commands(text, rules=RULES, now=NOW)


@pytest.mark.parametrize("greeting", ["Hoi,", "Goedemorgen Jan,", "Beste collega's,", "Hallo allemaal"])
def test_a_command_after_a_greeting_is_a_command(greeting: str) -> None:
    block = parse(f"{greeting}\n\n#opgelost\nDe monteur heeft de camera vervangen.\n\nGroet,\nAnna\n")
    assert block.ok and [c.name for c in block.commands] == ["opgelost"]
    # The note (here the solution the customer reads) is what follows the command, without greeting or signature.
    assert block.commands[0].value == "De monteur heeft de camera vervangen."
    assert block.note == "De monteur heeft de camera vervangen."


def test_commands_between_text_lines_all_count() -> None:
    block = parse(
        "Goedemorgen,\n\n#urgent\nKlant belde boos.\n#eigenaar medewerker2@example.nl\n\nMet vriendelijke groet,\nPiet"
    )
    assert [(c.name, c.line) for c in block.commands] == [("urgent", 3), ("eigenaar", 5)]
    assert block.note == "Klant belde boos." and block.mentions == ()


@pytest.mark.parametrize(
    ("sentence", "raw", "hint"),
    [
        ("Ik heb de zaak op #opgelost gezet.", "#opgelost", ""),
        ("Kun je hem #sluiten?", "#sluiten", ""),
        ("Ze is nu #opgelsot denk ik.", "#opgelsot", "Bedoelt u #opgelost?"),
    ],
)
def test_a_command_inside_a_sentence_is_reported_not_done(sentence: str, raw: str, hint: str) -> None:
    block = parse(f"Hoi,\n\n{sentence}\n\nGroet,\nAnna")
    assert block.commands == () and block.ok
    (mention,) = block.mentions
    assert (mention.line, mention.raw) == (3, raw)
    assert "in een zin" in mention.reason and "eigen regel" in mention.reason and hint in mention.reason


@pytest.mark.parametrize(
    "text",
    [
        "Zie #3 van de lijst.",
        "Bestelling #123456 is verstuurd.",
        "#3 van de lijst is klaar.",
        "Mooi werk #teamwork #klantblij",
        "Zie https://example.nl/faq#sluiten voor uitleg.",
        "Zie &#39;t overzicht.",
    ],
)
def test_other_hashes_are_just_text(text: str) -> None:
    block = parse(text)
    assert (block.commands, block.errors, block.mentions) == ((), (), ())
    assert block.note == text


def test_a_misspelt_command_on_its_own_line_is_refused_with_the_nearest_one() -> None:
    block = parse("Hoi,\n\n#opgelsot\n\nGroet")
    assert block.commands == ()
    (error,) = block.errors
    assert (error.line, error.reason) == (3, "Onbekende opdracht '#opgelsot'. Bedoelt u #opgelost?")


def test_the_signature_holds_no_commands() -> None:
    lines = ["Hoi,", "#urgent", "", "Met vriendelijke groet,", "Anna", "#samenbeter"]
    assert signature_start(lines) == 3
    found = scan("\n".join(lines))
    assert [raw for _, raw in found.lines] == ["#urgent"] and found.mentions == ()


def test_a_mail_without_commands_is_all_note() -> None:
    found = scan("Hoi,\n\nKlant is teruggebeld.\n\nGroet,\nAnna")
    assert found.lines == () and found.note == "Hoi,\n\nKlant is teruggebeld.\n\nGroet,\nAnna"


@pytest.mark.parametrize("line", ["#opgelost.", "#urgent!", "#sluiten,", "#Owner: medewerker1@example.nl"])
def test_punctuation_after_the_name_is_no_mistake(line: str) -> None:
    block = parse(f"Hoi,\n\n{line}\n\nGroet")
    assert block.ok and len(block.commands) == 1
