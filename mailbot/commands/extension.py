"""#uitstel <datum> <reden> [toestemming]: a later solution date, told to the customer with the reason.

The deadline's reminder, its alert and the interim updates move with it. The policy may limit
extensions (deadlines.extension; Awb 9:11: once, at most four weeks, longer only with the customer's
consent, which `toestemming` records).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from mailbot.cases.lifecycle import NotAllowed
from mailbot.cases.work import CaseWork
from mailbot.clock import iso
from mailbot.commands.base import Act, Command, StaffCommand
from mailbot.commands.days import read_day
from mailbot.commands.plans import Extension
from mailbot.commands.values import CommandValue, Invalid, ParseContext
from mailbot.commands.when import day_refusal
from mailbot.kinds import EventKind, TimerKind
from mailbot.models import Case
from mailbot.workdays import format_date_nl

UITSTEL_EXAMPLE = "#uitstel 18 december Wij wachten op het rapport van de installateur"
CONSENT = re.compile(
    r"[\s,.;]*(?:\bmet\s+)?\b(?:toestemming|instemming)\b(?:\s+van\s+de\s+klant)?[\s.!]*$", re.IGNORECASE
)
# The timers of the solution deadline, set again for the new date. Pending interim updates stay: one
# set again at the same moment would meet the cancelled one's key; two that meet merge (timers.py).
DEADLINE_TIMERS = (TimerKind.SOLUTION_REMINDER, TimerKind.SOLUTION_PASSED)
MAX_DATE_WORDS = 6


class ExtensionCommand(StaffCommand):
    """A later date for the solution and the reason; refused beyond the policy's limit without consent."""

    name = "uitstel"
    aliases = ("extension",)
    usage = "#uitstel <datum> <reden> [toestemming]"
    help = "verschuift de termijn voor de oplossing en laat de klant de nieuwe datum en de reden weten"
    step = "extend"

    def parse(self, arg: str, ctx: ParseContext) -> CommandValue:
        """The date at the start, the reason after it, `toestemming` at the end: the customer consented."""
        consent = bool(CONSENT.search(arg))
        rest = CONSENT.sub("", arg).strip()
        today = ctx.now.astimezone(ZoneInfo(ctx.rules.calendar.timezone)).date()
        due, reason = _date_and_reason(rest, today)
        if not reason:
            raise Invalid(f"Schrijf na de datum de reden van het uitstel, bijvoorbeeld: {UITSTEL_EXAMPLE}")
        if due <= today:
            raise Invalid(f"De nieuwe datum ({format_date_nl(due)}) moet na vandaag liggen.")
        return Extension(due, reason, consent, written_at=ctx.now)

    def describe(self, value: CommandValue) -> str:
        """The new date, the reason, and the consent when given."""
        assert isinstance(value, Extension)
        consent = " (met toestemming van de klant)" if value.consent else ""
        told = "de klant krijgt hierover een e-mail"
        return f"Uitstel tot {format_date_nl(value.due)}{consent}, reden: {value.reason} ({told})"

    def check(self, value: CommandValue, case: Case, work: CaseWork) -> None:
        """Later than the current deadline, a working day, and within the policy's limit or with consent."""
        assert isinstance(value, Extension)
        if case.solution_due is None:
            raise NotAllowed("Dit dossier heeft geen termijn voor de oplossing.")
        current = case.solution_due.astimezone(work.calendar.zone).date()
        if value.due <= current:
            raise NotAllowed(
                f"De nieuwe datum ({format_date_nl(value.due)}) moet later zijn dan de huidige termijn "
                f"({format_date_nl(current)})."
            )
        why = day_refusal(value.due, work.calendar)
        if why:
            raise NotAllowed(f"{why} Kies een werkdag.")
        if value.written_at and value.written_at >= case.solution_due and not value.consent:
            raise NotAllowed(
                f"De termijn is al verlopen op {format_date_nl(current)}; uitstel meldt u de klant vóór die datum. "
                "Stemt de klant in met een latere datum? Zet dan 'toestemming' achter de regel."
            )
        _within_policy(value, case, work, current)

    def apply(self, case: Case, cmd: Command, act: Act) -> str:
        """Move the deadline and its timers, log it, and mail the customer the new date and the reason."""
        value, work = cmd.value, act.work
        assert isinstance(value, Extension) and case.solution_due is not None
        before = case.solution_due
        due = datetime.combine(value.due, work.rules.calendar.office_hours[1], tzinfo=work.calendar.zone)
        work.store.update_case(case.id, act.now, solution_due=due)
        case, step = work.step(
            work.store.case(case.id),
            "extend",
            act.actor,
            act.now,
            command=cmd.raw,
            level=case.level.label,
            solution_due_before=iso(before),
            solution_due=iso(due),
            reason=value.reason,
            consent=value.consent,
        )
        work.store.cancel_timers(case.id, DEADLINE_TIMERS, act.now)
        # Only the solution deadline moves: the acknowledgement's timers stay as they are.
        work.schedule_deadlines(replace(case, ack_due=None), act.now, start=act.now)
        assert step.customer_mail
        zone = work.calendar.zone
        work.to_customer(
            case,
            self.name,
            step.customer_mail,
            act.now,
            automatic=False,
            due_before=format_date_nl(before.astimezone(zone)),
            due_after=format_date_nl(due.astimezone(zone)),
            extension_reason=value.reason if value.reason[-1] in ".!?" else f"{value.reason}.",
            consent=value.consent,
        )
        return self.describe(value)


def _date_and_reason(text: str, today: date) -> tuple[date, str]:
    """The longest run of first words that is a date (or the part before a colon), and the rest."""
    head, colon, tail = text.partition(":")
    if colon:
        return read_day(head, today)[0], tail.strip()
    words = text.split()
    for count in range(min(MAX_DATE_WORDS, len(words)), 0, -1):
        try:
            due, _ = read_day(" ".join(words[:count]), today, guess=False)
        except Invalid:
            continue
        return due, " ".join(words[count:]).strip(" ,.-–")
    raise Invalid(f"Ik begrijp de datum in '{text}' niet. Schrijf bijvoorbeeld: {UITSTEL_EXAMPLE}")


def _within_policy(value: Extension, case: Case, work: CaseWork, current: date) -> None:
    """NotAllowed when the extension goes past the policy's limit (times or weeks) without consent."""
    limits = work.rules.deadlines.extension
    earlier = [
        e.detail
        for e in work.store.events(case.id)
        if e.kind == EventKind.EXTEND and e.detail.get("level") == case.level.label
    ]
    # The weeks count from the deadline before the first extension at this level.
    first = (
        datetime.fromisoformat(earlier[0]["solution_due_before"]).astimezone(work.calendar.zone).date()
        if earlier
        else current
    )
    latest = first + timedelta(weeks=limits.max_weeks) if limits.max_weeks is not None else None
    too_often = limits.max_times is not None and len(earlier) >= limits.max_times
    too_far = latest is not None and value.due > latest
    if not (too_often or too_far) or (value.consent and limits.consent_beyond):
        return
    rule = []
    if limits.max_times is not None:
        rule.append("één keer" if limits.max_times == 1 else f"{limits.max_times} keer")
    if latest is not None:
        rule.append(f"met ten hoogste {limits.max_weeks} weken (tot en met {format_date_nl(latest)})")
    done = f" Dat is in dit dossier al {len(earlier)} keer gebeurd." if too_often else ""
    beyond = (
        " Langer kan alleen als de klant ermee instemt: zet dan 'toestemming' achter de regel."
        if limits.consent_beyond
        else " Langer kan volgens de klachtenregeling niet, ook niet met toestemming van de klant."
    )
    raise NotAllowed(f"Volgens de klachtenregeling kan de termijn {' '.join(rule)} worden verlengd.{done}{beyond}")
