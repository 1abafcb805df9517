"""What templates may use about a case: names and dates in Dutch, in the organisation's time zone."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from mailbot.cases.decision import decision_context
from mailbot.cases.lifecycle import STATUS_NAMES_NL
from mailbot.config import Rules
from mailbot.models import Case, Category, Level, ParsedMail, SubjectType, Verdict
from mailbot.workdays import format_date_nl, format_datetime_nl

LEVEL_NAMES = {
    Level.FIRST_LINE: "klacht",
    Level.FORMAL: "formele klacht",
    Level.APPEAL: "beroep",
    Level.DISPUTE: "geschil",
}
TYPE_NAMES = {SubjectType.SERVICE: "dienstverlening", SubjectType.PRODUCT: "product", SubjectType.BEHAVIOUR: "gedrag"}
EXCERPT_CHARS = 4000


def template_context(
    case: Case,
    rules: Rules,
    zone: ZoneInfo,
    mail: ParsedMail | None = None,
    verdict: Verdict | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """What templates may use about a case: names and dates in Dutch, in the organisation's time zone."""
    team = rules.teams.get(case.owner_team or "")
    kind = "compliment" if case.category == Category.COMPLIMENT else LEVEL_NAMES[case.level]
    values = {
        "case": case,
        "customer_name": case.customer.name,
        "received": format_datetime_nl(case.received_at.astimezone(zone)),
        "ack_due": format_date_nl(case.ack_due.astimezone(zone)) if case.ack_due else None,
        "solution_due": format_date_nl(case.solution_due.astimezone(zone)) if case.solution_due else None,
        "team_name": team.name if team else rules.organisation,
        "owner_name": rules.person_name(case.owner_email) if case.owner_email else None,
        "coordinator_name": rules.coordinator.name,
        "level_name": LEVEL_NAMES[case.level],
        "kind_name": kind,
        "type_name": TYPE_NAMES[case.subject_type],
        "status_name": STATUS_NAMES_NL.get(case.status, case.status),
        **decision_context(case.level, rules),
        "meeting": False,
        "solution": case.solution or "",
        "excerpt": mail.stripped[:EXCERPT_CHARS] if mail else "",
        "rules_fired": ", ".join(verdict.rules) if verdict else "",
    }
    values.update(extra)
    return values
