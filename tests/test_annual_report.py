"""The yearly complaints report (Awb 9:12a): outcomes, terms, the year before, and nothing that names a person."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import datetime

import pytest
from test_report import NOW, TEMPLATES, case, ev, opened, screenshot

from mailbot.models import Address, Category, SubjectType
from mailbot.reports.annual import OUTCOMES, AnnualReport, build_year, outcome, render_annual, scrub
from mailbot.reports.model import ReportError

ZONE = "Europe/Amsterdam"


@pytest.mark.parametrize(
    ("kinds", "status", "expected"),
    [
        ([], "open", "open"),
        (["solve"], "solved", "open"),  # solved, the customer's answer not in yet
        (["solve", "satisfied"], "closed", "satisfied"),
        (["solve", "escalate"], "open", "open"),  # not satisfied: handled again
        (["solve", "escalate", "solve", "satisfied"], "closed", "satisfied"),
        (["escalate", "refer"], "referred", "referred"),
        (["close"], "closed", "handled"),
        (["outcome:gegrond", "close"], "closed", "upheld"),
        (["outcome:ongegrond", "outcome:deels gegrond"], "closed", "partly_upheld"),  # the latest judgement counts
        (["solve", "satisfied", "outcome:ongegrond"], "closed", "not_upheld"),
        (["not-handled"], "closed", "not_handled"),
        (["outcome:gegrond", "withdraw"], "closed", "withdrawn"),
    ],
)
def test_each_complaint_has_one_outcome(kinds: list[str], status: str, expected: str) -> None:
    events = []
    for n, kind in enumerate(kinds):
        name, _, said = kind.partition(":")
        events.append(ev(1, f"2026-03-{10 + n:02d}T10:00:00+01:00", name, **({"outcome": said} if said else {})))
    assert outcome(case(1, "2026-03-02T09:00:00+01:00", status=status), events) == expected


def year_of_cases():
    """Five complaints and a compliment received in 2026, in the shapes the report must tell apart."""
    cases = [
        replace(
            case(1, "2026-02-02T09:00:00+01:00", status="closed"), customer=Address("a@example.net", "Petra Jansen")
        ),
        replace(case(2, "2026-03-02T09:00:00+01:00", status="closed"), channel="post"),
        replace(case(3, "2026-04-01T09:00:00+02:00", subject_type=SubjectType.BEHAVIOUR), channel="telefonisch"),
        case(4, "2026-05-04T09:00:00+02:00", status="closed"),
        case(5, "2026-11-16T09:00:00+01:00"),
        case(6, "2026-06-01T09:00:00+02:00", category=Category.COMPLIMENT),
    ]
    events = [
        opened(1, "2026-02-02T09:00:00+01:00", "2026-02-05T17:00:00+01:00", "2026-02-16T17:00:00+01:00"),
        ev(1, "2026-02-10T10:00:00+01:00", "solve"),
        ev(1, "2026-02-20T10:00:00+01:00", "satisfied"),
        ev(
            1,
            "2026-02-21T10:00:00+01:00",
            "improvement-form",
            improvement="Mevrouw Jansen (a@example.net, 06-12345678) belde over KL-2026-0001: rooster eerder delen.",
        ),
        opened(2, "2026-03-02T09:00:00+01:00", "2026-03-05T17:00:00+01:00", "2026-03-16T17:00:00+01:00"),
        ev(2, "2026-03-12T10:00:00+01:00", "extend", solution_due="2026-04-13T17:00:00+02:00"),
        ev(2, "2026-04-01T10:00:00+02:00", "outcome", outcome="deels gegrond"),
        ev(2, "2026-04-01T10:00:00+02:00", "close"),
        opened(3, "2026-04-01T09:00:00+02:00", "2026-04-06T17:00:00+02:00", "2026-04-15T17:00:00+02:00"),
        opened(4, "2026-05-04T09:00:00+02:00", "2026-05-07T17:00:00+02:00", "2026-05-18T17:00:00+02:00"),
        ev(4, "2026-05-28T10:00:00+02:00", "outcome", outcome="ongegrond"),
        ev(4, "2026-05-28T10:00:00+02:00", "close"),
        opened(5, "2026-11-16T09:00:00+01:00", "2026-11-19T17:00:00+01:00", "2026-11-30T17:00:00+01:00"),
    ]
    return cases, events


def test_the_year_in_figures() -> None:
    cases, events = year_of_cases()
    year = build_year(2026, cases, events, NOW)
    assert (year.received, year.compliments) == (5, 1)
    assert year.written == 4 and year.per_channel == {"email": 3, "post": 1, "telefonisch": 1}
    assert sum(year.outcomes.values()) == year.received and list(year.outcomes) == list(OUTCOMES)
    assert year.outcomes["satisfied"] == 1 and year.outcomes["partly_upheld"] == 1
    assert year.outcomes["not_upheld"] == 1 and year.outcomes["open"] == 2
    assert year.handled == 3
    # 1 solved in time; 2 in time only by its extension; 4 late; 3 open past its term; 5 still in its term.
    assert (year.decided_on_time, year.decided_late, year.extended) == (2, 2, 1)
    assert year.per_subject_type["behaviour"] == 1 and year.per_subject_type["service"] == 4


def test_improvements_are_published_without_who_or_how_to_reach_them() -> None:
    cases, events = year_of_cases()
    (text,) = build_year(2026, cases, events, NOW).improvements
    assert text == "Mevrouw [naam] ([e-mailadres], [telefoonnummer]) belde over [klachtnummer]: rooster eerder delen."
    assert scrub("Bel +31 6 1234 5678 of 020-1234567.", []) == "Bel [telefoonnummer] of [telefoonnummer]."
    assert scrub("Jan de Vries en de Vriesstraat", ["Jan de Vries"]) == "[naam] en de Vriesstraat"
    assert scrub("Rooster 2026 eerder delen", []) == "Rooster 2026 eerder delen"  # numbers that name nobody stay


def annual() -> AnnualReport:
    cases, events = year_of_cases()
    before = [replace(c, received_at=c.received_at.replace(year=2025)) for c in cases[:2]]
    return AnnualReport(
        "Gemeente Voorbeeld & Co",
        build_year(2026, cases, events, NOW),
        build_year(2025, before, [], NOW),
        datetime.fromisoformat("2027-01-15T10:00:00+01:00"),
    )


def test_the_page_is_dutch_beside_the_year_before_and_names_nobody() -> None:
    page = render_annual(annual(), "html", TEMPLATES, ZONE)
    assert "Jaarverslag klachten 2026" in page and ">2025</th>" in page
    assert "Gemeente Voorbeeld &amp; Co" in page
    for words in ("Deels gegrond", "Ongegrond", "Naar tevredenheid opgelost", "Termijn verlengd", "via brief"):
        assert words in page
    assert "vrijdag 15 januari 2027" in page
    assert "20,0%" in page  # 1 of 5, a Dutch decimal comma
    assert "rooster eerder delen" in page
    for private in ("Jansen", "example.net", "KL-2026", "12345678"):
        assert private not in page
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_csv_and_json_carry_both_years() -> None:
    rows = list(csv.reader(io.StringIO(render_annual(annual(), "csv", TEMPLATES, ZONE))))
    assert rows[0] == ["metric", "dimension", "year", "value"]
    assert ["received", "", "2026", "5"] in rows and ["received", "", "2025", "2"] in rows
    assert ["outcome", "partly_upheld", "2026", "1"] in rows
    data = json.loads(render_annual(annual(), "json", TEMPLATES, ZONE))
    assert data["year"]["outcomes"]["not_upheld"] == 1 and data["before"]["received"] == 2
    with pytest.raises(ReportError, match="unknown format"):
        render_annual(annual(), "pdf", TEMPLATES, ZONE)


def test_the_page_renders_in_a_browser(tmp_path) -> None:
    page = tmp_path / "jaarverslag.html"
    page.write_text(render_annual(annual(), "html", TEMPLATES, ZONE), encoding="utf-8")
    pixels = screenshot(page, tmp_path / "jaarverslag.png")
    white = (pixels == 255).all(axis=2).mean()
    assert 0.5 < white < 0.99, f"{white:.0%} of the page is white"
