"""What one received message does to the cases: open one, add to one, escalate one."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from mailbot.cases.alerts import complaint_words
from mailbot.cases.escalation import escalate
from mailbot.cases.forwards import FORWARD_TEMPLATES, ForwardDesk
from mailbot.cases.lifecycle import AWAITING_ANSWER, FINAL, Status, mail_templates
from mailbot.cases.progress import PROGRESS_TIMERS
from mailbot.cases.recorded import recorded_words
from mailbot.cases.staff import StaffDesk
from mailbot.cases.work import LEVEL_NAMES, CaseWork, next_level, reminder_moment
from mailbot.clock import iso
from mailbot.commands.category import DUTCH_CATEGORIES
from mailbot.config import Person, Rules
from mailbot.intake.answers import DISPUTE, Answer, Reading, dispute_mentions, read_answer
from mailbot.intake.classify import normalise
from mailbot.intake.thread import ThreadMatch, case_prefixes, clean_subject, ref_prefix
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

# What a person calls each category in mail to staff: the words of the #soort command.
CATEGORY_NAMES_NL = {category: word for word, category in DUTCH_CATEGORIES.items()}
# Statuses in which a customer's mail answers a question of ours (or comes after the end).
ANSWERABLE = AWAITING_ANSWER | {Status.SOLUTION_PROPOSED, Status.CLOSED}
# The customer mail a complaint gets and a compliment does not.
COMPLAINT_MAIL = ("ack", "interim-update")
# The timers a complaint has and a compliment has not.
COMPLAINT_TIMERS = ("ack-reminder", "ack-passed", "solution-reminder", "solution-passed", *PROGRESS_TIMERS)


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
        work = self.work
        to_formal = any(self.rules.addresses.get(a.email) == "formal" for a in mail.recipients)
        level = Level.FORMAL if to_formal else Level.FIRST_LINE
        unsure = channel == "email" and verdict.confidence < self.rules.classification.min_confidence
        category = Category.COMPLAINT if unsure else verdict.category
        if category == Category.ESCALATION:
            level = max(level, verdict.level or Level.FORMAL)
        # Never at the disputes stage: a referral comes only from the last internal stage.
        level = min(level, Level.APPEAL)
        compliment = category == Category.COMPLIMENT
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
            ref=self.store.next_ref(ref_prefix(self.rules, category), received_at.astimezone(work.calendar.zone).year),
            category=category,
            level=level,
            urgent=verdict.urgent,
            subject_type=verdict.subject_type,
            status=Status.CLOSED.value if compliment else Status.OPEN.value,
            customer=customer,
            subject=clean_subject(mail.subject, case_prefixes(self.rules.cases)) or "(geen onderwerp)",
            owner_team=team,
            owner_email=owner,
            received_at=received_at,
            ack_due=None if compliment else work.calendar.deadline(received_at, self.rules.deadlines.acknowledge),
            ack_sent_at=None,
            solution_due=None if compliment else work.solve_deadline(received_at, level),
            answered=False,
            linked_case_id=thread.stranger_of or linked_to,
            channel=channel,
            closed_at=now if compliment else None,
            awaiting_verdict=unsure,
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
            confidence=round(verdict.confidence, 3),
            **({"awaiting_verdict": True, "guess": verdict.category.value} if unsure else {}),
        )
        if thread.stranger_of is not None:
            self._warn_stranger(case, thread.stranger_of, now)
        self.flag_dispute(case, f"{mail.subject}\n{mail.stripped}", now)
        reply_to = mail if channel == "email" else None
        # A sender domain posing as ours or our staff's (idn.py): the coordinator is warned in the first mail.
        warning = lookalike(case.customer.email.rpartition("@")[2], self.rules.known_domains)
        if unsure:
            work.to_customer(case, "ack", "ack_neutral", now, reply_to=reply_to)
            # Urgent and unsure: the director is told at once too, as with any urgent case; the
            # choice of category must not hold up the alert.
            triage_people = [self.rules.coordinator, *([self.rules.director] if case.urgent else [])]
            work.to_staff(
                case,
                "triage",
                "triage_request",
                now,
                triage_people,
                excerpt=mail.stripped,
                guess=CATEGORY_NAMES_NL.get(verdict.category, verdict.category.value),
                confidence=f"{round(verdict.confidence * 100)} %",
                explanation=verdict.explanation,
                sender_warning=warning,
            )
            work.schedule_deadlines(case, now)
            if not work.quiet and case.ack_due is not None:
                # The neutral acknowledgement promised an answer by ack_due: remind the coordinator in time.
                due = reminder_moment(work.calendar, self.rules.policy, case.ack_due)
                self.store.schedule(f"{case.id}:verdict-reminder", case.id, "verdict-reminder", max(due, now))
            return case
        if compliment:
            assert named is not None
            self._thank(case, named, mail.stripped, now, reply_to=reply_to)
            return case
        if channel != "email":
            # The note is for colleagues: the customer reads only the summary written for them (recorded.py).
            words = recorded_words(mail.stripped, received_at.astimezone(work.calendar.zone))
            work.to_customer(case, "ack", "complaint_recorded", now, automatic=False, channel=channel, **words)
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
            linked_ref=self.store.case(linked_to).ref if linked_to is not None else "",
            sender_warning=warning,
        )
        work.schedule_deadlines(case, now)
        return case

    def _thank(self, case: Case, named: PersonMatch, excerpt: str, now: datetime, reply_to: ParsedMail | None) -> None:
        """Thank the customer for a compliment and pass it on to the person or team it names.

        The thanks for a mail just received is an automatic reply; after a person's verdict it is not.
        """
        work = self.work
        automatic = reply_to is not None
        extra = {"compliment_for": named.label}
        work.to_customer(case, "thanks", "compliment_thanks", now, reply_to=reply_to, automatic=automatic, **extra)
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
        self.store.add_event(
            case.id,
            "compliment-routed",
            "system",
            now,
            to=named.label,
            person=named.person.email if named.person else None,
            team=named.team,
        )

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
        self.store.cancel_timers(case.id, ("verdict-reminder",), now)  # the choice is made
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
                "ack",
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
        named = self.named_in_text(f"{case.subject}\n{first}") or self._default_compliment_target()
        self._thank(case, named, first, now, reply_to=None)
        return case

    def flag_dispute(self, case: Case, text: str, now: datetime) -> None:
        """A lawyer, court or outside body named by the customer flags the case; the coordinator is told once.

        The flag changes no level and no deadline: a referral still comes only from the last
        internal stage, one rung at a time.
        """
        if case.dispute_flag:
            return
        words = dispute_mentions(text, dispute_phrases(self.rules))
        if not words:
            return
        flag = ", ".join(words)
        self.store.update_case(case.id, now, dispute_flag=flag)
        self.store.add_event(case.id, "dispute-flagged", "system", now, words=list(words))
        self.work.to_staff(
            self.store.case(case.id),
            "dispute-flag",
            "dispute_flag",
            now,
            [self.rules.coordinator],
            words=flag,
            excerpt=text.strip(),
        )

    def open_registered(
        self, mail: ParsedMail, verdict: Verdict, customer: Address, channel: str, received_at: datetime, now: datetime
    ) -> Case:
        """A complaint staff took by phone or letter: a case in the customer's name."""
        return self.open(
            mail, verdict, ThreadMatch(None, "registered"), received_at, now, None, customer=customer, channel=channel
        )

    def named_in(self, mail: ParsedMail) -> PersonMatch | None:
        """The member of staff (full or first name) or team (keyword, name) a customer's mail names."""
        return self.named_in_text(f"{mail.subject}\n{mail.stripped}")

    def named_in_text(self, text: str) -> PersonMatch | None:
        """The member of staff (full or first name) or team (keyword, name) a customer's text names."""
        text = normalise(text)
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
        status = Status(case.status)
        reading = self._read(mail) if status in ANSWERABLE else None
        if status == Status.CLOSED and reading is not None and reading.answer == Answer.DISSATISFIED:
            return self._reopen(case, mail, verdict, reading, received_at, now, flag)
        self._customer_follow_up(case, mail, verdict, thread, received_at, now, flag, reading)
        return case.id

    def _customer_follow_up(
        self,
        case: Case,
        mail: ParsedMail,
        verdict: Verdict,
        thread: ThreadMatch,
        received_at: datetime,
        now: datetime,
        flag: str | None,
        reading: Reading | None,
    ) -> None:
        """A customer's mail on their case: stored, flagged if it names a dispute body, then acted on."""
        work = self.work
        sender = mail.sender.email if mail.sender else ""
        status = Status(case.status)
        work.store_message(case.id, mail, Direction.IN, Role.CUSTOMER, verdict, flag, now)
        self.store.add_event(
            case.id, "customer-reply", sender or "unknown", now, via=thread.via, rules=list(verdict.rules)
        )
        self.flag_dispute(case, mail.stripped, now)
        if reading is not None:
            self.store.add_event(
                case.id, "answer-read", "system", now, answer=reading.answer.value, reason=reading.reason
            )
        if status == Status.CLOSED:
            if reading is not None and reading.answer == Answer.UNCLEAR:
                work.to_staff(case, "notify-reply", "notify_reply", now, work.owner_people(case), excerpt=mail.stripped)
            return  # a thank-you (or any kind word) on a closed case is kept in the dossier, without mail
        if reading is not None:
            if reading.answer == Answer.DISSATISFIED:
                self._escalate(case, mail, verdict, received_at, now)
            elif reading.answer == Answer.SATISFIED and status in AWAITING_ANSWER:
                case, step = work.step(case, "satisfied", sender, now, reason=reading.reason)
                work.step_staff_mail(case, step, now, work.owner_people(case))
            else:
                # Unclear, or a proposal accepted (the owner still carries it out and confirms
                # it with #opgelost): the owner decides, nothing changes.
                work.to_staff(
                    case,
                    "answer-read",
                    "answer_read",
                    now,
                    work.owner_people(case),
                    excerpt=mail.stripped,
                    answer=reading.answer.value,
                    reason=reading.reason,
                    next_level=LEVEL_NAMES[next_level(case.level)],
                )
            return
        sure = verdict.confidence >= self.rules.classification.min_confidence
        if verdict.category == Category.ESCALATION and status not in FINAL and sure and not case.awaiting_verdict:
            self._escalate(case, mail, verdict, received_at, now)
            return
        if status not in FINAL:
            # An escalation mailbot is unsure of, or on a case still waiting for its verdict, is
            # for a person: the owner reads it (and the coordinator, who has the verdict to give).
            people = work.owner_people(case) + ([self.rules.coordinator] if case.awaiting_verdict else [])
            work.to_staff(case, "notify-reply", "notify_reply", now, people, excerpt=mail.stripped)

    def _read(self, mail: ParsedMail) -> Reading:
        """The customer's answer, read with the administrator's extra phrases."""
        policy = self.rules.policy
        return read_answer(mail.stripped, policy.satisfied_phrases, policy.dissatisfied_phrases)

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

    def _escalate(self, case: Case, mail: ParsedMail, verdict: Verdict, received_at: datetime, now: datetime) -> None:
        """One rung up the ladder, re-acknowledged with new deadlines; past the appeal: the disputes committee."""
        escalate(
            self.work,
            case,
            "customer",
            now,
            received_at,
            reply_to=mail,
            rules=verdict.rules,
            urgent=verdict.urgent,
            excerpt=mail.stripped,
        )

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


def dispute_phrases(rules: Rules) -> tuple[str, ...]:
    """The words that flag a case: those of the rules.yaml rule named ``dispute``, else mailbot's own list."""
    rule = next((r for r in rules.classification.rules if r.name == "dispute"), None)
    return rule.phrases if rule is not None and rule.phrases else DISPUTE


def _iso(moment: datetime | None) -> str | None:
    return iso(moment) if moment else None
