"""Is a complaint urgent: danger words, the model's probability, several dangers, and the model alone when sure."""

from __future__ import annotations

from mailbot.intake.judgement.model import DEFAULT_MIX, Model, softmax
from mailbot.intake.judgement.outcome import RuleOutcome
from mailbot.intake.judgement.signals import Signals
from mailbot.models import Category

# This many different danger words make a complaint urgent whatever the model says (several_dangers).
URGENT_DANGERS = 2
# Urgent without a danger word only when the model is this sure. Writers describe danger without
# naming it ("de sleutel hangt nog in de deur, het is half twaalf"): of 701 urgent mails in our own
# sets, judged by set (a model that never read the writer), 122 had no danger word. Among the 1554
# serious mails without one, P >= 0.6 flagged 102, 94 rightly; 0.5 flags 114, 101 rightly (7 more
# found for 5 more false alarms); 0.4 would flag 131, 104 rightly (3 more for 14 more).
UNGROUNDED_URGENT = 0.5
# How many of the model's words the explanation cites for such a verdict, so a person can check it.
URGENT_WORDS = 3


def urgent_probability(model: Model, feats: dict[str, float], outcome: RuleOutcome) -> float:
    """P(urgent), the rules' urgent flag counted as one more (trained) signal."""
    logit = model.heads["urgent"].logits(feats)[0]
    if outcome.urgent:
        logit += model.mix.get("urgent_rule", DEFAULT_MIX["urgent_rule"])
    return softmax([logit])[0]


def is_urgent(
    model: Model, feats: dict[str, float], category: Category, signals: Signals, outcome: RuleOutcome
) -> bool:
    """Urgent: a complaint or escalation, and the model sure enough; surer still without a danger word.

    A "compliment" that names a danger and praises nothing is judged as a complaint here.
    """
    serious = category in (Category.COMPLAINT, Category.ESCALATION) or (
        category == Category.COMPLIMENT and danger_without_praise(signals)
    )
    p_urgent = urgent_probability(model, feats, outcome)
    grounded = outcome.urgent or signals.count("urgency", negated=False) > 0
    threshold = model.mix.get("urgent_threshold", DEFAULT_MIX["urgent_threshold"])
    if not grounded:
        # No danger word or urgent rule to point at: the model must be sure, and its words are cited.
        return serious and p_urgent >= max(threshold, UNGROUNDED_URGENT)
    return serious and (p_urgent >= threshold or several_dangers(signals))


def urgent_words(model: Model, feats: dict[str, float]) -> tuple[str, ...]:
    """The words that pushed the urgency model most, for an explanation a person can check."""
    pushed = model.heads["urgent"].contributions(feats, "urgent")
    return tuple(name[2:] for name, weight in pushed if name.startswith("w:") and weight > 0)[:URGENT_WORDS]


def several_dangers(signals: Signals) -> bool:
    """Two or more different danger words, and not a story told only in the past ("vorige maand").

    The model learns urgency from the words of the mails it was trained on; a writer who names
    two dangers in words it has not seen ("contactverbod", "doodsbang") is urgent all the same.
    On mail of other writers (training/crossval.py, cross-writer) this found 84 % of the urgent
    mails instead of 71 %, at the same precision; on the development part it changed nothing.
    """
    dangers = {h.phrase for h in signals.hits if h.group == "urgency" and not h.negated}
    return len(dangers) >= URGENT_DANGERS and not signals.told_only_in_past()


def danger_without_praise(s: Signals) -> bool:
    """A danger word, not in a story told only in the past, and no word of praise or thanks.

    Praise of how an incident was handled is common ("de beveiliger belde meteen 112"), so the
    model learns danger words on both sides. On our mails judged by a model that had not read
    their writer, 14 of 38 such "compliments" with nothing that praises were complaints, 9 of them
    urgent. A person decides, and urgency is judged as for a complaint: thanking an urgent
    complaint is the mistake that cannot wait.
    """
    return not s.praises() and s.count("urgency", negated=False) > 0 and not s.told_only_in_past()
