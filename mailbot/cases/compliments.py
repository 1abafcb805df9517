"""A compliment: whom the customer's words name, the thanks to them and the word passed on to staff."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from mailbot.cases.work import CaseWork
from mailbot.config import Rules
from mailbot.intake.classify import normalise
from mailbot.kinds import EventKind, MailKind
from mailbot.models import Case, ParsedMail, Person


@dataclass(frozen=True)
class PersonMatch:
    """A member of staff, or a team, that a customer's text names."""

    team: str
    person: Person | None
    label: str


def named_in_text(rules: Rules, text: str) -> PersonMatch | None:
    """The member of staff (full or first name) or team (keyword, name) a customer's text names."""
    text = normalise(text)
    for key, team in rules.teams.items():
        for member in team.members:
            full = normalise(member.name)
            first = full.split()[0] if full else ""
            names = {full} | ({first} if len(first) > 2 else set())
            if any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text) for n in names if n):
                return PersonMatch(key, member, f"{member.name} ({team.name})")
    for key, team in rules.teams.items():
        if any(re.search(rf"(?<!\w){re.escape(normalise(w))}(?!\w)", text) for w in (*team.keywords, team.name)):
            return PersonMatch(key, None, team.name)
    return None


def compliment_target(rules: Rules, text: str) -> PersonMatch:
    """Whom a compliment goes to: the person or team the text names, else rules.yaml's compliments team."""
    return named_in_text(rules, text) or default_compliment_target(rules)


def default_compliment_target(rules: Rules) -> PersonMatch:
    """rules.yaml's compliments team: for a compliment that names no one."""
    key = rules.compliments_team
    return PersonMatch(key, None, rules.teams[key].name)


def thank(
    work: CaseWork, case: Case, named: PersonMatch, excerpt: str, now: datetime, reply_to: ParsedMail | None
) -> None:
    """Thank the customer for a compliment and pass it on to the person or team it names.

    The thanks for a mail just received is an automatic reply; after a person's verdict it is not.
    """
    automatic = reply_to is not None
    extra = {"compliment_for": named.label}
    work.to_customer(case, MailKind.THANKS, "compliment_thanks", now, reply_to=reply_to, automatic=automatic, **extra)
    people = [named.person] if named.person else []
    work.to_staff(
        case,
        "forward",
        "compliment_forward",
        now,
        [*people, *work.team_people(named.team)],
        compliment_for=named.label,
        excerpt=excerpt,
    )
    work.store.add_event(
        case.id,
        EventKind.COMPLIMENT_ROUTED,
        "system",
        now,
        to=named.label,
        person=named.person.email if named.person else None,
        team=named.team,
    )
