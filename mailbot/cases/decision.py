"""What a decision mail says besides the decision: the next step open to the customer, who decided.

Every decision mail (the solution, the satisfaction check, the decision on an appeal, a referral)
names what the customer can do next and by when. The names, addresses and terms come from
rules.yaml's ``next_steps``: a template never names a body itself.
"""

from __future__ import annotations

from typing import Any

from mailbot.config import NextStep, Rules
from mailbot.kinds import EventKind
from mailbot.models import EventRecord, Level

# #oordeel's words, as the decision letter and the dossier show them.
OUTCOMES = ("gegrond", "deels gegrond", "ongegrond")


def next_step_values(step: NextStep | None) -> dict[str, str] | None:
    """A next step as templates read it (``level`` is its rung's label), or None when the policy names none."""
    if step is None:
        return None
    return {
        "level": step.level.label,
        "name": step.name,
        "address": step.address,
        "url": step.url,
        "phone": step.phone,
        "term": step.term,
    }


def next_step(rules: Rules, after: Level) -> NextStep | None:
    """The step open to the customer after a decision at level ``after``: the next rung's, if the policy names it."""
    return next((s for s in rules.next_steps if s.level == after + 1), None)


def handler_name(level: Level, rules: Rules) -> str:
    """Who handles a case at ``level``, as a sentence names them: the policy's name, else the director's."""
    step = next_step(rules, Level(level - 1)) if level > Level.FIRST_LINE else None
    if step is not None:
        return step.name
    return rules.director.name if level >= Level.APPEAL else rules.organisation


def decision_context(level: Level, rules: Rules) -> dict[str, Any]:
    """The template values about the next step after a decision at ``level`` and about who decides."""
    # A referred case (the dispute rung) names the body it went to: the step after the appeal.
    return {
        "next_step": next_step_values(next_step(rules, min(level, Level.APPEAL))),
        "handler_name": handler_name(level, rules),
        # The outside body after the internal procedure, for a letter that ends it early (not handled).
        "outside_body": next_step_values(next_step(rules, Level.APPEAL)),
        "director_name": rules.director.name,
        "director_title": rules.director.title,
        # Every complaint's acknowledgement offers a hearing where the policy says so (Awb 9:10).
        "hearing_offered": rules.policy.hearing_offered,
        # The conclusion #oordeel recorded: the command that sends a decision passes it.
        "outcome": "",
    }


def recorded_outcome(events: list[EventRecord]) -> str:
    """The last conclusion #oordeel recorded in a case's event log, or "" when none was."""
    found = [str(e.detail.get("outcome", "")) for e in events if e.kind == EventKind.OUTCOME]
    return found[-1] if found else ""
