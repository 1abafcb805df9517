"""Settings from the environment and rules.yaml, as frozen, validated dataclasses.

Every mistake in rules.yaml is found here, at start-up, and reported with the file, the line and
what is wrong: never at the first message that would have needed it. The parts: ``rules`` (the
schema: frozen dataclasses, one default per key), ``settings`` (the environment: IMAP and SMTP
URLs, paths), ``load`` (rules.yaml read and checked), with ``reader`` (single values) and
``sections`` (one reader per section). A new key is a field in rules.py and a line in its reader.
"""

from __future__ import annotations

# ConfigError lives in errors.py, below the configuration, so that auth/settings.py can raise it
# without importing this package; it stays importable from here, where the loaders raise it.
from mailbot.config.load import load_rules
from mailbot.config.rules import (
    BACKFILL_MODES,
    EMAIL_RE,
    LIBERATION_DAY_MODES,
    ROLES,
    SENT_COPIES,
    SPAN_UNITS,
    WEEKDAYS,
    BackfillRules,
    CalendarRules,
    CaseRules,
    Classification,
    Deadlines,
    MailboxRules,
    NextStep,
    PolicyRules,
    PrivacyRules,
    Rule,
    Rules,
    SecurityRules,
    Span,
)
from mailbot.config.settings import ImapSettings, Settings, SmtpSettings, load_settings, parse_imap_url, parse_smtp_url
from mailbot.errors import ConfigError

__all__ = [
    "BACKFILL_MODES",
    "EMAIL_RE",
    "LIBERATION_DAY_MODES",
    "ROLES",
    "SENT_COPIES",
    "SPAN_UNITS",
    "WEEKDAYS",
    "BackfillRules",
    "CalendarRules",
    "CaseRules",
    "Classification",
    "ConfigError",
    "Deadlines",
    "ImapSettings",
    "MailboxRules",
    "NextStep",
    "PolicyRules",
    "PrivacyRules",
    "Rule",
    "Rules",
    "SecurityRules",
    "Settings",
    "SmtpSettings",
    "Span",
    "load_rules",
    "load_settings",
    "parse_imap_url",
    "parse_smtp_url",
]
