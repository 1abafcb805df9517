"""OAuth2 settings from the MAILBOT_OAUTH* variables, and the errors of signing in.

Part of the configuration (config.load_settings reads it), so it imports nothing above
mailbot.errors: the tokens and the providers (tokens.py, microsoft.py, google.py) build on it.
"""

from __future__ import annotations

import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from mailbot.errors import ConfigError

PROVIDERS = ("microsoft", "google")
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
