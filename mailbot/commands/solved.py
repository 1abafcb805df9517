"""#opgelost [tekst]: confirms by mail that the complaint is solved; the satisfaction check follows."""

from __future__ import annotations

from mailbot.clock import iso
from mailbot.commands.base import Act, StaffCommand
from mailbot.commands.values import CommandValue, ParseContext, text
from mailbot.models import Case


class Solved(StaffCommand):
    """An optional text (or the note below the block) that becomes the case's solution."""

    name = "opgelost"
    aliases = ("solved",)
    usage = "#opgelost [tekst]"
    help = "bevestigt de klant per e-mail dat de klacht is opgelost"
    step = "solve"
    label = "Klacht opgelost"

    def parse(self, arg: str, ctx: ParseContext) -> CommandValue:
        """Optional text, from the line or the note."""
        return text(arg, ctx, required=False, from_note=True)

    def record(self, case: Case, value: CommandValue, act: Act) -> None:
        """Keep the solution on the case."""
        if value:
            act.work.store.update_case(case.id, act.now, solution=str(value))

    def follow_through(self, case: Case, value: CommandValue, act: Act) -> None:
        """Note when it was solved; ask the customer whether they are satisfied some days later."""
        work, now = act.work, act.now
        work.store.update_case(case.id, now, solved_at=now)
        due = work.morning_after(now, work.rules.policy.satisfaction_check_after)
        work.store.schedule(f"{case.id}:satisfaction-check:{iso(now)}", case.id, "satisfaction-check", due)
