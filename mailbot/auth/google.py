"""Google Workspace access tokens: the refresh token from `mailbot login google`, kept owner-only.

Plain OAuth 2.0 over urllib (three form posts and a URL): Google's token endpoint needs no library.
When Google hands out a new refresh token it replaces the stored one at once; an old one that is no
longer valid and a new one that was never saved is how other helpdesks lose their Gmail sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from mailbot.auth.settings import OAuthError, OAuthSettings, OAuthUnavailable, read_private
from mailbot.auth.tokens import AccessToken, write_token_file

log = logging.getLogger("mailbot.oauth")
SCOPE = "https://mail.google.com/"  # IMAP and SMTP both need the full mail scope
TIMEOUT = 30.0
_HINTS = {
    "invalid_client": "Google does not know this client: copy MAILBOT_OAUTH_CLIENT_ID and _SECRET from the OAuth "
    "client (type Desktop app)",
    "unauthorized_client": "this OAuth client may not use this flow: make it of type Desktop app",
    "invalid_scope": f"the OAuth consent screen must allow the scope {SCOPE}",
    "redirect_uri_mismatch": "the OAuth client must be of type Desktop app (it takes any 127.0.0.1 port)",
}


@dataclass(frozen=True)
class StoredSignIn:
    """What `mailbot login google` keeps: the refresh token and whose it is."""

    refresh_token: str = field(repr=False)
    account: str | None = None


class GoogleRefresh:
    """Access tokens from the stored refresh token; a rotated refresh token is stored before it is used."""

    def __init__(self, settings: OAuthSettings, path: Path) -> None:
        self.settings = settings
        self.path = path

    def fetch(self, now: datetime, fresh: bool) -> AccessToken:
        """A new access token from Google's token endpoint (Google keeps no cache for us to bypass)."""
        stored = load_sign_in(self.path)
        reply = post_token(
            self.settings,
            {"grant_type": "refresh_token", "refresh_token": stored.refresh_token},
            "refreshing the access token",
        )
        rotated = reply.get("refresh_token")
        if isinstance(rotated, str) and rotated and rotated != stored.refresh_token:
            save_sign_in(self.path, StoredSignIn(rotated, stored.account))
            log.info("Google gave a new refresh token; stored in %s", self.path)
        return token_from(reply, now, stored.account)


def token_from(reply: dict[str, Any], now: datetime, account: str | None) -> AccessToken:
    """The token endpoint's answer -> AccessToken."""
    value = reply.get("access_token")
    if not isinstance(value, str) or not value:
        raise OAuthError("Google's token endpoint answered without an access token")
    return AccessToken(value, now + timedelta(seconds=int(reply.get("expires_in", 3600))), account)


def post_token(settings: OAuthSettings, fields: dict[str, str], doing: str) -> dict[str, Any]:
    """POST a grant to the token endpoint; the JSON answer, or OAuthError with what to fix."""
    body = urlencode(
        {**fields, "client_id": settings.client_id, "client_secret": settings.client_secret or ""}
    ).encode()
    request = urllib.request.Request(
        settings.token_url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    host = urlsplit(settings.token_url).netloc
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            return dict(json.loads(answer.read()))
    except urllib.error.HTTPError as exc:
        status, reply = exc.code, _json(exc.read())
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise OAuthUnavailable(f"cannot reach {host} while {doing}: {getattr(exc, 'reason', exc)}") from None
    except ValueError:
        raise OAuthUnavailable(f"{host} answered without JSON while {doing}") from None
    error = str(reply.get("error", f"HTTP {status}"))
    detail = str(reply.get("error_description", "")) or error
    if status >= 500 or error == "temporarily_unavailable":
        raise OAuthUnavailable(f"{host} has trouble while {doing}: {detail}")
    if error == "invalid_grant" and fields["grant_type"] == "refresh_token":
        raise OAuthError(
            "Google no longer accepts the stored sign-in (revoked, the password changed, or a consent screen in "
            f"Testing, whose tokens last 7 days): run `mailbot login google` again ({detail})"
        )
    if error == "invalid_grant":
        raise OAuthError(
            f"Google refused the code (expired or used already): run `mailbot login google` again ({detail})"
        )
    hint = _HINTS.get(error, f"{error}: {detail}")
    raise OAuthError(f"Google refused {doing}: {hint}")


def _json(raw: bytes) -> dict[str, Any]:
    try:
        doc = json.loads(raw)
    except ValueError:
        return {}
    return doc if isinstance(doc, dict) else {}


def pkce_pair() -> tuple[str, str]:
    """A PKCE verifier and its S256 challenge (RFC 7636)."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def consent_url(settings: OAuthSettings, redirect_uri: str, challenge: str, state: str, login_hint: str | None) -> str:
    """The page where the mailbox's owner agrees; offline access with a forced prompt, so a refresh token comes."""
    query = {
        "client_id": settings.client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": SCOPE,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": state,
        "access_type": "offline",
        "prompt": "consent",
    }
    if login_hint:
        query["login_hint"] = login_hint
    return f"{settings.auth_url}?{urlencode(query)}"


def exchange_code(settings: OAuthSettings, code: str, redirect_uri: str, verifier: str) -> dict[str, Any]:
    """The authorization code -> tokens; refused unless Google granted the mail scope and a refresh token."""
    reply = post_token(
        settings,
        {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier},
        "exchanging the code",
    )
    if SCOPE not in str(reply.get("scope", SCOPE)).split():
        raise OAuthError(f"consent did not include mail access ({SCOPE}): tick the Gmail box on the consent page")
    if not reply.get("refresh_token"):
        raise OAuthError(
            "Google sent no refresh token: remove mailbot under myaccount.google.com > Security > "
            "Third-party access, then run `mailbot login google` again"
        )
    return reply


def load_sign_in(path: Path) -> StoredSignIn:
    """The stored refresh token; OAuthError naming the command to run when there is none."""
    if not path.exists():
        raise OAuthError(f"no Google sign-in stored ({path} is missing): run `mailbot login google`")
    try:
        doc = json.loads(read_private(path))
        return StoredSignIn(str(doc["refresh_token"]), doc.get("account"))
    except (ValueError, KeyError, TypeError):
        raise OAuthError(f"{path} holds no refresh token: run `mailbot login google` again") from None


def save_sign_in(path: Path, sign_in: StoredSignIn) -> None:
    """Store the refresh token owner-only (0600), atomically: a crash leaves the old one or the new one."""
    doc = {"refresh_token": sign_in.refresh_token, "account": sign_in.account}
    write_token_file(path, json.dumps(doc, indent=2) + "\n")
