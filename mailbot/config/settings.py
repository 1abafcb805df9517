"""The environment's part of the configuration: the IMAP and SMTP URLs, timeouts and paths."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from mailbot.errors import ConfigError

if TYPE_CHECKING:
    from mailbot.auth.settings import OAuthSettings


@dataclass(frozen=True)
class ImapSettings:
    """Where the watched mailbox is; from MAILBOT_IMAP_URL."""

    host: str
    port: int
    ssl: bool
    username: str
    password: str = field(repr=False)
    folder: str | None = None
    # Seconds to wait for an answer (MAILBOT_IMAP_TIMEOUT): the bound on noticing a dead connection.
    timeout: float = 90.0
    # No password in the URL and MAILBOT_OAUTH set: log in with SASL XOAUTH2 (mailbot/auth/).
    xoauth2: bool = False


@dataclass(frozen=True)
class SmtpSettings:
    """Where outgoing mail goes; from MAILBOT_SMTP_URL."""

    host: str
    port: int
    ssl: bool
    username: str | None
    password: str | None = field(repr=False, default=None)
    # Seconds to wait for the server's answer to any command, DATA included (MAILBOT_SMTP_TIMEOUT).
    timeout: float = 60.0
    # A user without a password in the URL and MAILBOT_OAUTH set: AUTH XOAUTH2 (mailbot/auth/).
    xoauth2: bool = False


@dataclass(frozen=True)
class Settings:
    """The environment's part of the configuration: connections and paths."""

    imap: ImapSettings | None
    smtp: SmtpSettings | None
    db_path: Path
    rules_path: Path
    data_dir: Path
    oauth: OAuthSettings | None = None  # MAILBOT_OAUTH*: access tokens instead of passwords


def load_settings(environ: Mapping[str, str] | None = None, env_file: Path | None = None) -> Settings:
    """Read connection settings from the environment (and an optional ``.env`` file).

    Values already in the environment win over the file. Missing IMAP or SMTP URLs
    leave that part None; commands that need it say so.
    """
    env = dict(os.environ if environ is None else environ)
    if env_file is None and environ is None:
        env_file = Path(".env")
    if env_file is not None and env_file.is_file():
        from dotenv import dotenv_values

        for key, value in dotenv_values(env_file).items():
            if value is not None:
                env.setdefault(key, value)
    db_path = Path(env.get("MAILBOT_DB", "data/mailbot.db"))
    imap = parse_imap_url(env["MAILBOT_IMAP_URL"]) if env.get("MAILBOT_IMAP_URL") else None
    if imap is not None and env.get("MAILBOT_IMAP_TIMEOUT"):
        imap = replace(imap, timeout=_seconds(env["MAILBOT_IMAP_TIMEOUT"], "MAILBOT_IMAP_TIMEOUT"))
    smtp = parse_smtp_url(env["MAILBOT_SMTP_URL"]) if env.get("MAILBOT_SMTP_URL") else None
    if smtp is not None and env.get("MAILBOT_SMTP_TIMEOUT"):
        smtp = replace(smtp, timeout=_seconds(env["MAILBOT_SMTP_TIMEOUT"], "MAILBOT_SMTP_TIMEOUT"))
    oauth = None
    if env.get("MAILBOT_OAUTH"):
        from mailbot.auth.settings import load_oauth

        oauth = load_oauth(env)
        # A URL with a password keeps it (a relay of one's own, say); one without gets a token.
        if imap is not None and not imap.password:
            imap = replace(imap, xoauth2=True)
        if smtp is not None and smtp.username and not smtp.password:
            smtp = replace(smtp, xoauth2=True)
    return Settings(
        imap=imap,
        smtp=smtp,
        db_path=db_path,
        rules_path=Path(env.get("MAILBOT_RULES", "rules.yaml")),
        data_dir=Path(env.get("MAILBOT_DATA", str(db_path.parent))),
        oauth=oauth,
    )


def parse_imap_url(url: str) -> ImapSettings:
    """``imap[s]://user:password@host:port/FOLDER`` -> ImapSettings (user and password URL-quoted)."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps"):
        raise ConfigError("MAILBOT_IMAP_URL", None, "must start with imap:// or imaps://")
    if not parts.hostname or not parts.username:
        raise ConfigError("MAILBOT_IMAP_URL", None, "needs a user and a host: imap://user:password@host")
    ssl = parts.scheme == "imaps"
    folder = unquote(parts.path.lstrip("/")) or None
    return ImapSettings(
        host=parts.hostname,
        port=_port(parts, "MAILBOT_IMAP_URL", 993 if ssl else 143),
        ssl=ssl,
        username=unquote(parts.username),
        password=unquote(parts.password or ""),
        folder=folder,
    )


def parse_smtp_url(url: str) -> SmtpSettings:
    """``smtp[s]://[user:password@]host:port`` -> SmtpSettings; plain smtp uses STARTTLS when offered."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ConfigError("MAILBOT_SMTP_URL", None, "must start with smtp:// or smtps://")
    if not parts.hostname:
        raise ConfigError("MAILBOT_SMTP_URL", None, "needs a host: smtp://host:port")
    ssl = parts.scheme == "smtps"
    return SmtpSettings(
        host=parts.hostname,
        port=_port(parts, "MAILBOT_SMTP_URL", 465 if ssl else 587),
        ssl=ssl,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def _seconds(text: str, name: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 3600:
        raise ConfigError(name, None, "must be a number of seconds above 0 and at most 3600")
    return value


def _port(parts: Any, name: str, default: int) -> int:
    try:
        return int(parts.port or default)
    except ValueError:
        # urlsplit's own message would quote the URL, password included.
        raise ConfigError(name, None, "the port is not a number") from None
