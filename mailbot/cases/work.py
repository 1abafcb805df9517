"""What every part of case handling shares: state-machine steps, the dossier, deadlines, outgoing mail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mailbot.cases.archive import ArchiveQueue
from mailbot.cases.letters import by_post, post_letter
from mailbot.cases.lifecycle import Status, Transition, next_status, transition
from mailbot.cases.messagerecord import message_record
from mailbot.cases.progress import contact_check
from mailbot.cases.replytime import ACKNOWLEDGEMENTS, automatic_reply_time
from mailbot.cases.templatecontext import LEVEL_NAMES as LEVEL_NAMES
from mailbot.cases.templatecontext import TYPE_NAMES as TYPE_NAMES
from mailbot.cases.templatecontext import template_context as template_context
from mailbot.clock import iso
from mailbot.config import PolicyRules, Rules, Span
from mailbot.kinds import TimerKind
from mailbot.mail.compose import Composer
from mailbot.mail.mimeparts import OutgoingFile
from mailbot.models import Address, Case, Direction, Level, ParsedMail, Person, Role, Verdict
from mailbot.store import Store
from mailbot.store.timers import NewTimer
from mailbot.workdays import WorkCalendar


class CaseWork:
    """The services and helpers that opening cases, staff commands and timers all use.

    Every method runs inside the caller's transaction.
    """

    def __init__(
        self, rules: Rules, store: Store, calendar: WorkCalendar, composer: Composer, archive: ArchiveQueue
    ) -> None:
        self.rules = rules
        self.store = store
        self.calendar = calendar
        self.composer = composer
        # Cases to archive once the transaction that finished them has committed (the pipeline's).
        self.archive = archive
        # Set while old mail of a first start is registered without mail (mailbox.backfill):
        # nothing is queued and no timers are set; the coordinator gets one list (timers.py).
        self.quiet = False

    # --- the state machine --------------------------------------------------------------

    def step(self, case: Case, name: str, actor: str, now: datetime, **detail: Any) -> tuple[Case, Transition]:
        """Take the lifecycle step ``name`` (NotAllowed if the status forbids it); log it; return the new case."""
        status = case.status
        move = transition(name, status)
        after = next_status(move, status)
        fields: dict[str, Any] = {}
        if after != status:
            fields["status"] = after.value
        if after == Status.CLOSED and case.closed_at is None:
            fields["closed_at"] = now
        if after in (Status.CLOSED, Status.REFERRED):
            self.archive.add(case.id)
        if move.answers and not case.answered:
            fields["answered"] = True
        if fields:
            self.store.update_case(case.id, now, **fields)
        self.store.add_event(case.id, name, actor, now, status_from=status.value, status_to=after.value, **detail)
        return self.store.case(case.id), move

    def step_staff_mail(self, case: Case, step: Transition, now: datetime, people: list[Person], **extra: Any) -> None:
        """Queue the staff mail the lifecycle table names for ``step`` (if any) to ``people``.

        Its kind in the outbox and the event log is the template's name written with hyphens.
        """
        if step.staff_mail:
            self.to_staff(case, step.staff_mail.replace("_", "-"), step.staff_mail, now, people, **extra)

    def last_customer_mail(self, case: Case) -> tuple[datetime, str]:
        """When the customer last wrote on the case, and their own words then (the receipt, if never since)."""
        rows = [
            row for row in self.store.messages(case.id) if row.role == Role.CUSTOMER and row.direction == Direction.IN
        ]
        if not rows:
            return case.received_at, ""
        return rows[-1].created_at, rows[-1].stripped

    # --- deadlines ------------------------------------------------------------------------

    def schedule_deadlines(self, case: Case, now: datetime, start: datetime | None = None) -> None:
        """Timers for the case's deadlines: a reminder before each, an alert when it passes, interim updates.

        ``start`` is when the current level began (the receipt, or the escalation). A deadline that
        had passed before mailbot saw the mail (a backlog) gets neither reminder nor alert of its
        own: it goes into the coordinator's one summary of the pass (timers.py); one whose reminder
        time has passed gets no reminder. The first interim update counts from the last mail the
        customer got: the acknowledgement just queued.
        """
        if self.quiet:
            return
        policy = self.rules.policy
        timers: list[NewTimer] = []  # added in one statement: a new case has five or six
        for name, due in (("ack", case.ack_due), ("solution", case.solution_due)):
            if due is None:
                continue
            if due <= now:
                key = f"{case.id}:{name}-late:{iso(due)}"
                timers.append((key, case.id, TimerKind.DEADLINE_LATE, now, {"deadline": iso(due), "which": name}))
                continue
            remind_at = reminder_moment(self.calendar, policy, due)
            if remind_at > now:  # else the notice of the new case or escalation, queued now, is the reminder
                remind = TimerKind(f"{name}-reminder")
                timers.append((f"{case.id}:{remind}:{iso(due)}", case.id, remind, remind_at, {"deadline": iso(due)}))
            passed = TimerKind(f"{name}-passed")
            timers.append((f"{case.id}:{passed}:{iso(due)}", case.id, passed, due, {"deadline": iso(due)}))
        if case.solution_due is not None:
            since = max(start or case.received_at, self.store.last_mail_to(case.id, case.customer.email) or now)
            timers += self._interim_update(case, self.morning_after(since, policy.interim_update_after), first=True)
            check = contact_check(case, self.morning_after(since, policy.contact_within), start or case.received_at)
            if check is not None:  # personal contact asked of the owner by then (cases/contact.py)
                timers.append((check[0], case.id, TimerKind.CONTACT_CHECK, check[1], check[2]))
        self.store.schedule_all(timers)

    def schedule_interim_update(self, case: Case, at: datetime, first: bool = False) -> None:
        """An interim update to the customer at ``at``, unless the solution is due by then."""
        self.store.schedule_all(self._interim_update(case, at, first))

    def _interim_update(self, case: Case, at: datetime, first: bool) -> list[NewTimer]:
        if case.solution_due is not None and at >= case.solution_due:
            return []
        detail = {"level": case.level.label, "first": first}
        return [(f"{case.id}:interim-update:{iso(at)}", case.id, TimerKind.INTERIM_UPDATE, at, detail)]

    def register_quietly(self, case_id: int, now: datetime) -> None:
        """Note a case registered without mail (a backfill) for the coordinator's list of the pass."""
        self.store.add_event(case_id, "registered-quietly", "system", now)
        self.store.schedule(f"{case_id}:backfill-registered", case_id, TimerKind.BACKFILL_REGISTERED, now)

    def morning_after(self, start: datetime, span: Span) -> datetime:
        """The opening time of the day ``span`` after ``start``: when mail to customers goes out."""
        day = self.calendar.deadline(start, span)
        return day.replace(
            hour=self.rules.calendar.office_hours[0].hour, minute=self.rules.calendar.office_hours[0].minute
        )

    def solve_deadline(self, received_at: datetime, level: Level) -> datetime:
        """When a case at ``level`` must be solved: the appeal has its own term."""
        span = self.rules.deadlines.solve_appeal if level >= Level.APPEAL else self.rules.deadlines.solve
        return self.calendar.deadline(received_at, span)

    # --- outgoing mail --------------------------------------------------------------------

    def to_customer(
        self,
        case: Case,
        kind: str,
        template: str,
        now: datetime,
        *,
        reply_to: ParsedMail | None = None,
        automatic: bool = True,
        **extra: Any,
    ) -> str:
        """Queue a mail to the customer (a letter to post when they have no e-mail address, letters.py);
        automatic replies respect sending hours and the per-address window."""
        if self.quiet:
            return self._held_back(case, kind, now)
        if by_post(case):
            return post_letter(self, case, kind, template, now, **extra)
        send_at = self.automatic_reply_time(case, kind, now) if automatic else now
        if reply_to is not None:
            in_reply_to, references = reply_to.message_id or None, reply_to.references
        else:
            in_reply_to, references = self.first_customer_message_id(case), ()
        out = self.composer.build(
            kind=kind,
            template=template,
            context=self.context(case, **extra),
            to=[case.customer],
            ref=case.ref,
            now=now,
            not_before=send_at,
            automatic=automatic,
            in_reply_to=in_reply_to,
            references=references,
            reply_audience="customer",
        )
        self.store.enqueue(out, case.id, now)
        detail = {"kind": kind, "to": case.customer.email, "message_id": out.message_id, "not_before": iso(send_at)}
        self.store.add_event(case.id, "queued", "system", now, **detail)
        return out.message_id

    def to_staff(
        self,
        case: Case,
        kind: str,
        template: str,
        now: datetime,
        people: list[Person],
        *,
        files: tuple[OutgoingFile, ...] = (),
        **extra: Any,
    ) -> str:
        """Queue an internal mail to staff, ``files`` attached; replies to it thread back into the case as notes."""
        if self.quiet:
            return self._held_back(case, kind, now)
        unique = {p.email: Address(p.email, p.name) for p in people}
        out = self.composer.build(
            kind=kind,
            template=template,
            context=self.context(case, **extra),
            to=list(unique.values()),
            ref=case.ref,
            now=now,
            not_before=now,
            automatic=False,
            reply_audience="staff",
            files=files,
        )
        self.store.enqueue(out, case.id, now)
        self.store.add_event(case.id, "queued", "system", now, kind=kind, to=sorted(unique), message_id=out.message_id)
        return out.message_id

    def _held_back(self, case: Case, kind: str, now: datetime) -> str:
        """No mail while registering quietly: the event log says what would have gone."""
        self.store.add_event(case.id, "held-back", "system", now, kind=kind, reason="backfill")
        return ""

    def automatic_reply_time(self, case: Case, kind: str, now: datetime) -> datetime:
        """When an automatic ``kind`` mail to the case's customer may go (replytime.py)."""
        urgent_ack = case.urgent and kind in ACKNOWLEDGEMENTS
        email, window = case.customer.email, self.rules.cases.auto_reply_window
        return automatic_reply_time(self.store, self.calendar, window, email, now, case.ack_due, urgent_ack=urgent_ack)

    def first_customer_message_id(self, case: Case) -> str | None:
        """The customer's first Message-ID, so that later mail threads in their mail program."""
        for row in self.store.messages(case.id):
            if row.role == Role.CUSTOMER and not row.message_id.endswith("@mailbot.invalid>"):
                return row.message_id
        return None

    # --- who hears about a case ------------------------------------------------------------

    def owner_people(self, case: Case) -> list[Person]:
        """The case's owner (a person, when one is set) and its team."""
        people = [Person(case.owner_email, self.rules.person_name(case.owner_email))] if case.owner_email else []
        return people + self.team_people(case.owner_team)

    def staff_for(self, case: Case) -> list[Person]:
        """Who is told of a new complaint or escalation: owner, team, coordinator; the director when it matters."""
        people = self.owner_people(case)
        people.append(self.rules.coordinator)
        if case.level >= Level.APPEAL or case.urgent:
            people.append(self.rules.director)
        return people

    def team_people(self, team_key: str | None) -> list[Person]:
        """A team as one addressee (its team address)."""
        team = self.rules.teams.get(team_key or "")
        return [Person(team.email, team.name)] if team else []

    def owner_for_level(self, level: Level) -> str | None:
        """An appeal belongs to the business-unit director."""
        return self.rules.director.email if level >= Level.APPEAL else None

    def context(
        self, case: Case, mail: ParsedMail | None = None, verdict: Verdict | None = None, **extra: Any
    ) -> dict[str, Any]:
        """What templates may use about a case."""
        return template_context(case, self.rules, self.calendar.zone, mail, verdict, **extra)

    # --- the dossier ----------------------------------------------------------------------

    def store_message(
        self,
        case_id: int,
        mail: ParsedMail,
        direction: Direction,
        role: Role,
        verdict: Verdict | None,
        flag: str | None,
        now: datetime,
        internal: bool = False,
    ) -> None:
        """Add a received message to a case's dossier."""
        self.store.insert_message(message_record(case_id, mail, direction, role, verdict, flag, now, internal))


def next_level(level: Level) -> Level:
    """One rung up the ladder: the only way a case moves up, whatever a rule or a customer names."""
    return Level(min(level + 1, Level.DISPUTE))


def reminder_moment(calendar: WorkCalendar, policy: PolicyRules, due: datetime) -> datetime:
    """When the owner is reminded of a deadline ``due``: ``policy.reminder_before`` ahead, at opening time."""
    return calendar.working_days_before(due, policy.reminder_before.amount)
