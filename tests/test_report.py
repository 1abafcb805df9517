"""The KPI report: its pure figures from hand-made rows, a realistic period run by the bot, and the
HTML report as a browser shows it."""

from __future__ import annotations

import csv
import io
import json
import shutil
import struct
import subprocess
import sys
import zlib
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from mailbot.models import Address, Case, Category, EventRecord, Level, SubjectType
from mailbot.reports.kpi import build_report, complaint_rounds, judge, satisfaction_outcomes
from mailbot.reports.model import Period, ReportError, Score
from mailbot.reports.render import csv_rows, render, render_html, render_template

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
YEAR = Period.parse("2026-01-01", "2026-12-31", "Europe/Amsterdam")
NOW = datetime.fromisoformat("2026-11-20T12:00:00+01:00")
NAMES = {
    "klantenservice": "Team Klantenservice",
    "techniek": "Team Techniek",
    "medewerker1@example.nl": "Jan de Vries",
}


def t(text: str) -> datetime:
    """A moment written with its offset, as people in Amsterdam read it."""
    return datetime.fromisoformat(text)


def case(
    case_id: int,
    received: str,
    *,
    category: Category = Category.COMPLAINT,
    level: Level = Level.FIRST_LINE,
    urgent: bool = False,
    subject_type: SubjectType = SubjectType.SERVICE,
    team: str | None = "klantenservice",
    status: str = "open",
    ack_due: str | None = None,
    ack_sent: str | None = None,
    solution_due: str | None = None,
    solved: str | None = None,
    closed: str | None = None,
) -> Case:
    def moment(text: str | None) -> datetime | None:
        return t(text) if text else None

    return Case(
        id=case_id,
        ref=f"KL-2026-{case_id:04d}",
        category=category,
        level=level,
        urgent=urgent,
        subject_type=subject_type,
        status=status,
        customer=Address(f"klant{case_id}@example.net"),
        subject="Klacht",
        owner_team=team,
        owner_email=None,
        received_at=t(received),
        ack_due=moment(ack_due),
        ack_sent_at=moment(ack_sent),
        solution_due=moment(solution_due),
        answered=False,
        solved_at=moment(solved),
        closed_at=moment(closed),
    )


def ev(case_id: int, at: str, kind: str, /, **detail: object) -> EventRecord:
    return EventRecord(case_id, t(at), kind, "system", detail)


def opened(case_id: int, at: str, ack_due: str, solution_due: str, level: str = "first_line") -> EventRecord:
    """The `opened` event as cases/desk.py writes it: the deadlines stored in UTC ISO form."""
    return ev(
        case_id, at, "opened", level=level, ack_due=t(ack_due).isoformat(), solution_due=t(solution_due).isoformat()
    )


def ack_sent(case_id: int, at: str) -> EventRecord:
    return ev(case_id, at, "sent", kind="ack")


# --- the period ---------------------------------------------------------------------------------


def test_a_period_is_whole_local_days_and_names_its_months() -> None:
    start, end = YEAR.bounds()
    assert (start.isoformat(), end.isoformat()) == ("2026-01-01T00:00:00+01:00", "2027-01-01T00:00:00+01:00")
    assert len(YEAR.months()) == 12 and YEAR.months()[0] == "2026-01" and YEAR.months()[-1] == "2026-12"
    winter = Period.parse("2025-11-15", "2026-02-01", "Europe/Amsterdam")
    assert winter.months() == ["2025-11", "2025-12", "2026-01", "2026-02"]
    with pytest.raises(ReportError, match="before it begins"):
        Period.parse("2026-12-31", "2026-01-01", "Europe/Amsterdam")
    with pytest.raises(ReportError, match="YYYY-MM-DD"):
        Period.parse("2026-13-01", "2026-12-31", "Europe/Amsterdam")


def test_the_store_reads_the_cases_received_in_the_period_and_their_events() -> None:
    from mailbot.reports.kpi import EVENT_KINDS, load_report
    from mailbot.store import Store

    store = Store(":memory:")
    # Just after midnight on New Year's Day in Amsterdam is still 31 December in UTC: it belongs to 2026.
    moments = (
        "2025-12-31T23:59:59+01:00",
        "2026-01-01T00:30:00+01:00",
        "2026-12-31T23:59:59+01:00",
        "2027-01-01T00:00:00+01:00",
    )
    ids = [store.insert_case(replace(case(0, m), ref=f"KL-{n}"), NOW) for n, m in enumerate(moments)]
    staff = "medewerker1@example.nl"
    for case_id in ids:
        store.add_event(case_id, "solve", staff, NOW)
        store.add_event(case_id, "staff-note", staff, NOW)
    start, end = YEAR.bounds()
    assert [c.ref for c in store.cases_received(start, end)] == ["KL-1", "KL-2"]
    rows = store.events_of_cases_received(start, end, EVENT_KINDS)
    assert [(r.case_id, r.kind, r.actor) for r in rows] == [(ids[1], "solve", staff), (ids[2], "solve", staff)]
    assert load_report(store, YEAR, NAMES, NOW).per_month["2026-01"] == 1
    store.close()


# --- counting complaints ------------------------------------------------------------------------


def test_complaints_per_month_type_and_team_with_urgent_ones_and_compliments_apart() -> None:
    cases = [
        # 23:30 on 31 January in Amsterdam is 22:30 UTC: January, by local time.
        case(1, "2026-01-31T23:30:00+01:00", urgent=True),
        case(2, "2026-02-01T00:30:00+01:00", subject_type=SubjectType.PRODUCT, team="techniek"),
        case(3, "2026-02-10T10:00:00+01:00", subject_type=SubjectType.PRODUCT, team="techniek", urgent=True),
        case(4, "2026-02-11T10:00:00+01:00", subject_type=SubjectType.BEHAVIOUR, category=Category.ESCALATION),
        case(5, "2026-07-01T10:00:00+02:00", team=None),
        case(6, "2026-02-12T10:00:00+01:00", category=Category.COMPLIMENT, status="closed"),
    ]
    report = build_report(YEAR, cases, [], NOW, NAMES)
    assert report.complaints == 5 and report.compliments == 1 and report.urgent == 2
    assert [report.per_month[m] for m in ("2026-01", "2026-02", "2026-03", "2026-07")] == [1, 3, 0, 1]
    assert sum(report.per_month.values()) == 5 and len(report.per_month) == 12
    assert report.urgent_per_month["2026-01"] == 1 and report.urgent_per_month["2026-02"] == 1
    assert report.per_subject_type == {"service": 2, "product": 2, "behaviour": 1}
    # Most complaints first; a complaint without a team is counted as such.
    assert report.per_team == {"klantenservice": 2, "techniek": 2, "": 1}


# --- deadlines ------------------------------------------------------------------------------------


def test_judging_one_deadline() -> None:
    due = t("2026-03-05T17:00:00+01:00")
    assert judge(due, t("2026-03-05T17:00:00+01:00"), None, NOW) == "met"  # at the deadline is in time
    assert judge(due, t("2026-03-05T17:00:01+01:00"), None, NOW) == "missed"
    assert judge(due, None, None, NOW) == "missed"  # never done, and the deadline passed
    assert judge(due, None, None, t("2026-03-04T12:00:00+01:00")) == "not_counted"  # still running
    assert judge(due, None, t("2026-03-04T12:00:00+01:00"), NOW) == "not_counted"  # escalated before the deadline
    assert judge(due, None, t("2026-03-06T12:00:00+01:00"), NOW) == "missed"  # escalated after it passed
    assert judge(None, None, None, NOW) == "not_counted"


def test_acknowledged_within_the_deadline() -> None:
    due = "2026-03-05T17:00:00+01:00"  # three working days after Monday 2 March
    solution = "2026-03-16T17:00:00+01:00"
    cases = [case(n, "2026-03-02T10:00:00+01:00") for n in (1, 2, 3)]
    cases.append(case(4, "2026-11-19T10:00:00+01:00"))
    events = [
        opened(1, "2026-03-02T10:00:00+01:00", due, solution),
        ack_sent(1, "2026-03-02T10:01:00+01:00"),  # in time
        opened(2, "2026-03-02T10:00:00+01:00", due, solution),
        ack_sent(2, "2026-03-06T09:00:00+01:00"),  # a day late
        opened(3, "2026-03-02T10:00:00+01:00", due, solution),  # never sent: a miss
        # Received yesterday, not yet acknowledged, due next week: not counted yet.
        opened(4, "2026-11-19T10:00:00+01:00", "2026-11-24T17:00:00+01:00", "2026-12-03T17:00:00+01:00"),
        ev(4, "2026-11-19T10:00:00+01:00", "sent", kind="notify"),  # staff mail is no acknowledgement
    ]
    report = build_report(YEAR, cases, events, NOW, NAMES)
    assert report.acknowledged == Score(met=1, missed=2, not_counted=1)
    assert report.acknowledged.percent == 33.3  # 1 of 3, by hand
    # Solutions: none of the four solved; 1-3 are past 16 March (misses), 4 is still running.
    assert report.solved == Score(met=0, missed=3, not_counted=1) and report.solved.percent == 0.0


def test_each_escalation_is_a_handling_with_its_own_deadlines() -> None:
    # Received Monday 2 March; solved late on Friday 20 March (due 16 March); the customer says "nee"
    # on 25 March: a formal complaint, acknowledged late (due 30 March, sent 31 March), solved in time.
    c = case(
        1,
        "2026-03-02T10:00:00+01:00",
        level=Level.FORMAL,
        category=Category.ESCALATION,
        status="solved",
        ack_due="2026-03-30T17:00:00+02:00",
        ack_sent="2026-03-31T09:00:00+02:00",
        solution_due="2026-04-08T17:00:00+02:00",
        solved="2026-04-07T11:00:00+02:00",
    )
    events = [
        opened(1, "2026-03-02T10:00:00+01:00", "2026-03-05T17:00:00+01:00", "2026-03-16T17:00:00+01:00"),
        ack_sent(1, "2026-03-02T10:00:30+01:00"),
        ev(1, "2026-03-20T10:00:00+01:00", "solve"),
        ev(1, "2026-03-25T10:00:00+01:00", "satisfaction-check"),
        ev(
            1,
            "2026-03-25T15:00:00+01:00",
            "escalate",
            level_from="first_line",
            level_to="formal",
            ack_due="2026-03-30T15:00:00+00:00",
            solution_due="2026-04-08T15:00:00+00:00",
        ),
        ack_sent(1, "2026-03-31T09:00:00+02:00"),
        ev(1, "2026-04-07T11:00:00+02:00", "solve"),
    ]
    first, second = complaint_rounds(c, events)
    assert (first.ack_sent, first.done, first.end) == (
        t("2026-03-02T10:00:30+01:00"),
        t("2026-03-20T10:00:00+01:00"),
        t("2026-03-25T15:00:00+01:00"),
    )
    assert (second.ack_due, second.ack_sent, second.done) == (
        t("2026-03-30T17:00:00+02:00"),
        t("2026-03-31T09:00:00+02:00"),
        t("2026-04-07T11:00:00+02:00"),
    )
    report = build_report(YEAR, [c], events, NOW, NAMES)
    assert report.acknowledged == Score(met=1, missed=1)  # in time at receipt, late after the escalation
    assert report.solved == Score(met=1, missed=1)  # late at first line, in time as a formal complaint
    assert (report.escalated_complaints, report.escalations, report.referrals) == (1, 1, 0)
    # From 2 March to the latest #opgelost on 7 April: 29 + 7 = 36 calendar days.
    assert report.median_days_to_solution == 36.0


def test_closing_without_opgelost_counts_as_handled_and_a_referral_ends_the_handling() -> None:
    due, solution = "2026-05-07T17:00:00+02:00", "2026-05-18T17:00:00+02:00"
    closed = case(1, "2026-05-04T10:00:00+02:00", status="closed", closed="2026-05-08T10:00:00+02:00")
    referred = case(2, "2026-05-04T10:00:00+02:00", status="referred", level=Level.DISPUTE)
    events = [
        opened(1, "2026-05-04T10:00:00+02:00", due, solution),
        ack_sent(1, "2026-05-04T10:01:00+02:00"),
        ev(1, "2026-05-08T10:00:00+02:00", "close"),  # #sluiten: handled, in time
        opened(2, "2026-05-04T10:00:00+02:00", due, solution),
        ack_sent(2, "2026-05-04T10:01:00+02:00"),
        # The customer goes to the disputes committee on 6 May, before anything was due.
        ev(2, "2026-05-06T10:00:00+02:00", "refer", level_from="first_line"),
    ]
    report = build_report(YEAR, [closed, referred], events, NOW, NAMES)
    assert report.solved == Score(met=1, missed=0, not_counted=1) and report.solved.percent == 100.0
    assert report.acknowledged == Score(met=2)
    assert report.median_days_to_solution is None and report.solved_complaints == 0  # #sluiten is no #opgelost
    assert report.levels_reached == {"formal": 1, "appeal": 1, "dispute": 1}
    assert (report.escalated_complaints, report.escalations, report.referrals) == (1, 0, 1)


def test_a_case_without_its_event_log_is_judged_on_its_row() -> None:
    c = case(
        1,
        "2026-06-01T10:00:00+02:00",
        ack_due="2026-06-04T17:00:00+02:00",
        ack_sent="2026-06-05T09:00:00+02:00",
        solution_due="2026-06-15T17:00:00+02:00",
        solved="2026-06-12T10:00:00+02:00",
        status="solved",
    )
    report = build_report(YEAR, [c], [], NOW, NAMES)
    assert (report.acknowledged, report.solved) == (Score(missed=1), Score(met=1))


def test_median_calendar_days_to_solution() -> None:
    cases = [
        # One hour, but across midnight in Amsterdam: one calendar day.
        case(1, "2026-03-02T23:30:00+01:00", solved="2026-03-03T00:30:00+01:00"),
        case(2, "2026-03-02T10:00:00+01:00", solved="2026-03-06T16:00:00+01:00"),  # 4
        case(3, "2026-03-02T10:00:00+01:00", solved="2026-03-12T09:00:00+01:00"),  # 10
        case(4, "2026-03-27T10:00:00+01:00", solved="2026-03-29T10:00:00+02:00"),  # 2, over the clock change
        case(5, "2026-03-02T10:00:00+01:00"),  # not solved: not counted
        case(6, "2026-03-02T10:00:00+01:00", category=Category.COMPLIMENT, solved="2026-03-30T10:00:00+02:00"),
    ]
    report = build_report(YEAR, cases, [], NOW, NAMES)
    # Sorted 1, 2, 4, 10: the median is (2 + 4) / 2.
    assert report.median_days_to_solution == 3.0 and report.solved_complaints == 4


def test_levels_reached_by_escalation_count_every_level_passed() -> None:
    cases = [
        case(1, "2026-04-01T10:00:00+02:00", level=Level.APPEAL),  # first line -> formal -> appeal
        case(2, "2026-04-01T10:00:00+02:00", level=Level.FORMAL),  # received at klacht@ as formal
        case(3, "2026-04-01T10:00:00+02:00"),  # stays at first line
    ]
    events = [
        ev(1, "2026-04-01T10:00:00+02:00", "opened", level="first_line"),
        ev(1, "2026-04-10T10:00:00+02:00", "escalate", level_from="first_line", level_to="formal"),
        ev(1, "2026-04-20T10:00:00+02:00", "escalate", level_from="formal", level_to="appeal"),
        ev(2, "2026-04-01T10:00:00+02:00", "opened", level="formal"),
        ev(3, "2026-04-01T10:00:00+02:00", "opened", level="first_line"),
    ]
    report = build_report(YEAR, cases, events, NOW, NAMES)
    assert report.levels_reached == {"formal": 2, "appeal": 1, "dispute": 0}
    assert (report.escalated_complaints, report.escalations, report.referrals) == (1, 2, 0)


# --- satisfaction, compliments, improvements ------------------------------------------------------


@pytest.mark.parametrize(
    ("kinds", "outcomes"),
    [
        (["solve", "satisfaction-check", "satisfied"], ["satisfied"]),
        (["solve", "satisfied"], ["satisfied"]),  # answered before the question was asked
        (["solve", "satisfaction-check", "escalate"], ["not_satisfied"]),
        (["solve", "satisfaction-check", "refer"], ["not_satisfied"]),
        (["solve", "satisfaction-check"], ["no_answer"]),
        (["solve"], []),  # not asked yet, not answered yet
        (["solve", "satisfaction-check", "close"], ["no_answer"]),  # closed by staff without an answer
        (
            ["escalate", "solve", "satisfaction-check", "escalate", "solve", "satisfaction-check"],
            ["not_satisfied", "no_answer"],
        ),
        (["satisfied"], []),  # no solution before it: nothing to count
    ],
)
def test_satisfaction_after_each_solution(kinds: list[str], outcomes: list[str]) -> None:
    events = [ev(1, f"2026-04-{day + 1:02d}T10:00:00+02:00", kind) for day, kind in enumerate(kinds)]
    assert satisfaction_outcomes(events) == outcomes


def test_satisfaction_compliments_and_suggestions_in_the_report() -> None:
    cases = [
        case(1, "2026-04-01T10:00:00+02:00", status="closed", solved="2026-04-02T10:00:00+02:00"),
        case(2, "2026-04-01T10:00:00+02:00", status="satisfaction_check", solved="2026-04-02T10:00:00+02:00"),
        case(3, "2026-04-01T10:00:00+02:00", category=Category.COMPLIMENT, status="closed"),
        case(4, "2026-04-02T10:00:00+02:00", category=Category.COMPLIMENT, status="closed"),
        case(5, "2026-04-03T10:00:00+02:00", category=Category.COMPLIMENT, status="closed"),
    ]
    events = [
        ev(1, "2026-04-02T10:00:00+02:00", "solve"),
        ev(1, "2026-04-07T10:00:00+02:00", "satisfaction-check"),
        ev(1, "2026-04-07T12:00:00+02:00", "satisfied"),
        ev(
            1,
            "2026-04-08T10:00:00+02:00",
            "improvement-form",
            handling="excuses",
            cause="drukte",
            improvement="extra dienst",
        ),
        ev(2, "2026-04-01T11:00:00+02:00", "improvement", suggestion="Facturen controleren"),
        ev(2, "2026-04-02T10:00:00+02:00", "solve"),
        ev(2, "2026-04-07T10:00:00+02:00", "satisfaction-check"),
        ev(3, "2026-04-01T10:00:00+02:00", "compliment-routed", team="klantenservice", person="medewerker1@example.nl"),
        ev(4, "2026-04-02T10:00:00+02:00", "compliment-routed", team="klantenservice", person="medewerker1@example.nl"),
        ev(5, "2026-04-03T10:00:00+02:00", "compliment-routed", team="techniek", person=None),
    ]
    report = build_report(YEAR, cases, events, NOW, NAMES)
    assert report.satisfaction == {"satisfied": 1, "not_satisfied": 0, "no_answer": 1}
    assert report.compliments == 3
    assert report.compliments_per_team == {"klantenservice": 2, "techniek": 1}
    assert report.compliments_per_person == {"medewerker1@example.nl": 2}
    form, tip = sorted(report.suggestions, key=lambda s: s.source, reverse=True)
    assert (form.case_ref, form.source, form.text, form.cause, form.handling) == (
        "KL-2026-0001",
        "verbeterformulier",
        "extra dienst",
        "drukte",
        "excuses",
    )
    assert (tip.case_ref, tip.source, tip.text) == ("KL-2026-0002", "verbeter", "Facturen controleren")


# --- the outputs ------------------------------------------------------------------------------------


def sample_report():
    """A small year: two complaints (one escalated and solved late), a compliment, a suggestion."""
    cases = [
        case(1, "2026-03-02T10:00:00+01:00", urgent=True, status="solved", solved="2026-03-04T10:00:00+01:00"),
        case(2, "2026-09-07T10:00:00+02:00", subject_type=SubjectType.PRODUCT, team="techniek", level=Level.FORMAL),
        case(3, "2026-09-08T10:00:00+02:00", category=Category.COMPLIMENT, status="closed"),
    ]
    events = [
        opened(1, "2026-03-02T10:00:00+01:00", "2026-03-05T17:00:00+01:00", "2026-03-16T17:00:00+01:00"),
        ack_sent(1, "2026-03-02T10:01:00+01:00"),
        ev(1, "2026-03-03T10:00:00+01:00", "improvement", suggestion="Alarm <eerder> opvolgen & melden"),
        ev(1, "2026-03-04T10:00:00+01:00", "solve"),
        ev(1, "2026-03-09T10:00:00+01:00", "satisfaction-check"),
        ev(1, "2026-03-09T12:00:00+01:00", "satisfied"),
        opened(2, "2026-09-07T10:00:00+02:00", "2026-09-10T17:00:00+02:00", "2026-09-21T17:00:00+02:00", "formal"),
        ack_sent(2, "2026-09-11T10:00:00+02:00"),
        ev(3, "2026-09-08T10:00:00+02:00", "compliment-routed", team="klantenservice", person="medewerker1@example.nl"),
    ]
    return build_report(YEAR, cases, events, NOW, NAMES)


def test_csv_has_one_row_per_figure() -> None:
    text = render(sample_report(), "csv", TEMPLATES)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["metric", "dimension", "value"]
    assert all(len(r) == 3 for r in rows)
    figures = {(m, d): v for m, d, v in rows[1:]}
    assert figures[("complaints", "")] == "2" and figures[("urgent_complaints", "")] == "1"
    assert figures[("complaints_per_month", "2026-03")] == "1" and figures[("complaints_per_month", "2026-09")] == "1"
    assert figures[("complaints_per_subject_type", "product")] == "1"
    assert figures[("acknowledged_within_deadline", "met")] == "1"
    assert figures[("acknowledged_within_deadline", "missed")] == "1"
    assert figures[("acknowledged_within_deadline", "percent")] == "50.0"
    assert figures[("solved_within_deadline", "percent")] == "50.0"  # 1 in time, 1 open past 21 September
    assert figures[("median_calendar_days_to_solution", "")] == "2.0"
    assert figures[("complaints_reaching_level", "formal")] == "1"
    assert figures[("compliments_per_person", "medewerker1@example.nl")] == "1"
    assert figures[("satisfaction", "satisfied")] == "1"
    assert figures[("improvement_suggestion", "KL-2026-0001 verbeter")] == "Alarm <eerder> opvolgen & melden"
    assert len(rows) - 1 == len(csv_rows(sample_report()))
    # A suggestion that looks like a spreadsheet formula is shown as text, not run.
    formula = sample_report()
    formula = replace(formula, suggestions=(replace(formula.suggestions[0], text="=HYPERLINK(1)"),))
    assert csv_rows(formula)[-1][2] == "'=HYPERLINK(1)"


def test_json_is_the_report_as_a_dict() -> None:
    data = json.loads(render(sample_report(), "json", TEMPLATES))
    assert data["period_from"] == "2026-01-01" and data["period_to"] == "2026-12-31"
    assert data["as_of"] == "2026-11-20T12:00:00+01:00"
    assert data["acknowledged"] == {"met": 1, "missed": 1, "not_counted": 0, "percent": 50.0}
    assert data["per_month"]["2026-09"] == 1 and data["per_team"] == {"klantenservice": 1, "techniek": 1}
    assert data["suggestions"][0]["at"] == "2026-03-03T10:00:00+01:00"
    assert data["names"]["techniek"] == "Team Techniek"


def test_html_is_dutch_self_contained_and_escaped() -> None:
    page = render_html(sample_report(), TEMPLATES, "Veilig & Zeker Beveiliging B.V.")
    for title in ("Klachten per maand", "Binnen termijn bevestigd", "Binnen termijn opgelost", "Verbetervoorstellen"):
        assert title in page
    assert "donderdag 1 januari 2026 t/m donderdag 31 december 2026" in page
    assert "vrijdag 20 november 2026 om 12.00 uur" in page
    assert "Veilig &amp; Zeker" in page and "Alarm &lt;eerder&gt; opvolgen &amp; melden" in page
    assert "<eerder>" not in page
    assert "50,0%" in page and "2 <small>dagen</small>" in page  # Dutch decimal comma
    assert "maart 2026" in page and "Team Techniek" in page and "Jan de Vries" in page
    assert page.count('src="data:image/png;base64,') == 5
    assert "http://" not in page and "https://" not in page and "<script" not in page


def test_unknown_format_missing_template_and_the_command_stays_light() -> None:
    with pytest.raises(ReportError, match="unknown format"):
        render(sample_report(), "pdf", TEMPLATES)
    # A folder without the page renders the shipped one (tests/test_shipped.py); a page that is nowhere fails.
    with pytest.raises(ReportError, match=r"no template rapport\.html\.j2"):
        render_template(REPO / "tests", "Europe/Amsterdam", "rapport.html.j2")
    probe = (
        "import sys; from mailbot.cli import build_parser; build_parser(); "
        "import mailbot.reports.kpi, mailbot.reports.render; "
    )
    probe += "print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# --- a period run by the bot over real servers ------------------------------------------------------


@pytest.mark.integration
def test_report_over_a_realistic_period(dovecot, smtp_sink, tmp_path) -> None:
    from conftest import Bot, rules_copy, run_mailbot

    # The period's story is the report's subject, not the classifier's doubts: mailbot decides alone.
    rules = rules_copy(tmp_path, "  min_confidence: 0.6\n", "  min_confidence: 0.0\n")
    bot = Bot(dovecot, smtp_sink, tmp_path / "data", rules_path=rules)
    from attacks import from_our_server
    from test_lifecycle import BOT, FIRST_LINE, command, customer_says, last

    from mailbot.demo import compose_mail

    def at(text: str) -> None:
        bot.clock.set(t(text))

    # September: two complaints and a compliment, acknowledged at once.
    at("2026-09-07T09:00:00+02:00")
    bot.deliver(
        compose_mail("anna@example.net", FIRST_LINE, "Factuur klopt niet", "De factuur is te hoog. Ik ben ontevreden.")
    )
    bot.deliver(compose_mail("bert@example.net", FIRST_LINE, "Camera", "De camera is kapot."))
    bot.deliver(compose_mail("fan1@example.net", FIRST_LINE, "Dank", "Jan de Vries heeft ons top geholpen, bedankt!"))
    bot.run_once()
    store = bot.store()
    by_customer = {c.customer.email: c for c in store.cases()}
    anna, bert = by_customer["anna@example.net"], by_customer["bert@example.net"]
    anna_notice = last(bot, "klantenservice@example.nl", anna.ref)
    bert_notice = last(bot, "techniek@example.nl", bert.ref)

    # Anna's complaint is solved in two days; she is satisfied and the form comes back.
    at("2026-09-09T10:00:00+02:00")
    command(bot, "medewerker1@example.nl", anna_notice, "#opgelost De factuur is gecorrigeerd.")
    bot.run_once()
    at("2026-09-14T10:00:00+02:00")
    bot.run_once()
    customer_says(bot, "anna@example.net", last(bot, "anna@example.net", "tevreden"), "Ja, ik ben tevreden.")
    bot.run_once()
    form = last(bot, "klantenservice@example.nl", "Verbeterformulier")
    answer = compose_mail(
        "medewerker1@example.nl",
        BOT,
        f"RE: {form['Subject']}",
        "Afhandeling: factuur gecorrigeerd\nOorzaak: verkeerd tarief\nVerbetering: tarieven controleren\n",
        in_reply_to=form["Message-ID"],
    )
    bot.deliver(from_our_server(bot.rules, answer))
    bot.run_once()

    # Bert's is solved late (due 21 September); he says "nee": a formal complaint, solved in time.
    at("2026-09-30T10:00:00+02:00")
    command(bot, "medewerker3@example.nl", bert_notice, "#opgelost De camera is vervangen.")
    bot.run_once()
    at("2026-10-05T10:00:00+02:00")
    bot.run_once()
    customer_says(
        bot, "bert@example.net", last(bot, "bert@example.net", "tevreden"), "Nee, hij doet het nog steeds niet."
    )
    bot.run_once()
    assert store.case(bert.id).level == Level.FORMAL
    at("2026-10-09T10:00:00+02:00")
    command(bot, "medewerker3@example.nl", bert_notice, "#opgelost Nieuwe camera geplaatst en getest.")
    bot.run_once()

    # October: the mail server refuses everything for four days, so three acknowledgements are late.
    at("2026-10-12T09:00:00+02:00")
    bot.sink.fail_with = (451, "4.3.0 later")
    bot.deliver(compose_mail("dirk@example.net", FIRST_LINE, "Inbraak", "Er is ingebroken, het alarm ging niet af."))
    bot.deliver(
        compose_mail("eva@example.net", BOT, "Camera werkt niet", "Onze camera werkt al weken niet. Ik ben ontevreden.")
    )
    bot.deliver(
        compose_mail(
            "gijs@example.net", FIRST_LINE, "Beveiliger", "De beveiliger was onvriendelijk. Ik ben ontevreden."
        )
    )
    bot.deliver(
        compose_mail("fan2@example.net", FIRST_LINE, "Top", "De monteur van de installatie was fantastisch, bedankt!")
    )
    bot.run_once()
    at("2026-10-16T09:00:00+02:00")  # the deadline was Thursday 15 October, 17:00
    bot.sink.fail_with = None
    bot.run_once()
    by_customer = {c.customer.email: c for c in store.cases()}
    dirk, gijs = by_customer["dirk@example.net"], by_customer["gijs@example.net"]
    assert dirk.urgent and dirk.ack_sent_at == bot.clock.now() > dirk.ack_due
    command(
        bot,
        "medewerker1@example.nl",
        last(bot, "klantenservice@example.nl", dirk.ref),
        "#verbeter Alarmmeldingen ook in het weekend opvolgen",
    )
    bot.run_once()
    at("2026-10-19T10:00:00+02:00")
    command(
        bot, "medewerker1@example.nl", last(bot, "klantenservice@example.nl", dirk.ref), "#opgelost Alarm gerepareerd."
    )
    bot.run_once()
    at("2026-10-20T10:00:00+02:00")
    command(
        bot, "medewerker1@example.nl", last(bot, "klantenservice@example.nl", gijs.ref), "#sluiten Excuses gemaakt."
    )
    bot.run_once()
    at("2026-10-23T10:00:00+02:00")  # Dirk is asked whether he is satisfied, and never answers
    bot.run_once()
    assert store.case(dirk.id).status == "satisfaction_check"
    store.close()

    env = bot.environment()
    period = ("--from", "2026-01-01", "--to", "2026-12-31")
    result = run_mailbot("report", *period, "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    # By hand: complaints A(nna) and B(ert) in September; D(irk), E(va) and G(ijs) in October.
    assert (data["complaints"], data["urgent"], data["compliments"]) == (5, 1, 2)
    assert {k: v for k, v in data["per_month"].items() if v} == {"2026-09": 2, "2026-10": 3}
    assert data["urgent_per_month"]["2026-10"] == 1
    assert data["per_subject_type"] == {"service": 2, "product": 2, "behaviour": 1}
    assert data["per_team"] == {"klantenservice": 3, "techniek": 2}
    assert data["per_channel"] == {"email": 5}
    # Acknowledgements: A, B and B's escalation in time; D, E and G late: 3 of 6.
    assert data["acknowledged"] == {"met": 3, "missed": 3, "not_counted": 0, "percent": 50.0}
    # Solutions: A, B as a formal complaint, D and G (closed) in time; B at first line late, E never: 4 of 6.
    assert data["solved"] == {"met": 4, "missed": 2, "not_counted": 0, "percent": 66.7}
    # Calendar days to the latest #opgelost: A 2, D 7, B 32 (7 September to 9 October).
    assert (data["median_days_to_solution"], data["solved_complaints"]) == (7.0, 3)
    assert data["levels_reached"] == {"formal": 2, "appeal": 0, "dispute": 0}  # B escalated, E sent to klacht@
    assert (data["escalated_complaints"], data["escalations"], data["referrals"]) == (1, 1, 0)
    assert data["compliments_per_team"] == {"klantenservice": 1, "techniek": 1}
    assert data["compliments_per_person"] == {"medewerker1@example.nl": 1}
    # A said yes, B said no; B's second solution and D's were asked about and not answered.
    assert data["satisfaction"] == {"satisfied": 1, "not_satisfied": 1, "no_answer": 2}
    assert [(s["case_ref"], s["source"], s["text"]) for s in data["suggestions"]] == [
        (anna.ref, "verbeterformulier", "tarieven controleren"),
        (dirk.ref, "verbeter", "Alarmmeldingen ook in het weekend opvolgen"),
    ]

    result = run_mailbot("report", *period, "--format", "csv", env=env)
    assert result.returncode == 0, result.stderr
    figures = {(m, d): v for m, d, v in list(csv.reader(io.StringIO(result.stdout)))[1:]}
    assert figures[("acknowledged_within_deadline", "percent")] == "50.0"
    assert figures[("solved_within_deadline", "percent")] == "66.7"
    assert figures[("complaints_per_team", "klantenservice")] == "3"
    assert figures[("median_calendar_days_to_solution", "")] == "7.0"

    out = tmp_path / "rapport.html"
    result = run_mailbot("report", *period, "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_mode & 0o777 == 0o600
    page = out.read_text(encoding="utf-8")
    assert "Klachten per maand" in page and "50,0%" in page and "66,7%" in page
    assert "september 2026" in page and "Alarmmeldingen ook in het weekend opvolgen" in page
    assert distinct_colours(screenshot(out, tmp_path / "rapport.png")).__len__() > 50

    # Only September: A and B, with everything that happened to them later.
    result = run_mailbot("report", "--from", "2026-09-01", "--to", "2026-09-30", "--format", "json", env=env)
    september = json.loads(result.stdout)
    assert (september["complaints"], september["compliments"], september["acknowledged"]["met"]) == (2, 1, 3)
    bad = run_mailbot("report", "--from", "2026-12-31", "--to", "2026-01-01", env=env)
    assert bad.returncode == 2 and "before it begins" in bad.stderr

    # The yearly report of the same year (Awb 9:12a): one outcome per complaint, nobody named.
    result = run_mailbot("report", "--jaarverslag", "2026", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    year = json.loads(result.stdout)
    assert (year["year"]["received"], year["year"]["compliments"], year["before"]["received"]) == (5, 2, 0)
    assert year["year"]["per_channel"] == {"email": 5}
    # A satisfied; G closed with #sluiten; B (asked again after its second solution), D (asked) and E open.
    assert {k: v for k, v in year["year"]["outcomes"].items() if v} == {"satisfied": 1, "handled": 1, "open": 3}
    assert year["year"]["improvements"] == ["tarieven controleren", "Alarmmeldingen ook in het weekend opvolgen"]
    out = tmp_path / "jaarverslag.html"
    result = run_mailbot("report", "--jaarverslag", "2026", "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "Jaarverslag klachten 2026" in page and "Naar tevredenheid opgelost" in page
    assert "example.net" not in page and anna.ref not in page
    both = run_mailbot("report", "--jaarverslag", "2026", *period, env=env)
    assert both.returncode == 2 and "not both" in both.stderr


# --- the HTML report as a browser shows it -------------------------------------------------------------


WIDTH, HEIGHT = 1200, 2000


def screenshot(page: Path, png: Path):
    """Headless Chromium's screenshot of ``page``, checked to be a whole PNG; its pixels as RGB bytes (H x W x 3)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail(
            "chromium not found: install it (apt-get install chromium; ./run does). "
            "The report's rendering test fails instead of skipping.",
            pytrace=False,
        )
    args = [
        chromium,
        "--headless",
        "--no-sandbox",  # the tests run as root
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={png.parent / 'chromium-profile'}",
        f"--screenshot={png}",
        f"--window-size={WIDTH},{HEIGHT}",
        page.resolve().as_uri(),
    ]
    result = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert png.is_file(), f"chromium wrote no screenshot (exit {result.returncode}): {result.stderr[-2000:]}"
    assert png_size(png.read_bytes()) == (WIDTH, HEIGHT)
    from matplotlib.image import imread

    image = imread(png)
    return (image[..., :3] * 255).round().astype("uint8")


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, after checking its signature and every chunk's CRC (standard library only)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, kinds, size = 8, [], (0, 0)
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r}"
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        kinds.append(kind)
        pos += 12 + length
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds, kinds
    return size


def distinct_colours(pixels) -> set[tuple[int, int, int]]:
    flat = pixels.reshape(-1, 3).astype("uint32")
    packed = set((flat[:, 0] << 16 | flat[:, 1] << 8 | flat[:, 2]).tolist())
    return {(v >> 16, (v >> 8) & 255, v & 255) for v in packed}


def test_the_html_report_renders_in_a_browser(tmp_path) -> None:
    page = tmp_path / "rapport.html"
    page.write_text(render_html(sample_report(), TEMPLATES, "Veilig & Zeker Beveiliging B.V."), encoding="utf-8")
    pixels = screenshot(page, tmp_path / "rapport.png")
    assert pixels.shape == (HEIGHT, WIDTH, 3)
    colours = distinct_colours(pixels)
    assert len(colours) > 50, f"a nearly blank page: {len(colours)} colours"
    white = (pixels == 255).all(axis=2).mean()
    assert 0.5 < white < 0.97, f"{white:.0%} of the page is white"
    # The charts' bar colours are on screen, so the embedded PNGs were shown: urgent red, in-time green.
    for name, rgb in (("red", (0xC0, 0x39, 0x2B)), ("green", (0x4A, 0x8F, 0x4A))):
        assert any(all(abs(c[k] - rgb[k]) <= 3 for k in range(3)) for c in colours), f"no {name} bars visible"
