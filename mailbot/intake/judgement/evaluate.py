"""`mailbot eval`: score the classifier on a labelled set (labels.json format) against the issue's targets."""

from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from mailbot.intake.answers import Answer, Reading
from mailbot.intake.judgement.corpus import Label
from mailbot.models import Address, ParsedMail, Verdict

CATEGORIES = ("compliment", "complaint", "escalation", "auto")
RECEIVED = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
# An answer to our mail labelled compliment is a content answer, one labelled escalation an unhappy one
# (the corpus README's definitions); the reading that would act against the label is the misreading.
ANSWER_TRUTH = {"compliment": Answer.SATISFIED, "escalation": Answer.DISSATISFIED}
MISREAD = {Answer.SATISFIED: Answer.DISSATISFIED, Answer.DISSATISFIED: Answer.SATISFIED}


@dataclass(frozen=True)
class Targets:
    """The figures the classifier must reach (issue 10, "Done when")."""

    category: float = 0.90
    category_recall: float = 0.85
    auto_missed: int = 0
    human_as_auto: int = 1
    urgent_recall: float = 0.90
    urgent_precision: float = 0.60
    subject_type: float = 0.80


@dataclass(frozen=True)
class Outcome:
    """One mail's truth and verdict."""

    label: Label
    verdict: Verdict
    # How the case's answer step reads the mail, where it answers our answer or our satisfaction check.
    reading: Reading | None = None


@dataclass
class Report:
    """The scores of one run."""

    total: int
    category_accuracy: float
    recall: dict[str, float]
    confusion: dict[str, dict[str, int]]
    auto_missed: int
    human_as_auto: int
    urgent_recall: float
    urgent_precision: float
    urgent_counts: dict[str, int]
    subject_type_accuracy: float
    subject_type_total: int
    below_threshold: int
    accuracy_above_threshold: float
    median_ms: float
    # Truth ("satisfied" / "dissatisfied") -> how the answer step read it -> count, for labelled answers to our mail.
    answers: dict[str, dict[str, int]] = field(default_factory=dict)
    misread: list[dict[str, object]] = field(default_factory=list)
    wrong: list[dict[str, object]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return dataclasses.asdict(self)


def load_mail(folder: Path, label: Label) -> ParsedMail:
    """Parse one labelled file as the daemon would; the mailbox it reached (``to``) is a recipient."""
    from mailbot.mail.parse import parse_mail
    from mailbot.mail.quotes import strip_quoted

    raw = (folder / label.file).read_bytes()
    mail = parse_mail(raw, received_at=RECEIVED, strip=strip_quoted).mail
    # Bcc'd mail names the mailbox only in Delivered-To; the daemon knows which mailbox it reads.
    if label.to and all(a.email != label.to for a in mail.recipients):
        mail = dataclasses.replace(mail, to=(*mail.to, Address(label.to)))
    return mail


def score(
    outcomes: list[Outcome], times_ms: list[float], min_confidence: float, targets: Targets = Targets()
) -> Report:
    """The figures of a run, and which targets were missed."""
    confusion = confusion_matrix(outcomes)
    total = len(outcomes)
    right = sum(confusion[c][c] for c in CATEGORIES)
    recall = {c: confusion[c][c] / sum(confusion[c].values()) for c in CATEGORIES if sum(confusion[c].values())}
    auto_missed = sum(n for c, n in confusion["auto"].items() if c != "auto")
    human_as_auto = sum(confusion[c]["auto"] for c in CATEGORIES if c != "auto")
    tp, fn, fp = urgent_counts(outcomes)
    typed = [o for o in outcomes if o.label.subject_type]
    type_right = sum(1 for o in typed if o.verdict.subject_type.value == o.label.subject_type)
    sure = [o for o in outcomes if o.verdict.confidence >= min_confidence]
    wrong = [wrong_row(o) for o in outcomes if is_wrong(o)]
    report = Report(
        total=total,
        category_accuracy=right / total if total else 0.0,
        recall=recall,
        confusion=confusion,
        auto_missed=auto_missed,
        human_as_auto=human_as_auto,
        urgent_recall=tp / (tp + fn) if tp + fn else 1.0,
        urgent_precision=tp / (tp + fp) if tp + fp else 1.0,
        urgent_counts={"true_positive": tp, "false_negative": fn, "false_positive": fp},
        subject_type_accuracy=type_right / len(typed) if typed else 1.0,
        subject_type_total=len(typed),
        below_threshold=total - len(sure),
        accuracy_above_threshold=(
            sum(1 for o in sure if o.verdict.category.value == o.label.category) / len(sure) if sure else 1.0
        ),
        median_ms=statistics.median(times_ms) if times_ms else 0.0,
        answers=answer_counts(outcomes),
        misread=[misread_row(o) for o in outcomes if is_misread(o)],
        wrong=wrong,
    )
    report.failures = check(report, targets)
    return report


def answer_counts(outcomes: list[Outcome]) -> dict[str, dict[str, int]]:
    """For the labelled answers to our mail: how many of each truth the answer step read each way."""
    counts: dict[str, dict[str, int]] = {truth.value: dict.fromkeys(Answer, 0) for truth in ANSWER_TRUTH.values()}
    for o in outcomes:
        truth = ANSWER_TRUTH.get(o.label.category)
        if o.reading is not None and truth is not None:
            counts[truth.value][o.reading.answer.value] += 1
    return {truth: row for truth, row in counts.items() if any(row.values())}


def is_misread(o: Outcome) -> bool:
    """The answer step would act against the label: close an unhappy customer's case, or escalate a content one."""
    truth = ANSWER_TRUTH.get(o.label.category)
    return o.reading is not None and truth is not None and o.reading.answer == MISREAD[truth]


def misread_row(o: Outcome) -> dict[str, object]:
    """A misread answer with the reader's reason, for the report."""
    assert o.reading is not None
    return {"file": o.label.file, "truth": o.label.category, "read": o.reading.answer.value, "why": o.reading.reason}


def confusion_matrix(outcomes: list[Outcome]) -> dict[str, dict[str, int]]:
    """How many mails of each true category (rows) got each verdict (columns)."""
    confusion = {t: dict.fromkeys(CATEGORIES, 0) for t in CATEGORIES}
    for o in outcomes:
        confusion[o.label.category][o.verdict.category.value] += 1
    return confusion


def urgent_counts(outcomes: list[Outcome]) -> tuple[int, int, int]:
    """Urgency's true positives, false negatives and false positives."""
    tp = sum(1 for o in outcomes if o.label.urgent and o.verdict.urgent)
    fn = sum(1 for o in outcomes if o.label.urgent and not o.verdict.urgent)
    fp = sum(1 for o in outcomes if not o.label.urgent and o.verdict.urgent)
    return tp, fn, fp


def is_wrong(o: Outcome) -> bool:
    """The verdict misses the truth in category, urgency or (where labelled) subject type."""
    return bool(
        o.verdict.category.value != o.label.category
        or o.verdict.urgent != o.label.urgent
        or (o.label.subject_type and o.verdict.subject_type.value != o.label.subject_type)
    )


def wrong_row(o: Outcome) -> dict[str, object]:
    """A wrong verdict beside its truth, with its confidence and explanation, for the report."""
    return {
        "file": o.label.file,
        "truth": {"category": o.label.category, "urgent": o.label.urgent, "subject_type": o.label.subject_type},
        "verdict": {
            "category": o.verdict.category.value,
            "urgent": o.verdict.urgent,
            "subject_type": o.verdict.subject_type.value,
        },
        "confidence": round(o.verdict.confidence, 3),
        "explanation": o.verdict.explanation,
    }


def check(report: Report, targets: Targets) -> list[str]:
    """The targets a report misses, each as one line."""
    missed = []
    if report.category_accuracy < targets.category:
        missed.append(f"category accuracy {report.category_accuracy:.1%} < {targets.category:.0%}")
    for cat, value in report.recall.items():
        if value < targets.category_recall:
            missed.append(f"recall of {cat} {value:.1%} < {targets.category_recall:.0%}")
    if report.auto_missed > targets.auto_missed:
        missed.append(f"{report.auto_missed} automatic mail(s) missed")
    if report.human_as_auto > targets.human_as_auto:
        missed.append(f"{report.human_as_auto} human mails taken for automatic")
    if report.urgent_recall < targets.urgent_recall:
        missed.append(f"urgency recall {report.urgent_recall:.1%} < {targets.urgent_recall:.0%}")
    if report.urgent_precision < targets.urgent_precision:
        missed.append(f"urgency precision {report.urgent_precision:.1%} < {targets.urgent_precision:.0%}")
    if report.subject_type_accuracy < targets.subject_type:
        missed.append(f"subject type accuracy {report.subject_type_accuracy:.1%} < {targets.subject_type:.0%}")
    return missed


def run(
    folder: Path,
    labels: list[Label],
    classify_one: Callable[[ParsedMail, Label], Verdict],
    min_confidence: float,
    read_one: Callable[[ParsedMail, Label, Verdict], Reading | None] | None = None,
) -> Report:
    """Classify every labelled mail with ``classify_one`` and score the result.

    ``read_one`` reads a mail as the answer step would, where it answers our mail (None otherwise);
    only classification is timed.
    """
    outcomes: list[Outcome] = []
    times: list[float] = []
    for label in labels:
        mail = load_mail(folder, label)
        start = time.perf_counter()
        verdict = classify_one(mail, label)
        times.append((time.perf_counter() - start) * 1000)
        outcomes.append(Outcome(label, verdict, read_one(mail, label, verdict) if read_one else None))
    return score(outcomes, times, min_confidence)


def render(report: Report, show_wrong: bool = True) -> str:
    """The report as text for a terminal."""
    lines = [f"{report.total} mails"]
    lines.append(f"category accuracy   {report.category_accuracy:6.1%}")
    for cat, value in report.recall.items():
        lines.append(f"  recall {cat:<11} {value:6.1%}")
    lines.append("confusion (rows: truth, columns: verdict)")
    lines.append("              " + "".join(f"{c[:10]:>11}" for c in CATEGORIES))
    for truth in CATEGORIES:
        lines.append(f"  {truth:<12}" + "".join(f"{report.confusion[truth][c]:>11}" for c in CATEGORIES))
    lines.append(f"automatic missed    {report.auto_missed}; human taken for automatic {report.human_as_auto}")
    lines.append(
        f"urgency recall      {report.urgent_recall:6.1%}  precision {report.urgent_precision:6.1%}  "
        f"({report.urgent_counts})"
    )
    lines.append(f"subject type        {report.subject_type_accuracy:6.1%} of {report.subject_type_total}")
    lines.append(
        f"below min_confidence {report.below_threshold} (a person decides); "
        f"category accuracy of the rest {report.accuracy_above_threshold:6.1%}"
    )
    lines.append(f"median time         {report.median_ms:.2f} ms per mail")
    lines.extend(_answer_lines(report))
    if show_wrong and report.wrong:
        lines.append("wrong:")
        for w in report.wrong:
            lines.append(f"  {w['file']}: truth {w['truth']} verdict {w['verdict']} (confidence {w['confidence']})")
            lines.append(f"    {w['explanation']}")
    lines.append("targets: " + ("all met" if not report.failures else "MISSED: " + "; ".join(report.failures)))
    return "\n".join(lines)


def _answer_lines(report: Report) -> list[str]:
    if not report.answers:
        return []
    lines = ["answers to our mail, as the answer step reads them (rows: truth; unclear asks the owner)"]
    for truth, row in report.answers.items():
        lines.append(f"  {truth:<13}" + "  ".join(f"{read} {n}" for read, n in row.items()))
    for m in report.misread:
        lines.append(f"  misread {m['file']}: {m['truth']} read as {m['read']} ({m['why']})")
    return lines
