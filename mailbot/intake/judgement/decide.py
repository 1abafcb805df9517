"""Combine rules.yaml's outcome, the signals and the model into one verdict with a confidence and a Dutch reason."""

from __future__ import annotations

from dataclasses import dataclass

from mailbot.intake.judgement.answered import content_reply
from mailbot.intake.judgement.explanation import explain
from mailbot.intake.judgement.model import DEFAULT_MIX, Model, features, softmax
from mailbot.intake.judgement.outcome import RuleOutcome as RuleOutcome
from mailbot.intake.judgement.signals import Signals
from mailbot.intake.judgement.urgency import danger_without_praise, is_urgent, urgent_words
from mailbot.models import Category, SubjectType

# Of two categories with the same score, the more serious one wins.
SEVERITY = (Category.ESCALATION, Category.COMPLAINT, Category.COMPLIMENT)
# rules.yaml decides over the model when one category's rules reach this many times min_score
# (with the sample rules: "in beroep", "niet eens met" after our answer, a formal mail at first line).
OVERRIDE_FACTOR = 2
# The lexicon groups that say what a mail is (the others say how urgent or what about).
SPOKEN = ("praise", "dissatisfaction", "sarcasm", "answer_reference")
# The confidence of a verdict that the hand-made signals do not support (below the default 0.6).
UNSUPPORTED_CONFIDENCE = 0.55
# A point of a rule on the case's state (an answered case, its level) moves the logit this much.
STATE_RULE_WEIGHT = 1.0
# An answer to our satisfaction check as the answer step reads it (intake/answers.py): content is praise,
# unhappy an escalation (as the corpus and the policy have it). Worth this much on the logit, as a
# rule on the case's state is: few training mails answer a check, so the model learns little of it.
CHECK_ANSWER = {"f:check_satisfied": Category.COMPLIMENT, "f:check_dissatisfied": Category.ESCALATION}
CHECK_ANSWER_WEIGHT = 2.0
# With no case known, a reply quoting our answer whose own words read content (content_reply) leans
# to praise as well, by less: it answers no question of ours. By set, 11 verdicts moved, all to the
# right category (8 of them from escalation); at 2.0, 3 complaints became compliments too.
CONTENT_REPLY_WEIGHT = 1.0


@dataclass(frozen=True)
class Judgement:
    """The combined decision before it becomes a Verdict."""

    category: Category
    urgent: bool
    subject_type: SubjectType
    confidence: float
    explanation: str
    probabilities: dict[str, float]


def rules_only(outcome: RuleOutcome, min_score: int) -> Category:
    """The category rules.yaml alone gives: the best-scoring one, if it reaches min_score, else complaint."""
    best = max(SEVERITY, key=lambda c: (outcome.scores.get(c.value, 0), -SEVERITY.index(c)))
    return best if outcome.scores.get(best.value, 0) >= min_score else Category.COMPLAINT


def rules_split(outcome: RuleOutcome, min_score: int) -> bool:
    """True when rules.yaml gives two categories the same winning score: the admin's own rules disagree."""
    top = sorted(outcome.scores.values(), reverse=True)[:2]
    return len(top) == 2 and top[0] == top[1] >= min_score


def category_probabilities(
    model: Model, feats: dict[str, float], outcome: RuleOutcome, content: bool = False
) -> dict[str, float]:
    """P(category) after adding rules.yaml's scores (times the trained mixing weight) to the model's logits.

    ``content``: the mail is a content reply to our answer (content_reply), which leans to praise.
    """
    head = model.heads["category"]
    logits = head.logits(feats)
    mix = model.mix.get("rules", DEFAULT_MIX["rules"])
    temperature = model.mix.get("temperature", 1.0)
    for i, cls in enumerate(head.classes):
        state = outcome.state_scores.get(cls, 0)
        logits[i] += mix * (outcome.scores.get(cls, 0) - state) + STATE_RULE_WEIGHT * state
    for name, answered in CHECK_ANSWER.items():
        if feats.get(name) and answered.value in head.classes:
            logits[head.classes.index(answered.value)] += CHECK_ANSWER_WEIGHT
    if content and Category.COMPLIMENT.value in head.classes:
        logits[head.classes.index(Category.COMPLIMENT.value)] += CONTENT_REPLY_WEIGHT
    return dict(zip(head.classes, softmax(x / temperature for x in logits), strict=True))


def signals_say(model: Model, feats: dict[str, float], outcome: RuleOutcome) -> str | None:
    """The category a model of the hand-made signals alone (no n-grams) gives, rules.yaml's points added."""
    head = model.heads.get("category_signals")
    if head is None:
        return None
    logits = head.logits(feats)
    mix = model.mix.get("rules", DEFAULT_MIX["rules"])
    for i, cls in enumerate(head.classes):
        logits[i] += mix * outcome.scores.get(cls, 0)
    return head.classes[max(range(len(logits)), key=lambda i: logits[i])]


def type_probabilities(model: Model, feats: dict[str, float], outcome: RuleOutcome) -> dict[str, float]:
    """P(subject type), rules.yaml's subject-type rules added with their trained weight."""
    head = model.heads["subject_type"]
    logits = head.logits(feats)
    mix = model.mix.get("type_rules", DEFAULT_MIX["type_rules"])
    for i, cls in enumerate(head.classes):
        logits[i] += mix * outcome.type_weights.get(SubjectType(cls), 0)
    return dict(zip(head.classes, softmax(logits), strict=True))


def judge(signals: Signals, outcome: RuleOutcome, model: Model | None, min_score: int) -> Judgement:
    """The verdict's category, urgency, subject type, confidence and explanation."""
    if model is None:
        return _judge_by_rules(signals, outcome, min_score)
    feats = features(signals)
    probs = category_probabilities(model, feats, outcome, content_reply(signals))
    answer_possible = answer_may_exist(signals, outcome)
    if not answer_possible:
        # No answer of ours to be unhappy with: more of the same complaint, or a first one.
        moved = probs.pop(Category.ESCALATION.value, 0.0)
        probs[Category.COMPLAINT.value] = probs.get(Category.COMPLAINT.value, 0.0) + moved
    category, confidence, decided_by_rules = weigh_category(probs, signals, outcome, min_score)
    second = None if decided_by_rules else signals_say(model, feats, outcome)
    if second is not None and second != category.value:
        # Only the word statistics carry this verdict, against what the signals say: a person decides.
        confidence = min(confidence, UNSUPPORTED_CONFIDENCE)
    # Only a known case we never answered rules an escalation out for certain (without a case, a
    # first mail's "formele klacht" may still be one); where rules.yaml decided, its phrase carries it.
    never_answered = signals.history is not None and not answer_possible
    doubt = doubtful(category, signals, probs.get(category.value, 0.0), not never_answered, decided_by_rules)
    if doubt:
        confidence = min(confidence, UNSUPPORTED_CONFIDENCE)
    urgent = is_urgent(model, feats, category, signals, outcome)
    subject_type = choose_subject_type(model, feats, category, signals, outcome)
    words = urgent_words(model, feats) if urgent and not signals.count("urgency", negated=False) else ()
    explanation = explain(category, urgent, subject_type, signals, outcome, confidence, words)
    if doubt:
        explanation += f" Twijfel: {doubt}."
    return Judgement(
        category=category,
        urgent=urgent,
        subject_type=subject_type,
        confidence=confidence,
        explanation=explanation,
        probabilities=probs,
    )


def answer_may_exist(signals: Signals, outcome: RuleOutcome) -> bool:
    """False when nothing shows an earlier answer of ours, so the mail cannot be an escalation.

    A case we never answered, or a fresh mail that is no reply, quotes nothing of ours, carries no
    case tag, refers to no answer ("uw reactie", "uw besluit"; "formele klacht" or "advocaat" a
    first mail says too) and fires no escalation rule. Of about 400 labelled escalations
    (development part and our own mails) one had none of these.
    """
    if signals.history is not None:
        return signals.history.answered or bool(outcome.state_scores)
    if outcome.scores.get(Category.ESCALATION.value):
        return True
    return bool(signals.replying or signals.quotes_us or signals.case_tag or signals.answer_named_in())


def weigh_category(
    probs: dict[str, float], signals: Signals, outcome: RuleOutcome, min_score: int
) -> tuple[Category, float, bool]:
    """The model's category and its confidence, overruled by strong rules or lowered where rules disagree.

    The third value is True when rules.yaml decided.
    """
    category = Category(max(probs, key=lambda c: probs[c]))
    confidence = probs[category.value]
    rule_category = rules_only(outcome, min_score)
    rule_points = outcome.scores.get(rule_category.value, 0)
    # When the text holds nothing the judgement knows (no praise, dissatisfaction, sarcasm, no
    # reference to our answer, no quoted answer), a rule that reached min_score is all there is:
    # an admin's new phrase works at once, without retraining.
    silent = not (any(signals.count(g) for g in SPOKEN) or signals.quotes_us or signals.case_tag)
    if rule_points >= OVERRIDE_FACTOR * min_score or (silent and rule_points >= min_score):
        # The admin's strong rules decide (e.g. "in beroep"); the model only says how sure that is.
        if rule_category != category:
            confidence = max(0.5, min(0.75, probs.get(rule_category.value, 0) + 0.5))
        else:
            confidence = max(confidence, 0.75)
        return rule_category, confidence, True
    if any(outcome.scores.values()) and (rule_category != category or rules_split(outcome, min_score)):
        # The admin's rules and the model (or two of the rules) disagree: a person looks unless the model is very sure.
        confidence = min(confidence, 0.5 + (confidence - 0.5) * 0.5)
    return category, confidence, False


# Where no product or behaviour word is named, the model's subject type needs this probability to
# beat "service", the default (see choose_subject_type).
UNNAMED_TYPE_CONFIDENCE = 0.6


def choose_subject_type(
    model: Model, feats: dict[str, float], category: Category, signals: Signals, outcome: RuleOutcome
) -> SubjectType:
    """What a complaint is about: the model, with rules.yaml's subject-type rules added.

    Where no product or behaviour word is named, a complaint is about the service unless the model
    is sure (UNNAMED_TYPE_CONFIDENCE): writers describe a device or a guard's conduct in words no
    list holds ("de vrijwilligers staan te klungelen bij de deur"), but from a short mail the model
    guesses. At 0.7, subject type by set (each writer's mails judged by a model without them) went
    from 79.6 to 84.1 %. With 3659 own mails, 0.6 is better: by set 85.8 -> 86.2 %, development folds
    95.0 % either way (0.5: 86.6 and 93.8 %; letting the model decide always: 86.7 and 93.8 %).
    """
    if category not in (Category.COMPLAINT, Category.ESCALATION):
        # A compliment has no subject type of its own (its team comes from keywords): rules.yaml's, as before.
        return _rules_type(outcome)
    named = bool(
        signals.count("product")
        or signals.count("behaviour")
        or signals.extra.get("quoted_product")
        or signals.extra.get("quoted_behaviour")
    )
    tprobs = type_probabilities(model, feats, outcome)
    best = max(tprobs, key=lambda t: tprobs[t])
    if not (outcome.type_weights or named) and tprobs[best] < UNNAMED_TYPE_CONFIDENCE:
        return SubjectType.SERVICE
    return SubjectType(best)


# A "complaint" in which no word voices dissatisfaction is doubted only while the model is less
# sure of it than this. On each set of our own mails judged by a model that had not read its writer
# (2029 mails), such verdicts at P >= 0.9 were right 377 of 382 times (99 %, against 94 % for all
# verdicts above the threshold), below 0.9 only 137 of 189. Not doubting the sure ones sent 29 %
# of the mails to a person instead of 47 %, and the verdicts above the threshold were right 95.1 %
# instead of 94.0 %. Plain mail says "De camera is kapot." without a word of complaint.
SURE_WITHOUT_COMPLAINT_WORDS = 0.9
# The same for a "compliment" in which no word praises or thanks (``Signals.praises``), as thanking a
# complaint costs more: by set (2755 own mails), confident mistakes 94 -> 83, 32 -> 33 % to a person.
SURE_WITHOUT_PRAISE = 0.9


def doubtful(
    category: Category, s: Signals, probability: float = 0.0, answer_possible: bool = True, rule_backed: bool = False
) -> str | None:
    """Why the words do not carry ``category`` on their own, or None when they do.

    On out-of-fold verdicts (training/crossval.py), nearly all confident mistakes were of three
    kinds: a "complaint" in which nothing negative is said (a compliment told as a story), a
    "compliment" that also voices dissatisfaction, and a "complaint" that answers or refers to
    our earlier mail (an escalation?). A person reads these; the first kind only where the model
    is not sure (``probability``, the whole decision's P(category)). Doubted too: a compliment in
    which nothing praises or thanks while the model is not sure (``SURE_WITHOUT_PRAISE``), and a
    verdict against the reading of an answer to our satisfaction check: an escalation where the
    answer is unclear ("Ja, prima. Krijg ik de creditnota nog per post?") or, with no case known,
    content; a compliment where it is unhappy (by set, 5 of 80 confident mistakes fewer, 1 % more
    mail to a person); and, with no case known, an escalation that reads content (content_reply).

    ``answer_possible`` is False on a case we never answered, where a reply cannot be an
    escalation and is not doubted as one. ``rule_backed`` is True when rules.yaml decided
    ``category`` (weigh_category): a compliment then has a word that carries it, though the
    lexicon may not know it (an admin's new phrase works at once). A complaint stays doubted: the
    shipped rules decide "complaint" for a formal mail to klacht@ whatever it says, and by set
    exempting those cost 6 confident mistakes.
    """
    negative = s.count("dissatisfaction", negated=False) + s.count("sarcasm") + s.count("praise", negated=True)
    if category == Category.COMPLAINT:
        unspoken = not negative and not any(p < 0 for p in s.sentence_polarity)
        if unspoken and probability < SURE_WITHOUT_COMPLAINT_WORDS:
            return "er staat geen woord van ontevredenheid in"
        if answer_possible and (s.replying or s.quotes_us or s.count("answer_reference")):
            return "het is een reactie op eerdere post: mogelijk een escalatie"
    content = s.extra.get("check_satisfied") and s.history is None
    if category == Category.ESCALATION and (s.extra.get("check_unclear") or content):
        # On a known case the answer step (intake/answers.py) reads this answer, and a sure
        # escalation verdict against a content reading makes answers.cross_checked ask the owner:
        # that verdict keeps its confidence. With no case known, nothing else stops an escalation
        # on the model's word alone.
        return "uit het antwoord op onze vraag of de klacht is opgelost blijkt niet dat de klant ontevreden is"
    if category == Category.ESCALATION and content_reply(s):
        return "de reactie op ons antwoord klinkt tevreden"
    if category == Category.COMPLIMENT and s.extra.get("check_dissatisfied"):
        return "het antwoord op onze vraag of de klacht is opgelost klinkt ontevreden"
    if category == Category.COMPLIMENT and negative:
        return "naast lof staat er ook ontevredenheid in"
    if category == Category.COMPLIMENT and danger_without_praise(s):
        return "er staat geen lof in, wel gevaar: mogelijk een spoedeisende klacht"
    if category == Category.COMPLIMENT and not (s.praises() or rule_backed) and probability < SURE_WITHOUT_PRAISE:
        return "er staat geen woord van lof in"
    return None


def _judge_by_rules(signals: Signals, outcome: RuleOutcome, min_score: int) -> Judgement:
    category = rules_only(outcome, min_score)
    ranked = [*sorted(outcome.scores.values(), reverse=True), 0, 0]
    margin = ranked[0] - ranked[1]
    confidence = min(0.95, 0.5 + 0.1 * margin) if ranked[0] >= min_score else 0.5
    subject_type = _rules_type(outcome)
    urgent = outcome.urgent and category in (Category.COMPLAINT, Category.ESCALATION)
    return Judgement(
        category,
        urgent,
        subject_type,
        confidence,
        explain(category, urgent, subject_type, signals, outcome, confidence),
        {},
    )


def _rules_type(outcome: RuleOutcome) -> SubjectType:
    weights = outcome.type_weights
    return max(weights, key=lambda t: weights[t]) if weights else SubjectType.SERVICE
