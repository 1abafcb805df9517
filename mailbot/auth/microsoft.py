"""Microsoft 365 access tokens with msal: the app's own (client credentials) or a signed-in user's (device code).

msal keeps the delegated sign-in in its SerializableTokenCache; mailbot stores that cache owner-only in the
data folder and reloads it when `mailbot login microsoft` has written a newer one.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mailbot.auth.settings import OAuthError, OAuthSettings, OAuthUnavailable, read_private
from mailbot.auth.tokens import AccessToken, write_token_file

log = logging.getLogger("mailbot.oauth")
# Exchange Online's resource: `.default` brings the application permissions admin consent granted
# (IMAP.AccessAsApp, SMTP.SendAsApp).
APP_SCOPES = ["https://outlook.office365.com/.default"]
# Delegated: msal adds offline_access (and openid, profile) itself and refuses them in this list.
USER_SCOPES = ["https://outlook.office365.com/IMAP.AccessAsUser.All", "https://outlook.office365.com/SMTP.Send"]
APP_ROLES = ("IMAP.AccessAsApp", "SMTP.SendAsApp")
# Entra's AADSTS codes that name a mistake in the set-up, with what to fix.
_AADSTS = {
    7000215: "the client secret is wrong: copy the secret's Value (not its ID) into MAILBOT_OAUTH_CLIENT_SECRET(_FILE)",
    7000222: "the client secret has expired: make a new one under Certificates & secrets",
    700016: "no application with MAILBOT_OAUTH_CLIENT_ID in this tenant: copy the Application (client) ID",
    90002: "the tenant does not exist: check MAILBOT_OAUTH_TENANT (the Directory (tenant) ID)",
    7000218: "the app registration must allow public client flows (Authentication > Allow public client flows: Yes)",
    65001: "admin consent is missing: API permissions > Grant admin consent for the organisation",
    50076: "the account needs multi-factor sign-in: run `mailbot login microsoft` again",
    700082: "the stored sign-in expired after a long time unused: run `mailbot login microsoft` again",
    50173: "the stored sign-in was revoked (password changed?): run `mailbot login microsoft` again",
}


class MicrosoftApp:
    """The app registration's own token (client credentials), for a shared mailbox it was given access to."""

    def __init__(self, settings: OAuthSettings) -> None:
        self.settings = settings
        self._app: Any = None

    def fetch(self, now: datetime, fresh: bool) -> AccessToken:
        """A token from msal's memory cache, or from Entra ID; ``fresh``: a new cache, so a new token."""
        if fresh or self._app is None:
            # msal offers no forced refresh for client credentials: a new in-memory cache is one.
            self._app = build_app(self.settings, None)
        with network(self.settings):
            result = self._app.acquire_token_for_client(scopes=APP_SCOPES)
        return access_token(result, now)


class MicrosoftUser:
    """A delegated sign-in from `mailbot login microsoft`, refreshed by msal with its refresh token."""

    def __init__(self, settings: OAuthSettings, user: str, path: Path) -> None:
        self.settings = settings
        self.user = user
        self.path = path
        self._app: Any = None
        self._cache: Any = None
        self._loaded: int | None = None  # st_mtime_ns of the file the cache came from

    def fetch(self, now: datetime, fresh: bool) -> AccessToken:
        """A token for the stored account; msal refreshes it when near its end, or at once with ``fresh``."""
        self._reload()
        account = pick_account(self._app.get_accounts(), self.user, self.path)
        with network(self.settings):
            result = self._app.acquire_token_silent_with_error(USER_SCOPES, account=account, force_refresh=fresh)
        if result is None:
            raise OAuthError(f"the sign-in in {self.path} holds no usable token: run `mailbot login microsoft` again")
        token = access_token(result, now)
        save_cache(self._cache, self.path)
        self._loaded = _mtime(self.path)
        return token

    def _reload(self) -> None:
        """(Re)build the app when the cache file is new or changed: `mailbot login` may have run meanwhile."""
        if self._app is not None and _mtime(self.path) == self._loaded:
            return
        if not self.path.exists():
            raise OAuthError(f"no Microsoft sign-in stored ({self.path} is missing): run `mailbot login microsoft`")
        self._cache = load_cache(self.path)
        self._loaded = _mtime(self.path)
        self._app = build_app(self.settings, self._cache)


def build_app(settings: OAuthSettings, cache: Any) -> Any:
    """msal's Confidential (with a secret) or Public client application, at the configured authority."""
    import msal

    extra: dict[str, Any] = {}
    if settings.authority:
        extra["instance_discovery"] = False  # a private authority (the tests'): not one Microsoft knows
    with network(settings):
        try:
            if settings.client_secret is not None:
                return msal.ConfidentialClientApplication(
                    settings.client_id,
                    client_credential=settings.client_secret,
                    authority=settings.microsoft_authority,
                    token_cache=cache,
                    **extra,
                )
            return msal.PublicClientApplication(
                settings.client_id, authority=settings.microsoft_authority, token_cache=cache, **extra
            )
        except ValueError:
            # msal's own text names the URL and guesses; ours names the variable.
            raise OAuthError(
                f"Entra ID does not know the tenant {settings.tenant!r} at {settings.microsoft_authority}: "
                "check MAILBOT_OAUTH_TENANT (the Directory (tenant) ID or the organisation's domain)"
            ) from None


@contextlib.contextmanager
def network(settings: OAuthSettings) -> Iterator[None]:
    """Turn the HTTP library's failures into OAuthUnavailable, naming the host but no request detail."""
    import requests
    from msal.exceptions import MsalServiceError

    host = urlsplit(settings.microsoft_authority).netloc
    try:
        yield
    except requests.RequestException as exc:
        raise OAuthUnavailable(f"cannot reach {host}: {type(exc).__name__}") from None
    except MsalServiceError as exc:  # an answer that is no OAuth document: a server error (5xx)
        raise OAuthUnavailable(f"{host} has trouble: {exc}") from None


def access_token(result: Mapping[str, Any] | None, now: datetime) -> AccessToken:
    """msal's answer -> AccessToken, or the OAuthError that explains it."""
    if result and "access_token" in result:
        claims = result.get("id_token_claims") or {}
        return AccessToken(
            result["access_token"],
            now + timedelta(seconds=int(result.get("expires_in", 3600))),
            account=claims.get("preferred_username"),
        )
    raise explain(result or {})


def explain(result: Mapping[str, Any]) -> OAuthError:
    """An error answer of Entra ID as what to fix; temporary trouble as OAuthUnavailable."""
    error = str(result.get("error", "no_token"))
    described = str(result.get("error_description", "")).splitlines()
    detail = described[0] if described else error
    for code in result.get("error_codes") or ():
        if code in _AADSTS:
            return OAuthError(f"Microsoft refused the sign-in: {_AADSTS[code]} ({detail})")
    if error in ("temporarily_unavailable", "server_error"):
        return OAuthUnavailable(f"Microsoft's sign-in service has trouble: {detail}")
    if error == "invalid_client":
        return OAuthError(
            f"Microsoft refused the client id or secret: check MAILBOT_OAUTH_CLIENT_ID/_SECRET ({detail})"
        )
    if error == "consent_required":
        return OAuthError(f"admin consent is missing: API permissions > Grant admin consent ({detail})")
    if error == "authorization_declined":
        return OAuthError("the sign-in was declined in the browser")
    if error in ("expired_token", "authorization_pending"):
        return OAuthError("the code was not entered in time: run `mailbot login microsoft` again")
    if error == "invalid_grant":
        return OAuthError(f"the stored sign-in is no longer valid: run `mailbot login microsoft` again ({detail})")
    return OAuthError(f"Microsoft refused the sign-in: {error}: {detail}")


def pick_account(accounts: list[dict[str, Any]], user: str, path: Path) -> dict[str, Any]:
    """The cached account of the mailbox user; the only one when a delegate signed in for a shared mailbox."""
    for account in accounts:
        if str(account.get("username", "")).lower() == user.lower():
            return account
    if len(accounts) == 1:
        return accounts[0]
    if not accounts:
        raise OAuthError(f"no Microsoft sign-in stored in {path}: run `mailbot login microsoft`")
    names = ", ".join(str(a.get("username")) for a in accounts)
    raise OAuthError(f"{path} holds sign-ins of {names}, none of them {user}: run `mailbot login microsoft` as {user}")


def load_cache(path: Path) -> Any:
    """msal's token cache from the owner-only file."""
    import msal

    cache = msal.SerializableTokenCache()
    try:
        cache.deserialize(read_private(path))
    except ValueError:
        raise OAuthError(f"{path} is not a token cache: run `mailbot login microsoft` again") from None
    return cache


def save_cache(cache: Any, path: Path) -> None:
    """Write msal's cache back (0600, atomically) when msal changed it: a refresh brings a new refresh token."""
    if cache is not None and cache.has_state_changed:
        write_token_file(path, cache.serialize())
        cache.has_state_changed = False


def token_roles(token: str) -> frozenset[str] | None:
    """The application permissions in an Exchange token (a JWT), or None when it cannot be read as one.

    Only a hint for `mailbot login`: Microsoft calls its access tokens opaque, so nothing depends on it.
    """
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return None
    roles = claims.get("roles") if isinstance(claims, dict) else None
    return frozenset(str(r) for r in roles) if isinstance(roles, list) else frozenset()


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None
