"""IMAP via imapclient: new UIDs, UIDVALIDITY, IDLE or polling, and moving mail after commit.

How a backlog is cut into downloads is planned in ``downloads.py``; an IDLE is watched in ``idle.py``.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from mailbot.config import ImapSettings, MailboxRules
from mailbot.mail.downloads import plan_downloads
from mailbot.mail.idle import IdleWatch, announced, announces_mail

if TYPE_CHECKING:
    from imapclient import IMAPClient

    from mailbot.auth.tokens import Tokens

log = logging.getLogger("mailbot.mailbox")
FETCH_BATCH = 50
# At most this many bytes of mail in memory per download (a message over it comes alone).
FETCH_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Fetched:
    """One message as the server holds it."""

    uid: int
    raw: bytes
    arrived: datetime | None
    # Set when only the header was downloaded: the whole message's size, over the limit.
    size: int | None = None


class Mailbox:
    """The watched IMAP folder. Never deletes mail: it only moves it after the state is committed."""

    def __init__(self, settings: ImapSettings, folders: MailboxRules, tokens: Tokens | None = None) -> None:
        self.settings = settings
        self.folders = folders
        self.inbox = settings.folder or folders.inbox
        self.client: IMAPClient | None = None
        self.uidvalidity = 0
        self.capabilities: frozenset[bytes] = frozenset()
        self.tokens = tokens  # XOAUTH2: access tokens instead of the password
        self.renew_at: datetime | None = None  # log in again before the session's token ends
        self.sent_folder = folders.sent or "Sent"  # resolved at connect()

    def connect(self) -> None:
        """Log in, create the processed and quarantine folders when absent, select the inbox."""
        from imapclient import IMAPClient

        client = IMAPClient(
            self.settings.host, port=self.settings.port, ssl=self.settings.ssl, timeout=self.settings.timeout
        )
        try:
            self._login(client)
            self.sent_folder = self._sent_folder(client)
            made = (self.folders.processed, self.folders.quarantine)
            for folder in (*made, self.sent_folder) if self.folders.sent_copies == "bcc" else made:
                if not client.folder_exists(folder):
                    client.create_folder(folder)
                    log.info("created IMAP folder %s", folder)
            status = client.select_folder(self.inbox)
            self.capabilities = frozenset(client.capabilities())
        except Exception:
            _quietly(client.logout)
            raise
        self.client = client
        self.uidvalidity = int(status[b"UIDVALIDITY"])
        log.info(
            "connected to %s:%d as %s, folder %s (UIDVALIDITY %d, IDLE %s, MOVE %s)",
            self.settings.host,
            self.settings.port,
            self.settings.username,
            self.inbox,
            self.uidvalidity,
            self.has(b"IDLE"),
            self.has(b"MOVE"),
        )

    def _sent_folder(self, client: IMAPClient) -> str:
        """The folder of sent mail: as configured, else the one the server marks \\Sent (RFC 6154), else "Sent"."""
        if self.folders.sent:
            return self.folders.sent
        try:
            found = client.find_special_folder(b"\\Sent")
        except Exception:  # a server without LIST extensions: the usual name
            found = None
        return found or "Sent"

    def find_message_ids(self, message_ids: Sequence[str], folders: Sequence[str]) -> set[str]:
        """Which of ``message_ids`` the server holds in any of ``folders`` (copies of mail it took).

        The inbox is selected again afterwards, whatever happens.
        """
        imap = self._client()
        found: set[str] = set()
        try:
            for folder in dict.fromkeys(folders):
                if folder != self.inbox:
                    if not imap.folder_exists(folder):
                        continue
                    imap.select_folder(folder, readonly=True)
                else:
                    imap.select_folder(folder)
                for message_id in message_ids:
                    if message_id not in found and imap.search(["HEADER", "Message-ID", message_id]):
                        found.add(message_id)
        finally:
            imap.select_folder(self.inbox)
        return found

    def _login(self, client: IMAPClient) -> None:
        """LOGIN with the password, or AUTHENTICATE XOAUTH2 with a token good for at least oauth.MARGIN."""
        if not self.settings.xoauth2 or self.tokens is None:
            client.login(self.settings.username, self.settings.password)
            return
        from imapclient.exceptions import LoginError

        token = self.tokens.token()
        try:
            client.oauth2_login(self.settings.username, token.value)
        except LoginError:
            # Revoked, or the server's clock is ahead of ours: once more with a new token.
            log.warning("IMAP server refused the access token; trying once more with a new one")
            self.tokens.invalidate()
            token = self.tokens.token()
            client.oauth2_login(self.settings.username, token.value)
        # Microsoft 365 ends a session when its token expires: the daemon logs in again before that.
        self.renew_at = self.tokens.renew_at()

    def renew_due(self, now: datetime) -> bool:
        """Whether the session's token is about to end, so the connection should be made anew."""
        return self.client is not None and self.renew_at is not None and now >= self.renew_at

    def close(self) -> None:
        """Log out; errors on the way out do not matter."""
        if self.client is not None:
            _quietly(self.client.logout)
            self.client = None

    def drop(self) -> None:
        """Close the connection without logging out: after a failure it may be dead, and a LOGOUT
        would wait a whole timeout for an answer that never comes."""
        if self.client is not None:
            _quietly(self.client.shutdown)
            self.client = None

    def has(self, capability: bytes) -> bool:
        """Whether the server announced ``capability``."""
        return capability in self.capabilities

    def uids_after(self, last_uid: int) -> list[int]:
        """UIDs in the inbox above ``last_uid``, ascending."""
        imap = self._client()
        # "n:*" always names the highest message, even below n: filter it out.
        return sorted(uid for uid in imap.search(["UID", f"{last_uid + 1}:*"]) if uid > last_uid)

    def fetch(self, uids: Sequence[int], max_message_bytes: int) -> Iterator[Fetched]:
        """The raw messages, in UID order; BODY.PEEK leaves the \\Seen flag alone.

        The sizes are asked first, so that one download holds at most FETCH_BATCH messages and
        FETCH_BYTES bytes (a backlog of large mail must not fill the memory), and a message over
        ``max_message_bytes`` is never downloaded: only its header is, with ``size`` telling why.
        """
        if not uids:
            return
        imap = self._client()
        sizes = {uid: int(item.get(b"RFC822.SIZE", 0)) for uid, item in imap.fetch(list(uids), ["RFC822.SIZE"]).items()}
        for download in plan_downloads(uids, sizes, max_message_bytes, FETCH_BATCH, FETCH_BYTES):
            yield from self._download(download.uids, download.part, download.size)

    def _download(self, uids: list[int], part: str, size: int | None = None) -> Iterator[Fetched]:
        if not uids:
            return
        data = self._client().fetch(uids, [part, "INTERNALDATE"])
        key = part.replace(".PEEK", "").encode()
        for uid in uids:
            item = data.get(uid)
            if item is None or key not in item:
                continue  # expunged by someone else meanwhile
            yield Fetched(uid, item[key], _aware(item.get(b"INTERNALDATE")), size)

    def arrival_times(self, uids: Sequence[int]) -> dict[int, datetime | None]:
        """INTERNALDATE of each UID: a backlog's ages, without downloading a message."""
        imap = self._client()
        result: dict[int, datetime | None] = {}
        for start in range(0, len(uids), 500):
            for uid, item in imap.fetch(list(uids[start : start + 500]), ["INTERNALDATE"]).items():
                result[uid] = _aware(item.get(b"INTERNALDATE"))
        return result

    def message_ids(self, uids: Sequence[int]) -> dict[int, str]:
        """Message-ID header of each UID, for recognising mail after a UIDVALIDITY change."""
        imap = self._client()
        result: dict[int, str] = {}
        for start in range(0, len(uids), 500):
            chunk = list(uids[start : start + 500])
            for uid, item in imap.fetch(chunk, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]).items():
                header = next((v for k, v in item.items() if k.startswith(b"BODY[HEADER")), b"")
                value = header.decode("ascii", "replace").partition(":")[2].strip()
                result[uid] = value
        return result

    def move(self, uids: Sequence[int], folder: str) -> None:
        """Move messages to ``folder``: MOVE where offered, else COPY, flag and expunge only these UIDs."""
        if not uids:
            return
        imap = self._client()
        if self.has(b"MOVE"):
            imap.move(list(uids), folder)
            return
        imap.copy(list(uids), folder)
        imap.add_flags(list(uids), [b"\\Deleted"])
        if self.has(b"UIDPLUS"):
            imap.uid_expunge(list(uids))
        else:
            imap.expunge()

    def wait(self, seconds: float, should_stop: Callable[[], bool], after_uid: int = 0) -> bool:
        """Wait up to ``seconds`` for new mail: IDLE when offered, else sleep and poll.

        Returns True when there is, or may be, new mail. Wakes at least every few seconds to
        honour ``should_stop``. Raises ConnectionError when the server ends the connection, and
        TimeoutError when the keepalive gets no answer: a silent drop is found within
        ``keepalive_seconds`` plus the connection's timeout.
        """
        imap = self._client()
        # A mail that arrived during the last batch was announced in the reply to some other
        # command (MOVE, FETCH) and will not be announced again in IDLE: look once more, as the
        # last command before IDLE, so that anything later is announced during IDLE itself. That
        # look is a UID SEARCH, whose result may predate a `* n EXISTS` in its own reply: heed it.
        announced(imap)  # older announcements: the search sees those messages
        if self.uids_after(after_uid) or announced(imap):
            return True
        deadline = time.monotonic() + seconds
        if not self.has(b"IDLE"):
            deadline = min(deadline, time.monotonic() + self.folders.poll_seconds)
            while time.monotonic() < deadline and not should_stop():
                time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
            imap.noop()
            return False
        imap.idle()
        # Only a normal end says DONE: after trouble the connection is dropped, not talked to.
        watch = IdleWatch(imap, self.inbox, self.uidvalidity, self.folders.keepalive_seconds)
        changed = watch.until_mail(deadline, should_stop)
        _, responses = imap.idle_done()
        return changed or announces_mail(responses)

    def _client(self) -> IMAPClient:
        if self.client is None:
            raise ConnectionError("not connected to the IMAP server")
        return self.client


def _aware(moment: object) -> datetime | None:
    if not isinstance(moment, datetime):
        return None
    # imapclient gives INTERNALDATE as local time without a zone; astimezone reads it so.
    return moment.astimezone(UTC)


def _quietly(action: Callable[[], object]) -> None:
    with contextlib.suppress(Exception):  # closing must never raise
        action()
