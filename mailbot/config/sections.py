"""Readers of the sections of rules.yaml that stand alone: calendar, mailbox, cases, policy,
security, privacy and classification. A key the file leaves out takes its dataclass default."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Any

from mailbot.config.mailboxsection import MailboxSection
from mailbot.config.reader import default_of, keys_of, line_of
from mailbot.config.rules import (
    LIBERATION_DAY_MODES,
    ROLES,
    WEEKDAYS,
    CalendarRules,
    CaseRules,
    Classification,
    PolicyRules,
    PrivacyRules,
    Rule,
    SecurityRules,
    Span,
)
from mailbot.errors import ConfigError
from mailbot.models import SubjectType

_WINDOW_KEY = "auto_reply_window_minutes"
_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_MOVED = "policy.disputes_committee has moved: name the outside body under next_steps.dispute (name, address, term)"


class SectionReader(MailboxSection):
    """One method per section; each returns the section's frozen dataclass."""

    def security(self, doc: Any) -> SecurityRules:
        """`security:`: whose Authentication-Results staff mail needs, and reply addresses; defaults when left out."""
        if "security" not in doc:
            return SecurityRules()
        node = self.mapping(doc, "security", "security", keys_of(SecurityRules))
        default = SecurityRules()
        ids = tuple(i.lower() for i in self.strings(node, "authserv_ids", "security.authserv_ids"))
        required = self.boolean(
            node, "require_authentication", "security.require_authentication", default.require_authentication
        )
        tenant = ""
        if node.get("exchange_tenant_id") is not None:
            tenant = self.string(node, "exchange_tenant_id", "security.exchange_tenant_id").lower()
        if tenant and not _GUID.fullmatch(tenant):
            raise self.fail(
                node,
                "exchange_tenant_id",
                "security.exchange_tenant_id must be a tenant id, 8-4-4-4-12 hexadecimal digits as the Entra "
                f"admin center shows it, not {tenant!r}",
            )
        if required and not ids and not tenant:
            raise self.fail(
                node,
                "authserv_ids",
                "security.authserv_ids must name our mail server(s) (or exchange_tenant_id our Microsoft 365 "
                "tenant), or set require_authentication: false",
            )
        return SecurityRules(
            authserv_ids=ids,
            exchange_tenant_id=tenant,
            require_authentication=required,
            reply_addresses=self.boolean(node, "reply_addresses", "security.reply_addresses", default.reply_addresses),
        )

    def privacy(self, doc: Any) -> PrivacyRules:
        """`privacy:`: the days after which an ended case is anonymised; kept until erased when left out."""
        if "privacy" not in doc:
            return PrivacyRules()
        node = self.mapping(doc, "privacy", "privacy", keys_of(PrivacyRules))
        if node.get("retention_days") is None:
            return PrivacyRules()
        days = self.integer(node, "retention_days", "privacy.retention_days", 0, 1)
        if days > 36500:
            raise self.fail(node, "retention_days", "privacy.retention_days must be at most 36500 (100 years)")
        return PrivacyRules(retention_days=days)

    def policy(self, doc: Any) -> PolicyRules:
        """`policy:`: the cadence after the acknowledgement, the digest time, the customer's answers."""
        if "policy" not in doc:
            return PolicyRules()
        if isinstance(doc.get("policy"), dict) and "disputes_committee" in doc["policy"]:
            raise self.fail(doc["policy"], "disputes_committee", _MOVED)
        node = self.mapping(doc, "policy", "policy", keys_of(PolicyRules))
        default = PolicyRules()
        spans = {
            key: self.span(node, key, f"policy.{key}") if key in node else getattr(default, key)
            for key, value in vars(default).items()
            if isinstance(value, Span)  # every span of the policy, read alike
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
            behaviour_meeting=self.boolean(
                node, "behaviour_meeting", "policy.behaviour_meeting", default.behaviour_meeting
            ),
            hearing_offered=self.boolean(node, "hearing_offered", "policy.hearing_offered", default.hearing_offered),
        )

    def calendar(self, node: Any) -> CalendarRules:
        """`calendar:`: time zone, working days, office and sending hours, closure days, holidays."""
        default = CalendarRules()
        timezone = self.string(node, "timezone", "calendar.timezone", default=default.timezone)
        try:
            from zoneinfo import ZoneInfo

            ZoneInfo(timezone)
        except Exception:
            raise self.fail(node, "timezone", f"calendar.timezone: unknown time zone {timezone!r}") from None
        days = self.strings(node, "working_days", "calendar.working_days") or tuple(
            WEEKDAYS[d] for d in sorted(default.working_days)
        )
        for i, day in enumerate(days):
            if day.lower() not in WEEKDAYS:
                # The item's own line: in a block list it is not the line of the key.
                line = line_of(node["working_days"], i) if node.get("working_days") else None
                raise ConfigError(
                    self.source,
                    line or line_of(node, "working_days"),
                    f"calendar.working_days: {day!r} is not a weekday ({', '.join(WEEKDAYS)})",
                )
        closure = node.get("closure_days") or []
        if not isinstance(closure, list):
            raise self.fail(node, "closure_days", "calendar.closure_days must be a list of dates like 2026-12-24")
        for i, day in enumerate(closure):
            if not isinstance(day, date):
                raise ConfigError(
                    self.source,
                    line_of(closure, i) or line_of(node, "closure_days"),
                    f"calendar.closure_days: {day!r} is not a date like 2026-12-24",
                )
        return CalendarRules(
            timezone=timezone,
            working_days=frozenset(WEEKDAYS.index(d.lower()) for d in days),
            office_hours=self.hours(node, "office_hours", "calendar.office_hours") or default.office_hours,
            sending_hours=self.hours(node, "sending_hours", "calendar.sending_hours"),
            closure_days=frozenset(closure),
            good_friday=self.boolean(node, "good_friday", "calendar.good_friday", default.good_friday),
            liberation_day=self.choice(
                node, "liberation_day", "calendar.liberation_day", LIBERATION_DAY_MODES, default.liberation_day
            ),
        )

    def cases(self, doc: Any) -> CaseRules:
        """`cases:`: the reference prefixes, the auto-reply window and the limits on a message."""
        # rules.yaml counts the auto-reply window in minutes.
        node = self.mapping(doc, "cases", "cases", keys_of(CaseRules, renamed={"auto_reply_window": _WINDOW_KEY}))
        default = CaseRules()
        prefix = self.string(node, "reference_prefix", "cases.reference_prefix", default=default.reference_prefix)
        praise = self.string(node, "compliment_prefix", "cases.compliment_prefix", default=default.compliment_prefix)
        for key, value in (("reference_prefix", prefix), ("compliment_prefix", praise)):
            if not re.fullmatch(r"[A-Z]{1,6}", value):
                raise self.fail(node, key, f"cases.{key} must be 1 to 6 capital letters")
        if praise == prefix:
            raise self.fail(node, "compliment_prefix", "cases.compliment_prefix must differ from reference_prefix")
        return CaseRules(
            reference_prefix=prefix,
            compliment_prefix=praise,
            auto_reply_window=timedelta(
                minutes=self.integer(
                    node, _WINDOW_KEY, f"cases.{_WINDOW_KEY}", default.auto_reply_window // timedelta(minutes=1), 0
                )
            ),
            max_message_bytes=self.integer(
                node, "max_message_bytes", "cases.max_message_bytes", default.max_message_bytes, 1024
            ),
            max_attachments=self.integer(node, "max_attachments", "cases.max_attachments", default.max_attachments, 0),
            quarantine_notices_per_hour=self.integer(
                node,
                "quarantine_notices_per_hour",
                "cases.quarantine_notices_per_hour",
                default.quarantine_notices_per_hour,
                1,
            ),
        )

    def classification(self, doc: Any) -> Classification:
        """`classification:`: the rules (each name once), the automatic-mail patterns, the thresholds."""
        node = self.mapping(doc, "classification", "classification", {"min_score", "min_confidence", "auto", "rules"})
        auto = self.mapping(node, "auto", "classification.auto", {"subjects", "senders", "bodies"})
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
            auto_bodies=self.regexes(auto, "bodies", "classification.auto.bodies"),
            min_confidence=self.fraction(
                node, "min_confidence", "classification.min_confidence", default_of(Classification, "min_confidence")
            ),
        )

    def rule(self, seq: Any, i: int) -> Rule:
        """One rule of `classification.rules`, at index ``i``."""
        node = self.mapping(seq, i, f"classification.rules[{i}]", keys_of(Rule))
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
            weight=self.integer(node, "weight", f"{where}: weight", default_of(Rule, "weight"), 1),
            phrases=tuple(p.lower() for p in self.strings(node, "phrases", f"{where}: phrases")),
            patterns=self.regexes(node, "patterns", f"{where}: patterns"),
            category=category,
            urgent=self.boolean(node, "urgent", f"{where}: urgent", default_of(Rule, "urgent")),
            subject_type=SubjectType(subject_type) if subject_type else None,
            level=level,
            when_answered=self.boolean(
                node, "when_answered", f"{where}: when_answered", default_of(Rule, "when_answered")
            ),
            to_role=to_role,
            at_level=at_level,
            negate=self.boolean(node, "negate", f"{where}: negate", default_of(Rule, "negate")),
        )
        if not (rule.phrases or rule.patterns or rule.to_role or rule.at_level is not None):
            raise self.fail(seq, i, f"{where} has nothing to match: give phrases, patterns, to_role or at_level")
        if not (rule.category or rule.urgent or rule.subject_type):
            raise self.fail(seq, i, f"{where} decides nothing: give category, urgent or subject_type")
        if rule.level is not None and rule.category != "escalation":
            raise self.fail(node, "level", f"{where}: only an escalation rule can set a level")
        return rule
