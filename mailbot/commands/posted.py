"""#verstuurd: the letters waiting for a customer without an e-mail address are in the post."""

from __future__ import annotations

from mailbot.cases.letters import waiting_letters
from mailbot.cases.lifecycle import NotAllowed
from mailbot.cases.work import CaseWork
from mailbot.commands.base import Act, Phase, StaffCommand
from mailbot.commands.values import CommandValue
from mailbot.models import ACKNOWLEDGING, Case


class Posted(StaffCommand):
    """Records that every letter queued so far went out; a posted acknowledgement keeps the promise then."""

    name = "verstuurd"
    aliases = ("posted",)
    usage = "#verstuurd"
    help = "noteert dat de brief aan een klant zonder e-mailadres op de post is"
    step = "letter-posted"
    phase = Phase.FACT
    label = "Brief verstuurd per post"

    def check(self, value: CommandValue, case: Case, work: CaseWork) -> None:
        """Refused when no letter waits to be posted."""
        if not waiting_letters(work.store.events(case.id)):
            raise NotAllowed(f"In dossier {case.ref} wacht geen brief op verzending.")

    def record(self, case: Case, value: CommandValue, act: Act) -> None:
        """The acknowledgement is sent the day its letter is posted."""
        letters = waiting_letters(act.work.store.events(case.id))
        if case.ack_sent_at is None and any(e.detail.get("kind") in ACKNOWLEDGING for e in letters):
            act.work.store.update_case(case.id, act.now, ack_sent_at=act.now)
