"""#afspraak <tekst> voor <datum>: records agreements (all lines of one mail: one letter to the customer);
#afspraak nagekomen [tekst]: an agreement was kept, so its date passing alerts nobody."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from mailbot.cases.agreements import watch_agreement
from mailbot.cases.lifecycle import NotAllowed
from mailbot.cases.work import CaseWork
from mailbot.commands.base import Act, Command, StaffCommand
from mailbot.commands.days import read_day
from mailbot.commands.plans import Agreement, Agreements
from mailbot.commands.values import CommandValue, Invalid, ParseContext
from mailbot.models import Agreement as AgreementRow
from mailbot.models import Case
from mailbot.workdays import format_date_nl

AFSPRAAK_EXAMPLE = "#afspraak Nieuwe camera plaatsen voor 15 december"
DEADLINE_WORD = re.compile(r"(?:\b(?:voor|vóór|uiterlijk|before|by)\b\s*)+", re.IGNORECASE)
KEPT = re.compile(r"^(?:nagekomen|kept)\b[:\s]*", re.IGNORECASE)


class AgreementCommand(StaffCommand):
    """Agreements (text and due date) and agreements kept; the owner is reminded on the date,
    and the owner and the coordinator are alerted the working day after it while not kept."""

    name = "afspraak"
    aliases = ("agreement",)
    usage = "#afspraak <tekst> voor <datum>"
    help = "legt een afspraak vast en stuurt de klant de afsprakenbrief (#afspraak nagekomen: afspraak nagekomen)"
    step = "agreement"
    repeatable = True

    def parse(self, arg: str, ctx: ParseContext) -> CommandValue:
        """`nagekomen [tekst]`, or the text before the last `voor`/`uiterlijk` and the date after it (not past)."""
        today = ctx.now.astimezone(ZoneInfo(ctx.rules.calendar.timezone)).date()
        kept = KEPT.match(arg)
        if kept:
            return Agreements(kept=(arg[kept.end() :].strip(),), on=today)
        words = list(DEADLINE_WORD.finditer(arg))
        what, when = (arg[: words[-1].start()].strip(), arg[words[-1].end() :].strip()) if words else (arg, "")
        if not what or not when:
            raise Invalid(f"Schrijf de afspraak en de datum, bijvoorbeeld: {AFSPRAAK_EXAMPLE}")
        try:
            due, _ = read_day(when, today)
        except Invalid as exc:
            raise Invalid(f"{exc} Schrijf bijvoorbeeld: {AFSPRAAK_EXAMPLE}") from None
        if due < today:
            raise Invalid(f"De datum '{when}' ({format_date_nl(due)}) is al voorbij.")
        return Agreements(made=(Agreement(what, due),), on=today)

    def gather(self, earlier: Command, later: Command) -> Command | None:
        """Every #afspraak line of one mail is one command: one letter to the customer."""
        a, b = earlier.value, later.value
        assert isinstance(a, Agreements) and isinstance(b, Agreements)
        both = Agreements(a.made + b.made, a.kept + b.kept, a.on)
        return Command(self.name, f"{earlier.raw}\n{later.raw}", earlier.line, both)

    def check(self, value: CommandValue, case: Case, work: CaseWork) -> None:
        """Each `nagekomen` must name an open agreement of the case."""
        assert isinstance(value, Agreements)
        for text in value.kept:
            _kept_ones(work.store.agreements(case.id), text, value.on)

    def describe(self, value: CommandValue) -> str:
        """The agreements and their dates in Dutch words, and those kept."""
        assert isinstance(value, Agreements)
        made = [f"Afspraak: {a.text}, uiterlijk {format_date_nl(a.due)}" for a in value.made]
        kept = [f"Afspraak nagekomen{': ' + t if t else ''}" for t in value.kept]
        return "\n- ".join(made + kept)

    def apply(self, case: Case, cmd: Command, act: Act) -> str:
        """Mark the agreements kept; record the new ones with their timers and send one letter for them."""
        assert isinstance(cmd.value, Agreements)
        work = act.work
        for text in cmd.value.kept:
            for row in _kept_ones(work.store.agreements(case.id), text, cmd.value.on):
                work.store.keep_agreement(row.id, act.actor, act.now)
                work.store.add_event(case.id, "agreement-kept", act.actor, act.now, text=row.text, date=row.due_date)
        if cmd.value.made:
            return super().apply(case, cmd, act)
        return self.describe(cmd.value)

    def record(self, case: Case, value: CommandValue, act: Act) -> None:
        """Add the new agreements to the case."""
        assert isinstance(value, Agreements)
        for a in value.made:
            act.work.store.add_agreement(case.id, a.text, a.due.isoformat(), act.actor, act.now)

    def follow_through(self, case: Case, value: CommandValue, act: Act) -> None:
        """A reminder at opening time on each agreed date; an alert the working day after it."""
        assert isinstance(value, Agreements)
        for a in value.made:
            watch_agreement(act.work, case.id, a.text, a.due)

    def customer_extra(self, case: Case, value: CommandValue, act: Act) -> dict[str, Any]:
        """The letter lists every agreement of the case."""
        return {"agreements": act.work.store.agreements(case.id)}


def _kept_ones(rows: list[AgreementRow], text: str, today: date | None) -> list[AgreementRow]:
    """The open agreements ``text`` names (a part of their text); without text, those whose date has come,
    or the only open one. NotAllowed, listing the open ones, when none fits."""
    open_ones = [r for r in rows if r.kept_at is None]
    if text:
        found = [r for r in open_ones if text.casefold() in r.text.casefold()]
    else:
        come = [r for r in open_ones if today and r.due_date <= today.isoformat()]
        found = come or (open_ones if len(open_ones) == 1 else [])
    if found:
        return found
    listed = "; ".join(f"{r.text} (uiterlijk {format_date_nl(datetime.fromisoformat(r.due_date))})" for r in open_ones)
    if not open_ones:
        raise NotAllowed("Dit dossier heeft geen open afspraken.")
    raise NotAllowed(f"Welke afspraak is nagekomen? Schrijf een deel van de tekst erachter. Open afspraken: {listed}.")
