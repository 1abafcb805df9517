"""lexicon.json, compiled: the phrase groups the signals are read with, and the text form they match in."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICON_FILE = Path(__file__).with_name("lexicon.json")


def normalise(text: str) -> str:
    """Lower-case, accents removed, whitespace collapsed: the form phrases are matched in."""
    return " ".join(without_accents(text.lower()).split())


def without_accents(text: str) -> str:
    """``text`` with its accents removed ("één" -> "een")."""
    if text.isascii():  # most mail: nothing to decompose (and this is the classifier's hot path)
        return text
    # Only the few non-ASCII characters are looked at one by one: a Python loop over every
    # character of a mail with one "é" in it cost a tenth of the classifier's time.
    return _NON_ASCII.sub(_unless_combining, unicodedata.normalize("NFKD", text))


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _unless_combining(match: re.Match[str]) -> str:
    return "" if unicodedata.combining(match.group()) else match.group()


@dataclass(frozen=True)
class Lexicon:
    """The phrase groups of lexicon.json, compiled."""

    negators: re.Pattern[str]
    breaks: frozenset[str]
    closings: re.Pattern[str]
    groups: dict[str, re.Pattern[str]]
    uitleg: dict[str, str]
    # Matched only in the quoted part of a reply: which of our mails the writer answers.
    quoted: dict[str, re.Pattern[str]]
    # Sarcasm phrases that are also sincere praise, and the words that make them ironic.
    ironic_if_trouble: re.Pattern[str]
    again: re.Pattern[str]
    # References to our answer that a first mail makes too: no sign that an answer exists.
    not_evidence: frozenset[str]


# "…" in a phrase stands for up to this many words of the same clause: "sleutel* … kwijt" finds
# "de sleutelbos van de voordeur kwijt", which no fixed phrase list can spell out.
GAP_WORDS = 6
_GAP = rf"(?:\s+[^\s.!?;:,]+){{0,{GAP_WORDS}}}\s+"


def _phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    parts = []
    for phrase in sorted({normalise(p) for p in phrases}, key=len, reverse=True):
        pieces = [piece.split() for piece in phrase.replace("...", "…").split("…")]
        parts.append(_GAP.join(_words_pattern(words) for words in pieces if words))
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)")


def _words_pattern(words: list[str]) -> str:
    # A trailing * on any word matches that word's endings ("sleutel*": sleutels, sleutelbos); a
    # leading * the front of a compound, whose head comes last in Dutch ("*sirene": buitensirene).
    return r"\s+".join(_word_pattern(w) for w in words)


def _word_pattern(word: str) -> str:
    front = r"\w*" if word.startswith("*") and len(word) > 1 else ""
    end = r"\w*" if word.endswith("*") and len(word) > 1 else ""
    return front + re.escape(word.strip("*")) + end


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """lexicon.json, loaded once."""
    data = json.loads(LEXICON_FILE.read_text(encoding="utf-8"))
    groups = data["groups"]
    return Lexicon(
        negators=_phrase_pattern(data["negators"]),
        breaks=frozenset(normalise(w) for w in data["negation_breaks"]),
        closings=_phrase_pattern(data["closings"]),
        groups={name: _phrase_pattern(g["phrases"]) for name, g in groups.items()},
        uitleg={name: g["uitleg"] for name, g in {**groups, **data["quoted_groups"]}.items()},
        quoted={name: _phrase_pattern(g["phrases"]) for name, g in data["quoted_groups"].items()},
        ironic_if_trouble=_phrase_pattern(data["ironic_if_trouble"]),
        again=_phrase_pattern(data["again"]),
        not_evidence=frozenset(normalise(p) for p in data["answer_reference_not_evidence"]),
    )
