"""rules.yaml, read and validated: every mistake found at start-up, with the file and line."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mailbot.config.reader import default_of, keys_of, rough_days
from mailbot.config.rules import EMAIL_RE, ROLES, CalendarRules, Deadlines, ExtensionRules, Rules
from mailbot.config.sections import SectionReader
from mailbot.config.steps import check_reminder_lead, read_next_steps
from mailbot.errors import ConfigError
from mailbot.models import Person, SubjectType, Team


def load_rules(path: Path) -> Rules:
    """Load and validate rules.yaml; raise ConfigError naming the file and line of a mistake."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError

    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        from mailbot.shipped import SAMPLE_RULES

        start = f" (a sample to start from: {SAMPLE_RULES.resolve()})" if isinstance(exc, FileNotFoundError) else ""
        raise ConfigError(source, None, f"cannot read the file: {exc.strerror}{start}") from None
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
    "next_steps",
}


class _RulesReader(SectionReader):
    """Walks the whole file: the top level, people, teams and routing; sections.py reads the rest."""

    def read(self, doc: Any) -> Rules:
        if not isinstance(doc, Mapping):
            raise ConfigError(self.source, 1, "the file must hold a mapping (key: value lines)")
        self.mapping(doc, None, "the top level", _TOP_KEYS)
        org = self.mapping(doc, "organisation", "organisation", {"name", "domain", "signature"})
        roles = self.addresses(doc)
        bot_address = self.email(doc, "bot_address", "bot_address")
        if bot_address not in roles:
            raise self.fail(doc, "bot_address", f"bot_address {bot_address} must be one of the addresses")
        teams = self.teams(doc)
        routing = self.mapping(doc, "routing", "routing", {"default_team", "by_type", "compliments_team"})
        by_type_node = self.mapping(routing, "by_type", "routing.by_type", {t.value for t in SubjectType})
        calendar = self.calendar(self.mapping(doc, "calendar", "calendar", keys_of(CalendarRules)))
        deadlines = self.deadlines(doc)
        policy = self.policy(doc)
        check_reminder_lead(self.source, doc, policy, deadlines)
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
            deadlines=deadlines,
            calendar=calendar,
            mailbox=self.mailbox(doc),
            cases=self.cases(doc),
            classification=self.classification(doc),
            policy=policy,
            next_steps=read_next_steps(self, doc),
            security=self.security(doc),
            privacy=self.privacy(doc),
            template_dir=self.template_dir(doc),
        )

    def addresses(self, doc: Any) -> dict[str, str]:
        """The organisation's own addresses with their role (formal or first_line)."""
        addresses = self.mapping(doc, "addresses", "addresses")
        roles: dict[str, str] = {}
        for addr in addresses:
            email = str(addr).lower()
            if not EMAIL_RE.match(email):
                raise self.fail(addresses, addr, f"addresses: {addr!r} is not a mail address")
            roles[email] = self.choice(addresses, addr, f"the role of {addr}", ROLES)
        return roles

    def deadlines(self, doc: Any) -> Deadlines:
        """The policy's deadlines; an appeal has the time of a first complaint unless given its own."""
        node = self.mapping(doc, "deadlines", "deadlines", keys_of(Deadlines))
        ack = self.span(node, "acknowledge", "deadlines.acknowledge")
        solve = self.span(node, "solve", "deadlines.solve")
        solve_appeal = self.span(node, "solve_appeal", "deadlines.solve_appeal") if "solve_appeal" in node else solve
        if rough_days(solve) < rough_days(ack):
            raise self.fail(node, "solve", f"deadlines.solve ({solve}) cannot end before deadlines.acknowledge ({ack})")
        return Deadlines(acknowledge=ack, solve=solve, solve_appeal=solve_appeal, extension=self.extension(node))

    def extension(self, deadlines: Any) -> ExtensionRules:
        """deadlines.extension: how often and how far #uitstel may move a solution deadline."""
        if deadlines.get("extension") is None:
            return ExtensionRules()
        node = self.mapping(deadlines, "extension", "deadlines.extension", keys_of(ExtensionRules))
        default = ExtensionRules()
        limits = {
            key: self.integer(node, key, f"deadlines.extension.{key}", 1, 1)
            if node.get(key) is not None
            else getattr(default, key)
            for key in ("max_times", "max_weeks")
        }
        if limits["max_weeks"] is not None and limits["max_weeks"] > 52:
            raise self.fail(node, "max_weeks", "deadlines.extension.max_weeks must be at most 52 (a year)")
        return ExtensionRules(
            **limits,
            consent_beyond=self.boolean(
                node, "consent_beyond", "deadlines.extension.consent_beyond", default.consent_beyond
            ),
        )

    def template_dir(self, doc: Any) -> Path:
        folder = (
            Path(self.source).parent
            / self.string(doc, "templates", "templates", default=str(default_of(Rules, "template_dir")))
        ).resolve()
        # Without the key the folder need not be there: a template it lacks is the shipped one (mailbot/shipped/).
        if "templates" in doc and not folder.is_dir():
            raise self.fail(doc, "templates", f"templates: no such folder {folder}")
        return folder

    def person(self, node: Any, key: str) -> Person:
        value = self.mapping(node, key, key, keys_of(Person))
        email = self.email(value, "email", f"{key}.email")
        name = self.string(value, "name", f"{key}.name", default=email)
        title = self.string(value, "title", f"{key}.title") if value.get("title") is not None else ""
        return Person(email=email, name=name, title=title)

    def teams(self, doc: Any) -> dict[str, Team]:
        node = self.mapping(doc, "teams", "teams")
        if not node:
            raise self.fail(doc, "teams", "teams: at least one team is needed")
        teams = {}
        for key in node:
            where = f"teams.{key}"
            team = self.mapping(node, key, where, keys_of(Team) - {"key"})  # the key is the team's YAML key
            members_node = team.get("members") or []
            if not isinstance(members_node, list) or not members_node:
                raise self.fail(team, "members", f"{where}.members must list at least one member")
            members = []
            for i in range(len(members_node)):
                m = self.mapping(members_node, i, f"{where}.members[{i}]", keys_of(Person))
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
