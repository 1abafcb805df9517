"""Which provider gives the access tokens: the one MAILBOT_OAUTH names, built for the daemon.

The providers build on tokens.py and settings.py, this module on them (no circle). msal itself is
imported by microsoft.py only when a Microsoft token is first needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mailbot.auth.google import GoogleRefresh
from mailbot.auth.microsoft import MicrosoftApp, MicrosoftUser
from mailbot.auth.settings import OAuthSettings
from mailbot.auth.tokens import Tokens, TokenSource, token_file

if TYPE_CHECKING:
    from mailbot.clock import Clock
    from mailbot.config import Settings


def tokens_for(settings: OAuthSettings, user: str, data_dir: Path, clock: Clock) -> Tokens:
    """The token cache for ``user``'s mailbox with the configured provider (nothing is fetched yet)."""
    source: TokenSource
    if settings.provider == "microsoft":
        path = token_file(data_dir, "microsoft")
        source = MicrosoftApp(settings) if settings.app_only else MicrosoftUser(settings, user, path)
    else:
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
