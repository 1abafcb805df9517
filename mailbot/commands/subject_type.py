"""#type dienstverlening|product|gedrag: what the complaint is about."""

from __future__ import annotations

from mailbot.commands.base import Act, Phase, StaffCommand
from mailbot.commands.values import CommandValue, ParseContext, choice
from mailbot.models import Case, SubjectType

DUTCH_TYPES = {"product": SubjectType.PRODUCT, "dienstverlening": SubjectType.SERVICE, "gedrag": SubjectType.BEHAVIOUR}
TYPES = {
    **DUTCH_TYPES,
    **{t.value: t for t in SubjectType},
    "behavior": SubjectType.BEHAVIOUR,
    "dienst": SubjectType.SERVICE,
}


class SubjectTypeCommand(StaffCommand):
    """A SubjectType, named in Dutch or English."""

    name = "type"
    usage = "#type dienstverlening|product|gedrag"
    help = "zegt waar de klacht over gaat"
    step = "classify"
    phase = Phase.FACT

    def parse(self, arg: str, ctx: ParseContext) -> CommandValue:
        """One of TYPES."""
        return choice(TYPES, arg, ctx)

    def describe(self, value: CommandValue) -> str:
        """The type's Dutch name."""
        return f"Type: {next(k for k, t in DUTCH_TYPES.items() if t is value)}"

    def record(self, case: Case, value: CommandValue, act: Act) -> None:
        """Set the type."""
        assert isinstance(value, SubjectType)
        act.work.store.update_case(case.id, act.now, subject_type=value.value)
