"""rules.yaml's ``next_steps`` and the checks that weigh one section against another.

``next_steps`` names, per rung of the ladder, whom the customer can turn to after a decision at
the rung below: every decision mail takes the name, the address and the term from here, so that a
template never names a body (a disputes committee, an ombudsman) the policy does not.
"""

from __future__ import annotations

from typing import Any

from mailbot.config.reader import YamlReader, keys_of, line_of, rough_days
from mailbot.config.rules import Deadlines, NextStep, PolicyRules
from mailbot.errors import ConfigError
from mailbot.models import Level

# The rungs a customer can climb to; first_line is where a case starts, never a next step.
STEP_LEVELS = (Level.FORMAL, Level.APPEAL, Level.DISPUTE)
_OPTIONAL = ("address", "url", "phone", "term")


def read_next_steps(reader: YamlReader, doc: Any) -> tuple[NextStep, ...]:
    """The ``next_steps`` section, lowest rung first; an outside body (dispute) must say where to go."""
    if doc.get("next_steps") is None:
        return ()
    node = reader.mapping(doc, "next_steps", "next_steps", {level.label for level in STEP_LEVELS})
    steps = []
    for key in node:
        where = f"next_steps.{key}"
        item = reader.mapping(node, key, where, keys_of(NextStep) - {"level"})
        optional = {k: reader.string(item, k, f"{where}.{k}") for k in _OPTIONAL if item.get(k) is not None}
        step = NextStep(level=Level.from_label(str(key)), name=reader.string(item, "name", f"{where}.name"), **optional)
        if step.level == Level.DISPUTE and not (step.address or step.url):
            raise reader.fail(
                node, key, f"{where} is an outside body: give its address or url (the customer must reach it)"
            )
        steps.append(step)
    return tuple(sorted(steps, key=lambda s: s.level))


def check_reminder_lead(source: str, doc: Any, policy: PolicyRules, deadlines: Deadlines) -> None:
    """Refuse a reminder lead time as long as the acknowledgement term or longer.

    The owner is reminded ``policy.reminder_before`` ahead of every deadline; with a lead time that
    reaches back to the receipt, the reminder of the acknowledgement is due the moment a complaint
    arrives (or before it existed), which tells the owner nothing the notice of the new case did not.
    """
    if rough_days(policy.reminder_before) < rough_days(deadlines.acknowledge):
        return
    node = doc.get("policy")
    raise ConfigError(
        source,
        line_of(node, "reminder_before") if node is not None and "reminder_before" in node else line_of(doc, "policy"),
        f"policy.reminder_before ({policy.reminder_before}) must be shorter than deadlines.acknowledge "
        f"({deadlines.acknowledge}): else the owner is reminded of the acknowledgement the moment a complaint "
        "arrives. Shorten it (for example to 1 working day).",
    )
