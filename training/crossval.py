"""Estimate how the WHOLE decision (rules.yaml + signals + model, intake/judgement/decide.py) does on unseen mail.

    python training/crossval.py            # 5-fold and cross-writer figures
    python training/crossval.py --quick    # hyperparameters tuned once on all data (faster, a little optimistic)

Each test mail is judged by ``decide.judge`` with a model trained (and, unless ``--quick``, tuned)
without it, so the figures include the rules, the overrides and the confidence. Three splits:

- 5-fold: stratified by category over the development part and our own mails;
- dev-folds: each fifth of the development part, trained on the rest of it and all our own mails
  (the held-out test's shape);
- cross-writer: trained on the development part, tested on our own mails, and the other way
  round. The two sets were written by different people, so this is the closer estimate of
  mail nobody here has seen.
- by-set: each set of our own mails (the first 260, then each ``set_*.py``, written apart)
  judged by a model trained on the development part and our other sets: a writer the model has
  not read, with everything else it knows. The hand-made lexicon was written while reading the
  development part, so figures on it flatter; these do not.

The held-out third is never read. Figures only, no texts, are printed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import train_model

from mailbot.intake.judgement.decide import Judgement, judge
from mailbot.intake.judgement.model import Model, parse_model

THRESHOLD = 0.6  # rules.yaml's min_confidence


@dataclass(frozen=True)
class Scored:
    """One test mail's truth and the whole decision's verdict."""

    example: train_model.Example
    judged: Judgement


def train_on(data: Sequence[train_model.Example], fixed: tuple[dict[str, float], dict[str, float]] | None) -> Model:
    """A model trained on ``data`` only (tuned on it too, unless ``fixed`` hyperparameters are given)."""
    best_c, mix = fixed if fixed is not None else train_model.tune(list(data), quiet=True)
    return parse_model(train_model.export(list(data), best_c, mix))


def judge_all(model: Model, test: Sequence[train_model.Example]) -> list[Scored]:
    """The whole decision on each test example."""
    out = []
    for e in test:
        assert e.signals is not None and e.outcome is not None
        out.append(Scored(e, judge(e.signals, e.outcome, model, e.min_score)))
    return out


def figures(scored: Sequence[Scored], threshold: float = THRESHOLD) -> dict[str, float]:
    """Category accuracy and recalls, urgency recall/precision, subject type, and the confidence's worth."""
    n = len(scored)
    right = [s.judged.category.value == s.example.category for s in scored]
    out: dict[str, float] = {"n": n, "category": sum(right) / n}
    for cat in ("compliment", "complaint", "escalation"):
        of = [r for s, r in zip(scored, right, strict=True) if s.example.category == cat]
        out[f"recall_{cat}"] = sum(of) / max(1, len(of))
    truth = [s.example.urgent for s in scored]
    pred = [s.judged.urgent for s in scored]
    tp = sum(t and p for t, p in zip(truth, pred, strict=True))
    out["urgent_recall"] = tp / max(1, sum(truth))
    out["urgent_precision"] = tp / max(1, sum(pred))
    typed = [s for s in scored if s.example.subject_type and s.example.category in ("complaint", "escalation")]
    out["subject_type"] = sum(s.judged.subject_type.value == s.example.subject_type for s in typed) / max(1, len(typed))
    sure = [r for s, r in zip(scored, right, strict=True) if s.judged.confidence >= threshold]
    out["share_below"] = 1 - len(sure) / n
    out["accuracy_above"] = sum(sure) / max(1, len(sure))
    out["wrong_above"] = len(sure) - sum(sure)
    return out


def five_fold(data: list[train_model.Example], fixed: tuple[dict[str, float], dict[str, float]] | None) -> list[Scored]:
    """Out-of-fold whole decisions, 5 stratified folds."""
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=train_model.SEED)
    out: list[Scored] = []
    for train, test in folds.split(data, [e.category for e in data]):
        model = train_on([data[i] for i in train], fixed)
        out.extend(judge_all(model, [data[i] for i in test]))
    return out


def cross_writer(
    data: list[train_model.Example], fixed: tuple[dict[str, float], dict[str, float]] | None
) -> dict[str, list[Scored]]:
    """Trained on one set of writers, tested on the other."""
    out = {}
    for test_source in ("own", "dev"):
        train = [e for e in data if e.source != test_source]
        test = [e for e in data if e.source == test_source]
        out[f"{'dev' if test_source == 'own' else 'own'}->{test_source}"] = judge_all(train_on(train, fixed), test)
    return out


def development_folds(
    data: list[train_model.Example], fixed: tuple[dict[str, float], dict[str, float]] | None
) -> list[Scored]:
    """Each fifth of the development part judged by a model trained on the other four and all our own mails.

    The held-out test's shape (a model trained on the development part and our mails, scored on
    development mail it never saw), on mail that is not the held-out third.
    """
    dev = [e for e in data if e.source == "dev"]
    own = [e for e in data if e.source != "dev"]
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=train_model.SEED)
    out: list[Scored] = []
    for train, test in folds.split(dev, [e.category for e in dev]):
        model = train_on([dev[i] for i in train] + own, fixed)
        out.extend(judge_all(model, [dev[i] for i in test]))
    return out


def by_set(
    data: list[train_model.Example], fixed: tuple[dict[str, float], dict[str, float]] | None
) -> dict[str, list[Scored]]:
    """Each set of our own mails judged by a model trained on everything else."""
    out = {}
    for numbers in train_model.own_sets().values():
        inside = [e for e in data if e.source == "own" and train_model.number(e.file) in numbers]
        rest = [e for e in data if not (e.source == "own" and train_model.number(e.file) in numbers)]
        out[f"j{numbers.start:03}-{numbers.stop - 1:03}"] = judge_all(train_on(rest, fixed), inside)
    return out


def show(name: str, f: dict[str, float]) -> None:
    """One line of figures."""
    print(
        f"{name:10} n={int(f['n']):3} category {f['category']:.1%} "
        f"(compliment {f['recall_compliment']:.0%}, complaint {f['recall_complaint']:.0%}, "
        f"escalation {f['recall_escalation']:.0%}) urgency R {f['urgent_recall']:.0%} P {f['urgent_precision']:.0%} "
        f"type {f['subject_type']:.1%} | below {THRESHOLD}: {f['share_below']:.0%}, above right "
        f"{f['accuracy_above']:.1%} ({int(f['wrong_above'])} wrong)"
    )


def main() -> int:
    """Print the 5-fold and cross-writer figures of the whole decision."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tune once on all data instead of in each fold")
    parser.add_argument(
        "--sets", action="store_true", help="also judge each set of our own mails by a model without it"
    )
    args = parser.parse_args()
    data = train_model.examples()
    fixed = train_model.tune(data, quiet=True) if args.quick else None
    show("5-fold", figures(five_fold(data, fixed)))
    show("dev-folds", figures(development_folds(data, fixed)))
    if args.sets:
        pooled_sets: list[Scored] = []
        for name, scored in by_set(data, fixed).items():
            show(name, figures(scored))
            pooled_sets.extend(scored)
        show("by-set", figures(pooled_sets))
    pooled: list[Scored] = []
    for name, scored in cross_writer(data, fixed).items():
        show(name, figures(scored))
        pooled.extend(scored)
    show("cross", figures(pooled))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
