"""Train mailbot's small classification model and write mailbot/intake/judgement/model.json.

    pip install -e '.[train]'
    python training/train_model.py            # cross-validate on the development part, then train and write
    python training/train_model.py --cv-only   # only print the cross-validated figures

Data: the development part of ../shared/corpus-nl (never the held-out third, see
mailbot/intake/judgement/corpus.py) plus our own labelled mails under tests/mails/judgement/ (same
labels.json format). Features are the ones mailbot computes at run time (mailbot/intake/judgement/
model.py), so training and inference cannot drift. The mixing weights for rules.yaml's scores
and the urgency threshold are chosen on out-of-fold predictions (5-fold, stratified, fixed seed).
The output holds vocabulary and weights only, no text, and is byte-identical on a rerun.
training/crossval.py estimates the whole decision (rules, signals, model, confidence) on mail it
did not learn from: 5-fold and across writers.
"""

from __future__ import annotations

import argparse
import itertools
import json
import runpy
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mailbot.config import load_rules  # noqa: E402
from mailbot.intake.classify import auto_reason, read_mail  # noqa: E402
from mailbot.intake.judgement.corpus import default_corpus, load_labels, split  # noqa: E402
from mailbot.intake.judgement.decide import RuleOutcome  # noqa: E402
from mailbot.intake.judgement.evaluate import load_mail  # noqa: E402
from mailbot.intake.judgement.model import MODEL_FILE, features  # noqa: E402
from mailbot.intake.judgement.signals import Signals  # noqa: E402
from mailbot.models import SubjectType  # noqa: E402

OWN_MAILS = ROOT / "tests" / "mails" / "judgement"
CATS = sorted(["compliment", "complaint", "escalation"])  # the order of LogisticRegression.classes_
TYPES = sorted(["service", "product", "behaviour"])
SEED = 0
URGENT_RECALL = 0.95  # the urgency threshold is chosen to reach this out-of-fold recall first


@dataclass
class Example:
    """One human mail's features, rules.yaml's scores and its labels."""

    feats: dict[str, float]
    rule_scores: list[float]
    type_scores: list[float]
    rule_urgent: float
    category: str
    urgent: bool
    subject_type: str | None
    # What the whole decision (decide.judge) reads, and where the mail came from ("dev" or "own").
    signals: Signals | None = None
    outcome: RuleOutcome | None = None
    min_score: int = 1
    source: str = "dev"
    file: str = ""
    # How much this mail counts in training (ORDINARY_WEIGHT for the sets of ordinary mail).
    weight: float = 1.0


def rules_for(name: str):  # type: ignore[no-untyped-def]
    """The gemeente's mail is read with the gemeente's rules."""
    return GEMEENTE if name.startswith("gemeente/") else DEFAULT


DEFAULT = load_rules(ROOT / "rules.yaml")
GEMEENTE = load_rules(ROOT / "examples" / "gemeente" / "rules.yaml")


# Most of our own sets were written to be hard (praise told as a story of an incident, calm urgent
# mail, sarcasm); in a real mailbox plain mail is most of it. Without a counterweight the model
# learnt that "kapot" and "erg blij" say little, and doubted "Klacht: De camera is kapot." The sets
# of ordinary mail count this many times, as the common kind of mail they stand for.
ORDINARY_WEIGHT = 5.0
ORDINARY_SETS = (
    "set_d_ordinary.py",
    "set_o_plain_days.py",
    "set_t_a_week_of_mail.py",
    "set_u_short_and_plain.py",
)


def own_sets() -> dict[str, range]:
    """The file numbers of each set of our own mails, by set name: build.py's MAILS, then each set_*.py."""
    names = ["build.py", *(path.name for path in sorted(OWN_MAILS.glob("set_*.py")))]
    sizes = [len(runpy.run_path(str(OWN_MAILS / name))["MAILS"]) for name in names]
    bounds = [0, *itertools.accumulate(sizes)]
    return {name: range(a + 1, b + 1) for name, (a, b) in zip(names, itertools.pairwise(bounds), strict=True)}


def number(file: str) -> int:
    """The number of one of our own mails ("j0123.eml" -> 123)."""
    return int(file[1:].split(".")[0])


def examples() -> list[Example]:
    """The development part and our own mails, as examples (automatic mail left out: headers decide it)."""
    sets = [("dev", default_corpus(), split(load_labels(default_corpus()), "dev"))]
    if (OWN_MAILS / "labels.json").exists():
        sets.append(("own", OWN_MAILS, load_labels(OWN_MAILS)))
    ordinary = [numbers for name, numbers in own_sets().items() if name in ORDINARY_SETS] if len(sets) > 1 else []
    out = []
    for source, folder, labels in sets:
        for label in labels:
            if label.category == "auto":
                continue
            rules = rules_for(label.file)
            mail = load_mail(folder, label)
            if auto_reason(mail, rules.classification, frozenset(rules.addresses)):
                continue
            outcome, signals = read_mail(mail, rules.classification, rules.addresses, organisation=rules.organisation)
            out.append(
                Example(
                    feats=features(signals),
                    rule_scores=[float(outcome.scores.get(c, 0)) for c in CATS],
                    type_scores=[float(outcome.type_weights.get(SubjectType(t), 0)) for t in TYPES],
                    rule_urgent=float(outcome.urgent),
                    category=label.category,
                    urgent=label.urgent,
                    subject_type=label.subject_type,
                    signals=signals,
                    outcome=outcome,
                    min_score=rules.classification.min_score,
                    source=source,
                    file=label.file,
                    weight=ORDINARY_WEIGHT
                    if source == "own" and any(number(label.file) in numbers for numbers in ordinary)
                    else 1.0,
                )
            )
    return out


def fit(x, y, c: float, weights: list[float], balanced: bool = False) -> LogisticRegression:  # type: ignore[no-untyped-def]
    """A logistic regression with inverse regularisation ``c`` fitted on ``x``, ``y``, each row counting ``weights``."""
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced" if balanced else None)
    model.fit(x, y, sample_weight=np.array(weights))
    return model


GRID_C = [0.3, 1.0, 3.0]
MIN_DF = 3  # an n-gram seen in one or two training mails is those mails', not the language's


def frequent(feats: list[dict[str, float]]) -> list[dict[str, float]]:
    """Drop n-grams that occur in fewer than MIN_DF mails (signal features always stay)."""
    df: dict[str, int] = {}
    for f in feats:
        for k in f:
            df[k] = df.get(k, 0) + 1
    return [{k: v for k, v in f.items() if df[k] >= MIN_DF or k.startswith("f:")} for f in feats]


# The subject type is read from what the mail names (words, the lexicon's product / behaviour /
# service words, here and in the quoted first complaint), not from its mood or length.
TYPE_SIGNALS = frozenset(f"f:{q}{g}" for q in ("", "quoted_") for g in ("product", "behaviour", "service"))


def head_features(head: str, feats: dict[str, float]) -> dict[str, float]:
    """The features ``head`` is trained on: all, but for the subject type no mood or structure signals."""
    if head == "category_signals":
        return {k: v for k, v in feats.items() if k.startswith("f:")}
    if head == "subject_type":
        return {k: v for k, v in feats.items() if not k.startswith("f:") or k in TYPE_SIGNALS}
    return feats


def oof_logits(data: list[Example], head: str, c: float) -> tuple[np.ndarray, list[int]]:
    """Out-of-fold decision values for ``head`` and the indices of the examples it applies to."""
    idx, y = _target(data, head)
    vec = DictVectorizer()
    x = vec.fit_transform(frequent([head_features(head, data[i].feats) for i in idx]))
    out = np.zeros((len(idx), 1 if head == "urgent" else 3))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    for train, test in folds.split(x, y):
        weights = [data[idx[i]].weight for i in train]
        model = fit(x[train], [y[i] for i in train], c, weights, balanced=head != "subject_type")
        values = model.decision_function(x[test])
        out[test] = values.reshape(len(test), -1)
    return out, idx


def _target(data: list[Example], head: str) -> tuple[list[int], list[str]]:
    if head in ("category", "category_signals"):
        return list(range(len(data))), [e.category for e in data]
    serious = [i for i, e in enumerate(data) if e.category in ("complaint", "escalation")]
    if head == "urgent":
        return serious, [str(data[i].urgent) for i in serious]
    typed = [i for i in serious if data[i].subject_type]
    return typed, [str(data[i].subject_type) for i in typed]


def tune(data: list[Example], quiet: bool = False) -> tuple[dict[str, float], dict[str, float]]:
    """Choose C per head and the mixing weights on out-of-fold predictions."""
    say = (lambda *_: None) if quiet else print
    best_c: dict[str, float] = {}
    mix: dict[str, float] = {}
    grid_c = GRID_C
    # category
    scored = []
    for c in grid_c:
        logits, idx = oof_logits(data, "category", c)
        for alpha in [0.2, 0.3, 0.5, 0.75, 1.0]:  # rules.yaml stays a lever: never 0
            combined = logits + alpha * np.array([data[i].rule_scores for i in idx])
            pred = [CATS[j] for j in combined.argmax(axis=1)]
            acc = np.mean([p == data[i].category for p, i in zip(pred, idx, strict=True)])
            recalls = [
                np.mean([p == cat for p, i in zip(pred, idx, strict=True) if data[i].category == cat]) for cat in CATS
            ]
            scored.append((acc + min(recalls), c, alpha, acc, recalls))
    top = max(scored, key=lambda s: (s[0], -s[2]))
    best_c["category"], mix["rules"] = top[1], top[2]
    # Temperature scaling: the confidence a verdict carries should match how often it is right.
    logits, idx = oof_logits(data, "category", top[1])
    combined = logits + top[2] * np.array([data[i].rule_scores for i in idx])
    truth = np.array([CATS.index(data[i].category) for i in idx])

    def nll(t: float) -> float:
        z = combined / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-logp[np.arange(len(truth)), truth].mean())

    mix["temperature"] = min((round(t, 2) for t in np.arange(0.5, 5.01, 0.1)), key=nll)
    say(f"category temperature {mix['temperature']}")
    say(
        f"category: C={top[1]} rules x{top[2]}: out-of-fold accuracy {top[3]:.1%}, recalls "
        + ", ".join(f"{c} {r:.1%}" for c, r in zip(CATS, top[4], strict=True))
    )
    # subject type
    scored = []
    for c in grid_c:
        logits, idx = oof_logits(data, "subject_type", c)
        for alpha in [0.2, 0.3, 0.5, 1.0]:
            combined = logits + alpha * np.array([data[i].type_scores for i in idx])
            acc = np.mean([TYPES[j] == data[i].subject_type for j, i in zip(combined.argmax(axis=1), idx, strict=True)])
            scored.append((acc, c, alpha))
    top_t = max(scored, key=lambda s: (s[0], -s[2]))
    best_c["subject_type"], mix["type_rules"] = top_t[1], top_t[2]
    say(f"subject type: C={top_t[1]} rules x{top_t[2]}: out-of-fold accuracy {top_t[0]:.1%}")
    # urgency: recall first (>= 90 %), then precision
    scored_u = []
    for c in grid_c:
        logits, idx = oof_logits(data, "urgent", c)
        truth = np.array([data[i].urgent for i in idx])
        for beta, threshold in itertools.product([0.5, 1.0, 2.0, 3.0], [0.2, 0.3, 0.4, 0.5, 0.6, 0.7]):
            z = logits[:, 0] + beta * np.array([data[i].rule_urgent for i in idx])
            pred = 1 / (1 + np.exp(-z)) >= threshold
            tp = int(np.sum(pred & truth))
            recall = tp / max(1, int(truth.sum()))
            precision = tp / max(1, int(pred.sum()))
            # Recall first, up to 95 % (the issue asks >= 90 %; the margin is for what the whole decision
            # adds: urgency also needs a danger word a person can check), then the best precision. A
            # missed urgent mail can cost someone's safety, a false alarm costs the director a look.
            scored_u.append((min(recall, URGENT_RECALL) + precision / 10, c, beta, threshold, recall, precision))
    top_u = max(scored_u, key=lambda s: (s[0], -s[2]))
    best_c["urgent"], mix["urgent_rule"], mix["urgent_threshold"] = top_u[1], top_u[2], top_u[3]
    say(
        f"urgency: C={top_u[1]} rule +{top_u[2]} threshold {top_u[3]}: out-of-fold recall {top_u[4]:.1%} "
        f"precision {top_u[5]:.1%}"
    )
    return best_c, mix


def export(data: list[Example], best_c: dict[str, float], mix: dict[str, float]) -> dict[str, object]:
    """Train each head on all examples and return model.json's content."""
    heads: dict[str, object] = {}
    # category_signals: the category from the hand-made signals alone, a second opinion for the confidence.
    for head in ("category", "category_signals", "urgent", "subject_type"):
        idx, y = _target(data, head)
        vec = DictVectorizer()
        x = vec.fit_transform(frequent([head_features(head, data[i].feats) for i in idx]))
        row_weights = [data[i].weight for i in idx]
        model = fit(x, y, best_c.get(head, best_c["category"]), row_weights, balanced=head != "subject_type")
        classes = [str(c) for c in model.classes_]
        coef = model.coef_
        intercept = model.intercept_
        if head == "urgent":
            classes = ["urgent"]
            assert list(model.classes_) == ["False", "True"]
        weights = {}
        for j, name in enumerate(vec.feature_names_):
            w = [round(float(v), 4) for v in coef[:, j]]
            if max(abs(v) for v in w) >= 0.01:
                weights[name] = w
        heads[head] = {
            "classes": classes,
            "intercept": [round(float(v), 4) for v in intercept],
            "C": best_c.get(head, best_c["category"]),
            "weights": dict(sorted(weights.items())),
        }
    return {"about": "mailbot classifier weights; rebuild with training/train_model.py", "mix": mix, "heads": heads}


def main() -> int:
    """Cross-validate, train, write model.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cv-only", action="store_true")
    args = parser.parse_args()
    data = examples()
    print(f"{len(data)} human training mails")
    best_c, mix = tune(data)
    if args.cv_only:
        return 0
    model = export(data, best_c, mix)
    MODEL_FILE.write_text(json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")
    size = MODEL_FILE.stat().st_size
    print(f"wrote {MODEL_FILE} ({size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
