"""Our own sent mail come back as its Bcc copy (mailbox.sent_copies: bcc; ops/sentcheck.py), known byte for byte."""

from __future__ import annotations

from mailbot.config import Rules
from mailbot.mail.msgid import is_forged
from mailbot.mail.parse import header_hint
from mailbot.mail.references import normalise_message_id
from mailbot.store import MailLogEntry, Store


def sent_copy(raw: bytes, digest: str, rules: Rules, store: Store, secret: bytes) -> MailLogEntry | None:
    """The mail log entry for our own sent mail come back as its Bcc copy, else None.

    Only a copy byte for byte (its body unchanged, behind the headers a server adds) counts: a
    genuine Message-ID of ours copied onto other mail is handled as any other mail.
    """
    if rules.mailbox.sent_copies != "bcc":
        return None
    message_id = normalise_message_id(header_hint(raw, "Message-ID"))
    if not message_id or not message_id.lower().endswith(f"@{rules.domain.lower()}>"):
        return None
    ours = store.outbox_raw(message_id)
    if ours is None or is_forged(message_id, rules.domain, secret):
        return None
    sent, case_id = ours
    if _body(raw) != _body(sent):
        return None
    return MailLogEntry(digest, message_id, "sent-copy", case_id, None)


def _body(raw: bytes) -> bytes:
    """What follows the header block: servers add trace headers on delivery, never touch this."""
    for end in (b"\r\n\r\n", b"\n\n"):
        at = raw.find(end)
        if at >= 0:
            return raw[at + len(end) :].replace(b"\r\n", b"\n")
    return b""
