"""OAuth2 access tokens for IMAP and SMTP (SASL XOAUTH2): the token reused until near expiry.

The settings and errors are in settings.py; the providers, microsoft.py (Microsoft 365, with msal)
and google.py (Google Workspace), build on this module, and providers.py picks the configured one.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from mailbot.files import private_dir, write_private

if TYPE_CHECKING:
    from mailbot.clock import Clock

log = logging.getLogger("mailbot.oauth")
# A token this close to its end is not used for a new login: it could expire mid-session.
MARGIN = timedelta(minutes=5)


@dataclass(frozen=True)
class AccessToken:
    """A bearer token and when it ends (by mailbot's clock)."""

    value: str = field(repr=False)
    expires_at: datetime
    account: str | None = None  # whose token it is, when the provider says


class TokenSource(Protocol):
    """A provider: asks for a new access token. ``fresh`` bypasses any cache of the provider's own."""

    def fetch(self, now: datetime, fresh: bool) -> AccessToken:
        """A token valid from ``now``; OAuthError (or OAuthUnavailable) with what to do when none is given."""
        ...


class Tokens:
    """The mailbox user's access token: reused while valid, fetched again within MARGIN of its end."""

    def __init__(self, source: TokenSource, clock: Clock, margin: timedelta = MARGIN) -> None:
        self.source = source
        self.clock = clock
        self.margin = margin
        self._token: AccessToken | None = None
        self._renew_at: datetime | None = None
        self._fresh = False
        self._lock = threading.Lock()  # SMTP asks from a worker thread

    def token(self) -> AccessToken:
        """A token good for at least the margin; the provider is asked only when the cached one is not."""
        with self._lock:
            now = self.clock.now()
            if self._token is None or self._renew_at is None or now >= self._renew_at:
                self._token = self.source.fetch(now, self._fresh)
                self._fresh = False
                # A token that lives less than twice the margin is renewed halfway, not at once.
                self._renew_at = max(self._token.expires_at - self.margin, now + (self._token.expires_at - now) / 2)
                log.info("OAuth access token fetched, valid until %s", self._token.expires_at.isoformat())
            return self._token

    def invalidate(self) -> None:
        """The server refused the token (revoked, or its clock is ahead): the next one is new."""
        with self._lock:
            self._token = self._renew_at = None
            self._fresh = True

    def renew_at(self) -> datetime | None:
        """When the cached token stops being good enough for a new login (None: no token yet)."""
        return self._renew_at


def token_file(data_dir: Path, provider: str) -> Path:
    """Where the provider's sign-in (msal's token cache, or Google's refresh token) is kept, owner-only."""
    return data_dir / f"oauth-{provider}.json"


def write_token_file(path: Path, text: str) -> None:
    """Store a sign-in atomically, readable by its owner only, in a data folder created owner-only."""
    private_dir(path.parent)
    write_private(path, text)
    os.chmod(path, 0o600)  # mkstemp makes it so already; said once more for a file that is a secret
