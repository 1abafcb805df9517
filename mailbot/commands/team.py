"""#team <team>: gives the case to another team, without an owner."""

from __future__ import annotations

from typing import Any

from mailbot.commands.base import Act, Phase, StaffCommand
from mailbot.commands.values import CommandValue, Invalid, ParseContext
from mailbot.intake.classify import normalise
from mailbot.models import Case


class Team(StaffCommand):
    """The team named by its key or its name."""

    name = "team"
    usage = "#team <team>"
    help = "geeft de zaak aan een ander team"
    step = "assign"
    phase = Phase.FACT
    label = "Team"

    def parse(self, arg: str, ctx: ParseContext) -> CommandValue:
        """A team's key."""
        wanted = normalise(arg)
        for team in ctx.rules.teams.values():
            if wanted in (normalise(team.key), normalise(team.name)):
                return team.key
        known = ", ".join(f"{t.key} ({t.name})" for t in ctx.rules.teams.values())
        raise Invalid(f"Onbekend team '{arg}'. Kies uit: {known}.")

    def record(self, case: Case, value: CommandValue, act: Act) -> None:
        """Set the team; the owner goes."""
        act.work.store.update_case(case.id, act.now, owner_team=value, owner_email=None)

    def staff_extra(self, act: Act) -> dict[str, Any]:
        """The assignment mail says who assigned."""
        return {"assigned_by": act.actor}
