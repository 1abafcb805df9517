"""Rules from rules.yaml, in order -> a verdict that names the rules that fired."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from mailbot.config import Classification, PolicyRules, Rule
from mailbot.models import CaseHistory, Category, Level, ParsedMail, SubjectType, Verdict

# Words that turn "tevreden" into its opposite when they come just before it.
NEGATIONS = frozenset({"niet", "geen", "nooit", "not", "no", "never"})
NEGATION_WINDOW = 2
# Of two categories with the same score, the more serious one wins.
SEVERITY = (Category.ESCALATION, Category.COMPLAINT, Category.COMPLIMENT)
REPLY_PREFIX = re.compile(r"^\s*((re|antw|aw|fw|fwd|doorst|tr|wg)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
# Any case reference in brackets, whatever the prefix: it came from our own mail.
CASE_TAG = re.compile(r"\[\s*[A-Z]{1,6}-\d{4}-\d{4,}\s*\]", re.IGNORECASE)
SUPPRESS_VALUES = frozenset({"all", "autoreply", "oof"})


def classify(
    mail: ParsedMail,
    rules: Classification,
    roles: Mapping[str, str],
    history: CaseHistory | None = None,
    reply_address: str | None = None,
) -> Verdict:
    """Decide what ``mail`` is.

    ``roles`` maps the organisation's addresses to their role (formal / first_line);
    ``history`` describes the case the mail threads into, if any. ``reply_address`` is where
    our own mail asks for answers: a reply that goes there did not choose that mailbox, so
    it does not count for ``to_role``. Only the new text of a reply counts: quoted history
    never decides the category.
    """
    auto = auto_reason(mail, rules, frozenset(roles))
    if auto is not None:
        return Verdict(Category.AUTO, False, SubjectType.SERVICE, (f"auto:{auto}",), auto_reason=auto)
    text = normalise(_own_words(mail))
    replying = is_reply(mail)
    to_roles = {
        roles[a.email] for a in mail.recipients if a.email in roles and not (replying and a.email == reply_address)
    }
    fired: list[Rule] = [r for r in rules.rules if _fires(r, text, to_roles, history)]
    scores: dict[str, int] = {}
    for rule in fired:
        if rule.category:
            scores[rule.category] = scores.get(rule.category, 0) + rule.weight
    category = Category.COMPLAINT
    best = max(SEVERITY, key=lambda c: (scores.get(c.value, 0), -SEVERITY.index(c)))
    if scores.get(best.value, 0) >= rules.min_score:
        category = best
    levels = [r.level for r in fired if r.level is not None and r.category == Category.ESCALATION]
    type_weights: dict[SubjectType, int] = {}
    for rule in fired:
        if rule.subject_type:
            type_weights[rule.subject_type] = type_weights.get(rule.subject_type, 0) + rule.weight
    subject_type = max(type_weights, key=lambda t: type_weights[t]) if type_weights else SubjectType.SERVICE
    return Verdict(
        category=category,
        urgent=any(r.urgent for r in fired),
        subject_type=subject_type,
        rules=tuple(r.name for r in fired),
        level=max(levels) if category == Category.ESCALATION and levels else None,
        scores=scores,
    )


def auto_reason(mail: ParsedMail, rules: Classification, own: frozenset[str] = frozenset()) -> str | None:
    """Why ``mail`` was sent by a machine (RFC 3834 and common practice), or None.

    ``own`` holds the organisation's mailbox addresses: mail from them, or carrying our own
    case header, is our own mail come back (a forwarding loop), never something to answer.
    """
    h = mail.headers
    if "x-mailbot-case" in h or (mail.sender is not None and mail.sender.email in own):
        return "our own mail came back"
    submitted = h.get("auto-submitted", "").strip().lower()
    if submitted and submitted.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {submitted}"
    precedence = h.get("precedence", "").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    for name in ("list-id", "list-unsubscribe", "list-post"):
        if name in h:
            return f"mailing list ({name})"
    if h.get("return-path", "").strip().replace(" ", "") == "<>":
        return "empty Return-Path (bounce)"
    content_type = h.get("content-type", "").lower()
    if "multipart/report" in content_type:
        return "delivery or read report"
    for name in ("x-autoreply", "x-autorespond", "x-auto-reply"):
        if name in h:
            return f"{name} header"
    suppress = {v.strip().lower() for v in h.get("x-auto-response-suppress", "").split(",")}
    if suppress & SUPPRESS_VALUES:
        return f"X-Auto-Response-Suppress: {h['x-auto-response-suppress'].strip()}"
    # A bounce or out-of-office without a usable From still has its tell-tale subject.
    if mail.sender is not None:
        for pattern in rules.auto_senders:
            if pattern.search(mail.sender.email):
                return f"automatic sender {mail.sender.email}"
    for pattern in rules.auto_subjects:
        if pattern.search(mail.subject.strip()):
            return f"automatic subject ({pattern.pattern[:40]})"
    return None


def is_reply(mail: ParsedMail) -> bool:
    """True when the mail answers an earlier one: by header, subject prefix, or a case tag only our mail gives."""
    return bool(mail.thread_ids) or bool(REPLY_PREFIX.match(mail.subject)) or bool(CASE_TAG.search(mail.subject))


def normalise(text: str) -> str:
    """Lower-case, accents removed, whitespace collapsed: the form phrases are matched in."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.split())


def _own_words(mail: ParsedMail) -> str:
    # A reply's subject repeats the first mail's words; only a new subject is the writer's own.
    subject = "" if is_reply(mail) else mail.subject
    return f"{subject}\n{mail.stripped}"


def _fires(rule: Rule, text: str, to_roles: set[str], history: CaseHistory | None) -> bool:
    if rule.when_answered and not (history and history.answered):
        return False
    if rule.at_level is not None and (history is None or history.level != rule.at_level):
        return False
    if rule.to_role is not None and rule.to_role not in to_roles:
        return False
    if not (rule.phrases or rule.patterns):
        return True
    return _matches(rule, text)


def _matches(rule: Rule, text: str) -> bool:
    for match in _phrase_regex(rule.phrases).finditer(text) if rule.phrases else ():
        if not (rule.negate and _negated(text, match.start())):
            return True
    return any(p.search(text) for p in rule.patterns)


def _negated(text: str, start: int) -> bool:
    before = re.findall(r"\w+", text[max(0, start - 40) : start])
    return any(word in NEGATIONS for word in before[-NEGATION_WINDOW:])


@lru_cache(maxsize=256)
def _phrase_regex(phrases: tuple[str, ...]) -> re.Pattern[str]:
    # One alternation per rule, longest phrase first so "niet tevreden" beats "niet".
    parts = sorted((normalise(p) for p in phrases), key=len, reverse=True)
    body = "|".join(r"\s+".join(map(re.escape, p.split())) for p in parts)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


def satisfaction(text: str, policy: PolicyRules) -> bool | None:
    """The answer to "are you satisfied?": True, False, or None when the text does not say.

    A dissatisfied phrase wins over a satisfied one ("ja, maar niet tevreden" is a no), and a
    satisfied phrase right after a negation does not count.
    """
    normal = normalise(text)

    def said(phrases: tuple[str, ...]) -> bool:
        return any(not _negated(normal, m.start()) for m in _phrase_regex(phrases).finditer(normal))

    if said(policy.dissatisfied_phrases):
        return False
    if said(policy.satisfied_phrases):
        return True
    return None


def level_after(verdict: Verdict, current: Level) -> Level:
    """The level a case moves to on an escalation: the one a rule named, else one up."""
    if verdict.level is not None and verdict.level > current:
        return verdict.level
    return Level(min(current + 1, Level.DISPUTE))
