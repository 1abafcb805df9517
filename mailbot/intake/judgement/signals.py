"""What a mail says, as signals: lexicon hits with negation scope, sarcasm, sentence polarity, structure.

Pure functions over a ParsedMail; the statistical model (``model.py``) and the explanation both
read the ``Signals`` computed here, at training time and at run time alike, so the two never drift.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from mailbot.intake.judgement.lexicon import Lexicon, lexicon, normalise, without_accents
from mailbot.mail.quotes import split_quoted
from mailbot.models import CaseHistory, ParsedMail

# A negator reaches this many words ahead, within its clause ("niet erg tevreden", "geen enkele klacht").
NEGATION_SCOPE = 3
_CLAUSE_END = re.compile(r"[.!?;:,\n()]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n(?=\s*[-*•])")
_WORD = re.compile(r"\w+")
REPLY_PREFIX = re.compile(r"^\s*((re|antw|aw|fw|fwd|doorst|tr|wg)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
# Any case reference in brackets, whatever the prefix: it came from our own mail.
CASE_TAG = re.compile(r"\[\s*[A-Z]{1,6}-\d{4}-\d{4,}\s*\]", re.IGNORECASE)
# Flips polarity but is not in the negator list because it carries its own meaning: "allesbehalve blij".
# Danger can be denied as well: "geen gevaar", "zonder letsel", "niet gewond".
_POLAR = ("praise", "dissatisfaction", "urgency")


@dataclass(frozen=True)
class Hit:
    """One lexicon phrase found in the writer's own words."""

    group: str
    phrase: str
    negated: bool
    sentence: int


@dataclass(frozen=True)
class Signals:
    """Everything the classifier reads from one mail besides the rules."""

    own: str
    hits: tuple[Hit, ...]
    sentence_polarity: tuple[int, ...]
    replying: bool
    case_tag: bool
    quotes_us: bool
    attached_message: bool
    to_roles: frozenset[str]
    history: CaseHistory | None
    extra: dict[str, float] = field(default_factory=dict)

    def count(self, group: str, negated: bool | None = None) -> int:
        """How many phrases of ``group`` were found (only negated or un-negated ones when asked)."""
        return sum(1 for h in self.hits if h.group == group and (negated is None or h.negated == negated))

    def praises(self) -> bool:
        """True when the mail praises or thanks, tells a story that ends well, or answers our check content."""
        return bool(
            self.count("praise", negated=False) + self.count("narrative_good") or self.extra.get("check_satisfied")
        )

    def told_only_in_past(self) -> bool:
        """True when the mail speaks of the past ("vorige maand") and nothing of now."""
        return self.count("past") > 0 and self.count("now") == 0

    def answer_named_in(self) -> set[int]:
        """The sentences that refer to an answer of ours ("uw antwoord"), not by a phrase a first mail uses too."""
        named = [h for h in self.hits if h.group == "answer_reference"]
        return {h.sentence for h in named if " ".join(h.phrase.split()) not in lexicon().not_evidence}


def is_reply(mail: ParsedMail) -> bool:
    """True when the mail answers an earlier one: by header, subject prefix, or a case tag only our mail gives."""
    return bool(mail.thread_ids) or bool(REPLY_PREFIX.match(mail.subject)) or bool(CASE_TAG.search(mail.subject))


def own_words(mail: ParsedMail) -> str:
    """The writer's own words: a new subject (a reply's subject repeats the first mail) and the new text."""
    subject = "" if is_reply(mail) else mail.subject
    return f"{subject}\n{mail.stripped}"


def quoted_part(mail: ParsedMail) -> str:
    """The quoted history of a reply (ParsedMail.text minus what the writer added)."""
    if mail.stripped and mail.stripped in mail.text:
        return mail.text.replace(mail.stripped, "", 1)
    return split_quoted(mail.text)[1]


def negated_at(text: str, start: int, lex: Lexicon) -> bool:
    """True when a negator governs the word at ``start``: within NEGATION_SCOPE words, same clause, no "maar"."""
    clause_start = 0
    for m in _CLAUSE_END.finditer(text, max(0, start - 80), start):
        clause_start = m.end()
    window = text[max(clause_start, start - 80) : start]
    words = _WORD.findall(window)[-NEGATION_SCOPE:]
    seen_negator = False
    for i in range(len(words)):
        tail = " ".join(words[i:])
        if lex.negators.fullmatch(tail) or lex.negators.fullmatch(words[i]):
            seen_negator = True
        elif seen_negator and words[i] in lex.breaks:
            seen_negator = False
    return seen_negator


def sentences(text: str) -> list[str]:
    """The text cut into sentences (and list items / paragraphs)."""
    return [s for s in (part.strip() for part in _SENTENCE.split(text)) if s]


def without_closing(text: str, lex: Lexicon | None = None) -> str:
    """The text up to its closing formula ("met vriendelijke groet", "alvast bedankt"): what follows is a signature.

    A closing is polite whatever the mood, so its words must not count as praise.
    """
    lex = lex or lexicon()
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if i > 0 and lex.closings.match(line.strip(" ,.!")) and len(line) < 60:
            return "\n".join(lines[:i])
    return lex.closings.sub(" ", text)


def find_hits(text: str, lex: Lexicon | None = None) -> tuple[tuple[Hit, ...], tuple[int, ...]]:
    """Lexicon hits in ``text`` (normalised), and each sentence's polarity (+ praise, - dissatisfaction)."""
    lex = lex or lexicon()
    text = without_closing(text, lex)
    hits: list[Hit] = []
    polarity: list[int] = []
    troubled = lex.groups["dissatisfaction"].search(text) is not None
    for index, sentence in enumerate(sentences(text)):
        score = 0
        sarcastic_spans = [
            m.span() for m in lex.groups["sarcasm"].finditer(sentence) if ironic(m.group(0), sentence, troubled, lex)
        ]
        for group, pattern in lex.groups.items():
            for m in pattern.finditer(sentence):
                if group == "sarcasm" and m.span() not in sarcastic_spans:
                    continue  # "goed bezig" meant as it says
                inside_sarcasm = group != "sarcasm" and any(a <= m.start() < b for a, b in sarcastic_spans)
                if inside_sarcasm:
                    continue  # "bedankt voor niets" is sarcasm, not thanks
                if group == "dissatisfaction" and denies(m, sentence, lex):
                    continue  # "er is niemand gewond geraakt": no complaint, the denial of a danger
                negated = group in _POLAR and negated_at(sentence, m.start(), lex)
                hits.append(Hit(group, m.group(0), negated, index))
                if group == "praise":
                    score += -1 if negated else 1
                elif group in ("dissatisfaction", "sarcasm"):
                    score += 1 if negated and group == "dissatisfaction" else -1
        polarity.append(score)
    return tuple(hits), tuple(polarity)


def ironic(phrase: str, sentence: str, troubled: bool, lex: Lexicon) -> bool:
    """True when a sarcasm phrase is meant ironically.

    "Bedankt voor niets" always is. "Goed bezig" and "fijn hoor" are as often meant as they say
    ("goed bezig, zeg het ze maar"): ironic only where something goes wrong in the mail, or the
    same sentence says it happened again ("fijn hoor, weer niemand").
    """
    if not lex.ironic_if_trouble.fullmatch(phrase):
        return True
    return troubled or lex.again.search(sentence) is not None


def quotes_us(quoted: str, attachments_text: str, our_names: tuple[str, ...]) -> bool:
    """True when the quoted part carries our answer: our name, address, signature or a case tag."""
    text = normalise(quoted + "\n" + attachments_text)
    if CASE_TAG.search(text):
        return True
    return any(name and name in text for name in our_names)


def read_signals(
    mail: ParsedMail,
    to_roles: frozenset[str],
    history: CaseHistory | None,
    our_names: tuple[str, ...],
) -> Signals:
    """All signals of one mail. ``our_names``: our organisation's name, domain and signature words, normalised."""
    own = _normalise_keep_lines(own_words(mail))
    hits, polarity = find_hits(own)
    attached = any(a.content_type.lower() == "message/rfc822" for a in mail.attachments)
    quoted = quoted_part(mail)
    ours = quotes_us(quoted, "", our_names) or attached
    extra = {
        "questions": float(own.count("?")),
        "exclamations": float(min(own.count("!"), 5)),
        "long": float(len(own) > 1200),
        "short": float(len(own) < 200),
    }
    normal_quoted = normalise(quoted) if quoted.strip() else ""
    if ours:
        for name, pattern in lexicon().quoted.items():
            found = len(pattern.findall(normal_quoted))
            if found:
                extra[f"quoted_{name}"] = math.log1p(found)
    if is_reply(mail) and lexicon().quoted["check"].search(normalise(mail.subject)):
        # "Re: Bent u tevreden?": the subject alone says which of our mails is answered.
        extra["quoted_check"] = max(extra.get("quoted_check", 0.0), 1.0)
    if normal_quoted:
        # An escalation's subject type is its first complaint's: often only the quoted part names it.
        for name in ("product", "behaviour", "service"):
            found = len(lexicon().groups[name].findall(normal_quoted))
            if found:
                extra[f"quoted_{name}"] = math.log1p(min(found, 5))
    return Signals(
        own=own,
        hits=hits,
        sentence_polarity=polarity,
        replying=is_reply(mail),
        case_tag=bool(CASE_TAG.search(mail.subject) or CASE_TAG.search(mail.text)),
        quotes_us=ours,
        attached_message=attached,
        to_roles=to_roles,
        history=history,
        extra=extra,
    )


def _normalise_keep_lines(text: str) -> str:
    plain = without_accents(text.lower())
    lines = (" ".join(line.split()) for line in plain.splitlines())
    return "\n".join(line for line in lines)


def denies(match: re.Match[str], text: str, lex: Lexicon) -> bool:
    """True when a complaint word that is also a negator ("niemand", "nergens") negates what follows.

    "Er is niemand gekomen" complains; "er is niemand gewond geraakt" denies a danger. Written
    after compliments told as stories ("niemand kwam zonder badge binnen") were read as complaints
    for their "niemand". The negated phrase must start within NEGATION_SCOPE words of its clause.
    """
    if not lex.negators.fullmatch(match.group(0)):
        return False
    words = []
    for word in _WORD.findall(_CLAUSE_END.split(text[match.end() :], maxsplit=1)[0])[:NEGATION_SCOPE]:
        if word in lex.breaks:
            break
        words.append(word)
    window = " ".join(words)
    return bool(window) and any(lex.groups[g].search(window) for g in _POLAR)
