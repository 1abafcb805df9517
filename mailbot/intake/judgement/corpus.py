"""Labelled mail sets (labels.json format) and the fixed held-out part of the development corpus.

The held-out part is chosen from file names and labels only, never from the texts, so it can
be fixed before anyone reads a mail: within each (folder, category, urgent) stratum the files
are sorted by the SHA-256 of their name and every third one, starting with the first, is held
out. ``heldout.txt`` beside this module records the result; a test checks it still matches.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

HELDOUT_FILE = Path(__file__).with_name("heldout.txt")
CORPUS_ENV = "MAILBOT_CORPUS"


@dataclass(frozen=True)
class Label:
    """One labelled mail: its path relative to the set, the mailbox it reached, and the truth."""

    file: str
    to: str
    category: str
    urgent: bool
    subject_type: str | None


def default_corpus() -> Path:
    """The development corpus: $MAILBOT_CORPUS, else ../shared/corpus-nl beside the repository."""
    if os.environ.get(CORPUS_ENV):
        return Path(os.environ[CORPUS_ENV])
    return Path(__file__).resolve().parents[3].parent / "shared" / "corpus-nl"


def load_labels(folder: Path) -> list[Label]:
    """The labels of a set; extra keys (such as ``notes``) are ignored."""
    raw = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    return [
        Label(
            file=item["file"],
            to=str(item.get("to", "")).lower(),
            category=item["category"],
            urgent=bool(item.get("urgent", False)),
            subject_type=item.get("subject_type"),
        )
        for item in raw
    ]


def _name_hash(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def derive_heldout(labels: list[Label]) -> list[str]:
    """The held-out file names: every third file of each stratum, ordered by name hash."""
    strata: dict[tuple[str, str, bool], list[str]] = {}
    for label in labels:
        folder = label.file.split("/")[0]
        strata.setdefault((folder, label.category, label.urgent), []).append(label.file)
    held: list[str] = []
    for names in strata.values():
        held.extend(sorted(names, key=_name_hash)[::3])
    return sorted(held)


def heldout_names() -> frozenset[str]:
    """The committed held-out file names."""
    lines = HELDOUT_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def split(labels: list[Label], part: str) -> list[Label]:
    """``part`` is "all", "heldout" or "dev" (everything not held out)."""
    if part == "all":
        return labels
    held = heldout_names()
    if part == "heldout":
        return [label for label in labels if label.file in held]
    if part == "dev":
        return [label for label in labels if label.file not in held]
    raise ValueError(f"unknown part {part!r}: all, heldout or dev")


if __name__ == "__main__":  # pragma: no cover - rewrites heldout.txt from the corpus labels
    names = derive_heldout(load_labels(default_corpus()))
    header = (
        "# Held-out part of ../shared/corpus-nl: never read while tuning."
        " Rebuild: python -m mailbot.intake.judgement.corpus\n"
    )
    HELDOUT_FILE.write_text(header + "\n".join(names) + "\n", encoding="utf-8")
    print(f"{len(names)} held-out files written to {HELDOUT_FILE}")
