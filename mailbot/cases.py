"""What one received message does to the cases: open one, add to one, escalate one."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from mailbot.casework import CaseWork
from mailbot.classify import level_after, normalise, satisfaction
from mailbot.clock import iso
from mailbot.config import Person
from mailbot.lifecycle import AWAITING_ANSWER, FINAL, Status
from mailbot.models import (
    Address,
    Case,
    CaseHistory,
    Category,
    Direction,
    Level,
    ParsedMail,
    Quarantine,
    Role,
    SubjectType,
    Verdict,
)
from mailbot.staff import StaffDesk
from mailbot.store import MailLogEntry
from mailbot.thread import ThreadMatch, clean_subject
from mailbot.workdays import format_datetime_nl


@dataclass(frozen=True)
class PersonMatch:
    """A member of staff, or a team, that a customer's text names."""

    team: str
    person: Person | None
    label: str


class CaseDesk:
    """Applies received messages to cases and queues the mail that follows from them.

    Every method runs inside the caller's transaction: the case change and its outgoing
    mail are committed together or not at all.
    """

    def __init__(self, work: CaseWork) -> None:
        self.work = work
        self.rules = work.rules
        self.store = work.store
        self.staff = StaffDesk(work, self.open_registered)

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
            case_id = self.staff.new_mail(mail, verdict, received_at, now)
            if case_id is None:
                raise Quarantine(f"mail from staff ({mail.sender.email}) that belongs to no case and registers none")
            return self._entry(mail, "case", case_id, "registered by staff")
        case = self.open(mail, verdict, thread, received_at, now, flag, customer=mail.sender)
        return self._entry(mail, "case", case.id, "new case")

    # --- a new case -------------------------------------------------------------------

    def open(
        self,
        mail: ParsedMail,
        verdict: Verdict,
        thread: ThreadMatch,
        received_at: datetime,
        now: datetime,
        flag: str | None,
        *,
        customer: Address,
        channel: str = "email",
    ) -> Case:
        """Open a case for ``customer``, acknowledge it and tell staff."""
        work = self.work
        to_formal = any(self.rules.addresses.get(a.email) == "formal" for a in mail.recipients)
        level = Level.FORMAL if to_formal else Level.FIRST_LINE
        if verdict.category == Category.ESCALATION:
            level = max(level, verdict.level or Level.FORMAL)
        compliment = verdict.category == Category.COMPLIMENT
        named = self.named_in(mail)
        team = self.rules.by_type.get(verdict.subject_type, self.rules.default_team)
        owner = work.owner_for_level(level)
        if compliment:
            named = named or self._default_compliment_target()
            team = named.team
        elif verdict.subject_type == SubjectType.BEHAVIOUR:
            # A complaint about someone's conduct goes to the manager of that person's department.
            if named is not None:
                team = named.team
            owner = owner or self.rules.teams[team].manager
        case = Case(
            id=0,
            ref=self.store.next_ref(self.rules.cases.reference_prefix, received_at.astimezone(work.calendar.zone).year),
            category=verdict.category,
            level=level,
            urgent=verdict.urgent,
            subject_type=verdict.subject_type,
            status=Status.CLOSED.value if compliment else Status.OPEN.value,
            customer=customer,
            subject=clean_subject(mail.subject, self.rules.cases.reference_prefix) or "(geen onderwerp)",
            owner_team=team,
            owner_email=owner,
            received_at=received_at,
            ack_due=None if compliment else work.calendar.deadline(received_at, self.rules.deadlines.acknowledge),
            ack_sent_at=None,
            solution_due=None if compliment else work.solve_deadline(received_at, level),
            answered=False,
            linked_case_id=thread.stranger_of,
            channel=channel,
            closed_at=now if compliment else None,
        )
        case = replace(case, id=self.store.insert_case(case, now))
        role = Role.CUSTOMER if channel == "email" else Role.STAFF
        work.store_message(case.id, mail, Direction.IN, role, verdict, flag, now, internal=channel != "email")
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
            owner=owner,
            channel=channel,
            rules=list(verdict.rules),
            ack_due=_iso(case.ack_due),
            solution_due=_iso(case.solution_due),
        )
        if thread.stranger_of is not None:
            self._warn_stranger(case, thread.stranger_of, now)
        reply_to = mail if channel == "email" else None
        if compliment:
            assert named is not None
            work.to_customer(case, "thanks", "compliment_thanks", now, reply_to=reply_to, compliment_for=named.label)
            people = [named.person] if named.person else []
            work.to_staff(
                case,
                "forward",
                "compliment_forward",
                now,
                [*people, *work.team_people(named.team)],
                compliment_for=named.label,
                excerpt=mail.stripped,
            )
            self.store.add_event(
                case.id,
                "compliment-routed",
                "system",
                now,
                to=named.label,
                person=named.person.email if named.person else None,
                team=named.team,
            )
            return case
        if channel != "email":
            work.to_customer(
                case, "ack", "complaint_recorded", now, automatic=False, channel=channel, excerpt=mail.stripped
            )
        else:
            template = "ack_escalation" if case.category == Category.ESCALATION else "ack_complaint"
            work.to_customer(
                case,
                "ack",
                template,
                now,
                reply_to=reply_to,
                meeting=case.subject_type == SubjectType.BEHAVIOUR and self.rules.policy.behaviour_meeting,
            )
        work.to_staff(
            case,
            "notify",
            "notify_new",
            now,
            work.staff_for(case),
            excerpt=mail.stripped,
            rules_fired=", ".join(verdict.rules),
        )
        work.schedule_deadlines(case)
        return case

    def open_registered(
        self, mail: ParsedMail, verdict: Verdict, customer: Address, channel: str, received_at: datetime, now: datetime
    ) -> Case:
        """A complaint staff took by phone or letter: a case in the customer's name."""
        return self.open(
            mail, verdict, ThreadMatch(None, "registered"), received_at, now, None, customer=customer, channel=channel
        )

    def named_in(self, mail: ParsedMail) -> PersonMatch | None:
        """The member of staff (full or first name) or team (keyword, name) a customer's text names."""
        text = normalise(f"{mail.subject}\n{mail.stripped}")
        for key, team in self.rules.teams.items():
            for member in team.members:
                full = normalise(member.name)
                first = full.split()[0] if full else ""
                names = {full} | ({first} if len(first) > 2 else set())
                if any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text) for n in names if n):
                    return PersonMatch(key, member, f"{member.name} ({team.name})")
        for key, team in self.rules.teams.items():
            if any(re.search(rf"(?<!\w){re.escape(normalise(w))}(?!\w)", text) for w in (*team.keywords, team.name)):
                return PersonMatch(key, None, team.name)
        return None

    def _default_compliment_target(self) -> PersonMatch:
        key = self.rules.compliments_team
        return PersonMatch(key, None, self.rules.teams[key].name)

    # --- a message about an existing case ------------------------------------------------

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
        work = self.work
        sender = mail.sender.email if mail.sender else ""
        if verdict.category == Category.AUTO:
            work.store_message(case.id, mail, Direction.IN, Role.SYSTEM, verdict, flag, now)
            self.store.add_event(case.id, "automatic-mail", "system", now, reason=verdict.auto_reason)
            return
        if sender in self.rules.staff:
            self.staff.follow_up(case, mail, verdict, thread, flag, now)
            return
        work.store_message(case.id, mail, Direction.IN, Role.CUSTOMER, verdict, flag, now)
        self.store.add_event(
            case.id, "customer-reply", sender or "unknown", now, via=thread.via, rules=list(verdict.rules)
        )
        status = Status(case.status)
        if status in AWAITING_ANSWER:
            answer = satisfaction(mail.stripped, self.rules.policy)
            if answer is True:
                case, _ = work.step(case, "satisfied", sender, now)
                self.staff.request_improvement_form(case, now)
                return
            if answer is False:
                self._escalate(case, mail, verdict, received_at, now)
                return
        if verdict.category == Category.ESCALATION and status not in FINAL:
            self._escalate(case, mail, verdict, received_at, now)
            return
        if status not in FINAL:
            work.to_staff(case, "notify-reply", "notify_reply", now, work.owner_people(case), excerpt=mail.stripped)

    def _escalate(self, case: Case, mail: ParsedMail, verdict: Verdict, received_at: datetime, now: datetime) -> None:
        """One rung up the ladder, re-acknowledged with new deadlines; past the appeal: the disputes committee."""
        work = self.work
        level = level_after(verdict, case.level) if case.level < Level.DISPUTE else Level.DISPUTE
        if level >= Level.DISPUTE:
            case, _ = work.step(case, "refer", "customer", now, level_from=case.level.label, rules=list(verdict.rules))
            self.store.update_case(case.id, now, level=Level.DISPUTE, category=Category.ESCALATION.value)
            case = self.store.case(case.id)
            received = format_datetime_nl(received_at.astimezone(work.calendar.zone))
            work.to_customer(case, "referral", "referral", now, reply_to=mail, automatic=False, received=received)
            work.to_staff(case, "notify", "notify_escalation", now, work.staff_for(case), excerpt=mail.stripped)
            return
        ack_due = work.calendar.deadline(received_at, self.rules.deadlines.acknowledge)
        solution_due = work.solve_deadline(received_at, level)
        owner = work.owner_for_level(level) or case.owner_email
        case, _ = work.step(
            case,
            "escalate",
            "customer",
            now,
            level_from=case.level.label,
            level_to=level.label,
            rules=list(verdict.rules),
            ack_due=iso(ack_due),
            solution_due=iso(solution_due),
        )
        self.store.update_case(
            case.id,
            now,
            category=Category.ESCALATION.value,
            level=level,
            ack_due=ack_due,
            ack_sent_at=None,
            solution_due=solution_due,
            owner_email=owner,
            answered=False,
            solved_at=None,
            urgent=case.urgent or verdict.urgent,
        )
        case = self.store.case(case.id)
        received = format_datetime_nl(received_at.astimezone(work.calendar.zone))
        work.to_customer(case, "ack", "ack_escalation", now, reply_to=mail, received=received)
        work.to_staff(case, "notify", "notify_escalation", now, work.staff_for(case), excerpt=mail.stripped)
        work.schedule_deadlines(case, start=received_at)

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
        self.work.to_staff(case, "stranger-warning", "notify_stranger", now, self.work.owner_people(other), other=other)

    def _same_id_check(self, mail: ParsedMail) -> str | None:
        """'duplicate' for a second delivery of the same mail; a flag for a reused Message-ID."""
        if not mail.message_id:
            return None
        earlier = self.store.messages_with_id(mail.message_id)
        if not earlier:
            return None
        sender = mail.sender.email if mail.sender else ""
        if any(row["stripped"] == mail.stripped and row["from_email"] == sender for row in earlier):
            return "duplicate"
        return "same Message-ID as an earlier message with different content"

    def _entry(self, mail: ParsedMail, outcome: str, case_id: int | None, reason: str | None) -> MailLogEntry:
        return MailLogEntry(mail.raw_sha256, mail.key, outcome, case_id, reason)


def _iso(moment: datetime | None) -> str | None:
    return iso(moment) if moment else None
