"""Decide what a mail is: signs of automatic mail, rules.yaml's rules, the judgement (mailbot/intake/judgement)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from functools import lru_cache

from mailbot.config import Classification, Rule
from mailbot.intake.answers import read_answer
from mailbot.intake.judgement.decide import RuleOutcome, judge

# normalise lives with the lexicon, is_reply, REPLY_PREFIX and CASE_TAG with the other signals; imported from here too.
from mailbot.intake.judgement.lexicon import normalise as normalise
from mailbot.intake.judgement.model import load_model
from mailbot.intake.judgement.signals import CASE_TAG as CASE_TAG
from mailbot.intake.judgement.signals import REPLY_PREFIX as REPLY_PREFIX
from mailbot.intake.judgement.signals import Signals, is_reply, read_signals, without_closing
from mailbot.models import CaseHistory, Category, ParsedMail, SubjectType, Verdict

# Words that turn "tevreden" into its opposite when they come just before it.
NEGATIONS = frozenset({"niet", "geen", "nooit", "not", "no", "never"})
NEGATION_WINDOW = 2
SUPPRESS_VALUES = frozenset({"all", "autoreply", "oof"})
# classification.auto.bodies is matched only in a text this short (the writer's own words).
AUTO_BODY_CHARS = 800


def classify(
    mail: ParsedMail,
    rules: Classification,
    roles: Mapping[str, str],
    history: CaseHistory | None = None,
    reply_address: str | None = None,
    *,
    organisation: str = "",
    use_model: bool = True,
) -> Verdict:
    """Decide what ``mail`` is, how sure that is (``confidence``) and why (``explanation``, Dutch).

    ``roles`` maps the organisation's addresses to their role (formal / first_line);
    ``history`` describes the case the mail threads into, if any. ``reply_address`` is where
    our own mail asks for answers: a reply that goes there did not choose that mailbox, so
    it does not count for ``to_role``. Only the new text of a reply counts for the words;
    the quoted part counts only as structure (it quotes our answer: an escalation sign).
    rules.yaml's rules fire as before and their scores are added to the model's (see
    mailbot/intake/judgement/decide.py); ``use_model=False`` leaves the rules alone.
    """
    auto = auto_reason(mail, rules, frozenset(roles))
    if auto is not None:
        return Verdict(
            Category.AUTO,
            False,
            SubjectType.SERVICE,
            (f"auto:{auto}",),
            auto_reason=auto,
            confidence=1.0,
            explanation=f"Herkend als automatisch bericht: {auto_reason_nl(auto)}.",
        )
    outcome, signals = read_mail(mail, rules, roles, history, reply_address, organisation)
    judged = judge(signals, outcome, load_model() if use_model else None, rules.min_score)
    category = judged.category
    return Verdict(
        category=category,
        urgent=judged.urgent,
        subject_type=judged.subject_type,
        rules=outcome.fired,
        level=max(outcome.levels) if category == Category.ESCALATION and outcome.levels else None,
        scores=outcome.scores,
        confidence=judged.confidence,
        explanation=judged.explanation,
    )


def read_mail(
    mail: ParsedMail,
    rules: Classification,
    roles: Mapping[str, str],
    history: CaseHistory | None = None,
    reply_address: str | None = None,
    organisation: str = "",
) -> tuple[RuleOutcome, Signals]:
    """rules.yaml's outcome and the signals of one (human) mail: everything the decision reads."""
    # A closing is polite whatever the mood: "Alvast bedankt" under a complaint is no thanks.
    text = without_closing(normalise(_own_words(mail)))
    replying = is_reply(mail)
    to_roles = {
        roles[a.email] for a in mail.recipients if a.email in roles and not (replying and a.email == reply_address)
    }
    evidence: dict[str, str] = {}
    fired: list[Rule] = []
    for rule in rules.rules:
        found = _evidence(rule, text, to_roles, history)
        if found is not None:
            fired.append(rule)
            evidence[rule.name] = found
    scores: dict[str, int] = {}
    state_scores: dict[str, int] = {}
    type_weights: dict[SubjectType, int] = {}
    for rule in fired:
        if rule.category:
            scores[rule.category] = scores.get(rule.category, 0) + rule.weight
            if rule.when_answered or rule.at_level is not None:
                state_scores[rule.category] = state_scores.get(rule.category, 0) + rule.weight
        if rule.subject_type:
            type_weights[rule.subject_type] = type_weights.get(rule.subject_type, 0) + rule.weight
    outcome = RuleOutcome(
        fired=tuple(r.name for r in fired),
        scores=scores,
        type_weights=type_weights,
        urgent=any(r.urgent for r in fired),
        levels=tuple(r.level for r in fired if r.level is not None and r.category == Category.ESCALATION),
        evidence=evidence,
        state_scores=state_scores,
        votes={r.name: r.category for r in fired if r.category},
    )
    domains = {address.split("@")[-1] for address in roles}
    our_names = tuple(sorted({f"@{d}" for d in domains} | ({normalise(organisation)} if organisation else set())))
    signals = read_signals(mail, frozenset(to_roles), history, our_names)
    return outcome, with_check_answer(signals, mail)


def with_check_answer(signals: Signals, mail: ParsedMail) -> Signals:
    """``signals`` with how the writer answers our satisfaction check, when the mail answers one.

    The same reading the case's answer step gives (intake/answers.py), so a mail answering a check
    is judged alike whether or not our database knows its case (a new install, a lost thread).
    """
    if not signals.extra.get("quoted_check"):
        return signals
    reading = read_answer(mail.stripped)
    return dataclasses.replace(signals, extra={**signals.extra, f"check_{reading.answer.value}": 1.0})


def auto_reason_nl(reason: str) -> str:
    """A Dutch rendering of auto_reason() for staff."""
    lower = reason.lower()
    for key, text in (
        ("our own mail", "ons eigen bericht kwam terug"),
        ("automatic text", "de tekst is een afwezigheidsmelding"),
        ("auto-submitted", "de afzender meldt een automatisch bericht (Auto-Submitted)"),
        ("precedence", "massamail of automatisch antwoord (Precedence)"),
        ("mailing list", "bericht van een mailinglijst of nieuwsbrief"),
        ("bounce", "onbestelbaar-melding (bounce)"),
        ("report", "afleverings- of leesbevestiging"),
        ("header", "afwezigheidsmelding of automatisch antwoord"),
        ("suppress", "automatisch verstuurd (X-Auto-Response-Suppress)"),
        ("sender", "afzender is een systeemadres"),
        ("subject", "onderwerp van een automatisch antwoord of bounce"),
    ):
        if key in lower:
            return f"{text} ({reason})"
    return reason


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
    return _auto_by_pattern(mail, rules)


def _auto_by_pattern(mail: ParsedMail, rules: Classification) -> str | None:
    # rules.yaml's signs of automatic mail: the sender, the subject, an out-of-office's text.
    if mail.sender is not None and not _web_form(mail, rules):
        for pattern in rules.auto_senders:
            if pattern.search(mail.sender.email):
                return f"automatic sender {mail.sender.email}"
    # A bounce or out-of-office without a usable From still has its tell-tale subject.
    for pattern in rules.auto_subjects:
        if pattern.search(mail.subject.strip()):
            return f"automatic subject ({pattern.pattern[:40]})"
    # An out-of-office is short; a long mail that names an absence is a person writing.
    if len(mail.stripped) <= AUTO_BODY_CHARS:
        for pattern in rules.auto_bodies:
            if pattern.search(mail.stripped):
                return f"automatic text ({pattern.pattern[:40]})"
    return None


def _web_form(mail: ParsedMail, rules: Classification) -> bool:
    # A web form sends from noreply@ but puts the person who filled it in under Reply-To: a human.
    return any(not any(p.search(a.email) for p in rules.auto_senders) for a in mail.reply_to)


def _own_words(mail: ParsedMail) -> str:
    # A reply's subject repeats the first mail's words; only a new subject is the writer's own.
    subject = "" if is_reply(mail) else mail.subject
    # The full stop keeps a phrase or a negation from running from the subject into the text.
    return f"{subject}.\n{mail.stripped}" if subject else mail.stripped


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


def _evidence(rule: Rule, text: str, to_roles: set[str], history: CaseHistory | None) -> str | None:
    # None: the rule does not fire; otherwise the phrase that made it fire ("" for a rule on state only).
    if not _fires(rule, text, to_roles, history):
        return None
    if not (rule.phrases or rule.patterns):
        return ""
    for match in _phrase_regex(rule.phrases).finditer(text) if rule.phrases else ():
        if not (rule.negate and _negated(text, match.start())):
            return match.group(0)
    for pattern in rule.patterns:
        found = pattern.search(text)
        if found:
            return found.group(0)
    return ""


def _matches(rule: Rule, text: str) -> bool:
    for match in _phrase_regex(rule.phrases).finditer(text) if rule.phrases else ():
        if not (rule.negate and _negated(text, match.start())):
            return True
    return any(p.search(text) for p in rule.patterns)


def _negated(text: str, start: int) -> bool:
    # A negation does not reach across a sentence end ("Pas werkt niet. Mijn toegangspas ...").
    window = re.split(r"[.!?;:]", text[max(0, start - 40) : start])[-1]
    before = re.findall(r"\w+", window)
    return any(word in NEGATIONS for word in before[-NEGATION_WINDOW:])


@lru_cache(maxsize=256)
def _phrase_regex(phrases: tuple[str, ...]) -> re.Pattern[str]:
    # One alternation per rule, longest phrase first so "niet tevreden" beats "niet".
    parts = sorted((normalise(p) for p in phrases), key=len, reverse=True)
    body = "|".join(r"\s+".join(map(re.escape, p.split())) for p in parts)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")
