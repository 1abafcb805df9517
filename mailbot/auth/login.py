"""`mailbot login microsoft|google`: sign the mailbox in, store what the daemon needs, prove IMAP and SMTP work.

Every failure ends in one line that says what to fix, in the admin portal or in the environment.
"""

from __future__ import annotations

import asyncio
import math
import secrets
import sys
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from mailbot.auth.settings import OAuthError, OAuthSettings
from mailbot.auth.tokens import AccessToken, token_file
from mailbot.config import ImapSettings, Settings, SmtpSettings

# What an IMAP or SMTP server that refuses a fresh token most likely lacks, per kind of sign-in.
_IMAP_HINTS = {
    "app": "Exchange must know the app and let it into the mailbox: New-ServicePrincipal and "
    "Add-MailboxPermission (README, Microsoft 365); new permissions can take an hour to apply",
    "user": "the signed-in account needs Full Access to the mailbox, and IMAP must be on for it "
    "(Set-CASMailbox -ImapEnabled $true)",
    "google": "IMAP must be allowed in the Google Admin console and switched on in Gmail's settings",
}
_SMTP_HINTS = {
    "app": "SMTP AUTH must be on for the mailbox (Set-CASMailbox -SmtpClientAuthenticationDisabled $false) "
    "and the app needs SMTP.SendAsApp",
    "user": "SMTP AUTH must be on for the mailbox (Set-CASMailbox -SmtpClientAuthenticationDisabled $false)",
    "google": "the Google account must be allowed to send through smtp.gmail.com",
}


def login(provider: str, settings: Settings, timeout: float, port: int) -> int:
    """Run the sign-in for ``provider``; the exit code (0 signed in and proven, 1 failed, 2 not configured)."""
    oauth = settings.oauth
    if oauth is None:
        _fail("set MAILBOT_OAUTH, MAILBOT_OAUTH_CLIENT_ID and the rest first (README: Microsoft 365, Google Workspace)")
        return 2
    if oauth.provider != provider:
        _fail(f"MAILBOT_OAUTH is {oauth.provider}, not {provider}")
        return 2
    user = settings.imap.username if settings.imap else None
    _say(f"Signing in: {oauth.describe()}.")
    try:
        if provider == "google":
            token = _google(oauth, settings.data_dir, user, timeout, port)
        elif oauth.app_only:
            token = _microsoft_app(oauth)
        else:
            token = _microsoft_device(oauth, settings.data_dir, user, timeout)
        kind = provider if provider == "google" else "app" if oauth.app_only else "user"
        _prove_imap(settings.imap, token, kind)
        _prove_smtp(settings.smtp, token, kind)
    except OAuthError as exc:
        _fail(f"sign-in failed: {exc}")
        return 1
    _say("Done: `mailbot run` will log in with XOAUTH2 and renew the token by itself.")
    return 0


def _microsoft_app(oauth: OAuthSettings) -> AccessToken:
    """Client credentials: one token proves the app registration, its secret and the admin consent."""
    from mailbot.auth.microsoft import APP_ROLES, MicrosoftApp, token_roles

    token = MicrosoftApp(oauth).fetch(datetime.now(UTC), fresh=True)
    _say(f"Microsoft accepted the app registration and its secret (token valid until {_local(token.expires_at)}).")
    roles = token_roles(token.value)
    missing = [role for role in APP_ROLES if roles is not None and role not in roles]
    if "IMAP.AccessAsApp" in missing:
        raise OAuthError(
            "the token carries no IMAP.AccessAsApp: add it under API permissions > APIs my organization uses > "
            "Office 365 Exchange Online > Application permissions, then Grant admin consent"
        )
    if missing:
        _say("Warning: the token carries no SMTP.SendAsApp: sending will be refused until it is added and consented.")
    return token


def _microsoft_device(oauth: OAuthSettings, data_dir: Path, user: str | None, timeout: float) -> AccessToken:
    """Device code: the admin signs in in any browser; msal's cache (with the refresh token) is stored 0600."""
    import msal

    from mailbot.auth.microsoft import USER_SCOPES, access_token, build_app, explain, load_cache, network, save_cache

    path = token_file(data_dir, "microsoft")
    cache = load_cache(path) if path.exists() else msal.SerializableTokenCache()
    app = build_app(oauth, cache)
    with network(oauth):
        flow = app.initiate_device_flow(scopes=USER_SCOPES)
    if "user_code" not in flow:
        raise explain(flow)
    _say(f"Open {flow['verification_uri']} in a browser and enter the code {flow['user_code']}")
    _say(f"Sign in as {user or 'the mailbox user'}. Waiting up to {timeout:.0f} s ...")
    flow["expires_at"] = min(float(flow.get("expires_at") or math.inf), time.time() + timeout)
    with network(oauth):
        result = app.acquire_token_by_device_flow(flow)
    token = access_token(result, datetime.now(UTC))
    save_cache(cache, path)
    account = token.account or user or "the signed-in user"
    _say(f"Signed in as {account}; the sign-in is stored in {path} (owner-only) and renews itself.")
    if user and account.lower() != user.lower():
        _say(f"mailbot will open {user}'s mailbox as {account}: {account} needs Full Access to it.")
    else:
        _say(f"mailbot can now read {account}'s mailbox.")
    return token


def _google(oauth: OAuthSettings, data_dir: Path, user: str | None, timeout: float, port: int) -> AccessToken:
    """Installed-app flow: consent in a browser, back to a loopback address, the code exchanged with PKCE."""
    from mailbot.auth.google import StoredSignIn, consent_url, exchange_code, pkce_pair, save_sign_in, token_from

    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(24)
    with _Redirect(port) as redirect:
        uri = f"http://127.0.0.1:{redirect.port}/"
        _say(f"Open this address in a browser and sign in as {user or 'the mailbox user'}:\n")
        _say(f"  {consent_url(oauth, uri, challenge, state, user)}\n")
        _say(f"Waiting up to {timeout:.0f} s for the browser to come back to {uri}")
        _say(f"(on a server without a browser: ssh -L {redirect.port}:127.0.0.1:{redirect.port} to it first).")
        answer = redirect.wait(timeout)
    if answer is None:
        raise OAuthError(f"the browser did not come back within {timeout:.0f} s: run again and open the address")
    if answer.get("state") != state:
        raise OAuthError("the browser brought an answer for another sign-in (state differs): run again")
    if answer.get("error") == "access_denied":
        raise OAuthError("consent was refused in the browser")
    if "code" not in answer:
        raise OAuthError(f"Google answered {answer.get('error', 'without a code')}")
    reply = exchange_code(oauth, answer["code"], uri, verifier)
    path = token_file(data_dir, "google")
    save_sign_in(path, StoredSignIn(str(reply["refresh_token"]), user))
    _say(f"Signed in; the refresh token is stored in {path} (owner-only).")
    return token_from(reply, datetime.now(UTC), user)


def _prove_imap(imap: ImapSettings | None, token: AccessToken, kind: str) -> None:
    """Log in over IMAP with the new token and count the inbox, or say why the server refused."""
    if imap is None or not imap.xoauth2:
        _say("MAILBOT_IMAP_URL names no user without a password: IMAP not tried.")
        return
    from imapclient import IMAPClient
    from imapclient.exceptions import IMAPClientError, LoginError

    folder = imap.folder or "INBOX"
    try:
        with IMAPClient(imap.host, port=imap.port, ssl=imap.ssl, timeout=imap.timeout) as client:
            try:
                client.oauth2_login(imap.username, token.value)
            except LoginError:
                raise OAuthError(
                    f"the IMAP server refused the token for {imap.username}: {_IMAP_HINTS[kind]}"
                ) from None
            count = int(client.select_folder(folder, readonly=True)[b"EXISTS"])
    except (OSError, IMAPClientError) as exc:
        raise OAuthError(f"IMAP {imap.host}:{imap.port}: {type(exc).__name__}: {exc}") from None
    _say(f"IMAP: logged in to {imap.host} as {imap.username} with XOAUTH2; {folder} holds {count} message(s).")


def _prove_smtp(smtp: SmtpSettings | None, token: AccessToken, kind: str) -> None:
    """AUTH XOAUTH2 at the SMTP server without sending anything, or say why the server refused."""
    if smtp is None or not smtp.xoauth2:
        _say("MAILBOT_SMTP_URL names no user without a password: SMTP not tried.")
        return
    import aiosmtplib

    from mailbot.mail.send import connection

    async def check() -> None:
        client = connection(smtp)
        await client.connect()
        try:
            await client.auth_xoauth2(smtp.username or "", token.value)
        finally:
            client.close()

    try:
        asyncio.run(check())
    except aiosmtplib.SMTPAuthenticationError:
        raise OAuthError(f"the SMTP server refused the token for {smtp.username}: {_SMTP_HINTS[kind]}") from None
    except (OSError, aiosmtplib.SMTPException) as exc:
        raise OAuthError(f"SMTP {smtp.host}:{smtp.port}: {type(exc).__name__}: {exc}") from None
    _say(f"SMTP: {smtp.host} accepted AUTH XOAUTH2 for {smtp.username}.")


class _Redirect:
    """A one-shot HTTP server on 127.0.0.1 that waits for the browser's return from the consent page."""

    def __init__(self, port: int) -> None:
        self.answer: dict[str, str] | None = None
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                if urlsplit(self.path).path != "/" or not ({"code", "error"} & query.keys()):
                    self.send_error(404)  # a browser also asks for /favicon.ico
                    return
                outer.answer = query
                text = "mailbot: signed in, this window may be closed." if "code" in query else "mailbot: no consent."
                body = text.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return  # the query holds the code: not for the terminal

        try:
            self.server = HTTPServer(("127.0.0.1", port), Handler)
        except OSError as exc:
            raise OAuthError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}; choose another --port") from None
        self.port = int(self.server.server_address[1])

    def wait(self, timeout: float) -> dict[str, str] | None:
        """The redirect's query parameters, or None when ``timeout`` seconds passed without one."""
        deadline = time.monotonic() + timeout
        while self.answer is None and time.monotonic() < deadline:
            self.server.timeout = min(1.0, max(0.01, deadline - time.monotonic()))
            self.server.handle_request()
        return self.answer

    def __enter__(self) -> _Redirect:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.server_close()


def _say(text: str) -> None:
    print(text, flush=True)  # flushed: the admin (or a test) acts on each line as it comes


def _fail(text: str) -> None:
    print(f"mailbot: {text}", file=sys.stderr, flush=True)


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
