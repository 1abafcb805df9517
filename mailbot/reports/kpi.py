"""The complaint policy's figures over a period: pure computations on case and event rows.

``build_report`` is a pure function of the rows ``Store.cases_received`` and
``Store.events_of_cases_received`` return, the moment of the report and the display names; the
definitions it applies are written out for the reader in the HTML report's "Toelichting".
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from mailbot.cases.decision import OUTCOMES
from mailbot.kinds import EventKind, MailKind
from mailbot.models import Case, Category, EventRecord, Level, Status, SubjectType
from mailbot.reports.model import Period, Report, Round, Score, Suggestion

if TYPE_CHECKING:
    from mailbot.store import Store

# The steps every report follows a case by, from its opening to its end.
CASE_STEPS = (EventKind.OPENED, EventKind.SENT, EventKind.ESCALATE, EventKind.REFER, EventKind.SOLVE, EventKind.CLOSE)
# The event kinds the figures are made of (see cases/lifecycle.py, cases/desk.py, ops/outbox.py, cases/staff.py).
EVENT_KINDS = (
    *CASE_STEPS,
    EventKind.SATISFACTION_CHECK,
    EventKind.SATISFIED,
    EventKind.COMPLIMENT_ROUTED,
    EventKind.IMPROVEMENT,
    EventKind.IMPROVEMENT_FORM,
    EventKind.OUTCOME,
    EventKind.LETTER_QUEUED,
    EventKind.LETTER_POSTED,
)
ESCALATED_LEVELS = (Level.FORMAL, Level.APPEAL, Level.DISPUTE)
SATISFACTION = ("satisfied", "not_satisfied", "no_answer")


def build_report(
    period: Period, cases: Sequence[Case], events: Sequence[EventRecord], now: datetime, names: Mapping[str, str]
) -> Report:
    """All figures over the cases received in ``period``, as they stand at ``now``."""
    zone = ZoneInfo(period.timezone)
    log: dict[int | None, list[EventRecord]] = {}
    for event in events:
        log.setdefault(event.case_id, []).append(event)
    complaints = [c for c in cases if c.category != Category.COMPLIMENT]
    compliments = [c for c in cases if c.category == Category.COMPLIMENT]
    months = period.months()
    per_month = Counter(_month(c.received_at, zone) for c in complaints)
    urgent_per_month = Counter(_month(c.received_at, zone) for c in complaints if c.urgent)
    rounds = [r for c in complaints for r in complaint_rounds(c, log.get(c.id, []))]
    days = [d for c in complaints if (d := days_to_solution(c, zone)) is not None]
    reached = [highest_level(c, log.get(c.id, [])) for c in complaints]
    escalated = [
        c for c in complaints if any(e.kind in (EventKind.ESCALATE, EventKind.REFER) for e in log.get(c.id, []))
    ]
    praise = [e for c in compliments for e in log.get(c.id, []) if e.kind == EventKind.COMPLIMENT_ROUTED]
    return Report(
        period_from=period.first,
        period_to=period.last,
        as_of=now,
        timezone=period.timezone,
        complaints=len(complaints),
        urgent=sum(c.urgent for c in complaints),
        per_month={m: per_month[m] for m in months},
        urgent_per_month={m: urgent_per_month[m] for m in months},
        per_subject_type=_counted(Counter(c.subject_type.value for c in complaints), [t.value for t in SubjectType]),
        per_team=_counted(Counter(c.owner_team or "" for c in complaints)),
        per_channel=_counted(Counter(c.channel for c in complaints), ["email"]),
        acknowledged=score(judge(r.ack_due, r.ack_sent, r.end, now) for r in rounds),
        solved=score(judge(r.solution_due, r.done, r.end, now) for r in rounds),
        median_days_to_solution=float(statistics.median(days)) if days else None,
        solved_complaints=len(days),
        levels_reached={lv.label: sum(level >= lv for level in reached) for lv in ESCALATED_LEVELS},
        escalated_complaints=len(escalated),
        escalations=sum(e.kind == EventKind.ESCALATE for c in complaints for e in log.get(c.id, [])),
        referrals=sum(e.kind == EventKind.REFER for c in complaints for e in log.get(c.id, [])),
        compliments=len(compliments),
        compliments_per_team=_counted(Counter(str(e.detail.get("team") or "") for e in praise)),
        compliments_per_person=_counted(Counter(str(e.detail["person"]) for e in praise if e.detail.get("person"))),
        satisfaction=_counted(
            Counter(o for c in complaints for o in satisfaction_outcomes(log.get(c.id, []))), list(SATISFACTION)
        ),
        suggestions=tuple(s for c in cases for s in suggestions(c, log.get(c.id, []))),
        names=dict(names),
        judgements=_counted(Counter(j for c in complaints if (j := judgement(log.get(c.id, [])))), OUTCOMES),
    )


def judgement(events: Sequence[EventRecord]) -> str | None:
    """The conclusion #oordeel last recorded on a complaint (one of OUTCOMES), or None when none was."""
    found = [str(e.detail.get("outcome")) for e in events if e.kind == EventKind.OUTCOME]
    return found[-1] if found else None


def complaint_rounds(case: Case, events: Sequence[EventRecord]) -> list[Round]:
    """The complaint's handlings: the first from receipt, one more per escalation, each with its own deadlines.

    The case row holds only the latest handling's deadlines (an escalation sets new ones), so earlier
    ones come from the event log: ``opened`` and ``escalate`` record the deadlines they set.
    """
    opened = next((e.detail for e in events if e.kind == EventKind.OPENED), None)
    if opened is None:  # a case without its event log: the row is all there is
        done = case.solved_at or (case.closed_at if case.status == Status.CLOSED else None)
        return [Round(case.received_at, None, case.ack_due, case.ack_sent_at, case.solution_due, done)]
    starts = [(case.received_at, opened.get("ack_due"), opened.get("solution_due"))]
    starts += [
        (e.at, e.detail.get("ack_due"), e.detail.get("solution_due")) for e in events if e.kind == EventKind.ESCALATE
    ]
    referred = next((e.at for e in events if e.kind == EventKind.REFER), None)
    rounds = []
    for n, (start, ack_due, solution_due) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else referred
        within = [e for e in events if start <= e.at and (end is None or e.at < end)]
        ack_sent = min(
            (t for t in (_ack_mailed(within), _ack_posted(within)) if t is not None),
            default=None,
        )
        solved = next((e.at for e in within if e.kind == EventKind.SOLVE), None)
        closed = next((e.at for e in within if e.kind == EventKind.CLOSE), None)
        rounds.append(Round(start, end, _moment(ack_due), ack_sent, _moment(solution_due), solved or closed))
    return rounds


def _ack_mailed(events: Sequence[EventRecord]) -> datetime | None:
    """When the SMTP server took the acknowledgement."""
    return next((e.at for e in events if e.kind == EventKind.SENT and e.detail.get("kind") == MailKind.ACK), None)


def _ack_posted(events: Sequence[EventRecord]) -> datetime | None:
    """When staff posted the acknowledgement as a letter (#verstuurd, cases/letters.py)."""
    waiting = False
    for e in events:
        if e.kind == EventKind.LETTER_QUEUED and e.detail.get("kind") == MailKind.ACK:
            waiting = True
        elif e.kind == EventKind.LETTER_POSTED and waiting:
            return e.at
    return None


def judge(due: datetime | None, done: datetime | None, end: datetime | None, now: datetime) -> str:
    """One deadline's outcome: "met" (done by it), "missed" (done late, or not done when it passed before
    the handling ended) or "not_counted" (not done, the deadline not passed yet or not before the end)."""
    if due is None:
        return "not_counted"
    if done is not None:
        return "met" if done <= due else "missed"
    horizon = min(end, now) if end is not None else now
    return "missed" if horizon > due else "not_counted"


def score(outcomes: Iterable[str]) -> Score:
    """Count ``judge`` outcomes."""
    counts = Counter(outcomes)
    return Score(met=counts["met"], missed=counts["missed"], not_counted=counts["not_counted"])


def days_to_solution(case: Case, zone: ZoneInfo) -> int | None:
    """Calendar days from receipt to the (latest) #opgelost, in the organisation's time zone.

    An escalation clears ``solved_at``: a complaint handled again counts once it is solved again.
    """
    if case.solved_at is None:
        return None
    return (case.solved_at.astimezone(zone).date() - case.received_at.astimezone(zone).date()).days


def highest_level(case: Case, events: Sequence[EventRecord]) -> Level:
    """The highest level the complaint reached: at receipt, by ``escalate`` (level_to) or by ``refer``."""
    levels = [case.level]
    for e in events:
        if e.kind == EventKind.OPENED and e.detail.get("level"):
            levels.append(Level.from_label(str(e.detail["level"])))
        elif e.kind == EventKind.ESCALATE and e.detail.get("level_to"):
            levels.append(Level.from_label(str(e.detail["level_to"])))
        elif e.kind == EventKind.REFER:
            levels.append(Level.DISPUTE)
    return max(levels)


def satisfaction_outcomes(events: Sequence[EventRecord]) -> list[str]:
    """What the customer said after each #opgelost: "satisfied", "not_satisfied" (an escalation or
    referral), or "no_answer" when the satisfaction question was asked and nothing came back.
    A solution not yet asked about and not yet answered gives nothing."""
    outcomes: list[str] = []
    waiting, asked = False, False
    for e in events:
        if e.kind == EventKind.SOLVE or (waiting and e.kind == EventKind.CLOSE):
            if waiting and asked:
                outcomes.append("no_answer")
            waiting, asked = e.kind == EventKind.SOLVE, False
        elif waiting and e.kind == EventKind.SATISFACTION_CHECK:
            asked = True
        elif waiting and e.kind in (EventKind.SATISFIED, EventKind.ESCALATE, EventKind.REFER):
            outcomes.append("satisfied" if e.kind == EventKind.SATISFIED else "not_satisfied")
            waiting = False
    if waiting and asked:
        outcomes.append("no_answer")
    return outcomes


def suggestions(case: Case, events: Sequence[EventRecord]) -> list[Suggestion]:
    """Improvements staff named on the case: ``#verbeter`` and the verbeterformulier's answers."""
    found = []
    for e in events:
        if e.kind == EventKind.IMPROVEMENT and e.detail.get("suggestion"):
            found.append(Suggestion(e.at, case.ref, "verbeter", str(e.detail["suggestion"])))
        elif e.kind == EventKind.IMPROVEMENT_FORM and any(
            e.detail.get(k) for k in ("improvement", "cause", "handling")
        ):
            found.append(
                Suggestion(
                    e.at,
                    case.ref,
                    "verbeterformulier",
                    str(e.detail.get("improvement") or ""),
                    cause=str(e.detail.get("cause") or ""),
                    handling=str(e.detail.get("handling") or ""),
                )
            )
    return found


def _counted(counts: Counter[str], keys: Sequence[str] = ()) -> dict[str, int]:
    """``keys`` in their order (zeros included), then the rest most frequent first."""
    rest = sorted((k for k in counts if k not in keys), key=lambda k: (-counts[k], k))
    return {k: counts[k] for k in [*keys, *rest]}


def _month(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m")


def _moment(value: Any) -> datetime | None:
    """A stored deadline; None for none, or for a value that is no moment (then it is not counted)."""
    if isinstance(value, datetime) or value is None:
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def load_report(store: Store, period: Period, names: Mapping[str, str], now: datetime) -> Report:
    """Read the period's rows in one snapshot and compute the report."""
    start, end = period.bounds()
    with store.transaction():
        cases = store.cases_received(start, end)
        events = store.events_of_cases_received(start, end, EVENT_KINDS)
    return build_report(period, cases, events, now, names)
