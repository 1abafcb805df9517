"""Settings from the environment and rules.yaml, as frozen, validated dataclasses.

Every mistake in rules.yaml is found here, at start-up, and reported with the file,
the line and what is wrong: never at the first message that would have needed it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

# ConfigError lives in errors.py, below the configuration, so that auth/settings.py can raise it
# without importing this module; it stays importable from here, where the loaders raise it.
from mailbot.errors import ConfigError
from mailbot.models import Level, SubjectType

if TYPE_CHECKING:
    from mailbot.auth.settings import OAuthSettings

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ROLES = ("formal", "first_line")
LIBERATION_DAY_MODES = ("every_year", "lustrum", "never")
BACKFILL_MODES = ("answer", "register")
SPAN_UNITS = {
    "working day": "working_days",
    "working days": "working_days",
    "werkdag": "working_days",
    "werkdagen": "working_days",
    "day": "days",
    "days": "days",
    "dag": "days",
    "dagen": "days",
    "week": "weeks",
    "weeks": "weeks",
    "weken": "weeks",
}
EMAIL_RE = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class CalendarRules:
    """When the organisation works: the basis of every deadline.

    ``working_days`` holds ISO weekday numbers minus one (0 = Monday).
    ``liberation_day`` is ``every_year`` (as the Algemene termijnenwet counts 5 May),
    ``lustrum`` (only every fifth year, as the ``holidays`` package does) or ``never``.
    """

    timezone: str = "Europe/Amsterdam"
    working_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    office_hours: tuple[time, time] = (time(8, 30), time(17, 0))
    sending_hours: tuple[time, time] | None = None
    closure_days: frozenset[date] = frozenset()
    good_friday: bool = True
    liberation_day: str = "every_year"


@dataclass(frozen=True)
class Span:
    """A length of time as the policy states it: ``3 working days``, ``2 weeks``."""

    amount: int
    unit: str  # "working_days" | "days" | "weeks"

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.replace('_', ' ')}"


@dataclass(frozen=True)
class Person:
    """A named member of staff."""

    email: str
    name: str


@dataclass(frozen=True)
class Team:
    """A team that owns cases; ``keywords`` route compliments to it."""

    key: str
    name: str
    email: str
    manager: str | None
    members: tuple[Person, ...]
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """One classification rule; see rules.yaml for what each field means."""

    name: str
    weight: int = 1
    phrases: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    category: str | None = None
    urgent: bool = False
    subject_type: SubjectType | None = None
    level: Level | None = None
    when_answered: bool = False
    to_role: str | None = None
    at_level: Level | None = None
    negate: bool = True


@dataclass(frozen=True)
class Classification:
    """The ordered rules and the signs of automatic mail."""

    min_score: int
    auto_subjects: tuple[re.Pattern[str], ...]
    auto_senders: tuple[re.Pattern[str], ...]
    rules: tuple[Rule, ...]
    # Below this confidence (0-1) a person decides the category: the case opens with a neutral
    # acknowledgement and the coordinator is asked (issue 10, "unsure means a person decides").
    min_confidence: float = 0.6


@dataclass(frozen=True)
class BackfillRules:
    """What a first start does with mail that was already waiting (backlog.py).

    ``answer``: every waiting mail is handled as usual. ``register``: waiting mail that arrived
    more than ``older_than_days`` days before the first start becomes a case without any mail to
    the customer or staff; the coordinator gets the list in one mail.
    """

    mode: str = "answer"
    older_than_days: int = 14


@dataclass(frozen=True)
class MailboxRules:
    """IMAP folder names and how to wait for new mail."""

    inbox: str = "INBOX"
    processed: str = "Verwerkt"
    quarantine: str = "Quarantaine"
    idle_seconds: int = 1500
    poll_seconds: int = 60
    # During IDLE, prove the connection alive this often (DONE, NOOP, IDLE): a silent drop shows no error.
    keepalive_seconds: int = 120
    backfill: BackfillRules = BackfillRules()
    # How mailbot learns after a crash whether a mail it was handing over went out (sentcheck.py):
    # "bcc" (each mail also goes to the bot's own address; the copy is filed in ``sent``), "server"
    # (the server files SMTP mail in its Sent folder itself: Gmail), or "none" (resend: at least once).
    sent_copies: str = "none"
    # The folder with the copies of sent mail; empty: the server's \Sent folder (RFC 6154), else "Sent".
    sent: str = ""
    # A copy may take a moment to arrive: a mail in doubt is looked for no sooner than this.
    sent_check_after_seconds: int = 120


SENT_COPIES = ("bcc", "server", "none")


@dataclass(frozen=True)
class CaseRules:
    """Case references and the limits on what a message may be."""

    reference_prefix: str = "KL"
    auto_reply_window: timedelta = timedelta(minutes=60)
    max_message_bytes: int = 25 * 1024 * 1024
    max_attachments: int = 25
    # A flood of broken mail must not become a flood of notices to the coordinator.
    quarantine_notices_per_hour: int = 10


@dataclass(frozen=True)
class SecurityRules:
    """Whom to believe: the authserv-ids of the organisation's own mail servers (RFC 8601 §5).

    Staff commands are obeyed only from a staff address whose mail our server authenticated;
    ``require_authentication: false`` switches that off for a mail system without
    Authentication-Results (then anyone who can forge a staff From header can command).
    """

    authserv_ids: tuple[str, ...] = ()
    require_authentication: bool = True
    # Reply-To: a per-case address (klacht+<ref>.<token>@...) where the mail system has plus-addressing.
    reply_addresses: bool = False


@dataclass(frozen=True)
class Deadlines:
    """The policy's promises; ``solve_appeal`` is the time the director has for an appeal."""

    acknowledge: Span
    solve: Span
    solve_appeal: Span


@dataclass(frozen=True)
class PolicyRules:
    """The complaint policy's cadence and texts (the lifecycle after the acknowledgement)."""

    reminder_before: Span = Span(2, "working_days")
    interim_update_after: Span = Span(5, "working_days")
    interim_update_every: Span = Span(5, "working_days")
    satisfaction_check_after: Span = Span(3, "working_days")
    digest_time: time | None = time(8, 0)
    satisfied_phrases: tuple[str, ...] = ("ja", "tevreden", "opgelost", "prima", "akkoord", "yes")
    dissatisfied_phrases: tuple[str, ...] = ("nee", "niet tevreden", "ontevreden", "niet opgelost", "no")
    disputes_committee: str = ""
    behaviour_meeting: bool = True


@dataclass(frozen=True)
class PrivacyRules:
    """How long personal data is kept (AVG/GDPR): closed and referred cases are anonymised
    ``retention_days`` after they ended; None keeps them until `mailbot privacy erase`."""

    retention_days: int | None = None


@dataclass(frozen=True)
class Rules:
    """Everything rules.yaml says, validated."""

    source: str
    organisation: str
    domain: str
    signature: str
    addresses: Mapping[str, str]
    bot_address: str
    coordinator: Person
    director: Person
    teams: Mapping[str, Team]
    default_team: str
    by_type: Mapping[SubjectType, str]
    compliments_team: str
    deadlines: Deadlines
    calendar: CalendarRules
    mailbox: MailboxRules
    cases: CaseRules
    classification: Classification
    policy: PolicyRules = PolicyRules()
    security: SecurityRules = SecurityRules()
    privacy: PrivacyRules = PrivacyRules()
    # The admin's mail templates: `templates:` in rules.yaml, relative to the file; default templates/ beside it.
    template_dir: Path = Path("templates")

    @property
    def staff(self) -> frozenset[str]:
        """Every address that speaks for the organisation."""
        emails = {self.coordinator.email, self.director.email, self.bot_address}
        emails.update(self.addresses)
        for team in self.teams.values():
            emails.add(team.email)
            emails.update(m.email for m in team.members)
            if team.manager:
                emails.add(team.manager)
        return frozenset(emails)

    @property
    def known_domains(self) -> tuple[str, ...]:
        """Domains a lookalike sender may pose as (idn.lookalike): ours and our staff's."""
        return tuple(sorted({self.domain.lower(), *(e.rpartition("@")[2] for e in self.staff)}))

    def person_name(self, email: str) -> str:
        """The display name of a member of staff, or the address itself."""
        for team in self.teams.values():
            for member in team.members:
                if member.email == email:
                    return member.name
        for person in (self.coordinator, self.director):
            if person.email == email:
                return person.name
        return email


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


# --- the environment -------------------------------------------------------------------


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


# --- rules.yaml ----------------------------------------------------------------------


def load_rules(path: Path) -> Rules:
    """Load and validate rules.yaml; raise ConfigError naming the file and line of a mistake."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError

    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(source, None, f"cannot read the file: {exc.strerror}") from None
    try:
        doc = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        # An unclosed quote or bracket is only noticed lines later: name the line it opened on.
        if exc.context_mark is not None and exc.context and ("quoted" in exc.context or "flow" in exc.context):
            mark = exc.context_mark
        line = mark.line + 1 if mark else None
        context = f"{exc.context}: " if exc.context else ""
        raise ConfigError(source, line, f"not valid YAML: {context}{exc.problem}") from None
    return _RulesReader(source).read(doc)


_TOP_KEYS = {
    "privacy",
    "security",
    "templates",
    "policy",
    "organisation",
    "addresses",
    "bot_address",
    "coordinator",
    "director",
    "teams",
    "routing",
    "deadlines",
    "calendar",
    "mailbox",
    "cases",
    "classification",
}
_RULE_KEYS = {
    "name",
    "weight",
    "phrases",
    "patterns",
    "category",
    "urgent",
    "subject_type",
    "level",
    "when_answered",
    "to_role",
    "at_level",
    "negate",
}


class _RulesReader:
    """Walks the YAML tree, remembering where each value came from for error messages."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, node: Any, key: Any, message: str) -> ConfigError:
        return ConfigError(self.source, _line(node, key), message)

    def mapping(self, node: Any, key: Any, where: str, allowed: set[str] | None = None) -> Any:
        if key is None:
            value = node
        elif isinstance(node, list):
            value = node[key]
        else:
            value = node.get(key)
        if value is None:
            raise self.fail(node, key, f"{where} is missing")
        if not isinstance(value, Mapping):
            raise self.fail(node, key, f"{where} must be a mapping of keys to values")
        if allowed is not None:
            for k in value:
                if k not in allowed:
                    raise self.fail(value, k, f"unknown key {k!r} in {where} (allowed: {', '.join(sorted(allowed))})")
        return value

    def string(self, node: Any, key: Any, where: str, default: str | None = None) -> str:
        value = node.get(key, default)
        if value is None:
            raise self.fail(node, key, f"{where} is missing")
        if not isinstance(value, str) or not value.strip():
            raise self.fail(node, key, f"{where} must be a non-empty text")
        return value.strip()

    def email(self, node: Any, key: Any, where: str) -> str:
        value = self.string(node, key, where).lower()
        if not EMAIL_RE.match(value):
            raise self.fail(node, key, f"{where}: {value!r} is not a mail address")
        return value

    def integer(self, node: Any, key: Any, where: str, default: int, minimum: int) -> int:
        value = node.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(node, key, f"{where} must be a whole number of at least {minimum}")
        return value

    def fraction(self, node: Any, key: Any, where: str, default: float) -> float:
        value = node.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise self.fail(node, key, f"{where} must be a number from 0 to 1")
        return float(value)

    def boolean(self, node: Any, key: Any, where: str, default: bool) -> bool:
        value = node.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(node, key, f"{where} must be true or false")
        return value

    def strings(self, node: Any, key: Any, where: str) -> tuple[str, ...]:
        value = node.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(node, key, f"{where} must be a list of texts")
        return tuple(v.strip() for v in value)

    def regexes(self, node: Any, key: Any, where: str) -> tuple[re.Pattern[str], ...]:
        compiled = []
        seq = node.get(key) or []
        for i, text in enumerate(self.strings(node, key, where)):
            try:
                compiled.append(re.compile(text, re.IGNORECASE))
            except re.error as exc:
                raise ConfigError(
                    self.source, _line(seq, i), f"{where}: bad regular expression {text!r}: {exc}"
                ) from None
        return tuple(compiled)

    def choice(self, node: Any, key: Any, where: str, options: tuple[str, ...], default: str | None = None) -> str:
        value = node.get(key, default)
        if value not in options:
            raise self.fail(node, key, f"{where} must be one of {', '.join(options)}, not {value!r}")
        return str(value)

    def read(self, doc: Any) -> Rules:
        if not isinstance(doc, Mapping):
            raise ConfigError(self.source, 1, "the file must hold a mapping (key: value lines)")
        self.mapping(doc, None, "the top level", _TOP_KEYS)
        org = self.mapping(doc, "organisation", "organisation", {"name", "domain", "signature"})
        addresses = self.mapping(doc, "addresses", "addresses")
        roles: dict[str, str] = {}
        for addr in addresses:
            email = str(addr).lower()
            if not EMAIL_RE.match(email):
                raise self.fail(addresses, addr, f"addresses: {addr!r} is not a mail address")
            roles[email] = self.choice(addresses, addr, f"the role of {addr}", ROLES)
        bot_address = self.email(doc, "bot_address", "bot_address")
        if bot_address not in roles:
            raise self.fail(doc, "bot_address", f"bot_address {bot_address} must be one of the addresses")
        teams = self.teams(doc)
        routing = self.mapping(doc, "routing", "routing", {"default_team", "by_type", "compliments_team"})
        by_type_node = self.mapping(routing, "by_type", "routing.by_type", {t.value for t in SubjectType})
        calendar = self.calendar(
            self.mapping(
                doc,
                "calendar",
                "calendar",
                {
                    "timezone",
                    "working_days",
                    "office_hours",
                    "sending_hours",
                    "closure_days",
                    "good_friday",
                    "liberation_day",
                },
            )
        )
        deadlines = self.mapping(doc, "deadlines", "deadlines", {"acknowledge", "solve", "solve_appeal"})
        ack = self.span(deadlines, "acknowledge", "deadlines.acknowledge")
        solve = self.span(deadlines, "solve", "deadlines.solve")
        solve_appeal = (
            self.span(deadlines, "solve_appeal", "deadlines.solve_appeal") if "solve_appeal" in deadlines else solve
        )
        if _rough_days(solve) < _rough_days(ack):
            raise self.fail(
                deadlines, "solve", f"deadlines.solve ({solve}) cannot end before deadlines.acknowledge ({ack})"
            )
        return Rules(
            source=self.source,
            organisation=self.string(org, "name", "organisation.name"),
            domain=self.string(org, "domain", "organisation.domain").lower(),
            signature=str(org.get("signature") or "").rstrip(),
            addresses=roles,
            bot_address=bot_address,
            coordinator=self.person(doc, "coordinator"),
            director=self.person(doc, "director"),
            teams=teams,
            default_team=self.team_ref(routing, "default_team", teams),
            by_type={SubjectType(k): self.team_ref(by_type_node, k, teams) for k in by_type_node},
            compliments_team=self.team_ref(routing, "compliments_team", teams),
            deadlines=Deadlines(acknowledge=ack, solve=solve, solve_appeal=solve_appeal),
            calendar=calendar,
            mailbox=self.mailbox(doc),
            cases=self.cases(doc),
            classification=self.classification(doc),
            policy=self.policy(doc),
            security=self.security(doc),
            privacy=self.privacy(doc),
            template_dir=self.template_dir(doc),
        )

    def template_dir(self, doc: Any) -> Path:
        folder = (Path(self.source).parent / self.string(doc, "templates", "templates", default="templates")).resolve()
        # Without the key the default is only a guess; the template check at start-up reports it.
        if "templates" in doc and not folder.is_dir():
            raise self.fail(doc, "templates", f"templates: no such folder {folder}")
        return folder

    def security(self, doc: Any) -> SecurityRules:
        if "security" not in doc:
            return SecurityRules()
        node = self.mapping(doc, "security", "security", {"authserv_ids", "require_authentication", "reply_addresses"})
        ids = tuple(i.lower() for i in self.strings(node, "authserv_ids", "security.authserv_ids"))
        required = self.boolean(node, "require_authentication", "security.require_authentication", True)
        if required and not ids:
            raise self.fail(
                node,
                "authserv_ids",
                "security.authserv_ids must name our mail server(s), or set require_authentication: false",
            )
        return SecurityRules(
            authserv_ids=ids,
            require_authentication=required,
            reply_addresses=self.boolean(node, "reply_addresses", "security.reply_addresses", False),
        )

    def privacy(self, doc: Any) -> PrivacyRules:
        if "privacy" not in doc:
            return PrivacyRules()
        node = self.mapping(doc, "privacy", "privacy", {"retention_days"})
        if node.get("retention_days") is None:
            return PrivacyRules()
        days = self.integer(node, "retention_days", "privacy.retention_days", 0, 1)
        if days > 36500:
            raise self.fail(node, "retention_days", "privacy.retention_days must be at most 36500 (100 years)")
        return PrivacyRules(retention_days=days)

    def policy(self, doc: Any) -> PolicyRules:
        if "policy" not in doc:
            return PolicyRules()
        keys = {
            "reminder_before",
            "interim_update_after",
            "interim_update_every",
            "satisfaction_check_after",
            "digest_time",
            "satisfied_phrases",
            "dissatisfied_phrases",
            "disputes_committee",
            "behaviour_meeting",
        }
        node = self.mapping(doc, "policy", "policy", keys)
        default = PolicyRules()
        spans = {
            key: self.span(node, key, f"policy.{key}") if key in node else getattr(default, key)
            for key in ("reminder_before", "interim_update_after", "interim_update_every", "satisfaction_check_after")
        }
        digest = default.digest_time
        if "digest_time" in node:
            value = node.get("digest_time")
            match = re.fullmatch(r"(\d{1,2}):(\d{2})", str(value).strip()) if value is not None else None
            if value is not None and (not match or int(match.group(1)) > 23 or int(match.group(2)) > 59):
                raise self.fail(node, "digest_time", f"policy.digest_time must read like '08:00', not {value!r}")
            digest = time(int(match.group(1)), int(match.group(2))) if match else None
        return PolicyRules(
            **spans,
            digest_time=digest,
            satisfied_phrases=self.strings(node, "satisfied_phrases", "policy.satisfied_phrases")
            or default.satisfied_phrases,
            dissatisfied_phrases=self.strings(node, "dissatisfied_phrases", "policy.dissatisfied_phrases")
            or default.dissatisfied_phrases,
            disputes_committee=str(node.get("disputes_committee") or "").strip(),
            behaviour_meeting=self.boolean(node, "behaviour_meeting", "policy.behaviour_meeting", True),
        )

    def person(self, node: Any, key: str) -> Person:
        value = self.mapping(node, key, key, {"email", "name"})
        email = self.email(value, "email", f"{key}.email")
        return Person(email=email, name=self.string(value, "name", f"{key}.name", default=email))

    def teams(self, doc: Any) -> dict[str, Team]:
        node = self.mapping(doc, "teams", "teams")
        if not node:
            raise self.fail(doc, "teams", "teams: at least one team is needed")
        teams = {}
        for key in node:
            where = f"teams.{key}"
            team = self.mapping(node, key, where, {"name", "email", "manager", "members", "keywords"})
            members_node = team.get("members") or []
            if not isinstance(members_node, list) or not members_node:
                raise self.fail(team, "members", f"{where}.members must list at least one member")
            members = []
            for i in range(len(members_node)):
                m = self.mapping(members_node, i, f"{where}.members[{i}]", {"email", "name"})
                email = self.email(m, "email", f"{where}.members[{i}].email")
                members.append(Person(email, self.string(m, "name", f"{where}.members[{i}].name", default=email)))
            manager = self.email(team, "manager", f"{where}.manager") if "manager" in team else None
            teams[str(key)] = Team(
                key=str(key),
                name=self.string(team, "name", f"{where}.name", default=str(key)),
                email=self.email(team, "email", f"{where}.email"),
                manager=manager,
                members=tuple(members),
                keywords=self.strings(team, "keywords", f"{where}.keywords"),
            )
        return teams

    def team_ref(self, node: Any, key: Any, teams: Mapping[str, Team]) -> str:
        name = self.string(node, key, f"routing.{key}")
        if name not in teams:
            raise self.fail(node, key, f"unknown team {name!r} (teams are: {', '.join(teams)})")
        return name

    def span(self, node: Any, key: str, where: str) -> Span:
        text = str(node.get(key, "")).strip().lower()
        match = re.fullmatch(r"(-?\d+)\s+([a-z ]+)", text)
        unit = SPAN_UNITS.get(match.group(2).strip()) if match else None
        if not match or unit is None:
            raise self.fail(node, key, f"{where} must read like '3 working days', '14 days' or '2 weeks', not {text!r}")
        amount = int(match.group(1))
        if amount < 1:
            raise self.fail(node, key, f"{where}: impossible deadline {text!r}; it must be at least 1")
        if _rough_days(Span(amount, unit)) > 366:
            raise self.fail(node, key, f"{where}: impossible deadline {text!r}; more than a year")
        return Span(amount, unit)

    def hours(self, node: Any, key: str, where: str) -> tuple[time, time] | None:
        value = node.get(key)
        if value is None:
            return None
        match = re.fullmatch(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})", str(value).strip())
        try:
            if not match:
                raise ValueError
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            start, end = time(h1, m1), time(h2, m2)
        except ValueError:
            raise self.fail(node, key, f"{where} must read like '08:30-17:00', not {value!r}") from None
        if end <= start:
            raise self.fail(node, key, f"{where}: the end ({end:%H:%M}) must come after the start ({start:%H:%M})")
        return start, end

    def calendar(self, node: Any) -> CalendarRules:
        timezone = self.string(node, "timezone", "calendar.timezone", default="Europe/Amsterdam")
        try:
            from zoneinfo import ZoneInfo

            ZoneInfo(timezone)
        except Exception:
            raise self.fail(node, "timezone", f"calendar.timezone: unknown time zone {timezone!r}") from None
        days = self.strings(node, "working_days", "calendar.working_days") or WEEKDAYS[:5]
        for i, day in enumerate(days):
            if day.lower() not in WEEKDAYS:
                # The item's own line: in a block list it is not the line of the key.
                line = _line(node["working_days"], i) if node.get("working_days") else None
                raise ConfigError(
                    self.source,
                    line or _line(node, "working_days"),
                    f"calendar.working_days: {day!r} is not a weekday ({', '.join(WEEKDAYS)})",
                )
        closure = node.get("closure_days") or []
        if not isinstance(closure, list):
            raise self.fail(node, "closure_days", "calendar.closure_days must be a list of dates like 2026-12-24")
        for i, day in enumerate(closure):
            if not isinstance(day, date):
                raise ConfigError(
                    self.source,
                    _line(closure, i) or _line(node, "closure_days"),
                    f"calendar.closure_days: {day!r} is not a date like 2026-12-24",
                )
        return CalendarRules(
            timezone=timezone,
            working_days=frozenset(WEEKDAYS.index(d.lower()) for d in days),
            office_hours=self.hours(node, "office_hours", "calendar.office_hours") or (time(8, 30), time(17, 0)),
            sending_hours=self.hours(node, "sending_hours", "calendar.sending_hours"),
            closure_days=frozenset(closure),
            good_friday=self.boolean(node, "good_friday", "calendar.good_friday", True),
            liberation_day=self.choice(
                node, "liberation_day", "calendar.liberation_day", LIBERATION_DAY_MODES, "every_year"
            ),
        )

    def mailbox(self, doc: Any) -> MailboxRules:
        node = self.mapping(
            doc,
            "mailbox",
            "mailbox",
            {
                "inbox",
                "processed",
                "quarantine",
                "idle_seconds",
                "poll_seconds",
                "keepalive_seconds",
                "backfill",
                "sent",
                "sent_copies",
                "sent_check_after_seconds",
            },
        )
        idle = self.integer(node, "idle_seconds", "mailbox.idle_seconds", 1500, 10)
        if idle >= 29 * 60:
            raise self.fail(node, "idle_seconds", "mailbox.idle_seconds must stay under 1740 (29 minutes, RFC 2177)")
        folders = [
            self.string(node, k, f"mailbox.{k}", default=d)
            for k, d in (("inbox", "INBOX"), ("processed", "Verwerkt"), ("quarantine", "Quarantaine"))
        ]
        if len(set(folders)) < 3:
            raise self.fail(
                node, "processed", "mailbox: inbox, processed and quarantine must be three different folders"
            )
        inbox, processed, quarantine = folders
        if node.get("sent") and str(node.get("sent")).strip() in folders:
            raise self.fail(node, "sent", "mailbox.sent must differ from inbox, processed and quarantine")
        return MailboxRules(
            inbox,
            processed,
            quarantine,
            idle_seconds=idle,
            poll_seconds=self.integer(node, "poll_seconds", "mailbox.poll_seconds", 60, 1),
            keepalive_seconds=self.integer(node, "keepalive_seconds", "mailbox.keepalive_seconds", 120, 1),
            backfill=self.backfill(node),
            sent_copies=self.choice(node, "sent_copies", "mailbox.sent_copies", SENT_COPIES, "none"),
            sent=self.string(node, "sent", "mailbox.sent", default="") if node.get("sent") else "",
            sent_check_after_seconds=self.integer(
                node, "sent_check_after_seconds", "mailbox.sent_check_after_seconds", 120, 0
            ),
        )

    def backfill(self, mailbox: Any) -> BackfillRules:
        if "backfill" not in mailbox:
            return BackfillRules()
        node = self.mapping(mailbox, "backfill", "mailbox.backfill", {"mode", "older_than_days"})
        return BackfillRules(
            mode=self.choice(node, "mode", "mailbox.backfill.mode", BACKFILL_MODES, "answer"),
            older_than_days=self.integer(node, "older_than_days", "mailbox.backfill.older_than_days", 14, 1),
        )

    def cases(self, doc: Any) -> CaseRules:
        node = self.mapping(
            doc,
            "cases",
            "cases",
            {
                "reference_prefix",
                "auto_reply_window_minutes",
                "max_message_bytes",
                "max_attachments",
                "quarantine_notices_per_hour",
            },
        )
        prefix = self.string(node, "reference_prefix", "cases.reference_prefix", default="KL")
        if not re.fullmatch(r"[A-Z]{1,6}", prefix):
            raise self.fail(node, "reference_prefix", "cases.reference_prefix must be 1 to 6 capital letters")
        return CaseRules(
            reference_prefix=prefix,
            auto_reply_window=timedelta(
                minutes=self.integer(node, "auto_reply_window_minutes", "cases.auto_reply_window_minutes", 60, 0)
            ),
            max_message_bytes=self.integer(
                node, "max_message_bytes", "cases.max_message_bytes", 25 * 1024 * 1024, 1024
            ),
            max_attachments=self.integer(node, "max_attachments", "cases.max_attachments", 25, 0),
            quarantine_notices_per_hour=self.integer(
                node, "quarantine_notices_per_hour", "cases.quarantine_notices_per_hour", 10, 1
            ),
        )

    def classification(self, doc: Any) -> Classification:
        node = self.mapping(doc, "classification", "classification", {"min_score", "min_confidence", "auto", "rules"})
        auto = self.mapping(node, "auto", "classification.auto", {"subjects", "senders"})
        rules_node = node.get("rules")
        if not isinstance(rules_node, list) or not rules_node:
            raise self.fail(node, "rules", "classification.rules must list at least one rule")
        rules, names = [], set()
        for i, _ in enumerate(rules_node):
            rule = self.rule(rules_node, i)
            if rule.name in names:
                raise self.fail(rules_node, i, f"classification.rules: the name {rule.name!r} is used twice")
            names.add(rule.name)
            rules.append(rule)
        return Classification(
            min_score=self.integer(node, "min_score", "classification.min_score", 2, 1),
            auto_subjects=self.regexes(auto, "subjects", "classification.auto.subjects"),
            auto_senders=self.regexes(auto, "senders", "classification.auto.senders"),
            rules=tuple(rules),
            min_confidence=self.fraction(node, "min_confidence", "classification.min_confidence", 0.6),
        )

    def rule(self, seq: Any, i: int) -> Rule:
        node = self.mapping(seq, i, f"classification.rules[{i}]", _RULE_KEYS)
        name = self.string(node, "name", f"classification.rules[{i}].name")
        where = f"rule {name!r}"
        category = node.get("category")
        if category is not None and category not in ("compliment", "complaint", "escalation"):
            raise self.fail(node, "category", f"{where}: category must be compliment, complaint or escalation")
        subject_type = node.get("subject_type")
        if subject_type is not None and subject_type not in {t.value for t in SubjectType}:
            raise self.fail(node, "subject_type", f"{where}: subject_type must be service, product or behaviour")
        level, at_level = (self.level(node, k, where) for k in ("level", "at_level"))
        to_role = self.choice(node, "to_role", f"{where}: to_role", (*ROLES, None)) if "to_role" in node else None  # type: ignore[arg-type]
        rule = Rule(
            name=name,
            weight=self.integer(node, "weight", f"{where}: weight", 1, 1),
            phrases=tuple(p.lower() for p in self.strings(node, "phrases", f"{where}: phrases")),
            patterns=self.regexes(node, "patterns", f"{where}: patterns"),
            category=category,
            urgent=self.boolean(node, "urgent", f"{where}: urgent", False),
            subject_type=SubjectType(subject_type) if subject_type else None,
            level=level,
            when_answered=self.boolean(node, "when_answered", f"{where}: when_answered", False),
            to_role=to_role,
            at_level=at_level,
            negate=self.boolean(node, "negate", f"{where}: negate", True),
        )
        if not (rule.phrases or rule.patterns or rule.to_role or rule.at_level is not None):
            raise self.fail(seq, i, f"{where} has nothing to match: give phrases, patterns, to_role or at_level")
        if not (rule.category or rule.urgent or rule.subject_type):
            raise self.fail(seq, i, f"{where} decides nothing: give category, urgent or subject_type")
        if rule.level is not None and rule.category != "escalation":
            raise self.fail(node, "level", f"{where}: only an escalation rule can set a level")
        return rule

    def level(self, node: Any, key: str, where: str) -> Level | None:
        value = node.get(key)
        if value is None:
            return None
        try:
            return Level.from_label(str(value))
        except KeyError:
            labels = ", ".join(level.label for level in Level)
            raise self.fail(node, key, f"{where}: {key} must be one of {labels}") from None


def _rough_days(span: Span) -> float:
    """Calendar days a span covers at the least, to compare two spans."""
    factor: dict[str, Callable[[int], float]] = {
        "working_days": lambda n: n * 7 / 5,
        "days": float,
        "weeks": lambda n: n * 7.0,
    }
    return factor[span.unit](span.amount)


def _line(node: Any, key: Any) -> int | None:
    """The 1-based line of ``key`` in a ruamel mapping or sequence, if known."""
    lc: Any = getattr(node, "lc", None)
    try:
        if key is None:
            return int(lc.line) + 1
        if isinstance(node, list):
            return int(lc.item(key)[0]) + 1
        return int(lc.key(key)[0]) + 1
    except Exception:
        return None
