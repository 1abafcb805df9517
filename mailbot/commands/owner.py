"""#eigenaar <e-mailadres>: makes a member of staff the case's owner (and their team its team)."""

from __future__ import annotations

from typing import Any

from mailbot.commands.base import Act, Phase, StaffCommand
from mailbot.commands.values import CommandValue, ParseContext, staff_member
from mailbot.models import Case


class Owner(StaffCommand):
    """The owner named; the case's team becomes theirs (kept when they are in no team)."""

    name = "eigenaar"
    aliases = ("owner",)
    usage = "#eigenaar <e-mailadres>"
    help = "maakt deze medewerker eigenaar van de zaak"
    step = "assign"
    phase = Phase.FACT
    label = "Eigenaar"
    tells_actor = False  # taking a case yourself: one mail, the confirmation

    def parse(self, arg: str, ctx: ParseContext) -> CommandValue:
        """A staff address from rules.yaml."""
        return staff_member(arg, ctx)

    def record(self, case: Case, value: CommandValue, act: Act) -> None:
        """Set the owner and their team."""
        teams = act.work.rules.teams.items()
        team = next((k for k, t in teams if value in {m.email for m in t.members}), case.owner_team)
        act.work.store.update_case(case.id, act.now, owner_email=value, owner_team=team)

    def staff_extra(self, act: Act) -> dict[str, Any]:
        """The assignment mail says who assigned."""
        return {"assigned_by": act.actor}
