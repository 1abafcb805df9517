"""Dutch dates and times as staff write them (commands/when.py, days.py), and what #gesprek, #afspraak
and #uitstel make of them: office context, working days, forcing, form, place and participants."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailbot.commands import Command, describe, parse_commands
from mailbot.commands.days import read_day
from mailbot.commands.plans import Agreement, Agreements, Extension, MeetingPlan
from mailbot.commands.values import Invalid
from mailbot.commands.when import office_refusal, read_moment
from mailbot.config import Rules, load_rules

REPO = Path(__file__).resolve().parent.parent
RULES = load_rules(REPO / "rules.yaml")  # office hours 08:30-17:00
GEMEENTE = load_rules(REPO / "examples" / "gemeente" / "rules.yaml")  # 09:00-17:00, closed 24 December
AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=AMS)  # a Monday


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=AMS)


def test_the_fixed_now_is_a_monday() -> None:
    assert NOW.weekday() == 0 and date(2026, 12, 10).weekday() == 3


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        # An hour 1-6 without "'s ochtends" in office hours is the afternoon.
        ("dinsdag om 2 uur", at(24, 14)),
        ("dinsdag om 2", at(24, 14)),
        ("dinsdag twee uur", at(24, 14)),
        ("dinsdag om 9 uur", at(24, 9)),
        ("morgen half elf", at(24, 10, 30)),
        ("morgen half drie", at(24, 14, 30)),
        ("dinsdag kwart over drie", at(24, 15, 15)),
        ("dinsdag kwart voor vier", at(24, 15, 45)),
        ("morgen tien over half elf", at(24, 10, 40)),
        ("morgen 10.15 uur", at(24, 10, 15)),
        ("morgen 2.30", at(24, 14, 30)),
        ("morgen 14:30", at(24, 14, 30)),
        ("3 december 10u30", at(3, 10, 30, month=12)),
        ("tuesday 2pm", at(24, 14)),
        ("volgende week dinsdag 10.30 uur", at(1, 10, 30, month=12)),
        ("dinsdag volgende week om 11 uur", at(1, 11, month=12)),
        ("over twee weken 14:00", at(7, 14, month=12)),
        ("over 2 weken dinsdag 10.00 uur", at(8, 10, month=12)),
        ("over drie dagen 11:00", at(26, 11)),
        ("donderdag 10 december 9.30 uur", at(10, 9, 30, month=12)),
        ("donderdag 10 december om 2 uur", at(10, 14, month=12)),
        ("1-12-2026 13:00", at(1, 13, month=12)),
        ("2026-12-01 13:00", at(1, 13, month=12)),
        ("aanstaande vrijdag 11:15", at(27, 11, 15)),
        ("vandaag 15:00", at(23, 15)),
        ("maandag 9:00", at(30, 9)),  # today is Monday: a bare weekday is the next one
        ("morgen om 2 uur 's middags", at(24, 14)),
        ("morgen 's middags om 2 uur", at(24, 14)),
        ("morgen om 9 uur s ochtends", at(24, 9)),
        ("morgen om 4 uur ’s middags", at(24, 16)),
        ("do 10 dec. 14u", at(10, 14, month=12)),
        ("di. 1 december half 3", at(1, 14, 30, month=12)),
        ("over een week 10:00", at(30, 10)),
        ("14:00 woensdag", at(25, 14)),
        ("10.12 om 14.30 uur", at(10, 14, 30, month=12)),
        ("10.12 14:30", at(10, 14, 30, month=12)),
    ],
)
def test_times_as_staff_write_them(words: str, expected: datetime) -> None:
    reading = read_moment(words, NOW, RULES.calendar)
    assert reading.at == expected and reading.assumed == ""
    assert office_refusal(reading.at, RULES.calendar) is None


@pytest.mark.parametrize(
    ("words", "expected", "assumed"),
    [
        ("morgenochtend", at(24, 10), "'s ochtends: 10.00 uur aangenomen"),
        ("morgen ochtend", at(24, 10), "'s ochtends: 10.00 uur aangenomen"),
        ("dinsdagmiddag", at(24, 14), "'s middags: 14.00 uur aangenomen"),
        ("volgende week dinsdagochtend", at(1, 10, month=12), "'s ochtends: 10.00 uur aangenomen"),
    ],
)
def test_a_part_of_the_day_takes_its_default_hour_and_says_so(words: str, expected: datetime, assumed: str) -> None:
    reading = read_moment(words, NOW, RULES.calendar)
    assert (reading.at, reading.assumed) == (expected, assumed)


def test_an_hour_both_halves_of_the_day_could_be_is_asked_back() -> None:
    # An office open from 7.00 to 21.00 uur: "om 8 uur" may be 8.00 or 20.00 uur.
    long_day = replace(RULES.calendar, office_hours=(time(7, 0), time(21, 0)))
    with pytest.raises(Invalid, match=r"Bedoelt u in 'dinsdag om 8 uur' 8\.00 uur of 20\.00 uur\?"):
        read_moment("dinsdag om 8 uur", NOW, long_day)
    assert read_moment("dinsdag om 8 uur 's avonds", NOW, long_day).at == at(24, 20)
    assert read_moment("dinsdag 20:00", NOW, long_day).at == at(24, 20)


def test_what_dateparser_gets_wrong_is_read_here() -> None:
    import dateparser

    base = {"RELATIVE_BASE": NOW.replace(tzinfo=None), "PREFER_DATES_FROM": "future"}
    # dateparser reads '2 uur' as two hours from now, and knows none of the others.
    two_hours = NOW.replace(tzinfo=None) + timedelta(hours=2)
    assert dateparser.parse("2 uur", languages=["nl"], settings=base) == two_hours
    for words in ("half elf", "kwart over drie", "volgende week dinsdag", "over twee weken", "morgenochtend"):
        assert dateparser.parse(words, languages=["nl"], settings=base) is None


@pytest.mark.parametrize(
    ("words", "reason"),
    [
        ("dinsdag", "Bij 'dinsdag' mis ik de tijd."),
        ("om 2 uur", "In 'om 2 uur' mis ik de dag."),
        ("ergens volgende maand", "Ik begrijp de datum 'ergens volgende maand' niet."),
        ("volgende week 10:00", "Welke dag van 'volgende week' bedoelt u?"),
        ("vandaag 9:00", "al voorbij"),
        ("1 november 2026 10:00", "al voorbij"),
        ("20 november 10:00", "Schrijf dan het jaar erbij."),
        ("woensdag 1 december 10:00", "klopt de dag niet: 1 december 2026 is een dinsdag."),
        ("31-11-2026 10:00", "'31-11-2026' is geen bestaande datum."),
        ("morgen 25:00", "staat geen bestaande tijd"),
    ],
)
def test_what_cannot_be_read_is_said(words: str, reason: str) -> None:
    with pytest.raises(Invalid) as caught:
        read_moment(words, NOW, RULES.calendar)
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("moment", "rules", "reason"),
    [
        (at(28, 14), RULES, "zaterdag 28 november 2026 is geen werkdag."),
        (at(25, 10, month=12), RULES, "vrijdag 25 december 2026 is geen werkdag (Eerste kerstdag)."),
        (datetime(2027, 4, 27, 10, 0, tzinfo=AMS), RULES, "dinsdag 27 april 2027 is geen werkdag (Koningsdag)."),
        (at(24, 10, month=12), GEMEENTE, "de organisatie is dan gesloten"),
        (at(24, 23), RULES, "23.00 uur valt buiten de kantoortijden (8.30 tot 17.00 uur)."),
        (at(24, 8, 45), GEMEENTE, "8.45 uur valt buiten de kantoortijden (9.00 tot 17.00 uur)."),
        (at(24, 17), RULES, "17.00 uur valt buiten de kantoortijden"),
    ],
)
def test_days_off_and_hours_outside_the_office_are_refused(moment: datetime, rules: Rules, reason: str) -> None:
    refusal = office_refusal(moment, rules.calendar)
    assert refusal is not None and reason in refusal
    assert office_refusal(at(24, 10), rules.calendar) is None


def command(text: str, now: datetime = NOW) -> Command:
    block = parse_commands(text, rules=RULES, now=now)
    assert block.ok, block.errors
    (cmd,) = block.commands
    return cmd


def refusal(text: str) -> str:
    block = parse_commands(text, rules=RULES, now=NOW)
    assert not block.ok and not block.commands
    return block.errors[0].reason


def test_a_meeting_on_a_day_off_or_at_night_is_refused_unless_forced() -> None:
    assert refusal("#gesprek zaterdag 14:00").startswith("zaterdag 28 november 2026 is geen werkdag. Kies een ander")
    assert "zet ! achter de regel" in refusal("#gesprek morgen 23:00")
    assert "valt buiten de kantoortijden" in refusal("#gesprek morgen om 7 uur")
    forced = command("#gesprek zaterdag 14:00 !").value
    assert isinstance(forced, MeetingPlan) and forced.at == at(28, 14) and forced.forced
    assert command("#gesprek morgen 19.00 uur forceer").value == MeetingPlan(at(24, 19), forced=True)
    # Within office hours "!" changes nothing: nothing was forced.
    assert command("#gesprek morgen 10:00!").value == MeetingPlan(at(24, 10))


def test_a_meeting_says_how_where_and_with_whom() -> None:
    cmd = command("#gesprek dinsdag 10.30 uur op kantoor met J. de Vries")
    assert cmd.value == MeetingPlan(at(24, 10, 30), form="kantoor", participants="J. de Vries")
    assert describe(cmd) == "Gesprek gepland op dinsdag 24 november 2026 om 10.30 uur, op kantoor, met J. de Vries"
    cmd = command("#gesprek morgen half elf op kantoor in Utrecht, Stationsplein 1 met J. de Vries en P. Bakker")
    assert cmd.value == MeetingPlan(
        at(24, 10, 30), form="kantoor", place="Utrecht, Stationsplein 1", participants="J. de Vries en P. Bakker"
    )
    assert command("#gesprek donderdag kwart over drie telefonisch").value == MeetingPlan(
        at(26, 15, 15), form="telefonisch"
    )
    video = command("#gesprek morgenochtend via video")
    assert video.value == MeetingPlan(at(24, 10), form="video", assumed="'s ochtends: 10.00 uur aangenomen")
    assert describe(video) == (
        "Gesprek gepland op dinsdag 24 november 2026 om 10.00 uur, via video "
        "('s ochtends: 10.00 uur aangenomen; stuur de klant vóór het gesprek de link)"
    )


def test_all_agreement_lines_of_one_mail_are_one_command() -> None:
    block = parse_commands(
        "#afspraak Excuses aanbieden voor vrijdag\n#afspraak Camera vervangen voor volgende week dinsdag\n"
        "#afspraak nagekomen Offerte",
        rules=RULES,
        now=NOW,
    )
    assert block.ok
    (cmd,) = block.commands
    assert cmd.value == Agreements(
        made=(Agreement("Excuses aanbieden", date(2026, 11, 27)), Agreement("Camera vervangen", date(2026, 12, 1))),
        kept=("Offerte",),
        on=NOW.date(),
    )
    assert cmd.line == 1 and cmd.raw.count("#afspraak") == 3
    assert describe(cmd) == (
        "Afspraak: Excuses aanbieden, uiterlijk vrijdag 27 november 2026\n"
        "- Afspraak: Camera vervangen, uiterlijk dinsdag 1 december 2026\n- Afspraak nagekomen: Offerte"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "#uitstel 18 december Wij wachten op het rapport van de installateur",
            Extension(date(2026, 12, 18), "Wij wachten op het rapport van de installateur"),
        ),
        (
            "#uitstel vrijdag 18 december 2026: de monteur is ziek",
            Extension(date(2026, 12, 18), "de monteur is ziek"),
        ),
        (
            "#uitstel volgende week vrijdag omdat de leverancier later levert",
            Extension(date(2026, 12, 4), "omdat de leverancier later levert"),
        ),
        (
            "#uitstel 15-1-2027 Onderzoek door een extern bureau, met toestemming van de klant",
            Extension(date(2027, 1, 15), "Onderzoek door een extern bureau", consent=True),
        ),
        (
            "#uitstel 2026-12-18 wij wachten op een onderdeel",
            Extension(date(2026, 12, 18), "wij wachten op een onderdeel"),
        ),
        ("#uitstel over twee weken Nader onderzoek toestemming", Extension(date(2026, 12, 7), "Nader onderzoek", True)),
    ],
)
def test_an_extension_reads_date_reason_and_consent(text: str, expected: Extension) -> None:
    assert command(text).value == replace(expected, written_at=NOW)


def test_an_extension_needs_a_date_in_the_future_and_a_reason() -> None:
    assert "Schrijf na de datum de reden" in refusal("#uitstel 18 december")
    assert "moet na vandaag liggen" in refusal("#uitstel 23-11-2026 te laat")
    assert "Ik begrijp de datum in 'binnenkort want druk'" in refusal("#uitstel binnenkort want druk")


def test_read_day_alone_never_guesses_past_the_date() -> None:
    today = NOW.date()
    assert read_day("volgende week vrijdag", today) == (date(2026, 12, 4), False)
    with pytest.raises(Invalid):
        read_day("volgende week vrijdag omdat", today, guess=False)
    assert read_day("10 december 2026", today) == (date(2026, 12, 10), True)


# Pieces of what staff write, in any order: the readers answer each line with a value or a reason.
PIECES = (
    "om half kwart over voor uur u morgen volgende week dinsdag zaterdag 's ochtends middag ochtend december "
    "dec. 10 2 14:30 10.15 1-12-2026 31-2 00:00 24:00 25 13pm ! forceer met in op kantoor telefonisch video "
    "toestemming : , nagekomen twee drie elf"
)
WORDS = st.sampled_from(PIECES.split())


@given(st.lists(WORDS, max_size=8), st.sampled_from(["#gesprek", "#afspraak Bellen voor", "#uitstel", "#afspraak"]))
@settings(max_examples=300, deadline=None)
def test_no_words_make_the_readers_fail_other_than_with_a_reason(words: list[str], head: str) -> None:
    block = parse_commands(f"{head} {' '.join(words)}", rules=RULES, now=NOW)
    assert len(block.commands) + len(block.errors) == 1
    assert all(e.reason for e in block.errors)
