"""What rules.yaml said about a mail, as the judgement takes it in."""

from __future__ import annotations

from dataclasses import dataclass, field

from mailbot.models import Level, SubjectType


@dataclass(frozen=True)
class RuleOutcome:
    """What rules.yaml said: the rules that fired, category scores, subject-type weights, urgency."""

    fired: tuple[str, ...]
    scores: dict[str, int]
    type_weights: dict[SubjectType, int]
    urgent: bool
    levels: tuple[Level, ...]
    # The part of ``scores`` from rules on the case's state (when_answered, at_level): knowledge the
    # model never had, so it counts in full.
    state_scores: dict[str, int] = field(default_factory=dict)
    # Rule name -> the phrase that made it fire ("" for a rule on address or case state only).
    evidence: dict[str, str] = field(default_factory=dict)
    # Rule name -> the category it votes for, for rules that vote.
    votes: dict[str, str] = field(default_factory=dict)
