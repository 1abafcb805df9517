"""A small logistic-regression model over word and character n-grams and the signals, in plain Python.

The weights come from ``training/train_model.py`` (scikit-learn, the ``[train]`` extra) and are
committed as ``model.json`` beside this module: vocabulary and weights, no texts. At run time
nothing but the standard library is needed, and the file is read on first use only.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from mailbot.intake.judgement.signals import Signals

MODEL_FILE = Path(__file__).with_name("model.json")
SIGNAL_PREFIX = "f:"
# Mixing weights used when model.json has none (it always has, from training): rules count fully.
DEFAULT_MIX = {"rules": 0.5, "type_rules": 0.5, "urgent_rule": 2.0, "urgent_threshold": 0.5}
NEGATOR_WORDS = frozenset({"niet", "geen", "nooit", "niemand", "niets", "niks", "nergens", "weer", "nog"})
# In-word character 4-grams: dropped in early December 2026 (with ~220 training mails they made two
# thirds of the weights, memorised writers' spellings and scored no better), taken back once our own
# mails grew to 486: trained on the rest of the development part and all our mails and scored on each
# fifth of the development part in turn (the held-out test's shape), category 91.3 -> 92.8 % and
# subject type 90.4 -> 92.9 %; across writers no worse (79.5 -> 79.8 %). They read the inflections and
# compounds no word list has ("toegangspas|sen", "beveilig|er", "teleur|gesteld"). 3-5-grams scored
# the same at twice the size.
CHAR_NGRAM: tuple[int, int] | None = (4, 4)
# Word pairs were dropped for the same reason: in cross-writer validation words alone did as well for
# the category and better for urgency (88 -> 91 % recall) and subject type (76 -> 79 %); negation,
# the pairs' one real contribution, is read by the signals with its scope.
WORD_BIGRAMS = False
# The n-gram block's total weight against the signal features (its L2 norm); 3 was best in 5-fold
# cross-validation on the development part (1 and 3 tried; 3: 92 % against 89-91 %).
NGRAM_WEIGHT = 3.0
# The block is normalised as if it held at least this many n-grams: a one-line mail's few n-grams
# must not each weigh several times what a normal mail's do, outshouting its words' meaning.
MIN_GRAMS = 100


def ngram_features(text: str) -> set[str]:
    """Words ("w:"), and word pairs and in-word character n-grams ("c:") when switched on, of normalised text."""
    words = [w for w in text.replace("\n", " ").split() if w]
    words = ["".join(ch for ch in w if ch.isalnum()) for w in words]
    words = [w for w in words if w]
    feats = {f"w:{w}" for w in words}
    if WORD_BIGRAMS:
        feats.update(f"w:{a}_{b}" for a, b in itertools.pairwise(words))
    if CHAR_NGRAM is None:
        return feats
    low, high = CHAR_NGRAM
    for w in set(words):
        padded = f" {w} "
        for n in range(low, high + 1):
            for i in range(len(padded) - n + 1):
                feats.add(f"c:{padded[i : i + n]}")
    return feats


def _damped(count: int) -> float:
    # The fifth hit of a kind says little more than the third; a text repeating one sentence 300
    # times must not outweigh everything else.
    return math.log1p(min(count, 5))


# The lexicon's groups that count as features of their own, each by its hits outside a negation.
COUNTED_GROUPS = (
    "praise",
    "dissatisfaction",
    "sarcasm",
    "answer_reference",
    "urgency",
    "not_urgent",
    "product",
    "behaviour",
    "service",
    "now",
    "past",
    "request",
    "narrative_good",
)


def signal_features(s: Signals) -> dict[str, float]:
    """The hand-made signals as named, scaled features ("f:")."""
    f: dict[str, float] = {}
    for part in (_group_features, _danger_features, _negation_features, _mood_features, _flag_features):
        f.update(part(s))
    if answer_disputed(s):
        f["f:answer_disputed"] = 1.0
    return f


def answer_disputed(s: Signals) -> bool:
    """One sentence names our answer and finds fault with it: "Uw oplossing werkt dus niet."

    The mark of an escalation that being a reply, or naming our mail, is not: a reply under our
    acknowledgement names our mail too ("zoals gevraagd in uw bevestiging") and adds information.
    """
    faulted = {h.sentence for h in s.hits if h.group in ("dissatisfaction", "sarcasm") and not h.negated}
    faulted |= {i for i, polarity in enumerate(s.sentence_polarity) if polarity < 0}
    return bool(s.answer_named_in() & faulted)


def _group_features(s: Signals) -> dict[str, float]:
    """Each counted group's hits outside a negation, damped."""
    f: dict[str, float] = {}
    for group in COUNTED_GROUPS:
        plain = s.count(group, negated=False)
        if plain:
            f[f"f:{group}"] = _damped(plain)
    return f


def _danger_features(s: Signals) -> dict[str, float]:
    """Danger words in or beside a sentence about now (urgent), or only with the past (less so)."""
    f: dict[str, float] = {}
    danger = {h.sentence for h in s.hits if h.group == "urgency" and not h.negated}
    now = {h.sentence for h in s.hits if h.group == "now"}
    past = {h.sentence for h in s.hits if h.group == "past"}
    near = {i + d for i in now for d in (-1, 0, 1)}
    if danger & near:
        # Danger that is happening now or about to: the heart of urgency.
        f["f:danger_now"] = _damped(len(danger & near))
    if danger and past and not danger & near:
        f["f:danger_past"] = 1.0
    return f


def _negation_features(s: Signals) -> dict[str, float]:
    """Praise or dissatisfaction denied, and the absence of either side."""
    f: dict[str, float] = {}
    neg_praise = s.count("praise", negated=True)
    neg_dissat = s.count("dissatisfaction", negated=True)
    if neg_praise:
        f["f:negated_praise"] = _damped(neg_praise)
    if neg_dissat:
        f["f:negated_dissatisfaction"] = _damped(neg_dissat)
    negative = s.count("dissatisfaction", negated=False) + s.count("sarcasm") + s.count("praise", negated=True)
    positive = s.count("praise", negated=False) + s.count("dissatisfaction", negated=True)
    # Absence says something too: a story with no word of dissatisfaction is rarely a complaint.
    if not negative:
        f["f:no_negative"] = 1.0
    if not positive:
        f["f:no_positive"] = 1.0
    return f


def _mood_features(s: Signals) -> dict[str, float]:
    """The mood sentence by sentence: how it starts and ends, negators, the balance of the sentences."""
    f: dict[str, float] = {}
    spoken = [p for p in s.sentence_polarity if p]
    if spoken:
        # Where a writer ends shows the mood: praise "with a small side remark" ends well.
        f["f:last_positive" if spoken[-1] > 0 else "f:last_negative"] = 1.0
    if len(spoken) > 1:
        # And where a writer starts, when there is a turn to come: "ik was altijd tevreden, maar"
        # opens many complaints. In a mail of one such sentence, its start is its end.
        f["f:first_positive" if spoken[0] > 0 else "f:first_negative"] = 1.0
    words = s.own.split()
    if words:
        # Complaints say what did not happen: negators per hundred words, capped.
        negators = sum(1 for w in words if w.strip(".,!?;:") in NEGATOR_WORDS)
        f["f:negator_density"] = min(3.0, 100 * negators / len(words) / 3)
    pos = sum(1 for p in s.sentence_polarity if p > 0)
    neg = sum(1 for p in s.sentence_polarity if p < 0)
    if pos:
        f["f:positive_sentences"] = _damped(pos)
    if neg:
        f["f:negative_sentences"] = _damped(neg)
    if s.sentence_polarity:
        f["f:balance"] = max(-3.0, min(3.0, float(sum(s.sentence_polarity)))) / 3
    return f


def _flag_features(s: Signals) -> dict[str, float]:
    """What the mail is a part of (a reply, a case, whom it was sent to) and the extra signals, as 1 or their value."""
    f: dict[str, float] = {}
    for name, on in (
        ("reply", s.replying),
        ("case_tag", s.case_tag),
        ("quotes_us", s.quotes_us),
        ("attached_message", s.attached_message),
        ("to_formal", "formal" in s.to_roles),
        ("to_first_line", "first_line" in s.to_roles),
        ("history_answered", s.history is not None and s.history.answered),
        ("history_open", s.history is not None and not s.history.answered),
        # Our mail quoted (or our case tag), and it was not our acknowledgement: an answer of ours
        # exists. The model cannot make this "and not" from the two signals itself.
        ("after_our_answer", (s.quotes_us or s.case_tag) and not s.extra.get("quoted_acknowledgement")),
    ):
        if on:
            f[f"f:{name}"] = 1.0
    for key, value in s.extra.items():
        if value:
            f[f"f:{key}"] = value
    return f


def features(s: Signals) -> dict[str, float]:
    """The model's input: n-grams (binary, L2-normalised as a block) plus the signal features."""
    grams = ngram_features(s.own)
    scale = NGRAM_WEIGHT / math.sqrt(max(len(grams), MIN_GRAMS)) if grams else 0.0
    out = dict.fromkeys(grams, scale)
    out.update(signal_features(s))
    return out


@dataclass(frozen=True)
class Head:
    """One linear classifier: a class list, intercepts and per-feature weights (one per class)."""

    classes: tuple[str, ...]
    intercept: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    signal_names: frozenset[str] = frozenset()

    def logits(self, feats: dict[str, float]) -> list[float]:
        """Class scores before the softmax.

        All n-gram features of one mail carry the same value (``features`` makes them so): their
        weights are summed column by column in C, and only the few signal features one by one.
        """
        out = list(self.intercept)
        weights = self.weights
        hits = feats.keys() & weights.keys()
        signals = hits & self.signal_names
        grams = hits - signals
        for name in signals:
            for i, wi in enumerate(weights[name]):
                out[i] += wi * feats[name]
        if grams:
            value = feats[next(iter(grams))]
            for i, column in enumerate(zip(*map(weights.__getitem__, grams), strict=True)):
                out[i] += value * sum(column)
        return out

    def logits_one_by_one(self, feats: dict[str, float]) -> list[float]:
        """The same scores summed feature by feature, with no assumption (a check for ``logits``)."""
        out = list(self.intercept)
        for name in feats.keys() & self.weights.keys():
            for i, wi in enumerate(self.weights[name]):
                out[i] += wi * feats[name]
        return out

    def contributions(self, feats: dict[str, float], cls: str) -> list[tuple[str, float]]:
        """The features that pushed towards ``cls`` most, strongest first (for the explanation)."""
        i = self.classes.index(cls)
        scored = [(n, self.weights[n][i] * v) for n, v in feats.items() if n in self.weights]
        return sorted(scored, key=lambda x: -x[1])


@dataclass(frozen=True)
class Model:
    """The three heads (category, urgent, subject_type) and the mixing weights for rules.yaml's scores."""

    heads: dict[str, Head]
    mix: dict[str, float]


def softmax(logits: Iterable[float]) -> list[float]:
    """Probabilities from scores; a single score is a binary logit (probability of the positive class)."""
    values = list(logits)
    if len(values) == 1:
        # Clamped: a hostile mail full of one n-gram can push a logit past what exp() takes.
        return [1 / (1 + math.exp(-max(-500.0, min(500.0, values[0]))))]
    top = max(values)
    exps = [math.exp(v - top) for v in values]
    total = sum(exps)
    return [e / total for e in exps]


def parse_model(data: dict[str, object]) -> Model:
    """A Model from its JSON form."""
    heads_raw = data["heads"]
    assert isinstance(heads_raw, dict)
    heads = {
        name: Head(
            classes=tuple(h["classes"]),
            intercept=tuple(h["intercept"]),
            weights={k: tuple(v) for k, v in h["weights"].items()},
            signal_names=frozenset(k for k in h["weights"] if k.startswith(SIGNAL_PREFIX)),
        )
        for name, h in heads_raw.items()
    }
    mix = data.get("mix", {})
    assert isinstance(mix, dict)
    return Model(heads=heads, mix={str(k): float(v) for k, v in mix.items()})


@lru_cache(maxsize=1)
def load_model() -> Model | None:
    """model.json, read on first use; None when it is missing (the rules then decide alone)."""
    if not MODEL_FILE.exists():
        return None
    return parse_model(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
