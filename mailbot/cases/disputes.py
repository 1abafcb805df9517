"""A lawyer, court or outside body named by the customer: the case is flagged, the coordinator told once."""

from __future__ import annotations

from datetime import datetime

from mailbot.cases.work import CaseWork
from mailbot.config import Rules
from mailbot.intake.answers import DISPUTE, dispute_mentions
from mailbot.models import Case


def flag_dispute(work: CaseWork, case: Case, text: str, now: datetime) -> None:
    """A lawyer, court or outside body named by the customer flags the case; the coordinator is told once.

    The flag changes no level and no deadline: a referral still comes only from the last
    internal stage, one rung at a time.
    """
    if case.dispute_flag:
        return
    words = dispute_mentions(text, dispute_phrases(work.rules))
    if not words:
        return
    flag = ", ".join(words)
    work.store.update_case(case.id, now, dispute_flag=flag)
    work.store.add_event(case.id, "dispute-flagged", "system", now, words=list(words))
    work.to_staff(
        work.store.case(case.id),
        "dispute-flag",
        "dispute_flag",
        now,
        [work.rules.coordinator],
        words=flag,
        excerpt=text.strip(),
    )


def dispute_phrases(rules: Rules) -> tuple[str, ...]:
    """The words that flag a case: those of the rules.yaml rule named ``dispute``, else mailbot's own list."""
    rule = next((r for r in rules.classification.rules if r.name == "dispute"), None)
    return rule.phrases if rule is not None and rule.phrases else DISPUTE
