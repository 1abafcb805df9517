"""#urgent / #niet-urgent: marks the case urgent or not; an urgent case is brought to the director."""

from __future__ import annotations

from mailbot.cases.alerts import urgent_alert
from mailbot.cases.replytime import hurry_acknowledgement
from mailbot.commands.base import Act, Phase, StaffCommand
from mailbot.commands.values import CommandValue, Invalid, ParseContext
from mailbot.models import Case


class Urgent(StaffCommand):
    """True for #urgent, False for #niet-urgent."""

    name = "urgent"
    aliases = ("niet-urgent", "not-urgent")
    usage = "#urgent of #niet-urgent"
    help = "maakt de zaak wel of niet urgent"
    step = "classify"
    phase = Phase.FACT

    def parse(self, arg: str, ctx: ParseContext) -> CommandValue:
        """No text; the name used says which."""
        if arg:
            raise Invalid(f"Achter #{ctx.used} hoort geen tekst.")
        return ctx.used == "urgent"

    def describe(self, value: CommandValue) -> str:
        """Urgent or not."""
        return "Zaak is urgent" if value else "Zaak is niet urgent"

    def record(self, case: Case, value: CommandValue, act: Act) -> None:
        """Set the flag; an urgent case's acknowledgement held back by the reply window goes now."""
        act.work.store.update_case(case.id, act.now, urgent=bool(value))
        if value is True:
            hurry_acknowledgement(act.work.store, case.id, act.now)

    def follow_through(self, case: Case, value: CommandValue, act: Act) -> None:
        """Made urgent: the owner, the team and the director hear of it, once every command of the mail is done."""
        if value is True:
            act.afterwards.append(lambda now_case: urgent_alert(act.work, now_case, act.actor, act.now))
