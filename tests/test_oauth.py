"""OAuth2 sign-in (XOAUTH2) for IMAP and SMTP: settings, token refresh, `mailbot login`, the daemon on tokens only.

A local identity provider (tests/oauth_provider.py) stands in for Entra ID and Google; Dovecot checks tokens
through its oauth2 passdb (introspection at that provider) and the SMTP sink checks them the same way.
"""

from __future__ import annotations

import email
import os
import queue
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.policy import default as default_policy
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import REPO, Bot, mode, run_mailbot
from oauth_provider import FakeIdentityProvider

from mailbot.auth.google import GoogleRefresh, StoredSignIn, load_sign_in, save_sign_in
from mailbot.auth.microsoft import MicrosoftApp, MicrosoftUser
from mailbot.auth.settings import OAuthError, OAuthSettings, OAuthUnavailable
from mailbot.auth.tokens import AccessToken, Tokens, token_file
from mailbot.clock import FrozenClock
from mailbot.config import ConfigError, load_settings
from mailbot.demo import compose_mail
from mailbot.ops.daemon import Daemon
from mailbot.testing.servers import Dovecot, SmtpSink, free_port

# The SMTP sink offers AUTH without TLS: on loopback only, as aiosmtpd warns for every connection.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
BOT = "klacht@example.nl"
FIRST_LINE = "beveiliging@example.nl"
XOAUTH2_LOGIN = f"Login: user=<{BOT}>, method=XOAUTH2"


@pytest.fixture
def idp(tmp_path: Path) -> Iterator[FakeIdentityProvider]:
    with FakeIdentityProvider(tmp_path / "idp") as provider:
        yield provider


@pytest.fixture
def trusted(idp: FakeIdentityProvider, monkeypatch: pytest.MonkeyPatch) -> FakeIdentityProvider:
    """The provider, with its HTTPS certificate trusted by msal (requests) in this process."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(idp.ca_file))
    return idp


@pytest.fixture
def oauth_dovecot(tmp_path: Path, dovecot_binary: str, idp: FakeIdentityProvider) -> Iterator[Dovecot]:
    with Dovecot(tmp_path / "dovecot", binary=dovecot_binary, oauth2_introspection_url=idp.introspection_url) as server:
        yield server


@pytest.fixture
def oauth_sink(oauth_dovecot: Dovecot, idp: FakeIdentityProvider) -> Iterator[SmtpSink]:
    with SmtpSink(oauth_dovecot, xoauth2=idp.valid) as sink:
        yield sink


def oauth_env(idp: FakeIdentityProvider, dovecot: Dovecot, sink: SmtpSink, data: Path, provider: str) -> dict[str, str]:
    """MAILBOT_* for the bot's mailbox with URLs without passwords: XOAUTH2 only."""
    dovecot.url(BOT)  # makes the user's home, as a chrooted Dovecot needs
    env = {
        "MAILBOT_IMAP_URL": f"imap://{quote(BOT, safe='')}@127.0.0.1:{dovecot.port}/INBOX",
        "MAILBOT_SMTP_URL": f"smtp://{quote(BOT, safe='')}@127.0.0.1:{sink.port}",
        "MAILBOT_DB": str(data / "mailbot.db"),
        "MAILBOT_RULES": str(REPO / "rules.yaml"),
        "MAILBOT_OAUTH": provider,
        "MAILBOT_OAUTH_CLIENT_ID": idp.client_id,
    }
    if provider == "google":
        env |= {
            "MAILBOT_OAUTH_CLIENT_SECRET": idp.client_secret,
            "MAILBOT_OAUTH_TOKEN_URL": idp.google_token_url,
            "MAILBOT_OAUTH_AUTH_URL": idp.google_auth_url,
        }
    else:
        env |= {"MAILBOT_OAUTH_TENANT": idp.tenant, "MAILBOT_OAUTH_AUTHORITY": idp.authority}
    return env


def oauth_bot(dovecot: Dovecot, sink: SmtpSink, tmp_path: Path, env: dict[str, str]) -> Bot:
    bot = Bot(dovecot, sink, tmp_path / "data")
    bot.settings = load_settings(environ=env)
    assert bot.settings.imap is not None and bot.settings.imap.xoauth2
    assert bot.settings.smtp is not None and bot.settings.smtp.xoauth2
    return bot


def process_env(idp: FakeIdentityProvider, env: dict[str, str]) -> dict[str, str]:
    """The environment of a `mailbot` process: msal trusts the provider's certificate through requests."""
    return {**os.environ, **env, "REQUESTS_CA_BUNDLE": str(idp.ca_file)}


def seed_google(idp: FakeIdentityProvider, data: Path) -> str:
    """A stored Google sign-in, as `mailbot login google` leaves it."""
    refresh = idp.refresh_token_for(BOT)
    save_sign_in(token_file(data, "google"), StoredSignIn(refresh, BOT))
    return refresh


def acked(sink: SmtpSink, customer: str) -> bool:
    for delivered in sink.messages:
        message = email.message_from_bytes(delivered.raw, policy=default_policy)
        if customer in delivered.rcpt_tos and message["Auto-Submitted"] == "auto-replied":
            return True
    return False


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout} s")
        time.sleep(0.05)


class Lines:
    """A process's standard output, line by line as it comes, with a timeout."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.seen: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def until(self, pattern: str, timeout: float = 30) -> re.Match[str]:
        deadline = datetime.now(UTC) + timedelta(seconds=timeout)
        while True:
            left = (deadline - datetime.now(UTC)).total_seconds()
            try:
                line = self._lines.get(timeout=max(0.01, left))
            except queue.Empty:
                pytest.fail(f"no line matching {pattern!r} within {timeout} s; got {self.seen}")
            if line is None:
                pytest.fail(f"output ended without {pattern!r}: {self.seen}")
            self.seen.append(line)
            found = re.search(pattern, line)
            if found:
                return found

    def rest(self, timeout: float = 30) -> tuple[int, str, str]:
        code = self.proc.wait(timeout=timeout)
        while (line := self._lines.get(timeout=5)) is not None:
            self.seen.append(line)
        assert self.proc.stderr is not None
        return code, "".join(self.seen), self.proc.stderr.read()


def start_mailbot(env: dict[str, str], *args: str) -> Lines:
    proc = subprocess.Popen(
        [sys.executable, "-m", "mailbot", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return Lines(proc)


def google_login(idp: FakeIdentityProvider, dovecot: Dovecot, sink: SmtpSink, data: Path) -> tuple[Lines, str]:
    """`mailbot login google` started, and the consent address it printed."""
    login = start_mailbot(process_env(idp, oauth_env(idp, dovecot, sink, data, "google")), "login", "google")
    return login, login.until(r"(http://127\.0\.0\.1:\d+/google/auth\?\S+)")[1]


def secret_file(folder: Path, text: str, mode: int = 0o600) -> Path:
    path = folder / "client-secret"
    path.write_text(text)
    path.chmod(mode)
    return path


# --- settings ----------------------------------------------------------------------------------


def test_oauth_settings_come_from_the_environment_and_urls_without_password_mean_xoauth2(tmp_path: Path) -> None:
    secret = secret_file(tmp_path, "s3cr3t-from-file\n")
    env = {
        "MAILBOT_IMAP_URL": "imaps://klacht%40example.nl@outlook.office365.com/INBOX",
        "MAILBOT_SMTP_URL": "smtp://klacht%40example.nl@smtp.office365.com:587",
        "MAILBOT_OAUTH": "microsoft",
        "MAILBOT_OAUTH_CLIENT_ID": "11111111-2222",
        "MAILBOT_OAUTH_TENANT": "contoso.onmicrosoft.com",
        "MAILBOT_OAUTH_CLIENT_SECRET_FILE": str(secret),
    }
    settings = load_settings(environ=env)

    assert settings.imap is not None and settings.imap.xoauth2
    assert settings.smtp is not None and settings.smtp.xoauth2
    assert settings.oauth is not None and settings.oauth.app_only
    assert settings.oauth.client_secret == "s3cr3t-from-file"
    assert settings.oauth.microsoft_authority == "https://login.microsoftonline.com/contoso.onmicrosoft.com"
    assert "s3cr3t" not in repr(settings) and "s3cr3t" not in settings.oauth.describe()
    # A URL with a password keeps its password; without MAILBOT_OAUTH nothing changes.
    with_password = load_settings(environ=env | {"MAILBOT_SMTP_URL": "smtp://relay%40example.nl:pw@relay.example.nl"})
    assert with_password.smtp is not None and not with_password.smtp.xoauth2
    plain = load_settings(environ={k: v for k, v in env.items() if not k.startswith("MAILBOT_OAUTH")})
    assert plain.oauth is None and plain.imap is not None and not plain.imap.xoauth2

    google = load_settings(
        environ={"MAILBOT_OAUTH": "google", "MAILBOT_OAUTH_CLIENT_ID": "id", "MAILBOT_OAUTH_CLIENT_SECRET": "gs"}
    ).oauth
    assert google is not None and google.token_url == "https://oauth2.googleapis.com/token" and not google.app_only


@pytest.mark.parametrize(
    ("change", "variable", "words"),
    [
        ({"MAILBOT_OAUTH": "yahoo"}, "MAILBOT_OAUTH", "microsoft, google"),
        ({"MAILBOT_OAUTH_CLIENT_ID": ""}, "MAILBOT_OAUTH_CLIENT_ID", "app registration"),
        ({"MAILBOT_OAUTH_TENANT": ""}, "MAILBOT_OAUTH_TENANT", "tenant"),
        ({"MAILBOT_OAUTH_CLIENT_SECRET": "x"}, "MAILBOT_OAUTH_CLIENT_SECRET", "not both"),
        ({"MAILBOT_OAUTH_AUTHORITY": "http://login.example.net/t"}, "MAILBOT_OAUTH_AUTHORITY", "https://"),
        ({"MAILBOT_OAUTH_CLIENT_SECRET_FILE": "/nonexistent/secret"}, "MAILBOT_OAUTH_CLIENT_SECRET_FILE", "not exist"),
    ],
)
def test_oauth_mistakes_are_refused_naming_the_variable(
    tmp_path: Path, change: dict[str, str], variable: str, words: str
) -> None:
    env = {
        "MAILBOT_OAUTH": "microsoft",
        "MAILBOT_OAUTH_CLIENT_ID": "id",
        "MAILBOT_OAUTH_TENANT": "contoso",
        "MAILBOT_OAUTH_CLIENT_SECRET_FILE": str(secret_file(tmp_path, "s3cr3t")),
    }
    with pytest.raises(ConfigError) as refused:
        load_settings(environ=env | change)
    assert str(refused.value).startswith(variable) and words in str(refused.value)


def test_a_secret_file_others_can_read_is_refused_without_showing_the_secret(tmp_path: Path) -> None:
    shared = secret_file(tmp_path, "s3cr3t", mode=0o644)
    env = {"MAILBOT_OAUTH": "google", "MAILBOT_OAUTH_CLIENT_ID": "id", "MAILBOT_OAUTH_CLIENT_SECRET_FILE": str(shared)}
    with pytest.raises(ConfigError) as refused:
        load_settings(environ=env)
    assert "chmod 600" in str(refused.value) and "s3cr3t" not in str(refused.value)


# --- the token cache ---------------------------------------------------------------------------


class CountingSource:
    """Tokens that live ``lifetime``; records every fetch."""

    def __init__(self, lifetime: timedelta) -> None:
        self.lifetime = lifetime
        self.fetches: list[tuple[datetime, bool]] = []

    def fetch(self, now: datetime, fresh: bool) -> AccessToken:
        self.fetches.append((now, fresh))
        return AccessToken(f"token-{len(self.fetches)}", now + self.lifetime)


def test_a_token_is_reused_while_valid_and_fetched_again_five_minutes_before_its_end() -> None:
    clock = FrozenClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    source = CountingSource(timedelta(hours=1))
    tokens = Tokens(source, clock)

    assert tokens.token().value == "token-1"
    clock.advance(timedelta(minutes=54, seconds=59))
    assert tokens.token().value == "token-1"  # still more than the margin left
    assert tokens.renew_at() == datetime(2026, 11, 2, 9, 55, tzinfo=UTC)
    clock.advance(timedelta(seconds=1))
    assert tokens.token().value == "token-2"  # five minutes before the end: a new one
    tokens.invalidate()  # the server refused it
    assert tokens.token().value == "token-3"
    assert [fresh for _, fresh in source.fetches] == [False, False, True]


def test_a_short_lived_token_is_renewed_halfway_not_at_every_use() -> None:
    clock = FrozenClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    source = CountingSource(timedelta(minutes=4))  # shorter than the margin
    tokens = Tokens(source, clock)
    tokens.token()
    assert tokens.token().value == "token-1"
    clock.advance(timedelta(minutes=2))
    assert tokens.token().value == "token-2"


# --- Google: refresh tokens --------------------------------------------------------------------


def google_settings(idp: FakeIdentityProvider, secret: str | None = None) -> OAuthSettings:
    return OAuthSettings(
        "google",
        idp.client_id,
        secret or idp.client_secret,
        token_url=idp.google_token_url,
        auth_url=idp.google_auth_url,
    )


def test_google_rotated_refresh_token_is_stored_owner_only_and_used_next(idp: FakeIdentityProvider, tmp_path: Path):
    idp.rotate_refresh_tokens = True
    first = seed_google(idp, tmp_path)
    path = token_file(tmp_path, "google")
    tokens = Tokens(GoogleRefresh(google_settings(idp), path), FrozenClock(datetime.now(UTC)))

    token = tokens.token()
    assert idp.valid(BOT, token.value) and token.account == BOT
    second = load_sign_in(path).refresh_token
    assert second != first and mode(path) == 0o600
    tokens.invalidate()
    assert idp.valid(BOT, tokens.token().value)  # the old refresh token is gone at the provider: the new one worked
    assert load_sign_in(path).refresh_token not in (first, second)
    assert idp.grants == ["refresh_token", "refresh_token"]


def test_google_endpoint_errors_say_what_to_do(idp: FakeIdentityProvider, tmp_path: Path) -> None:
    refresh = seed_google(idp, tmp_path)
    path = token_file(tmp_path, "google")
    now = datetime.now(UTC)

    with pytest.raises(OAuthError, match="does not know this client") as wrong:
        GoogleRefresh(google_settings(idp, secret="wrong-secret"), path).fetch(now, False)
    idp.fail_next.append((503, {"error": "backendError"}))
    with pytest.raises(OAuthUnavailable, match="has trouble"):
        GoogleRefresh(google_settings(idp), path).fetch(now, False)
    idp.revoke_refresh_tokens()
    with pytest.raises(OAuthError, match="run `mailbot login google` again") as revoked:
        GoogleRefresh(google_settings(idp), path).fetch(now, False)
    gone = replace(google_settings(idp), token_url=f"http://127.0.0.1:{free_port()}/token")
    with pytest.raises(OAuthUnavailable, match="cannot reach"):
        GoogleRefresh(gone, path).fetch(now, False)
    with pytest.raises(OAuthError, match="run `mailbot login google`"):
        GoogleRefresh(google_settings(idp), tmp_path / "missing.json").fetch(now, False)
    for error in (wrong.value, revoked.value):
        assert "wrong-secret" not in str(error) and refresh not in str(error)


# --- Microsoft: msal against a local authority ----------------------------------------------------


def microsoft_settings(
    idp: FakeIdentityProvider, secret: str | None = None, tenant: str | None = None
) -> OAuthSettings:
    return OAuthSettings(
        "microsoft",
        idp.client_id,
        secret,
        tenant=tenant or idp.tenant,
        authority=f"{idp.https_url}/{tenant or idp.tenant}",
    )


def test_microsoft_app_token_is_reused_and_set_up_mistakes_are_named(trusted: FakeIdentityProvider) -> None:
    idp = trusted
    clock = FrozenClock(datetime.now(UTC))
    tokens = Tokens(MicrosoftApp(microsoft_settings(idp, idp.client_secret)), clock)

    first = tokens.token()
    assert tokens.token() is first and idp.valid(BOT, first.value)
    clock.advance(timedelta(minutes=56))
    tokens.invalidate()  # msal keeps the old one in its cache: a fresh app asks again
    assert tokens.token().value != first.value
    assert idp.grants == ["client_credentials", "client_credentials"]

    with pytest.raises(OAuthError, match="client secret is wrong") as wrong:
        MicrosoftApp(microsoft_settings(idp, "not-the-secret")).fetch(clock.now(), False)
    assert "not-the-secret" not in str(wrong.value)
    with pytest.raises(OAuthError, match="MAILBOT_OAUTH_TENANT"):
        MicrosoftApp(microsoft_settings(idp, idp.client_secret, tenant="no-such-tenant")).fetch(clock.now(), False)
    idp.fail_next.append((503, {"error": "temporarily_unavailable", "error_description": "busy"}))
    with pytest.raises(OAuthUnavailable):
        MicrosoftApp(microsoft_settings(idp, idp.client_secret)).fetch(clock.now(), False)


@pytest.mark.integration
def test_microsoft_delegated_sign_in_refreshes_from_the_stored_cache(
    trusted: FakeIdentityProvider, oauth_dovecot: Dovecot, oauth_sink: SmtpSink, tmp_path: Path
) -> None:
    idp = trusted
    data = tmp_path / "data"
    env = process_env(idp, oauth_env(idp, oauth_dovecot, oauth_sink, data, "microsoft"))
    login = start_mailbot(env, "login", "microsoft", "--timeout", "60")
    idp.approve(login.until(r"enter the code (\w+)")[1], BOT)
    code, _, _ = login.rest()
    assert code == 0
    cache = token_file(data, "microsoft")
    stored = cache.read_text()

    clock = FrozenClock(datetime.now(UTC))
    user = Tokens(MicrosoftUser(microsoft_settings(idp), BOT, cache), clock)
    token = user.token()  # from the cache: no request
    assert idp.valid(BOT, token.value) and idp.grants.count("refresh_token") == 0
    user.invalidate()
    assert user.token().value != token.value
    assert idp.grants.count("refresh_token") == 1
    assert cache.read_text() != stored and mode(cache) == 0o600  # the rotated refresh token was saved

    idp.revoke_refresh_tokens()
    user.invalidate()
    with pytest.raises(OAuthError, match="run `mailbot login microsoft` again"):
        user.token()
    with pytest.raises(OAuthError, match="run `mailbot login microsoft`"):
        MicrosoftUser(microsoft_settings(idp), BOT, tmp_path / "none.json").fetch(clock.now(), False)


# --- the servers check tokens ------------------------------------------------------------------


@pytest.mark.integration
def test_dovecot_takes_a_live_token_and_refuses_a_wrong_or_expired_one(
    idp: FakeIdentityProvider, oauth_dovecot: Dovecot, tmp_path: Path
) -> None:
    from imapclient import IMAPClient
    from imapclient.exceptions import LoginError

    seed_google(idp, tmp_path)
    token = Tokens(GoogleRefresh(google_settings(idp), token_file(tmp_path, "google")), FrozenClock(datetime.now(UTC)))
    live = token.token().value
    oauth_dovecot.url(BOT)

    def login(user: str, value: str) -> None:
        with IMAPClient(oauth_dovecot.host, oauth_dovecot.port, ssl=False, timeout=10) as client:
            client.oauth2_login(user, value)
            client.select_folder("INBOX")

    login(BOT, live)
    with pytest.raises(LoginError):
        login(BOT, live + "x")
    with pytest.raises(LoginError):
        login("someone-else@example.nl", live)  # a token opens its own user's mailbox only
    idp.expire(live)
    with pytest.raises(LoginError):
        login(BOT, live)
    assert oauth_dovecot.log_text().count(XOAUTH2_LOGIN) == 1


@pytest.mark.integration
def test_smtp_sink_takes_a_live_token_and_refuses_a_wrong_one_and_mail_without_login(
    idp: FakeIdentityProvider, oauth_sink: SmtpSink
) -> None:
    import asyncio

    import aiosmtplib

    live = idp.access_token_for(BOT)

    async def send(token: str | None) -> None:
        client = aiosmtplib.SMTP(hostname=oauth_sink.host, port=oauth_sink.port, start_tls=False)
        await client.connect()
        try:
            if token is not None:
                await client.auth_xoauth2(BOT, token)
            await client.sendmail(BOT, ["klant@example.net"], b"Subject: x\r\n\r\nx\r\n")
        finally:
            client.close()

    asyncio.run(send(live))
    with pytest.raises(aiosmtplib.SMTPAuthenticationError):
        asyncio.run(send("not-a-token"))
    with pytest.raises(aiosmtplib.SMTPSenderRefused):
        asyncio.run(send(None))
    assert oauth_sink.xoauth2_logins == [BOT] and len(oauth_sink.messages) == 1


# --- `mailbot login` ------------------------------------------------------------------------------


@pytest.mark.integration
def test_login_microsoft_device_code_polls_stores_the_cache_and_proves_imap_and_smtp(
    idp: FakeIdentityProvider, oauth_dovecot: Dovecot, oauth_sink: SmtpSink, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    env = process_env(idp, oauth_env(idp, oauth_dovecot, oauth_sink, data, "microsoft"))
    login = start_mailbot(env, "login", "microsoft", "--timeout", "60")
    found = login.until(r"Open (\S+) in a browser and enter the code (\w+)")
    assert found[1] == f"{idp.https_url}/devicelogin"
    login.until("Waiting")
    time.sleep(1.5)  # the admin is still typing: a poll or two is answered "pending"
    idp.approve(found[2], BOT)
    code, out, err = login.rest()

    assert code == 0, out + err
    assert idp.grants.count("urn:ietf:params:oauth:grant-type:device_code") >= 2  # polled
    assert f"mailbot can now read {BOT}'s mailbox" in out
    assert f"IMAP: logged in to 127.0.0.1 as {BOT} with XOAUTH2; INBOX holds 0 message(s)" in out
    assert f"SMTP: 127.0.0.1 accepted AUTH XOAUTH2 for {BOT}" in out
    assert mode(token_file(data, "microsoft")) == 0o600 and mode(data) == 0o700


@pytest.mark.integration
def test_login_microsoft_says_what_is_wrong(
    idp: FakeIdentityProvider, oauth_dovecot: Dovecot, oauth_sink: SmtpSink, tmp_path: Path
) -> None:
    env = process_env(idp, oauth_env(idp, oauth_dovecot, oauth_sink, tmp_path / "data", "microsoft"))

    declined = start_mailbot(env, "login", "microsoft")
    idp.decline(declined.until(r"enter the code (\w+)")[1])
    code, _, err = declined.rest()
    assert code == 1 and "the sign-in was declined" in err

    late = run_mailbot("login", "microsoft", "--timeout", "1", env=env)
    assert late.returncode == 1 and "the code was not entered in time" in late.stderr

    app = env | {"MAILBOT_OAUTH_CLIENT_SECRET": "Wr0ng-S3cret"}
    wrong = run_mailbot("login", "microsoft", env=app)
    assert wrong.returncode == 1 and "client secret is wrong" in wrong.stderr and "Wr0ng-S3cret" not in wrong.stderr

    idp.app_roles = ("SMTP.SendAsApp",)  # IMAP.AccessAsApp not consented
    consent = run_mailbot("login", "microsoft", env=app | {"MAILBOT_OAUTH_CLIENT_SECRET": idp.client_secret})
    assert (
        consent.returncode == 1 and "no IMAP.AccessAsApp" in consent.stderr and "Grant admin consent" in consent.stderr
    )

    idp.app_roles = ("IMAP.AccessAsApp", "SMTP.SendAsApp")
    idp.mailbox = "someone-else@example.nl"  # the app was not let into this mailbox
    refused = run_mailbot("login", "microsoft", env=app | {"MAILBOT_OAUTH_CLIENT_SECRET": idp.client_secret})
    assert refused.returncode == 1 and "Add-MailboxPermission" in refused.stderr
    assert "Microsoft accepted the app registration" in refused.stdout

    other = run_mailbot("login", "google", env=env)
    assert other.returncode == 2 and "MAILBOT_OAUTH is microsoft, not google" in other.stderr


@pytest.mark.integration
def test_login_google_consent_comes_back_to_the_loopback_address_and_the_refresh_token_is_stored(
    idp: FakeIdentityProvider, oauth_dovecot: Dovecot, oauth_sink: SmtpSink, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    login, url = google_login(idp, oauth_dovecot, oauth_sink, data)
    assert "code_challenge_method=S256" in url and "access_type=offline" in url and "login_hint=" in url
    with urllib.request.urlopen(url, timeout=10) as browser:  # consent, then the redirect to mailbot
        assert browser.read() == b"mailbot: signed in, this window may be closed."
    code, out, err = login.rest()

    assert code == 0, out + err
    stored = load_sign_in(token_file(data, "google"))
    assert stored.account == BOT and mode(token_file(data, "google")) == 0o600
    assert f"IMAP: logged in to 127.0.0.1 as {BOT} with XOAUTH2" in out and "SMTP: 127.0.0.1 accepted" in out
    assert stored.refresh_token not in out + err


@pytest.mark.integration
@pytest.mark.parametrize(
    ("consent", "words"),
    [("deny", "consent was refused"), ("partial", "tick the Gmail box")],
)
def test_login_google_refused_or_partial_consent_is_named(
    idp: FakeIdentityProvider, oauth_dovecot: Dovecot, oauth_sink: SmtpSink, tmp_path: Path, consent: str, words: str
) -> None:
    idp.google_consent = consent
    login, url = google_login(idp, oauth_dovecot, oauth_sink, tmp_path / "data")
    with urllib.request.urlopen(url, timeout=10):
        pass
    code, _, err = login.rest()
    assert code == 1 and words in err
    assert not token_file(tmp_path / "data", "google").exists()


def test_login_google_gives_up_after_the_timeout(idp: FakeIdentityProvider, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "MAILBOT_OAUTH": "google",
        "MAILBOT_OAUTH_CLIENT_ID": idp.client_id,
        "MAILBOT_OAUTH_CLIENT_SECRET": idp.client_secret,
        "MAILBOT_OAUTH_AUTH_URL": idp.google_auth_url,
        "MAILBOT_OAUTH_TOKEN_URL": idp.google_token_url,
        "MAILBOT_DB": str(tmp_path / "data" / "mailbot.db"),
    }
    result = run_mailbot("login", "google", "--timeout", "1", env=env)
    assert result.returncode == 1 and "did not come back within 1 s" in result.stderr


# --- the daemon on tokens only -------------------------------------------------------------------


@pytest.mark.integration
def test_run_once_reads_and_sends_with_microsoft_app_tokens_only(
    idp: FakeIdentityProvider, oauth_dovecot: Dovecot, oauth_sink: SmtpSink, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    env = oauth_env(idp, oauth_dovecot, oauth_sink, data, "microsoft") | {
        "MAILBOT_OAUTH_CLIENT_SECRET_FILE": str(secret_file(tmp_path, idp.client_secret))
    }
    oauth_dovecot.append(BOT, compose_mail("anna@example.net", FIRST_LINE, "Klacht", "De monteur is niet gekomen."))

    result = run_mailbot("-v", "run", "--once", env=process_env(idp, env))

    assert result.returncode == 0, result.stderr
    assert acked(oauth_sink, "anna@example.net")
    assert oauth_sink.xoauth2_logins == [BOT]
    assert oauth_dovecot.log_text().count(XOAUTH2_LOGIN) == 1
    # Handled and moved; what the inbox holds now are the Bcc copies of the mail just sent.
    assert all(b"\r\nX-Mailbot-Case: KL-2026-0001\r\n" in raw for raw in oauth_dovecot.fetch_all(BOT))
    assert idp.grants == ["client_credentials"]  # one token for IMAP and SMTP
    for secret in (idp.client_secret, *idp.issued):
        assert secret not in result.stdout + result.stderr


@pytest.mark.integration
def test_daemon_logs_in_again_with_a_new_token_before_the_old_one_ends(
    idp: FakeIdentityProvider, oauth_dovecot: Dovecot, oauth_sink: SmtpSink, tmp_path: Path
) -> None:
    env = oauth_env(idp, oauth_dovecot, oauth_sink, tmp_path / "data", "google")
    bot = oauth_bot(oauth_dovecot, oauth_sink, tmp_path, env)
    seed_google(idp, bot.settings.data_dir)
    bot.deliver(compose_mail("een@example.net", FIRST_LINE, "Klacht", "De camera is kapot."))
    started: queue.Queue[Daemon] = queue.Queue()
    failed: list[BaseException] = []

    def serve() -> None:
        daemon = bot.daemon()  # its database connection belongs to this thread
        started.put(daemon)
        try:
            daemon.run()
        except BaseException as exc:
            failed.append(exc)
        finally:
            daemon.store.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    daemon = started.get(timeout=15)
    try:
        wait_for(lambda: acked(oauth_sink, "een@example.net"), 30, "the first acknowledgement")
        assert daemon.mailbox.renew_at == bot.clock.now() + timedelta(minutes=55)
        bot.clock.advance(timedelta(minutes=56))  # the session's token has four minutes left
        bot.deliver(compose_mail("twee@example.net", FIRST_LINE, "Klacht", "Het alarm gaat steeds af."))
        wait_for(lambda: acked(oauth_sink, "twee@example.net"), 30, "the second acknowledgement")
    finally:
        daemon.stop()
        thread.join(30)
    assert not failed and not thread.is_alive()
    assert oauth_dovecot.log_text().count(XOAUTH2_LOGIN) == 2
    assert idp.grants == ["refresh_token", "refresh_token"]
    assert oauth_sink.xoauth2_logins == [BOT, BOT]


@pytest.mark.integration
def test_a_revoked_token_is_replaced_when_the_daemon_connects_again(
    idp: FakeIdentityProvider,
    oauth_dovecot: Dovecot,
    oauth_sink: SmtpSink,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    env = oauth_env(idp, oauth_dovecot, oauth_sink, tmp_path / "data", "google")
    bot = oauth_bot(oauth_dovecot, oauth_sink, tmp_path, env)
    seed_google(idp, bot.settings.data_dir)
    daemon = bot.daemon()
    try:
        bot.deliver(compose_mail("een@example.net", FIRST_LINE, "Klacht", "De camera is kapot."))
        daemon.run(once=True)
        idp.expire(idp.issued[-1])  # the server ends the session, say, and the token is no longer good
        bot.deliver(compose_mail("twee@example.net", FIRST_LINE, "Klacht", "Het alarm gaat steeds af."))
        report = daemon.run(once=True)
    finally:
        daemon.store.close()
    assert report.processed == 1 and acked(oauth_sink, "twee@example.net")
    assert len(idp.issued) == 2 and idp.grants == ["refresh_token", "refresh_token"]
    assert "IMAP server refused the access token" in caplog.text
