"""#afspraak <tekst> voor <datum>: records an agreement and mails the customer the letter of agreements."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from mailbot.commands.base import Act, StaffCommand
from mailbot.commands.values import Agreement, CommandValue, Invalid, ParseContext, moment
from mailbot.models import Case
from mailbot.workdays import format_date_nl

AFSPRAAK_EXAMPLE = "#afspraak Nieuwe camera plaatsen voor 15 december"
DEADLINE_WORD = re.compile(r"(?:\b(?:voor|uiterlijk|before|by)\b\s*)+", re.IGNORECASE)


class AgreementCommand(StaffCommand):
    """An Agreement (text and due date); when the date comes, the owner is reminded."""

    name = "afspraak"
    aliases = ("agreement",)
    usage = "#afspraak <tekst> voor <datum>"
    help = "legt een afspraak vast en stuurt de klant de afsprakenbrief"
    step = "agreement"
    repeatable = True

    def parse(self, arg: str, ctx: ParseContext) -> CommandValue:
        """The text before the last `voor`/`uiterlijk`, the date after it; not a past date."""
        words = list(DEADLINE_WORD.finditer(arg))
        what, when = (arg[: words[-1].start()].strip(), arg[words[-1].end() :].strip()) if words else (arg, "")
        if not what or not when:
            raise Invalid(f"Schrijf de afspraak en de datum, bijvoorbeeld: {AFSPRAAK_EXAMPLE}")
        due = moment(when, ctx, AFSPRAAK_EXAMPLE)[0].date()
        if due < ctx.now.astimezone(ZoneInfo(ctx.rules.calendar.timezone)).date():
            raise Invalid(f"De datum '{when}' ({format_date_nl(due)}) is al voorbij.")
        return Agreement(what, due)

    def describe(self, value: CommandValue) -> str:
        """The agreement and its date in Dutch words."""
        assert isinstance(value, Agreement)
        return f"Afspraak: {value.text}, uiterlijk {format_date_nl(value.due)}"

    def record(self, case: Case, value: CommandValue, act: Act) -> None:
        """Add the agreement to the case."""
        assert isinstance(value, Agreement)
        act.work.store.add_agreement(case.id, value.text, value.due.isoformat(), act.actor, act.now)

    def follow_through(self, case: Case, value: CommandValue, act: Act) -> None:
        """A timer at opening time on the agreed date."""
        assert isinstance(value, Agreement)
        work = act.work
        due = work.calendar.at_opening(datetime.combine(value.due, time(0, 0), tzinfo=work.calendar.zone))
        work.store.schedule(
            f"{case.id}:agreement-due:{value.due}:{value.text[:40]}",
            case.id,
            "agreement-due",
            due,
            text=value.text,
            date=value.due.isoformat(),
        )

    def customer_extra(self, case: Case, value: CommandValue, act: Act) -> dict[str, Any]:
        """The letter lists every agreement of the case."""
        return {"agreements": act.work.store.agreements(case.id)}
