"""Which case a message belongs to: by Message-ID references, or by case tag plus a known sender."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from mailbot.config import CaseRules, Rules
from mailbot.intake.classify import REPLY_PREFIX
from mailbot.mail.replyaddress import ReplyToken
from mailbot.models import Case, Category, ParsedMail

# Our own outgoing Message-IDs name the case; a bounce quotes them in its body. Only spaces and
# tabs, and one folded line break, may surround the name: with "\s*" a run of blank lines made
# every line start rescan the rest of the run (16 kB of CRLF took 5 s).
_MESSAGE_ID_IN_TEXT = re.compile(
    rb"(?im)^[ \t]*(?:message-id|in-reply-to|references)[ \t]*:[ \t]*(?:\r?\n[ \t]+)?(<[^>\s]{3,250}>)"
)


# How a mail to a case's staff reply address joined: it counts as authenticated for commands.
STAFF_REPLY_ADDRESS = "staff-reply-address"


@dataclass(frozen=True)
class ThreadMatch:
    """Where a message belongs.

    ``case_id`` is the case it joins (None: a new case). ``stranger_of`` is set when the
    subject named a case whose parties do not include the sender: the new case is linked
    to that one and its owner warned, but the sender never enters it.
    """

    case_id: int | None
    via: str
    stranger_of: int | None = None


def find_thread(
    mail: ParsedMail,
    prefix: str | tuple[str, ...],
    case_for_ids: Callable[[Sequence[str]], int | None],
    case_by_ref: Callable[[str], Case | None],
    staff: frozenset[str],
    extra_ids: Sequence[str] = (),
    allow_tag: bool = True,
    forged: Callable[[str], bool] = lambda _mid: False,
    reply_token: ReplyToken | None = None,
) -> ThreadMatch:
    """Decide which case ``mail`` joins.

    References to any Message-ID of a case (incoming or outgoing) join it, except ids in our
    own domain that ``forged`` rejects (their HMAC does not match). So does a mail to a case's
    own reply address (``reply_token``, already checked). A case tag in the subject joins only
    when the sender is a party of that case: its customer or staff.
    """
    ids = tuple(mid for mid in (*mail.thread_ids, *extra_ids) if not forged(mid))
    by_address = case_by_ref(reply_token.ref) if reply_token else None
    if ids:
        case_id = case_for_ids(ids)
        if case_id is not None:
            # A mail client's reply to the staff address carries references too: the address still vouches.
            staff_address = reply_token is not None and reply_token.audience == "staff"
            vouched = staff_address and by_address is not None and by_address.id == case_id
            return ThreadMatch(case_id, STAFF_REPLY_ADDRESS if vouched else "references")
    if reply_token is not None and by_address is not None:
        return ThreadMatch(by_address.id, STAFF_REPLY_ADDRESS if reply_token.audience == "staff" else "reply-address")
    ref = tag_in_subject(mail.subject, prefix) if allow_tag else None
    if ref is None:
        return ThreadMatch(None, "new")
    case = case_by_ref(ref)
    if case is None:
        return ThreadMatch(None, "unknown-tag")
    sender = mail.sender.email if mail.sender else ""
    if sender and (sender == case.customer.email or sender in staff):
        return ThreadMatch(case.id, "tag")
    return ThreadMatch(None, "stranger", stranger_of=case.id)


def case_prefixes(cases: CaseRules) -> tuple[str, ...]:
    """Every prefix our references start with: complaints' (KL) and compliments' (CO)."""
    return (cases.reference_prefix, cases.compliment_prefix)


def ref_prefix(rules: Rules, category: Category) -> str:
    """The prefix of a new case's reference: a compliment is no complaint, so it has its own."""
    return rules.cases.compliment_prefix if category == Category.COMPLIMENT else rules.cases.reference_prefix


def tag_in_subject(subject: str, prefix: str | tuple[str, ...]) -> str | None:
    """The case reference in a subject such as ``Re: [KL-2026-0001] …``, upper-cased."""
    match = _tag_regex(prefix).search(subject)
    return match.group(1).upper() if match else None


def clean_subject(subject: str, prefix: str | tuple[str, ...]) -> str:
    """A subject for a case: reply prefixes and case tags removed (a stranger's tag stays out)."""
    return " ".join(REPLY_PREFIX.sub("", _tag_regex(prefix).sub(" ", subject)).split())


def ids_in_raw(raw: bytes, domain: str) -> tuple[str, ...]:
    """Message-IDs of ours quoted inside a message (how a bounce names what bounced)."""
    suffix = f"@{domain}>".encode()
    found = {m.group(1) for m in _MESSAGE_ID_IN_TEXT.finditer(raw) if m.group(1).lower().endswith(suffix)}
    return tuple(sorted(f.decode("ascii", "replace") for f in found))


@lru_cache(maxsize=8)
def _tag_regex(prefix: str | tuple[str, ...]) -> re.Pattern[str]:
    names = "|".join(re.escape(p) for p in ((prefix,) if isinstance(prefix, str) else prefix))
    return re.compile(rf"\[\s*((?:{names})-\d{{4}}-\d{{4,}})\s*\]", re.IGNORECASE)
