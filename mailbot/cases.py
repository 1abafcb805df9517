"""Open, thread into and escalate cases: what one received message does to the case state."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from mailbot.classify import level_after, normalise
from mailbot.clock import iso
from mailbot.compose import Composer
from mailbot.config import Person, Rules
from mailbot.models import (
    Address,
    Case,
    CaseHistory,
    Category,
    Direction,
    Level,
    ParsedMail,
    Role,
    SubjectType,
    Verdict,
)
from mailbot.store import MailLogEntry, Store
from mailbot.thread import ThreadMatch, clean_subject
from mailbot.workdays import WorkCalendar, format_date_nl, format_datetime_nl

LEVEL_NAMES = {
    Level.FIRST_LINE: "klacht",
    Level.FORMAL: "formele klacht",
    Level.APPEAL: "beroep",
    Level.DISPUTE: "geschil",
}
TYPE_NAMES = {SubjectType.SERVICE: "dienstverlening", SubjectType.PRODUCT: "product", SubjectType.BEHAVIOUR: "gedrag"}
EXCERPT_CHARS = 4000


class Quarantine(Exception):
    """A message that cannot become case state; it is set aside with this reason."""


@dataclass(frozen=True)
class ComplimentTarget:
    """Who a compliment is for."""

    team: str
    person: Person | None
    label: str


class CaseDesk:
    """Applies received messages to cases and queues the mail that follows from them.

    Every method runs inside the caller's transaction: the case change and its outgoing
    mail are committed together or not at all.
    """

    def __init__(self, rules: Rules, store: Store, calendar: WorkCalendar, composer: Composer) -> None:
        self.rules = rules
        self.store = store
        self.calendar = calendar
        self.composer = composer

    def history(self, case_id: int | None) -> CaseHistory | None:
        """What the classifier may know about the case a message threads into."""
        if case_id is None:
            return None
        case = self.store.case(case_id)
        return CaseHistory(level=case.level, answered=case.answered, category=case.category)

    def apply(
        self, mail: ParsedMail, verdict: Verdict, thread: ThreadMatch, received_at: datetime, now: datetime
    ) -> MailLogEntry:
        """Turn one received message into case state; return what became of it."""
        flag = self._same_id_check(mail)
        if flag == "duplicate":
            return self._entry(mail, "duplicate", None, "already received with the same Message-ID and text")
        if thread.case_id is not None:
            case = self.store.case(thread.case_id)
            self._follow_up(case, mail, verdict, thread, received_at, now, flag)
            return self._entry(mail, "case", case.id, thread.via)
        if verdict.category == Category.AUTO:
            return self._entry(mail, "auto", None, verdict.auto_reason)
        if mail.sender is None:
            raise Quarantine("no usable sender address (From missing or not understood)")
        if mail.sender.email in self.rules.staff:
            raise Quarantine(f"mail from staff ({mail.sender.email}) that belongs to no case")
        case = self._open(mail, verdict, thread, received_at, now, flag)
        return self._entry(mail, "case", case.id, "new case")

    # --- a new case ---------------------------------------------------------------------

    def _open(
        self,
        mail: ParsedMail,
        verdict: Verdict,
        thread: ThreadMatch,
        received_at: datetime,
        now: datetime,
        flag: str | None,
    ) -> Case:
        assert mail.sender is not None
        to_formal = any(self.rules.addresses.get(a.email) == "formal" for a in mail.recipients)
        level = Level.FORMAL if to_formal else Level.FIRST_LINE
        if verdict.category == Category.ESCALATION:
            level = max(level, verdict.level or Level.FORMAL)
        compliment = verdict.category == Category.COMPLIMENT
        target = self.compliment_target(mail) if compliment else None
        team = target.team if target else self.rules.by_type.get(verdict.subject_type, self.rules.default_team)
        local = received_at.astimezone(self.calendar.zone)
        case = Case(
            id=0,
            ref=self.store.next_ref(self.rules.cases.reference_prefix, local.year),
            category=verdict.category,
            level=level,
            urgent=verdict.urgent,
            subject_type=verdict.subject_type,
            status="compliment" if compliment else "open",
            customer=mail.sender,
            subject=clean_subject(mail.subject, self.rules.cases.reference_prefix) or "(geen onderwerp)",
            owner_team=team,
            owner_email=self._owner_for_level(level),
            received_at=received_at,
            ack_due=None if compliment else self.calendar.deadline(received_at, self.rules.deadlines.acknowledge),
            ack_sent_at=None,
            solution_due=None if compliment else self.calendar.deadline(received_at, self.rules.deadlines.solve),
            answered=False,
            linked_case_id=thread.stranger_of,
        )
        case = replace(case, id=self.store.insert_case(case, now))
        self._store_message(case.id, mail, Direction.IN, Role.CUSTOMER, verdict, flag, now)
        self.store.add_event(
            case.id,
            "opened",
            "system",
            now,
            category=case.category.value,
            level=level.label,
            urgent=case.urgent,
            subject_type=case.subject_type.value,
            team=team,
            rules=list(verdict.rules),
            ack_due=_iso(case.ack_due),
            solution_due=_iso(case.solution_due),
        )
        if thread.stranger_of is not None:
            self._warn_stranger(case, thread.stranger_of, now)
        context = self._context(case, mail, verdict)
        if target is not None:
            context["compliment_for"] = target.label
            self._to_customer(case, mail, "thanks", "compliment_thanks", context, now)
            recipients = [target.person] if target.person else []
            team_obj = self.rules.teams[target.team]
            self._to_staff(
                case,
                "forward",
                "compliment_forward",
                context,
                now,
                [*recipients, Person(team_obj.email, team_obj.name)],
            )
            self.store.add_event(case.id, "compliment-routed", "system", now, to=target.label)
            return case
        template = "ack_escalation" if case.category == Category.ESCALATION else "ack_complaint"
        self._to_customer(case, mail, "ack", template, context, now)
        self._to_staff(case, "notify", "notify_new", context, now, self._staff_for(case))
        return case

    def compliment_target(self, mail: ParsedMail) -> ComplimentTarget:
        """The person or team a compliment names, by full name, first name or team keyword."""
        text = normalise(f"{mail.subject}\n{mail.stripped}")
        for key, team in self.rules.teams.items():
            for member in team.members:
                names = {normalise(member.name)}
                first = normalise(member.name).split()[0] if member.name.strip() else ""
                if len(first) > 2:
                    names.add(first)
                if any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text) for n in names if n):
                    return ComplimentTarget(key, member, f"{member.name} ({team.name})")
        for key, team in self.rules.teams.items():
            words = (*team.keywords, team.name)
            if any(re.search(rf"(?<!\w){re.escape(normalise(w))}(?!\w)", text) for w in words):
                return ComplimentTarget(key, None, team.name)
        key = self.rules.compliments_team
        return ComplimentTarget(key, None, self.rules.teams[key].name)

    # --- a message about an existing case -------------------------------------------------

    def _follow_up(
        self,
        case: Case,
        mail: ParsedMail,
        verdict: Verdict,
        thread: ThreadMatch,
        received_at: datetime,
        now: datetime,
        flag: str | None,
    ) -> None:
        sender = mail.sender.email if mail.sender else ""
        if verdict.category == Category.AUTO:
            self._store_message(case.id, mail, Direction.IN, Role.SYSTEM, verdict, flag, now)
            self.store.add_event(case.id, "automatic-mail", "system", now, reason=verdict.auto_reason)
            return
        if sender in self.rules.staff:
            to_customer = any(a.email == case.customer.email for a in mail.recipients)
            direction = Direction.OUT if to_customer else Direction.IN
            self._store_message(case.id, mail, direction, Role.STAFF, verdict, flag, now, internal=not to_customer)
            if to_customer:
                self.store.update_case(case.id, now, answered=True)
            self.store.add_event(case.id, "staff-reply" if to_customer else "staff-note", sender, now, via=thread.via)
            return
        self._store_message(case.id, mail, Direction.IN, Role.CUSTOMER, verdict, flag, now)
        self.store.add_event(
            case.id, "customer-reply", sender or "unknown", now, via=thread.via, rules=list(verdict.rules)
        )
        if verdict.category == Category.ESCALATION and case.level < Level.DISPUTE:
            self._escalate(case, mail, verdict, received_at, now)

    def _escalate(self, case: Case, mail: ParsedMail, verdict: Verdict, received_at: datetime, now: datetime) -> None:
        level = level_after(verdict, case.level)
        ack_due = self.calendar.deadline(received_at, self.rules.deadlines.acknowledge)
        solution_due = self.calendar.deadline(received_at, self.rules.deadlines.solve)
        owner = self._owner_for_level(level) or case.owner_email
        self.store.update_case(
            case.id,
            now,
            category=Category.ESCALATION.value,
            level=level,
            status="open",
            ack_due=ack_due,
            ack_sent_at=None,
            solution_due=solution_due,
            owner_email=owner,
            answered=False,
            urgent=case.urgent or verdict.urgent,
        )
        self.store.add_event(
            case.id,
            "escalated",
            "customer",
            now,
            **{"from": case.level.label},
            to=level.label,
            rules=list(verdict.rules),
            ack_due=iso(ack_due),
            solution_due=iso(solution_due),
        )
        case = self.store.case(case.id)
        context = self._context(case, mail, verdict)
        self._to_customer(case, mail, "ack", "ack_escalation", context, now)
        self._to_staff(case, "notify", "notify_escalation", context, now, self._staff_for(case))

    # --- outgoing mail -------------------------------------------------------------------

    def _to_customer(
        self, case: Case, mail: ParsedMail, kind: str, template: str, context: dict[str, Any], now: datetime
    ) -> None:
        send_at = self._automatic_reply_time(case.customer.email, now, case.ack_due)
        out = self.composer.build(
            kind=kind,
            template=template,
            context=context,
            to=[case.customer],
            ref=case.ref,
            now=now,
            not_before=send_at,
            automatic=True,
            in_reply_to=mail.message_id or None,
            references=mail.references,
        )
        self.store.enqueue(out, case.id, now)
        self.store.add_event(
            case.id,
            "queued",
            "system",
            now,
            kind=kind,
            to=case.customer.email,
            message_id=out.message_id,
            not_before=iso(send_at),
        )

    def _to_staff(
        self, case: Case, kind: str, template: str, context: dict[str, Any], now: datetime, people: list[Person]
    ) -> None:
        unique = {p.email: Address(p.email, p.name) for p in people}
        out = self.composer.build(
            kind=kind,
            template=template,
            context=context,
            to=list(unique.values()),
            ref=case.ref,
            now=now,
            not_before=now,
            automatic=False,
        )
        self.store.enqueue(out, case.id, now)
        self.store.add_event(case.id, "queued", "system", now, kind=kind, to=sorted(unique), message_id=out.message_id)

    def _automatic_reply_time(self, email: str, now: datetime, deadline: datetime | None) -> datetime:
        """When an automatic reply may go: sending hours, and at most one per address per window.

        A reply held back by the window still goes before the deadline: the policy's promise
        outranks the loop guard, which the auto-mail checks already cover.
        """
        when = self.calendar.next_sending_time(now, deadline)
        last = self.store.last_auto_reply(email)
        window = self.rules.cases.auto_reply_window
        if last is not None and when < last + window:
            when = last + window
            if deadline is not None and when > deadline:
                when = max(now, deadline)
        self.store.note_auto_reply(email, when)
        return when

    def _warn_stranger(self, case: Case, other_id: int, now: datetime) -> None:
        other = self.store.case(other_id)
        self.store.add_event(other.id, "stranger-used-tag", case.customer.email, now, new_case=case.ref)
        self.store.add_event(
            case.id,
            "linked",
            "system",
            now,
            other=other.ref,
            reason="sender is not a party of the case named in the subject",
        )
        context = {"case": case, "other": other}
        people = [Person(other.owner_email, other.owner_email)] if other.owner_email else []
        self._to_staff(
            case, "stranger-warning", "notify_stranger", context, now, [*people, *self._team_people(other.owner_team)]
        )

    def _staff_for(self, case: Case) -> list[Person]:
        people = self._team_people(case.owner_team)
        people.append(self.rules.coordinator)
        if case.level >= Level.APPEAL or case.urgent:
            people.append(self.rules.director)
        return people

    def _team_people(self, team_key: str | None) -> list[Person]:
        team = self.rules.teams.get(team_key or "")
        return [Person(team.email, team.name)] if team else []

    def _owner_for_level(self, level: Level) -> str | None:
        return self.rules.director.email if level >= Level.APPEAL else None

    def _context(self, case: Case, mail: ParsedMail, verdict: Verdict) -> dict[str, Any]:
        team = self.rules.teams.get(case.owner_team or "")
        kind = "compliment" if case.category == Category.COMPLIMENT else LEVEL_NAMES[case.level]
        return {
            "case": case,
            "customer_name": case.customer.name,
            "received": format_datetime_nl(case.received_at.astimezone(self.calendar.zone)),
            "ack_due": format_date_nl(case.ack_due.astimezone(self.calendar.zone)) if case.ack_due else None,
            "solution_due": format_date_nl(case.solution_due.astimezone(self.calendar.zone))
            if case.solution_due
            else None,
            "team_name": team.name if team else self.rules.organisation,
            "director_name": self.rules.director.name,
            "level_name": LEVEL_NAMES[case.level],
            "kind_name": kind,
            "type_name": TYPE_NAMES[case.subject_type],
            "excerpt": mail.stripped[:EXCERPT_CHARS],
            "rules_fired": ", ".join(verdict.rules),
        }

    # --- the dossier ---------------------------------------------------------------------

    def _store_message(
        self,
        case_id: int,
        mail: ParsedMail,
        direction: Direction,
        role: Role,
        verdict: Verdict,
        flag: str | None,
        now: datetime,
        internal: bool = False,
    ) -> None:
        self.store.insert_message(
            {
                "case_id": case_id,
                "key": mail.key,
                "message_id": mail.message_id or mail.key,
                "direction": direction.value,
                "role": role.value,
                "internal": int(internal),
                "from_email": mail.sender.email if mail.sender else "",
                "from_name": mail.sender.name if mail.sender else "",
                "to_json": json.dumps([a.email for a in mail.to]),
                "cc_json": json.dumps([a.email for a in mail.cc]),
                "subject": mail.subject,
                "date": iso(mail.date),
                "text": mail.text,
                "stripped": mail.stripped,
                "headers_json": json.dumps(mail.headers, ensure_ascii=False),
                "attachments_json": json.dumps([asdict(a) for a in mail.attachments], ensure_ascii=False),
                "raw_sha256": mail.raw_sha256,
                "verdict_json": json.dumps(verdict.as_record(), ensure_ascii=False),
                "flag": flag,
                "created_at": iso(now),
            }
        )

    def _same_id_check(self, mail: ParsedMail) -> str | None:
        """'duplicate' for a second delivery of the same mail; a flag for a reused Message-ID."""
        if not mail.message_id:
            return None
        earlier = self.store.messages_with_id(mail.message_id)
        if not earlier:
            return None
        if any(
            row["stripped"] == mail.stripped and row["from_email"] == (mail.sender.email if mail.sender else "")
            for row in earlier
        ):
            return "duplicate"
        return "same Message-ID as an earlier message with different content"

    def _entry(self, mail: ParsedMail, outcome: str, case_id: int | None, reason: str | None) -> MailLogEntry:
        return MailLogEntry(mail.raw_sha256, mail.key, outcome, case_id, reason)


def _iso(moment: datetime | None) -> str | None:
    return iso(moment) if moment else None
