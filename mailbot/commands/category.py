"""#soort klacht|compliment|escalatie: a person's verdict on what the mail is (cases.CaseDesk.settle_category)."""

from __future__ import annotations

from mailbot.cases.lifecycle import Status
from mailbot.commands.base import Act, Command, Phase, StaffCommand
from mailbot.commands.values import CommandValue, ParseContext, choice
from mailbot.models import Case, Category

DUTCH_CATEGORIES = {"klacht": Category.COMPLAINT, "compliment": Category.COMPLIMENT, "escalatie": Category.ESCALATION}
CATEGORIES = {**DUTCH_CATEGORIES, "complaint": Category.COMPLAINT, "escalation": Category.ESCALATION}


class CategoryCommand(StaffCommand):
    """A Category; the customer then gets the mail that category calls for."""

    name = "soort"
    aliases = ("category",)
    usage = "#soort klacht|compliment|escalatie"
    help = "kiest de soort bericht; de klant krijgt de mail die daarbij hoort"
    step = "reclassify"
    phase = Phase.VERDICT

    def parse(self, arg: str, ctx: ParseContext) -> CommandValue:
        """One of CATEGORIES."""
        return choice(CATEGORIES, arg, ctx)

    def describe(self, value: CommandValue) -> str:
        """The category's Dutch name."""
        return f"Soort: {next(k for k, c in DUTCH_CATEGORIES.items() if c is value)}"

    def status_after(self, value: CommandValue, case: Case, status: Status) -> Status:
        """A compliment is thanked and closed."""
        return Status.CLOSED if value == Category.COMPLIMENT else super().status_after(value, case, status)

    def apply(self, case: Case, cmd: Command, act: Act) -> str:
        """The case desk settles the category and sends its mail."""
        assert isinstance(cmd.value, Category)
        act.settle(case, cmd.value, act.actor, act.now)
        return self.describe(cmd.value)
