"""OAuth2 sign-in for IMAP and SMTP (SASL XOAUTH2): settings, errors, and the token reused until near expiry.

The providers live apart and are imported only when OAuth is configured, so `mailbot --help` stays
fast: microsoft.py (Microsoft 365, with msal) and google.py (Google Workspace).
"""

from __future__ import annotations

import logging
import os
import stat
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from mailbot.config import ConfigError

if TYPE_CHECKING:
    from mailbot.clock import Clock
    from mailbot.config import Settings

log = logging.getLogger("mailbot.oauth")
PROVIDERS = ("microsoft", "google")
# A token this close to its end is not used for a new login: it could expire mid-session.
MARGIN = timedelta(minutes=5)
MICROSOFT_AUTHORITY = "https://login.microsoftonline.com/{tenant}"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
GOOGLE_AUTH_URL = "https://accounts.google.com/o/oauth2/v2/auth"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class OAuthError(Exception):
    """Signing in failed in a way that waiting will not cure; the message says what to fix."""


class OAuthUnavailable(OAuthError, ConnectionError):
    """The identity provider could not be reached, or answered with a temporary error: try again later."""


@dataclass(frozen=True)
class OAuthSettings:
    """How mailbot gets access tokens; from the MAILBOT_OAUTH* variables."""

    provider: str  # "microsoft" or "google"
    client_id: str
    client_secret: str | None = field(default=None, repr=False)
    tenant: str | None = None
    # Overrides of the provider's endpoints; the tests point them at a local server.
    authority: str | None = None
    token_url: str = GOOGLE_TOKEN_URL
    auth_url: str = GOOGLE_AUTH_URL

    @property
    def app_only(self) -> bool:
        """Microsoft with a client secret: the app's own token (client credentials) for a shared mailbox."""
        return self.provider == "microsoft" and self.client_secret is not None

    @property
    def microsoft_authority(self) -> str:
        """The Entra ID authority (``https://login.microsoftonline.com/<tenant>`` unless overridden)."""
        return self.authority or MICROSOFT_AUTHORITY.format(tenant=self.tenant)

    def describe(self) -> str:
        """One line for check-config and the login command; never the secret."""
        if self.provider == "google":
            return f"Google, client {self.client_id}, refresh token from `mailbot login google`"
        flow = "client credentials (app-only)" if self.app_only else "delegated, from `mailbot login microsoft`"
        return f"Microsoft 365, tenant {self.tenant}, client {self.client_id}, {flow}"


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


def load_oauth(env: Mapping[str, str]) -> OAuthSettings | None:
    """The MAILBOT_OAUTH* variables -> OAuthSettings; None when MAILBOT_OAUTH is not set."""
    provider = env.get("MAILBOT_OAUTH", "").strip().lower()
    if not provider:
        return None
    if provider not in PROVIDERS:
        raise ConfigError("MAILBOT_OAUTH", None, f"must be one of {', '.join(PROVIDERS)}")
    client_id = env.get("MAILBOT_OAUTH_CLIENT_ID", "").strip()
    if not client_id:
        raise ConfigError("MAILBOT_OAUTH_CLIENT_ID", None, "is needed with MAILBOT_OAUTH: the app registration's id")
    secret = _client_secret(env)
    if provider == "google":
        if secret is None:
            raise ConfigError(
                "MAILBOT_OAUTH_CLIENT_SECRET", None, "Google needs the OAuth client's secret (or ..._SECRET_FILE)"
            )
        return OAuthSettings(
            provider,
            client_id,
            secret,
            token_url=_endpoint(env, "MAILBOT_OAUTH_TOKEN_URL") or GOOGLE_TOKEN_URL,
            auth_url=_endpoint(env, "MAILBOT_OAUTH_AUTH_URL") or GOOGLE_AUTH_URL,
        )
    tenant = env.get("MAILBOT_OAUTH_TENANT", "").strip()
    if not tenant:
        raise ConfigError("MAILBOT_OAUTH_TENANT", None, "Microsoft needs the directory (tenant) id or domain")
    authority = _endpoint(env, "MAILBOT_OAUTH_AUTHORITY")
    return OAuthSettings(provider, client_id, secret, tenant=tenant, authority=authority)


def _client_secret(env: Mapping[str, str]) -> str | None:
    inline = env.get("MAILBOT_OAUTH_CLIENT_SECRET", "")
    path = env.get("MAILBOT_OAUTH_CLIENT_SECRET_FILE", "")
    if inline and path:
        raise ConfigError("MAILBOT_OAUTH_CLIENT_SECRET", None, "set it or MAILBOT_OAUTH_CLIENT_SECRET_FILE, not both")
    if path:
        try:
            text = read_private(Path(path))
        except OAuthError as exc:
            raise ConfigError("MAILBOT_OAUTH_CLIENT_SECRET_FILE", None, str(exc)) from None
        if not text.strip():
            raise ConfigError("MAILBOT_OAUTH_CLIENT_SECRET_FILE", None, f"{path} is empty")
        return text.strip()
    return inline or None


def _endpoint(env: Mapping[str, str], name: str) -> str | None:
    url = env.get(name, "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    # The client secret and the tokens travel in these requests: plain http only to this machine.
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        raise ConfigError(name, None, "must be an https:// URL (http:// only to 127.0.0.1, for tests)")
    return url.rstrip("/")


def read_private(path: Path) -> str:
    """A secret file's text; refused when others than its owner may read or write it."""
    try:
        info = path.stat()
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise OAuthError(f"{path} may be read by others than its owner: chmod 600 {path}")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise OAuthError(f"{path} does not exist") from None
    except OSError as exc:
        raise OAuthError(f"cannot read {path}: {exc.strerror}") from None


def token_file(data_dir: Path, provider: str) -> Path:
    """Where the provider's sign-in (msal's token cache, or Google's refresh token) is kept, owner-only."""
    return data_dir / f"oauth-{provider}.json"


def write_token_file(path: Path, text: str) -> None:
    """Store a sign-in atomically, readable by its owner only, in a data folder created owner-only."""
    from mailbot.privacy import write_private

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_private(path, text)
    os.chmod(path, 0o600)  # mkstemp makes it so already; said once more for a file that is a secret


def tokens_for(settings: OAuthSettings, user: str, data_dir: Path, clock: Clock) -> Tokens:
    """The token cache for ``user``'s mailbox with the configured provider (nothing is fetched yet)."""
    source: TokenSource
    if settings.provider == "microsoft":
        from mailbot.auth.microsoft import MicrosoftApp, MicrosoftUser

        path = token_file(data_dir, "microsoft")
        source = MicrosoftApp(settings) if settings.app_only else MicrosoftUser(settings, user, path)
    else:
        from mailbot.auth.google import GoogleRefresh

        source = GoogleRefresh(settings, token_file(data_dir, "google"))
    return Tokens(source, clock)


def daemon_tokens(settings: Settings, clock: Clock) -> Tokens | None:
    """The daemon's tokens when IMAP or SMTP logs in with XOAUTH2; one cache serves both."""
    imap, smtp = settings.imap, settings.smtp
    uses = (imap is not None and imap.xoauth2) or (smtp is not None and smtp.xoauth2)
    if settings.oauth is None or not uses:
        return None
    user = imap.username if imap is not None else (smtp.username if smtp is not None else None)
    return tokens_for(settings.oauth, user or "", settings.data_dir, clock)
