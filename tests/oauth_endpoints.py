"""The protocol side of the tests' stand-in identity provider (tests/oauth_provider.py): tokens, codes, answers.

No sockets here: ``answer`` takes a request's method, path and form and gives the status and the JSON
document (or a redirect) that Entra ID, Google or an RFC 7662 introspection endpoint would give.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from mailbot.testing.servers import LOOPBACK

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
TENANT_GUID = "00000000-0000-4000-8000-00000000c0de"
Reply = tuple[int, dict[str, Any]]


@dataclass
class Issued:
    """An access token this provider gave out."""

    user: str
    expires_at: float  # by the provider's clock
    app: bool = False


class OAuthEndpoints:
    """Issues and checks tokens for one app registration and its users."""

    def __init__(
        self,
        *,
        client_id: str = "mailbot-test-app",
        client_secret: str = "test-secret-1",
        tenant: str = "contoso.example",
        mailbox: str = "klacht@example.nl",
        lifetime: int = 3600,
        rotate_refresh_tokens: bool = False,
    ) -> None:
        self.client_id, self.client_secret, self.tenant = client_id, client_secret, tenant
        self.mailbox = mailbox  # whose mailbox an app token opens
        self.lifetime = lifetime  # seconds an access token lives
        self.rotate_refresh_tokens = rotate_refresh_tokens  # Google: a new refresh token with every refresh
        self.clock: Callable[[], float] = time.time
        self.app_roles: tuple[str, ...] = ("IMAP.AccessAsApp", "SMTP.SendAsApp")
        self.google_consent = "grant"  # "deny": the user says no; "partial": the Gmail box left unticked
        self.grants: list[str] = []  # grant types asked for at a token endpoint, in order
        self.fail_next: list[Reply] = []  # answers the token endpoints give before any real one
        self.issued: list[str] = []  # access tokens, in the order given out
        self._tokens: dict[str, Issued] = {}
        self._refresh: dict[str, str] = {}  # refresh token -> user
        self._devices: dict[str, dict[str, Any]] = {}  # device code -> user code, approving user, declined
        self._codes: dict[str, dict[str, str]] = {}  # authorization code -> what the consent page was asked
        self._lock = threading.Lock()
        self.http_url = self.https_url = ""  # where the tokens are served from, once listening

    def valid(self, user: str, token: str) -> bool:
        """Whether ``token`` is a live access token for ``user`` (the SMTP sink's check)."""
        with self._lock:
            issued = self._tokens.get(token)
            return issued is not None and issued.expires_at > self.clock() and issued.user.lower() == user.lower()

    def approve(self, user_code: str, user: str) -> None:
        """``user`` enters ``user_code`` on the device login page and agrees."""
        with self._lock:
            device = next(d for d in self._devices.values() if d["user_code"] == user_code)
            device["user"] = user

    def decline(self, user_code: str) -> None:
        """The user enters the code and declines."""
        with self._lock:
            next(d for d in self._devices.values() if d["user_code"] == user_code)["declined"] = True

    def expire(self, token: str) -> None:
        """End an access token now (revoked, or its hour is over)."""
        with self._lock:
            self._tokens[token].expires_at = 0.0

    def revoke_refresh_tokens(self) -> None:
        """The user (or an admin) withdrew mailbot's access."""
        with self._lock:
            self._refresh.clear()

    def access_token_for(self, user: str) -> str:
        """A live access token for ``user``, as if mailbot had fetched it."""
        return str(self._access(user)["access_token"])

    def refresh_token_for(self, user: str) -> str:
        """A refresh token for ``user``, as if they had consented before (the tests' shortcut)."""
        with self._lock:
            token = f"1//{secrets.token_urlsafe(24)}"
            self._refresh[token] = user
            return token

    # --- the endpoints ---------------------------------------------------------------------------

    def answer(self, method: str, path: str, form: dict[str, str]) -> tuple[int, dict[str, Any] | str]:
        """One request -> (status, JSON document, or the Location of a redirect when the status is 302)."""
        ms = f"/{self.tenant}/"
        if method == "GET" and path.endswith("/v2.0/.well-known/openid-configuration"):
            if not path.startswith(ms):
                return 400, {"error": "invalid_tenant", "error_codes": [90002], "error_description": "AADSTS90002"}
            return 200, self._openid()
        if method == "GET" and path == "/google/auth":
            return self._consent(form)
        if method != "POST":
            return 404, {"error": "not_found"}
        if path == f"{ms}oauth2/v2.0/devicecode":
            return self._device_code(form)
        if path == f"{ms}oauth2/v2.0/token":
            return self._token(form, google=False)
        if path == "/google/token":
            return self._token(form, google=True)
        if path == "/introspect":
            with self._lock:
                issued = self._tokens.get(form.get("token", ""))
                if issued is None or issued.expires_at <= self.clock():
                    return 200, {"active": False}
                return 200, {"active": True, "username": issued.user}
        return 404, {"error": "not_found"}

    def _openid(self) -> dict[str, Any]:
        base = f"{self.https_url}/{self.tenant}"
        return {
            "issuer": f"{self.https_url}/{TENANT_GUID}/v2.0",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
        }

    def _device_code(self, form: dict[str, str]) -> Reply:
        if form.get("client_id") != self.client_id:
            return _unknown_client()
        code, user_code = secrets.token_urlsafe(32), secrets.token_hex(4).upper()
        with self._lock:
            self._devices[code] = {"user_code": user_code, "user": None, "declined": False, "scope": form.get("scope")}
        uri = f"{self.https_url}/devicelogin"
        return 200, {
            "device_code": code,
            "user_code": user_code,
            "verification_uri": uri,
            "expires_in": 900,
            "interval": 1,
            "message": f"To sign in, open {uri} and enter the code {user_code}.",
        }

    def _consent(self, query: dict[str, str]) -> tuple[int, str | dict[str, Any]]:
        redirect = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id or urlsplit(redirect).hostname != LOOPBACK:
            return 400, {"error": "invalid_request"}
        if self.google_consent == "deny":
            return 302, f"{redirect}?{urlencode({'error': 'access_denied', 'state': query.get('state', '')})}"
        code = secrets.token_urlsafe(16)
        scope = query.get("scope", "") if self.google_consent == "grant" else "openid"
        with self._lock:
            self._codes[code] = {
                "challenge": query.get("code_challenge", ""),
                "redirect_uri": redirect,
                "user": query.get("login_hint") or self.mailbox,
                "scope": scope,
            }
        return 302, f"{redirect}?{urlencode({'code': code, 'state': query.get('state', ''), 'scope': scope})}"

    def _token(self, form: dict[str, str], google: bool) -> Reply:
        grant = form.get("grant_type", "")
        with self._lock:
            self.grants.append(grant)
            if self.fail_next:
                return self.fail_next.pop(0)
        if form.get("client_id") != self.client_id:
            return _unknown_client()
        secret_ok = form.get("client_secret") == self.client_secret
        if grant == "client_credentials":
            if not secret_ok:
                return _bad_secret()
            return 200, self._access(self.mailbox, app=True)
        if grant == DEVICE_GRANT:
            return self._device_token(form.get("device_code", ""))
        if grant == "refresh_token":
            if google and not secret_ok:
                return _bad_secret()
            return self._refreshed(form, google)
        if grant == "authorization_code":
            if not secret_ok:
                return _bad_secret()
            return self._exchange(form)
        return 400, {"error": "unsupported_grant_type"}

    def _device_token(self, device_code: str) -> Reply:
        with self._lock:
            device = self._devices.get(device_code)
            if device is None:
                return 400, {"error": "expired_token", "error_description": "the code expired"}
            if device["declined"]:
                return 400, {"error": "authorization_declined", "error_description": "declined"}
            if device["user"] is None:
                return 400, {"error": "authorization_pending", "error_description": "waiting for the user"}
            del self._devices[device_code]
        return 200, self._user_tokens(device["user"], microsoft=True, scope=device["scope"])

    def _refreshed(self, form: dict[str, str], google: bool) -> Reply:
        with self._lock:
            user = self._refresh.get(form.get("refresh_token", ""))
            if user is None:
                codes = [] if google else [700082]
                return 400, {
                    "error": "invalid_grant",
                    "error_description": "Token expired or revoked",
                    "error_codes": codes,
                }
            # Entra ID always sends a new refresh token; Google only sometimes (rotate_refresh_tokens).
            if not google or self.rotate_refresh_tokens:
                del self._refresh[form["refresh_token"]]
        if not google or self.rotate_refresh_tokens:
            return 200, self._user_tokens(user, microsoft=not google, scope=form.get("scope"))
        return 200, self._access(user)

    def _exchange(self, form: dict[str, str]) -> Reply:
        with self._lock:
            asked = self._codes.pop(form.get("code", ""), None)
        if asked is None or asked["redirect_uri"] != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant", "error_description": "Bad Request"}
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != asked["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "Missing code verifier."}
        return 200, self._user_tokens(asked["user"], microsoft=False, scope=asked["scope"])

    def _access(self, user: str, app: bool = False) -> dict[str, Any]:
        claims = {"upn": user, "jti": secrets.token_hex(8), **({"roles": list(self.app_roles)} if app else {})}
        token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.x"
        with self._lock:
            self._tokens[token] = Issued(user, self.clock() + self.lifetime, app)
            self.issued.append(token)
        return {"token_type": "Bearer", "access_token": token, "expires_in": self.lifetime}

    def _user_tokens(self, user: str, microsoft: bool, scope: str | None = None) -> dict[str, Any]:
        reply = self._access(user)
        with self._lock:
            refresh = f"1//{secrets.token_urlsafe(24)}"
            self._refresh[refresh] = user
        reply.update(refresh_token=refresh, scope=scope or "https://mail.google.com/")
        if microsoft:
            uid = str(uuid.uuid5(uuid.NAMESPACE_URL, user))
            now = int(time.time())
            claims = {
                "iss": f"{self.https_url}/{TENANT_GUID}/v2.0",
                "aud": self.client_id,
                "sub": uid,
                "oid": uid,
                "tid": TENANT_GUID,
                "preferred_username": user,
                "name": user,
                "iat": now,
                "nbf": now,
                "exp": now + 3600,
                "ver": "2.0",
            }
            reply.update(
                scope=scope or "https://outlook.office365.com/IMAP.AccessAsUser.All offline_access",
                id_token=f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.",
                client_info=_b64({"uid": uid, "utid": TENANT_GUID}),
            )
        return reply


def form_of(text: str) -> dict[str, str]:
    """A query string or form body, one value a key."""
    return {key: values[0] for key, values in parse_qs(text).items()}


def _b64(doc: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(doc).encode()).rstrip(b"=").decode()


def _unknown_client() -> Reply:
    return 400, {
        "error": "unauthorized_client",
        "error_description": "AADSTS700016: Application not found in the directory.",
        "error_codes": [700016],
    }


def _bad_secret() -> Reply:
    return 401, {
        "error": "invalid_client",
        "error_description": "AADSTS7000215: Invalid client secret provided.",
        "error_codes": [7000215],
    }
