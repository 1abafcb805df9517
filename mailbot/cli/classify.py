"""`mailbot classify` (one mail's verdict) and `mailbot eval` (the classifier scored on labelled mail)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mailbot.cli.base import Subcommands, load

if TYPE_CHECKING:
    from mailbot.config import Rules

# The development corpus's municipal mails are classified with the example municipality's rules.
GEMEENTE_RULES = Path(__file__).resolve().parent.parent.parent / "examples" / "gemeente" / "rules.yaml"


def register(commands: Subcommands) -> None:
    """Add `classify` and `eval` and their options."""
    classify = commands.add_parser("classify", help="show the verdict for one .eml file and the rules that fired")
    classify.add_argument("file", type=Path, help="a message in RFC 5322 (.eml) form")
    classify.add_argument("--json", action="store_true", help="print JSON")
    classify.set_defaults(handler=handle_classify)

    evaluate = commands.add_parser(
        "eval", help="score the classifier on labelled mail (labels.json): accuracy, confusion, urgency, subject type"
    )
    evaluate.add_argument(
        "dir", type=Path, nargs="?", help="folder with labels.json (default: $MAILBOT_CORPUS or ../shared/corpus-nl)"
    )
    evaluate.add_argument(
        "--part",
        choices=("all", "heldout", "dev"),
        default="all",
        help="of the development corpus: all, the held-out third (never used for tuning) or the rest",
    )
    evaluate.add_argument(
        "--rules-for",
        action="append",
        default=[],
        metavar="PREFIX=FILE",
        help="classify files whose name starts with PREFIX with this rules file (default for the development "
        "corpus: gemeente/=examples/gemeente/rules.yaml); others use --rules",
    )
    evaluate.add_argument("--no-model", action="store_true", help="rules.yaml alone, without the statistical model")
    evaluate.add_argument("--json", action="store_true", help="print JSON")
    evaluate.add_argument("--check", action="store_true", help="exit 1 when a target of issue 10 is missed")
    evaluate.set_defaults(handler=handle_eval)


def handle_classify(args: argparse.Namespace) -> int:
    """Print the verdict for one .eml file; the exit code."""
    _settings, rules = load(args)
    from datetime import UTC, datetime

    from mailbot.intake.classify import classify
    from mailbot.mail.parse import ParseError, parse_mail
    from mailbot.mail.quotes import strip_quoted

    try:
        raw = args.file.read_bytes()
        mail = parse_mail(raw, received_at=datetime.now(UTC), strip=strip_quoted).mail
    except OSError as exc:
        print(f"mailbot: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    except ParseError as exc:
        print(f"mailbot: {args.file} is not a mail message: {exc}", file=sys.stderr)
        return 1
    verdict = classify(mail, rules.classification, rules.addresses, organisation=rules.organisation)
    result = verdict.as_record()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:<13} {', '.join(value) if isinstance(value, list) else value}")
    return 0


def handle_eval(args: argparse.Namespace) -> int:
    """Score the classifier on a labelled folder and print the figures; the exit code."""
    _settings, rules = load(args)
    from mailbot.cases.replies import read_reply
    from mailbot.intake.answers import Reading, cross_checked
    from mailbot.intake.classify import classify, read_mail
    from mailbot.intake.judgement.corpus import Label, default_corpus, load_labels, split
    from mailbot.intake.judgement.evaluate import render, run
    from mailbot.models import ParsedMail, Verdict

    folder = args.dir or default_corpus()
    try:
        labels = split(load_labels(folder), args.part)
    except OSError as exc:
        print(f"mailbot: cannot read {folder / 'labels.json'}: {exc.strerror}", file=sys.stderr)
        return 1
    by_prefix = _rules_by_prefix(args)

    def rules_for(label: Label) -> Rules:
        return next((r for p, r in by_prefix if label.file.startswith(p)), rules)

    def classify_one(mail: ParsedMail, label: Label) -> Verdict:
        chosen = rules_for(label)
        return classify(
            mail,
            chosen.classification,
            chosen.addresses,
            reply_address=chosen.bot_address,
            organisation=chosen.organisation,
            use_model=not args.no_model,
        )

    def read_one(mail: ParsedMail, label: Label, verdict: Verdict) -> Reading | None:
        # The answer step reads a reply on a case waiting for an answer; with no case, a mail that
        # quotes our answer or our satisfaction check stands for one.
        chosen = rules_for(label)
        _outcome, signals = read_mail(mail, chosen.classification, chosen.addresses, organisation=chosen.organisation)
        if not (signals.extra.get("quoted_answer") or signals.extra.get("quoted_check")):
            return None
        min_confidence = chosen.classification.min_confidence
        return cross_checked(read_reply(chosen, mail), verdict.category, verdict.confidence, min_confidence)

    report = run(folder, labels, classify_one, rules.classification.min_confidence, read_one)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(render(report))
    return 1 if args.check and report.failures else 0


def _rules_by_prefix(args: argparse.Namespace) -> list[tuple[str, Rules]]:
    """The rules files of --rules-for (for the development corpus, the municipality's by default)."""
    from mailbot.config import load_rules

    specs = list(args.rules_for)
    if not specs and args.dir is None and GEMEENTE_RULES.exists():
        specs = [f"gemeente/={GEMEENTE_RULES}"]
    by_prefix: list[tuple[str, Rules]] = []
    for spec in specs:
        prefix, _, path = spec.partition("=")
        by_prefix.append((prefix, load_rules(Path(path))))
    return by_prefix
