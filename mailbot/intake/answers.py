"""Reading a customer's answer to "are you satisfied?" or to a solution proposal: pure, no I/O.

The customer's own words (quotes stripped) are read as satisfied, dissatisfied or unclear. The
first line carries the direct answer ("ja", "nee", "ja, maar ..."); the whole text the feeling,
phrase by phrase, with negation. Where they disagree the words win: customers often answer
another question than ours ("Nee hoor, alles werkt prima nu"). Unclear is a real outcome, never
a guess (a question back, "deels", mixed feelings, nothing to go on): the case logic asks the owner.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from mailbot.intake.answerphrases import (
    ASIDE,
    CLOSED,
    DISPUTE,
    DISSATISFIED,
    INCIDENT,
    NEGATORS,
    NO,
    NO_OPENERS,
    NOT_PRAISE,
    OUTRIGHT,
    PARTIAL,
    PAST_TENSE,
    POLITE,
    SATISFIED,
    YES,
)
from mailbot.intake.judgement.lexicon import lexicon, normalise
from mailbot.intake.judgement.signals import NEGATION_SCOPE, Hit, find_hits
from mailbot.models import Category

# DISPUTE is read from here by the case desk.
__all__ = ["DISPUTE", "Answer", "Reading", "dispute_mentions", "read_answer"]


class Answer(enum.StrEnum):
    """What the customer's answer says."""

    SATISFIED = "satisfied"
    DISSATISFIED = "dissatisfied"
    UNCLEAR = "unclear"


@dataclass(frozen=True)
class Reading:
    """The answer and why, in Dutch for the owner ("'ja, maar': er is nog iets niet goed")."""

    answer: Answer
    reason: str


_CLAUSE = re.compile(r"[.!?;:,\n()]")
# Where an answer turns: "maar" ("but", "however"), or a sentence opening with a word that turns it as "maar" does.
# "Doe maar", "laat maar": after a verb of go-ahead, "maar" softens and turns nothing ("Ja, doe maar.").
_PARTICLE = re.compile(r"\b(doe|laat|zet|stuur|kom|ga|zeg|plan|regel|maak|boek|bel|mail) maar\b")
_CONTRAST = re.compile(r"\b(?:maar|but|however)\b|(?<=[,;]\s)alleen\b|(?:^|(?<=[.!?:]\s))(?:alleen|wel|echter|toch)\b")
# This many different danger words in an answer make it unclear however content it sounds.
DANGERS = 2
# A "nee" with at most this many words around it ("Nee, helemaal niet.") is a plain no to our question.
NO_ALONE_WORDS = 6
# After a "nee", these say no again; "geen" and "niets" do not, as often closing the matter ("geen vragen meer").
_NO_AGAIN = re.compile(r"\b(niet|nooit|niemand)\b")
_WORD = re.compile(r"\w+")
_NO_SENTENCE = re.compile(r"(nee|neen|no|nope)\s*[.!]")
# Words between quotation marks are somebody else's ("volgens u 'een goed gesprek'"): no cue either way.
_QUOTED = re.compile(r"(?:(?<=\s)|^)['\"\u2018\u201c\u201e]([^'\"\u2019\u201d\n]{1,80})['\"\u2019\u201d](?!\w)")


def read_answer(
    text: str, extra_satisfied: Iterable[str] = (), extra_dissatisfied: Iterable[str] = (), hits: Sequence[Hit] = ()
) -> Reading:
    """Read ``text``, the customer's own words, as satisfied, dissatisfied or unclear, with the reason.

    ``extra_*`` are the administrator's own phrases (rules.yaml ``policy``); a bare "ja" or "nee"
    among them is ignored, as the first line is read for those in every case. An answer that
    names a danger is never read as satisfied: closing on it is the mistake that cannot be undone.
    """
    # The lexicon's hits, read once (or the caller's): sarcasm turns praise around, danger forbids closing.
    hits = hits or find_hits(normalise(text))[0]
    sarcasm = [h.phrase for h in hits if h.group == "sarcasm"]
    reading = _read(text, extra_satisfied, extra_dissatisfied, sarcasm)
    if reading.answer != Answer.SATISFIED:
        return reading
    danger = list(dict.fromkeys(h.phrase for h in hits if h.group == "urgency" and not h.negated))
    # Two different danger words, as for urgency: one ("alarm", "kinderen") is often the thing repaired.
    if len(danger) >= DANGERS:
        return Reading(Answer.UNCLEAR, f"{reading.reason}, maar noemt ook '{danger[0]}' en '{danger[1]}'")
    return reading


def cross_checked(reading: Reading, category: Category, confidence: float, min_confidence: float) -> Reading:
    """``reading``, or unclear where the classifier reads the same mail the other way.

    Both steps an answer can trigger are hard to undo, so the answer's words and the whole
    judgement must not disagree: a content reading yields to a sure unhappy verdict only (many plain
    "ja, akkoord" replies under our answer are escalations at low confidence), an unhappy reading to
    any compliment verdict. On set K's 86 replies this sent 3 of 5 unhappy answers read as content
    and 2 of 7 content ones read as unhappy to the owner, at the cost of 1 rightful escalation.
    """
    unhappy = category in (Category.COMPLAINT, Category.ESCALATION) and confidence >= min_confidence
    if reading.answer == Answer.SATISFIED and unhappy:
        return Reading(Answer.UNCLEAR, f"{reading.reason}, maar de rest van de mail leest als ontevreden")
    if reading.answer == Answer.DISSATISFIED and category == Category.COMPLIMENT:
        return Reading(Answer.UNCLEAR, f"{reading.reason}, maar de rest van de mail leest als tevreden")
    return reading


def _read(text: str, extra_satisfied: Iterable[str], extra_dissatisfied: Iterable[str], sarcasm: list[str]) -> Reading:
    """The reading by the answer's own cues: first line, phrases, negation, "maar", and ``sarcasm`` found in it."""
    words = _PARTICLE.sub(r"\1", normalise(text))
    if not words:
        return Reading(Answer.UNCLEAR, "het antwoord bevat geen tekst")
    opener, after_opener = _opener(text)
    extra_pos = tuple(p for p in map(normalise, extra_satisfied) if p and p not in YES | NO)
    extra_neg = tuple(p for p in map(normalise, extra_dissatisfied) if p and p not in YES | NO)
    positive, negative = (*SATISFIED, *extra_pos), (*DISSATISFIED, *extra_neg)
    pos, neg = _cues(words, positive, negative)
    neg += sarcasm  # "knap hoor", "wat een verrassing": praise that means the opposite
    decisive = _decisive(words)
    if decisive is not None:
        return decisive
    question = "?" in text and not _found(words, ASIDE)
    if opener == "ja maar":
        if not neg and re.search(r"\bvra(a)?g", words):  # "ja, maar ik heb nog een vraag"
            return Reading(Answer.UNCLEAR, "'ja, maar' met een vraag: die moet eerst beantwoord worden")
        if neg or not pos:
            return Reading(Answer.DISSATISFIED, "'ja, maar': er is nog iets niet goed" + _cited(neg))
        return Reading(Answer.UNCLEAR, "'ja, maar' gevolgd door iets positiefs")
    if neg and not pos:
        return Reading(Answer.DISSATISFIED, "de klant schrijft" + _cited(neg, lead=" "))
    if pos and neg:
        last, closed = _after_last_maar(words, positive, negative), _found(words, CLOSED)
        if last is not None and not (last.answer == Answer.DISSATISFIED and closed):
            return last
        if closed:  # "Er hoeft niks meer. Alleen jammer dat het vier weken duurde.": a remark, no appeal.
            return Reading(Answer.UNCLEAR, f"de klant schrijft '{closed[0]}', maar ook" + _cited(neg, lead=" "))
        return Reading(Answer.UNCLEAR, f"positief ('{pos[0]}') en negatief ('{neg[0]}') door elkaar")
    if question:
        return Reading(Answer.UNCLEAR, "de klant stelt een vraag terug")
    if pos and _has_maar(words) and _after_last_maar(words, positive, negative) is None:
        # "Prima, maar ik wil de kosten vergoed krijgen": something follows the praise.
        return Reading(Answer.UNCLEAR, f"'{pos[0]}', maar daarna volgt nog iets")
    if pos:
        return Reading(Answer.SATISFIED, "de klant schrijft" + _cited(pos, lead=" "))
    return _by_opener(opener, after_opener, words)


def _by_opener(opener: str, after_opener: str, words: str) -> Reading:
    """The reading of an answer with no cue either way: what its first word says, if that is enough."""
    if opener == "ja" and _has_maar(words):
        # "Ja, de recorder werkt. Maar de beelden staan online.": the "maar" in the next sentence counts too.
        return Reading(Answer.UNCLEAR, "'ja', maar daarna volgt nog iets")
    again = lexicon().again.search(words)
    if opener == "ja" and again is not None:
        # "Ja, volgens uw brief ... Gisteren schold hij opnieuw": a yes to the letter, not to the result.
        return Reading(Answer.UNCLEAR, f"'ja', maar ook '{again.group(0)}'")
    if opener == "ja":
        return Reading(Answer.SATISFIED, "de klant antwoordt 'ja'")
    if opener == "nee":
        if after_opener.startswith("hoor"):
            # "Nee hoor" on its own answers a question we did not ask ("nog problemen?"): unclear.
            return Reading(Answer.UNCLEAR, "'nee hoor' zonder meer")
        if _NO_SENTENCE.match(words):
            # "Nee." as a sentence of its own answers our question ("ja of nee?") whatever follows.
            return Reading(Answer.DISSATISFIED, "de klant antwoordt 'nee'")
        denial = _NO_AGAIN.search(words)
        if len(_WORD.findall(words)) > NO_ALONE_WORDS and denial is None:
            # "Nee, het hek sluit nu en de ronde loopt langs de containers": which question that
            # "nee" answers, the rest does not say. A person reads it; escalating on it is not harmless.
            return Reading(Answer.UNCLEAR, "'nee', gevolgd door tekst die niet zegt of de klant tevreden is")
        if denial is not None:
            # "Nee, een nieuwe camera lost het niet op": the rest says no again.
            return Reading(Answer.DISSATISFIED, f"de klant antwoordt 'nee' en schrijft '{denial.group(0)}'")
        return Reading(Answer.DISSATISFIED, "de klant antwoordt 'nee'")
    return Reading(Answer.UNCLEAR, "het antwoord zegt niet of de klant tevreden is")


def _decisive(words: str) -> Reading | None:
    """A reading that settles the answer whatever else it says: a dispute, outright dissatisfaction, partly solved."""
    dispute = _found(words, DISPUTE)
    if dispute:
        return Reading(Answer.DISSATISFIED, f"de klant noemt '{dispute[0]}'")
    outright = _found(words, OUTRIGHT)
    if outright:
        return Reading(Answer.DISSATISFIED, f"de klant schrijft '{outright[0]}'")
    partial = _found(words, PARTIAL)
    if partial:
        # Partly solved: an appeal for one loose end, or closing with one left, are both wrong
        # without a person's look. The owner decides.
        return Reading(Answer.UNCLEAR, f"de klant schrijft '{partial[0]}': een deel is nog niet goed")
    return None


def dispute_mentions(text: str, phrases: Iterable[str] = DISPUTE) -> tuple[str, ...]:
    """The lawyer, court or outside body ``text`` names (``phrases``, normalised), in the order written."""
    return tuple(dict.fromkeys(_found(normalise(text), tuple(phrases))))


def _opener(text: str) -> tuple[str, str]:
    """The first line's direct answer: "ja", "nee", "ja maar" or ""; and the normalised rest of that line."""
    first = next((_PARTICLE.sub(r"\1", normalise(line)) for line in text.splitlines() if line.strip()), "")
    tokens = _WORD.findall(first)
    if not tokens:
        return "", ""
    rest = first[first.find(tokens[0]) + len(tokens[0]) :].lstrip(" ,.!")
    if tokens[0] in YES:
        # "ja, maar ..." or "ja hoor, maar ..." in the same sentence.
        sentence = re.split(r"[.!?]", first, maxsplit=1)[0]
        return ("ja maar" if re.search(r"\bmaar\b", sentence) else "ja"), rest
    opening = next((o for o in NO_OPENERS if re.match(rf"{o}\b", first)), None)
    if tokens[0] in NO or opening is not None:
        return "nee", first[len(opening) :].lstrip(" ,.!") if opening else rest
    return "", rest


def _cues(words: str, positive: tuple[str, ...], negative: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Positive and negative phrases in ``words``; a negated phrase counts for the other side."""
    pos: list[str] = []
    neg: list[str] = []
    # POLITE and NOT_PRAISE phrases match as a side of their own: their "dank" or "goed" counts for neither.
    table = {p: "+" for p in positive} | {p: "-" for p in negative} | {p: "0" for p in (*POLITE, *NOT_PRAISE)}
    quoted = [m.span() for m in _QUOTED.finditer(words)]
    for match in _regex(tuple(table)).finditer(words):
        phrase = match.group(0)
        key = " ".join(phrase.split())
        side = table[key]
        if side == "0" or any(a <= match.start() < b for a, b in quoted):
            continue
        if key in INCIDENT and _retold(words, match.start()):
            continue
        if not key.startswith("geen ") and _negated(words, match.start()):
            side = "-" if side == "+" else "+"
            phrase = f"{_negator(words, match.start())} ... {key}"
        (pos if side == "+" else neg).append(phrase)
    return pos, neg


def _after_last_maar(words: str, positive: tuple[str, ...], negative: tuple[str, ...]) -> Reading | None:
    """In "A, maar B" it is B that counts; None when there is no "maar" or B says nothing.

    A sentence that opens with "Alleen", "Wel", "Echter" or "Toch" turns the answer as "maar" does
    ("Ja, de rapporten komen weer. Alleen staan ze op naam van een ander pand.").
    """
    parts = _CONTRAST.split(words)
    if len(parts) < 2:
        return None
    pos, neg = _cues("maar" + parts[-1], positive, negative)  # "maar niet ..." is itself a cue
    if neg and not pos:
        return Reading(Answer.DISSATISFIED, "na 'maar' volgt" + _cited(neg, lead=" "))
    if pos and not neg:
        return Reading(Answer.SATISFIED, "na 'maar' volgt" + _cited(pos, lead=" "))
    return None


def _retold(words: str, start: int) -> bool:
    """True when the sentence around ``start`` tells the past ("was kapot bij levering"), nothing of now or "weer"."""
    begin = max(words.rfind(c, 0, start) for c in ".!?") + 1
    ends = [i for i in (words.find(c, start) for c in ".!?") if i >= 0]
    sentence = words[begin : min(ends, default=len(words))]
    lex = lexicon()
    told_before = bool(PAST_TENSE & set(_WORD.findall(sentence))) or lex.groups["past"].search(sentence) is not None
    return told_before and lex.groups["now"].search(sentence) is None and lex.again.search(sentence) is None


def _has_maar(words: str) -> bool:
    return _CONTRAST.search(words) is not None


def _negated(words: str, start: int) -> bool:
    return _negator(words, start) is not None


def _negator(words: str, start: int) -> str | None:
    clause = _CLAUSE.split(words[:start])[-1]
    before = _WORD.findall(clause)[-NEGATION_SCOPE:]
    return next((w for w in reversed(before) if w in NEGATORS), None)


def _found(words: str, phrases: tuple[str, ...]) -> list[str]:
    return [" ".join(m.group(0).split()) for m in _regex(phrases).finditer(words)]


def _cited(phrases: list[str], lead: str = ": ") -> str:
    return f"{lead}'{phrases[0]}'" if phrases else ""


@lru_cache(maxsize=64)
def _regex(phrases: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so "werkt niet" is one phrase and "niet tevreden" beats "tevreden".
    parts = sorted({normalise(p) for p in phrases if p.strip()}, key=len, reverse=True)
    body = "|".join(r"\s+".join(map(re.escape, p.split())) for p in parts)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")
