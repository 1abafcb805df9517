"""#opgelost [tekst]: confirms by mail that the complaint is solved; the satisfaction check follows.

On an appeal the mail is the director's decision letter (the step's ``appeal_mail``), signed as the
director, with no satisfaction check after it: the decision ends the internal procedure.
"""

from __future__ import annotations

from typing import Any

from mailbot.cases.decision import recorded_outcome
from mailbot.clock import iso
from mailbot.commands.base import Act, Command, StaffCommand
from mailbot.commands.values import CommandValue, ParseContext, text
from mailbot.kinds import TimerKind
from mailbot.models import Case, Level


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

    def apply(self, case: Case, cmd: Command, act: Act) -> str:
        """As any step; on an appeal the decision letter instead of the confirmation (no satisfaction check)."""
        if case.level < Level.APPEAL:
            return super().apply(case, cmd, act)
        work = act.work
        self.record(case, cmd.value, act)
        case, step = work.step(case, self.transition().name, act.actor, act.now, command=cmd.raw, decision="appeal")
        work.store.update_case(case.id, act.now, solved_at=act.now)
        assert step.appeal_mail  # the table's decision letter
        extra = self.customer_extra(case, cmd.value, act)
        work.to_customer(case, "appeal-decision", step.appeal_mail, act.now, automatic=False, **extra)
        return "Beslissing op het beroep verstuurd" + (f": {cmd.value}" if cmd.value else "")

    def customer_extra(self, case: Case, value: CommandValue, act: Act) -> dict[str, Any]:
        """The solution, and the conclusion #oordeel recorded (in this mail or before)."""
        return {"solution": case.solution or "", "outcome": recorded_outcome(act.work.store.events(case.id))}

    def follow_through(self, case: Case, value: CommandValue, act: Act) -> None:
        """Note when it was solved; ask the customer whether they are satisfied some days later."""
        work, now = act.work, act.now
        work.store.update_case(case.id, now, solved_at=now)
        due = work.morning_after(now, work.rules.policy.satisfaction_check_after)
        key = f"{case.id}:satisfaction-check:{iso(now)}"
        work.store.schedule(key, case.id, TimerKind.SATISFACTION_CHECK, due, level=case.level.label)
