"""#gesprek <datum en tijd>: invites the customer to a meeting (hoor en wederhoor)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mailbot.clock import iso
from mailbot.commands.base import Act, StaffCommand
from mailbot.commands.values import CommandValue, Invalid, ParseContext, moment
from mailbot.models import Case
from mailbot.workdays import format_datetime_nl

GESPREK_EXAMPLE = "#gesprek dinsdag 14:00"


class Meeting(StaffCommand):
    """A moment in the future with a time written; the step mails the invitation."""

    name = "gesprek"
    aliases = ("meeting",)
    usage = GESPREK_EXAMPLE
    help = "nodigt de klant uit voor een gesprek (hoor en wederhoor)"
    step = "meeting"

    def parse(self, arg: str, ctx: ParseContext) -> CommandValue:
        """A date and a time, not past."""
        when, explicit_time = moment(arg, ctx, GESPREK_EXAMPLE)
        if not explicit_time:
            raise Invalid(f"Bij '{arg}' mis ik de tijd. Schrijf bijvoorbeeld: {GESPREK_EXAMPLE}")
        if when <= ctx.now:
            raise Invalid(f"De datum '{arg}' ({format_datetime_nl(when)}) is al voorbij.")
        return when

    def describe(self, value: CommandValue) -> str:
        """The exact moment understood."""
        assert isinstance(value, datetime)
        return f"Gesprek gepland op {format_datetime_nl(value)}"

    def detail(self, value: CommandValue) -> dict[str, Any]:
        """The moment, in the event."""
        assert isinstance(value, datetime)
        return {"at": iso(value)}

    def customer_extra(self, case: Case, value: CommandValue, act: Act) -> dict[str, Any]:
        """The moment in Dutch words, for the invitation."""
        assert isinstance(value, datetime)
        return {"meeting_at": format_datetime_nl(value)}
