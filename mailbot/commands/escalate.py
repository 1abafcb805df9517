"""#escaleren: one rung up the ladder, as when the customer is not satisfied."""

from __future__ import annotations

from mailbot.cases.escalation import escalate
from mailbot.cases.lifecycle import Status
from mailbot.commands.base import Act, Command, Phase, StaffCommand
from mailbot.commands.values import CommandValue
from mailbot.models import Case, Level


class Escalate(StaffCommand):
    """The escalation with its mails (cases/escalation.py); past the appeal, the referral."""

    name = "escaleren"
    aliases = ("escalate",)
    usage = "#escaleren"
    help = "zet de klacht een stap hoger, met de mail aan de klant en het bericht aan de behandelaar"
    step = "escalate"
    phase = Phase.VERDICT
    conflicts = ("sluiten",)
    label = "Klacht een stap hoger gezet"

    def status_after(self, value: CommandValue, case: Case, status: Status) -> Status:
        """Past the last internal stage the escalation is the referral."""
        return Status.REFERRED if case.level >= Level.APPEAL else super().status_after(value, case, status)

    def apply(self, case: Case, cmd: Command, act: Act) -> str:
        """Escalate with terms counted from the customer's last mail.

        Their dissatisfaction (an answer mailbot could not read, a call noted on the case) arrived then.
        """
        start, words = act.work.last_customer_mail(case)
        rules = (f"#escaleren door {act.actor}",)
        escalate(act.work, case, act.actor, act.now, start, excerpt=words, rules=rules, automatic=False)
        return self.describe(cmd.value)
