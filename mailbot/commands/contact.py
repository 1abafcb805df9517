"""#contact <notitie>: records personal contact with the customer outside mail (a call, a visit)."""

from __future__ import annotations

from typing import Any

from mailbot.cases.lifecycle import Status
from mailbot.commands.base import Act, Phase, StaffCommand
from mailbot.commands.values import CommandValue, ParseContext, text
from mailbot.models import Case


class Contact(StaffCommand):
    """Required text: what was said. The case's first contact sets its contact time; an open case
    goes in progress by the policy's personal-contact step, as a staff reply in Cc does."""

    name = "contact"
    usage = "#contact <notitie>"
    help = "legt vast dat u de klant buiten de e-mail om hebt gesproken"
    step = "contact"
    phase = Phase.FACT
    label = "Persoonlijk contact vastgelegd"

    def parse(self, arg: str, ctx: ParseContext) -> CommandValue:
        """Required text on the line: what was said, for the dossier."""
        return text(arg, ctx, required=True, from_note=False)

    def status_after(self, value: CommandValue, case: Case, status: Status) -> Status:
        """In progress when the case was open; else as it was."""
        return Status.IN_PROGRESS if status == Status.OPEN else status

    def record(self, case: Case, value: CommandValue, act: Act) -> None:
        """The case's personal-contact time, when it has none yet."""
        if case.contact_at is None:
            act.work.store.update_case(case.id, act.now, contact_at=act.now)

    def detail(self, value: CommandValue) -> dict[str, Any]:
        """The note, in the event."""
        return {"note": str(value)}

    def follow_through(self, case: Case, value: CommandValue, act: Act) -> None:
        """The policy's personal-contact step from open: the case is in progress."""
        if case.status == Status.OPEN:
            act.work.step(case, "personal-contact", act.actor, act.now, via="contact")
