"""What one received message does to the cases: open one, add to one, escalate one."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from mailbot.cases.alerts import complaint_words
from mailbot.cases.compliments import compliment_target, thank
from mailbot.cases.disputes import flag_dispute
from mailbot.cases.escalation import escalate
from mailbot.cases.forwards import FORWARD_TEMPLATES, ForwardDesk
from mailbot.cases.lifecycle import AWAITING_ANSWER, Status, mail_templates
from mailbot.cases.opening import Intake, acknowledge_complaint, ask_for_verdict, insert_case, record_opening, route
from mailbot.cases.progress import PROGRESS_TIMERS
from mailbot.cases.replies import customer_reply, read_reply
from mailbot.cases.staff import StaffDesk
from mailbot.cases.work import CaseWork
from mailbot.intake.answers import Answer, Reading
from mailbot.intake.thread import ThreadMatch
from mailbot.kinds import MailKind, TimerKind
from mailbot.mail.idn import lookalike
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
from mailbot.store import MailLogEntry

# Statuses in which a customer's mail answers a question of ours (or comes after the end).
ANSWERABLE = AWAITING_ANSWER | {Status.SOLUTION_PROPOSED, Status.CLOSED}
# The customer mail a complaint gets and a compliment does not.
COMPLAINT_MAIL = (MailKind.ACK, MailKind.INTERIM_UPDATE)
# The timers a complaint has and a compliment has not.
COMPLAINT_TIMERS = (
    TimerKind.ACK_REMINDER,
    TimerKind.ACK_PASSED,
    TimerKind.SOLUTION_REMINDER,
    TimerKind.SOLUTION_PASSED,
    *PROGRESS_TIMERS,
)


class CaseDesk:
    """Applies received messages to cases and queues the mail that follows from them.

    Every method runs inside the caller's transaction: the case change and its outgoing
    mail are committed together or not at all.
    """

    TEMPLATES = mail_templates() | FORWARD_TEMPLATES  # the lifecycle table's mail and forwards.py's

    def __init__(self, work: CaseWork) -> None:
        self.work = work
        self.rules = work.rules
        self.store = work.store
        self.staff = StaffDesk(work, self.open_registered, self.settle_category)

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
            landed = self._follow_up(case, mail, verdict, thread, received_at, now, flag)
            return self._entry(mail, "case", landed, thread.via if landed == case.id else "reply to a closed case")
        if verdict.category == Category.AUTO:
            return self._entry(mail, "auto", None, verdict.auto_reason)
        if mail.sender is None:
            raise Quarantine("no usable sender address (From missing or not understood)")
        if mail.sender.email in self.rules.staff:  # a registration, a forward (forwards.py), or quarantine
            return ForwardDesk(self.work, self.staff, self.open).staff_mail(mail, verdict, received_at, now)
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
        linked_to: int | None = None,
    ) -> Case:
        """Open a case for ``customer``, acknowledge it and tell staff.

        When the classifier is unsure of the category (confidence below rules.yaml's
        ``classification.min_confidence``), a person decides: the customer gets a neutral
        acknowledgement (it keeps the acknowledgement deadline), the coordinator a triage mail
        answered with one ``#soort`` command; until then the case is an open complaint.
        """
        intake = Intake(customer, channel, linked_to)
        routing = route(self.work, mail, verdict, channel)
        case = insert_case(self.work, routing, mail, verdict, thread, intake, received_at, now)
        record_opening(self.work, case, routing, mail, verdict, flag, now)
        if thread.stranger_of is not None:
            self._warn_stranger(case, thread.stranger_of, now)
        flag_dispute(self.work, case, f"{mail.subject}\n{mail.stripped}", now)
        # A sender domain posing as ours or our staff's (idn.py): the coordinator is warned in the first mail.
        warning = lookalike(case.customer.email.rpartition("@")[2], self.rules.known_domains)
        if routing.unsure:
            ask_for_verdict(self.work, case, mail, verdict, now, warning)
        elif routing.category == Category.COMPLIMENT:
            assert routing.named is not None
            thank(self.work, case, routing.named, mail.stripped, now, reply_to=mail if channel == "email" else None)
        else:
            acknowledge_complaint(self.work, case, mail, verdict, intake, received_at, now, warning)
        return case

    def settle_category(self, case: Case, category: Category, actor: str, now: datetime) -> Case:
        """A person's verdict (``#soort``): set the category and send the mail that follows from it.

        On a case that waited for this verdict the customer now gets the usual mail (the
        complaint's or escalation's acknowledgement, or the thanks for a compliment); its
        deadlines still count from the mail's arrival. On any other open case it corrects the
        classifier: a compliment closes with the thanks mail and its complaint timers are
        cancelled; an escalation of a first-line complaint goes one rung up, with its mails.
        """
        work = self.work
        pending, before = case.awaiting_verdict, case.category
        case, _ = work.step(
            case, "reclassify", actor, now, category_from=before.value, category_to=category.value, pending=pending
        )
        self.store.cancel_timers(case.id, (TimerKind.VERDICT_REMINDER,), now)  # the choice is made
        first = complaint_words(self.store, case.id)
        if category == Category.COMPLIMENT:
            return self._settle_as_compliment(case, first, actor, now)
        if category == Category.ESCALATION and case.level < Level.FORMAL:
            # As if the mail had been read as an escalation on arrival: the formal level, from then.
            return escalate(
                work, case, actor, now, case.received_at, level=Level.FORMAL, excerpt=first, automatic=False
            )
        self.store.update_case(case.id, now, category=category.value, awaiting_verdict=False)
        case = self.store.case(case.id)
        if pending and case.owner_email is None:
            # The team was the classifier's unsure guess; route by the subject type the person confirmed.
            team = self.rules.by_type.get(case.subject_type, self.rules.default_team)
            manager = self.rules.teams[team].manager if case.subject_type == SubjectType.BEHAVIOUR else None
            self.store.update_case(case.id, now, owner_team=team, owner_email=manager)
            case = self.store.case(case.id)
        if pending:
            escalation = category == Category.ESCALATION
            work.to_customer(
                case,
                MailKind.ACK,
                "ack_escalation" if escalation else "ack_complaint",
                now,
                automatic=False,
                meeting=case.subject_type == SubjectType.BEHAVIOUR and self.rules.policy.behaviour_meeting,
            )
            people = work.staff_for(case)
            work.to_staff(
                case, "notify", "notify_escalation" if escalation else "notify_new", now, people, excerpt=first
            )
        return case

    def _settle_as_compliment(self, case: Case, first: str, actor: str, now: datetime) -> Case:
        """A compliment after all: its complaint timers and mail withdrawn, closed with the thanks mail."""
        cancelled = self.store.cancel_timers(case.id, COMPLAINT_TIMERS, now)
        # Complaint mail to the customer still waiting to go (sending hours) is withdrawn.
        self.store.cancel_unsent(case.id, COMPLAINT_MAIL, f"#soort compliment by {actor}")
        self.store.update_case(
            case.id, now, category=Category.COMPLIMENT.value, awaiting_verdict=False, ack_due=None, solution_due=None
        )
        case, _ = self.work.step(self.store.case(case.id), "close", actor, now, reason="compliment", timers=cancelled)
        named = compliment_target(self.rules, f"{case.subject}\n{first}")
        thank(self.work, case, named, first, now, reply_to=None)
        return case

    def open_registered(
        self, mail: ParsedMail, verdict: Verdict, customer: Address, channel: str, received_at: datetime, now: datetime
    ) -> Case:
        """A complaint staff took by phone or letter: a case in the customer's name."""
        return self.open(
            mail, verdict, ThreadMatch(None, "registered"), received_at, now, None, customer=customer, channel=channel
        )

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
    ) -> int:
        """A message about ``case``; returns the case it ended up in (a new one for new dissatisfaction
        on a closed case)."""
        work = self.work
        sender = mail.sender.email if mail.sender else ""
        if verdict.category == Category.AUTO:
            work.store_message(case.id, mail, Direction.IN, Role.SYSTEM, verdict, flag, now)
            self.store.add_event(case.id, "automatic-mail", "system", now, reason=verdict.auto_reason)
            return case.id
        if sender in self.rules.staff:
            self.staff.follow_up(case, mail, verdict, thread, flag, now)
            return case.id
        status = case.status
        reading = read_reply(self.rules, mail) if status in ANSWERABLE else None
        if status == Status.CLOSED and reading is not None and reading.answer == Answer.DISSATISFIED:
            return self._reopen(case, mail, verdict, reading, received_at, now, flag)
        customer_reply(self.work, case, mail, verdict, thread, received_at, now, flag, reading)
        return case.id

    def _reopen(
        self,
        case: Case,
        mail: ParsedMail,
        verdict: Verdict,
        reading: Reading,
        received_at: datetime,
        now: datetime,
        flag: str | None,
    ) -> int:
        """New dissatisfaction on a closed case: a new case linked to it; its owner and the coordinator told."""
        if verdict.category == Category.COMPLIMENT:
            verdict = replace(verdict, category=Category.COMPLAINT, level=None)
        customer = mail.sender or case.customer
        new = self.open(
            mail,
            verdict,
            ThreadMatch(None, "reply to a closed case"),
            received_at,
            now,
            flag,
            customer=customer,
            linked_to=case.id,
        )
        self.store.add_event(case.id, "followed-up", customer.email, now, new_case=new.ref, reason=reading.reason)
        self.store.add_event(new.id, "linked", "system", now, other=case.ref, reason="reply to a closed case")
        # The closed case's owner hears of it on that case; the new case's own notice (or the
        # coordinator's choice of its category) follows from open().
        people = self.work.owner_people(case)
        self.work.to_staff(case, "followed-up", "notify_followup", now, people, new=new, excerpt=mail.stripped)
        return new.id

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
        if any(row.stripped == mail.stripped and row.from_email == sender for row in earlier):
            return "duplicate"
        return "same Message-ID as an earlier message with different content"

    def _entry(self, mail: ParsedMail, outcome: str, case_id: int | None, reason: str | None) -> MailLogEntry:
        return MailLogEntry(mail.raw_sha256, mail.key, outcome, case_id, reason)
