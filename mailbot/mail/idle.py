"""IMAP IDLE watched in slices: new mail announced, the connection proved alive, the folder proved the same."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from imapclient import IMAPClient

log = logging.getLogger("mailbot.mailbox")
# IDLE is watched in slices this long, to honour a stop request and the keepalive.
IDLE_SLICE = 2.0
# This many IDLE checks in a row that return at once and empty mean the server closed the
# connection (imapclient swallows the EOF and the socket stays readable).
EOF_CHECKS = 3


class FolderReplaced(ConnectionResetError):
    """The selected folder was replaced (new UIDVALIDITY) under the connection: connect again."""


@dataclass(frozen=True)
class IdleWatch:
    """An IDLE on the selected inbox; ``uidvalidity`` is the folder's as it was selected."""

    imap: IMAPClient
    inbox: str
    uidvalidity: int
    keepalive_seconds: float

    def until_mail(self, deadline: float, should_stop: Callable[[], bool]) -> bool:
        """Watch an IDLE until mail is announced, ``deadline`` passes or ``should_stop``.

        Every ``keepalive_seconds``, and at once after a warning from the server, the IDLE is
        ended and the connection and the folder are checked (``probe``). Returns in IDLE.
        """
        imap = self.imap
        probe_at = time.monotonic() + self.keepalive_seconds
        quick_empty = 0
        while not should_stop():
            now = time.monotonic()
            if now >= deadline:
                return False
            if now >= probe_at:
                _, during = imap.idle_done()
                news = self.probe() or announces_mail(during)
                imap.idle()
                if news:
                    return True
                probe_at = time.monotonic() + self.keepalive_seconds
                continue
            wait = min(deadline - now, probe_at - now, IDLE_SLICE)
            responses = imap.idle_check(timeout=wait)
            if any(r and r[0] == b"BYE" for r in responses):
                raise ConnectionAbortedError(f"IMAP server ended the connection during IDLE: {_text(responses)}")
            quick_empty = quick_empty + 1 if not responses and time.monotonic() - now < wait / 2 else 0
            if quick_empty >= EOF_CHECKS:
                raise ConnectionResetError("IMAP server closed the connection during IDLE")
            if announces_mail(responses):
                return True
            if any(r and r[0] in (b"NO", b"BAD") for r in responses):
                log.warning("IMAP server during IDLE: %s; checking the connection and the folder", _text(responses))
                probe_at = now
        return False

    def probe(self) -> bool:
        """Prove the connection alive and the folder still the same; True when mail was announced.

        A silent drop gives no error while we only listen: this asks and waits for the answer
        (TimeoutError after the connection's timeout). A folder deleted and created again keeps
        this session on the old one, where no new mail ever shows: its UIDVALIDITY tells, or, on
        Dovecot, which answers STATUS on the selected folder from the session's own stale view, a
        NO to every command ("Internal error"): a session that fails a NOOP is given up.
        """
        _, responses = self.imap.noop()
        failures = [r for r in responses if r and r[0] in (b"NO", b"BAD")]
        if failures:
            raise ConnectionResetError(f"IMAP session failing even a NOOP: {_text(failures)}")
        status = self.imap.folder_status(self.inbox, [b"UIDVALIDITY"])
        now_valid = int(status[b"UIDVALIDITY"])
        if now_valid != self.uidvalidity:
            raise FolderReplaced(
                f"UIDVALIDITY of {self.inbox} changed from {self.uidvalidity} to {now_valid} under this connection"
            )
        return announces_mail(responses)


def announced(imap: IMAPClient) -> bool:
    """Whether replies since the last call announced new messages (``* 12 EXISTS``).

    imapclient does not return the untagged responses of most commands; imaplib keeps them,
    and its IMAP4.response() hands them over and forgets them.
    """
    _, data = imap._imap.response("EXISTS")
    return bool(data != [None])


def announces_mail(responses: Sequence[tuple[object, ...]]) -> bool:
    """Whether untagged responses tell of new messages (``* 12 EXISTS``, ``* 1 RECENT``)."""
    return any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses)


def _text(responses: Sequence[tuple[object, ...]]) -> str:
    return "; ".join(b" ".join(p for p in r if isinstance(p, bytes)).decode("ascii", "replace") for r in responses)
