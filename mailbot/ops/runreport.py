"""What a run of the daemon did, counted: for `run --once`, the demo and the tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mailbot.intake.pipeline import Handled
    from mailbot.ops.outbox import SendReport


@dataclass
class RunReport:
    """Counts from a run, for `run --once`, the demo and the tests."""

    processed: int = 0
    quarantined: int = 0
    already_done: int = 0
    sent_copies: int = 0  # our own sent mail back as its Bcc copy, filed in Sent
    sent: int = 0
    send_failures: int = 0
    timers: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def count(self, handled: Handled) -> None:
        """Count one message: as what it turned out to be, and by its outcome."""
        if handled.again:
            self.already_done += 1
        elif handled.sent_copy:
            self.sent_copies += 1
        elif handled.quarantined:
            self.quarantined += 1
        else:
            self.processed += 1
        outcome = handled.entry.outcome
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    def count_sending(self, sent: SendReport) -> None:
        """Count what one round of sending delivered, and what it had to retry or park."""
        self.sent += sent.sent
        self.send_failures += sent.retried + sent.parked
