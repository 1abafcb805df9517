"""Exactly once across a crash: a mail whose fate is unknown is looked for at the server before it is resent.

The outbox marks mail 'sending' (committed) before handing it to the SMTP server and records each
result as the server answers. A crash in between leaves the mail "in doubt": the server may have
taken it (then resending would deliver it twice) or not (then it must be sent). Only the mail
server knows, so it is asked: with ``mailbox.sent_copies``

- ``bcc``: every mail also goes to the bot's own address, delivered by the server the moment it
  takes the mail; the copy is filed in the Sent folder (pipeline.py), where staff see it too.
  Works with any server that delivers to the watched mailbox (Dovecot behind Postfix).
- ``server``: the server files mail sent over SMTP in the Sent folder itself (Gmail does, and
  Exchange Online keeps SMTP-submitted mail in Sent Items; a Bcc would store it twice there).
- ``none``: nothing to ask; the mail is resent (at least once, the old promise).

A copy can take a moment to arrive, so a mail is looked for only ``sent_check_after_seconds`` after
it was handed over; found means sent, not found means the server never took it, and it is resent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from mailbot.config import MailboxRules
from mailbot.logs import about
from mailbot.mail.send import SendResult
from mailbot.ops.outbox import Outbox, SendReport

log = logging.getLogger("mailbot.sentcheck")


class Finder(Protocol):
    """What the check needs of the mailbox (mailbox.Mailbox)."""

    inbox: str
    sent_folder: str

    def find_message_ids(self, message_ids: Sequence[str], folders: Sequence[str]) -> set[str]:
        """Which of ``message_ids`` are held in any of ``folders``."""
        ...


@dataclass
class InDoubtReport:
    """What one check decided."""

    confirmed: int = 0  # found at the server: recorded as sent, not sent again
    resent: int = 0  # not found: queued again
    waiting: int = 0  # too recent to judge yet
    next_check_at: datetime | None = None


def folders_to_search(rules: MailboxRules, finder: Finder) -> tuple[str, ...]:
    """Where copies of sent mail can be: the Sent folder, and for Bcc copies not yet filed, the
    inbox and the processed folder."""
    if rules.sent_copies == "bcc":
        return (finder.sent_folder, finder.inbox, rules.processed)
    return (finder.sent_folder,)


def resolve_in_doubt(outbox: Outbox, finder: Finder | None, rules: MailboxRules, now: datetime) -> InDoubtReport:
    """Decide every mail left 'sending' by an earlier process: sent (found at the server) or to send.

    Call only while no sending is under way. ``finder`` None (no mailbox connection) leaves them in
    doubt for the next call, unless there is nothing to ask (``sent_copies: none``).
    """
    report = InDoubtReport()
    store = outbox.store
    in_doubt = store.in_doubt()
    if not in_doubt:
        return report
    grace = timedelta(seconds=rules.sent_check_after_seconds)
    if rules.sent_copies == "none":
        ready = [mail for mail, _ in in_doubt]
    else:
        if finder is None:
            report.waiting = len(in_doubt)
            return report
        ready = [mail for mail, claimed in in_doubt if now - claimed >= grace]
        later = [claimed + grace for _, claimed in in_doubt if now - claimed < grace]
        report.waiting = len(later)
        report.next_check_at = min(later, default=None)
    if not ready:
        return report
    found: set[str] = set()
    if rules.sent_copies != "none":
        assert finder is not None
        found = finder.find_message_ids([m.message_id for m in ready], folders_to_search(rules, finder))
    for mail in ready:
        with about(message_id=mail.message_id):
            if mail.message_id in found:
                # Recorded as any accepted mail (the acknowledgement promise included).
                outbox.record(SendResult(mail, accepted=True), SendReport())
                report.confirmed += 1
                log.info("%s %s was sent before the interruption (found at the server)", mail.kind, mail.message_id)
            else:
                with store.transaction():
                    store.release([mail.id])
                report.resent += 1
                how = "no copy at the server" if rules.sent_copies != "none" else "no way to ask the server"
                log.warning("%s %s: interrupted while sending, %s; sending again", mail.kind, mail.message_id, how)
    return report
