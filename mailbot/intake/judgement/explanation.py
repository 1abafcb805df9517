"""The Dutch explanation of a verdict staff read: what the mail was taken for and why, urgency and subject."""

from __future__ import annotations

from mailbot.intake.judgement.outcome import RuleOutcome
from mailbot.intake.judgement.signals import Hit, Signals
from mailbot.models import Category, Level, SubjectType

CATEGORY_NL = {
    Category.COMPLIMENT: "compliment",
    Category.COMPLAINT: "klacht",
    Category.ESCALATION: "escalatie",
    Category.AUTO: "automatisch bericht",
}
TYPE_NL = {SubjectType.SERVICE: "dienstverlening", SubjectType.PRODUCT: "product", SubjectType.BEHAVIOUR: "gedrag"}


def _quote(hits: list[Hit], limit: int = 2) -> str:
    seen: list[str] = []
    for hit in hits:
        phrase = f"niet … {hit.phrase}" if hit.negated and hit.group != "sarcasm" else hit.phrase
        if phrase not in seen:
            seen.append(phrase)
    return ", ".join(f"'{p}'" for p in seen[:limit])


def _reasons(category: Category, s: Signals, outcome: RuleOutcome) -> list[str]:
    hits = list(s.hits)

    def group(name: str, negated: bool | None = None) -> list[Hit]:
        return [h for h in hits if h.group == name and (negated is None or h.negated == negated)]

    reasons = _check_answer(category, s)
    if category == Category.COMPLIMENT:
        if group("praise", False):
            reasons.append(f"lof of tevredenheid ({_quote(group('praise', False))})")
        if group("dissatisfaction", True):
            reasons.append(f"ontkende klacht ({_quote(group('dissatisfaction', True))})")
        pos = sum(1 for p in s.sentence_polarity if p > 0)
        if pos > 1:
            reasons.append(f"{pos} positieve zinnen")
    elif category == Category.COMPLAINT:
        if group("sarcasm"):
            reasons.append(f"sarcasme ({_quote(group('sarcasm'))})")
        if group("praise", True):
            reasons.append(f"ontkende lof ({_quote(group('praise', True))})")
        if group("dissatisfaction", False):
            reasons.append(f"ontevredenheid ({_quote(group('dissatisfaction', False))})")
    elif category == Category.ESCALATION:
        if s.quotes_us:
            reasons.append("citeert of bevat ons eerdere antwoord")
        elif s.case_tag:
            reasons.append("draagt het kenmerk van een bestaande zaak")
        if group("answer_reference"):
            reasons.append(f"reageert op onze afhandeling ({_quote(group('answer_reference'))})")
        if s.history is not None and s.history.answered:
            reasons.append("de zaak had al een antwoord van ons")
        if "formal" in s.to_roles and s.history is not None and s.history.level == Level.FIRST_LINE:
            reasons.append("gestuurd aan het klachtenadres over een zaak in de eerste lijn")
    for name in outcome.fired:
        phrase = outcome.evidence.get(name)
        if phrase and outcome.scores and all(phrase not in r for r in reasons) and _rule_for(category, name, outcome):
            reasons.append(f"trefwoord uit de regels ('{phrase}')")
    return reasons[:3] or ["op grond van het woordgebruik als geheel (statistisch model)"]


def _urgency(s: Signals, urgent_words: tuple[str, ...]) -> str:
    """Why the mail is urgent: its danger words, else the model's words."""
    spoed = [h for h in s.hits if h.group == "urgency" and not h.negated]
    if spoed:
        return f" Spoed ({_quote(spoed, 3)})."
    if urgent_words:
        cited = ", ".join(f"'{w}'" for w in urgent_words)
        return f" Spoed: geen woord dat gevaar noemt, maar de tekst lijkt op eerdere spoedmeldingen ({cited})."
    return " Spoed."


def _check_answer(category: Category, s: Signals) -> list[str]:
    """The reason when the mail answers our satisfaction check the way the verdict says."""
    for mood, answered in (("tevreden", Category.COMPLIMENT), ("ontevreden", Category.ESCALATION)):
        key = "check_satisfied" if answered == Category.COMPLIMENT else "check_dissatisfied"
        if s.extra.get(key) and category == answered:
            return [f"antwoordt {mood} op onze vraag of de klacht is opgelost"]
    return []


def _rule_for(category: Category, name: str, outcome: RuleOutcome) -> bool:
    # Only rules that voted for the chosen category explain it.
    return name in outcome.evidence and outcome.votes.get(name) == category.value


def explain(
    category: Category,
    urgent: bool,
    subject_type: SubjectType,
    s: Signals,
    outcome: RuleOutcome,
    confidence: float,
    urgent_words: tuple[str, ...] = (),
) -> str:
    """The Dutch explanation staff read: what it was taken for and why, urgency and subject.

    ``urgent_words``: for urgency without a danger word, the words the model read it in.
    """
    text = f"Herkend als {CATEGORY_NL[category]}: {'; '.join(_reasons(category, s, outcome))}."
    if urgent:  # a doubted compliment that names a danger is urgent too (urgency.danger_without_praise)
        text += _urgency(s, urgent_words)
    if category in (Category.COMPLAINT, Category.ESCALATION):
        typed = [h for h in s.hits if h.group == subject_type.value]
        text += f" Onderwerp: {TYPE_NL[subject_type]}{f' ({_quote(typed)})' if typed else ''}."
    text += f" Zekerheid {round(confidence * 100)} %."
    return text
