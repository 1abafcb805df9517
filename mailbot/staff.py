"""Staff at work from their mail client: replies to customers, notes, commands, phone complaints."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, time
from typing import Any

from mailbot.authentication import AuthVerdict, authenticate
from mailbot.casework import CaseWork
from mailbot.clock import iso
from mailbot.commands import Agreement, Command, CommandBlock, CommandError, describe, help_text, parse_commands
from mailbot.config import Person
from mailbot.lifecycle import NotAllowed, Status, next_status, transition
from mailbot.models import Address, Case, Category, Direction, Level, ParsedMail, Quarantine, Role, SubjectType, Verdict
from mailbot.thread import STAFF_REPLY_ADDRESS, ThreadMatch

# The transition each command takes; the others change no status.
STEP_OF = {
    "eigenaar": "assign",
    "team": "assign",
    "urgent": "classify",
    "type": "classify",
    "status": "set-status",
    "oplossing": "propose-solution",
    "opgelost": "solve",
    "gesprek": "meeting",
    "afspraak": "agreement",
    "verbeter": "improvement",
    "sluiten": "close",
    "soort": "reclassify",
    "escaleren": "escalate",
    "tevreden": "satisfied",
}
# Commands that set the case's facts without mail to the customer: applied first in a block, so
# that the mail #soort and #escaleren send reflects #urgent, #type, #team; the steps after them last.
FACTS = ("eigenaar", "team", "urgent", "type", "status", "verbeter")
VERDICTS = ("soort", "escaleren")
REGISTER = ("telefonisch", "post")
FORM_FIELDS = {
    "afhandeling": "handling",
    "handling": "handling",
    "oorzaak": "cause",
    "cause": "cause",
    "verbetering": "improvement",
    "verbeterpunt": "improvement",
    "improvement": "improvement",
}
_FORM_LINE = re.compile(r"^\s*(?P<key>[A-Za-z]+)\s*:\s*(?P<value>.*)$")

Register = Callable[[ParsedMail, Verdict, Address, str, datetime, datetime], Case]
Settle = Callable[[Case, Category, str, datetime], Case]


class StaffDesk:
    """Everything a member of staff can do to a case by mail; only addresses in rules.yaml count as staff."""

    def __init__(self, work: CaseWork, register: Register, settle: Settle) -> None:
        self.work = work
        self.store = work.store
        self.rules = work.rules
        self.register = register
        self.settle = settle

    def follow_up(
        self, case: Case, mail: ParsedMail, verdict: Verdict, thread: ThreadMatch, flag: str | None, now: datetime
    ) -> None:
        """A staff member's mail about ``case``: a reply to the customer, a form, or a note with commands."""
        work, sender = self.work, mail.sender.email if mail.sender else ""
        if self._answers_kind(mail) == "improvement-request":
            work.store_message(case.id, mail, Direction.IN, Role.STAFF, verdict, flag, now, internal=True)
            form = parse_improvement_form(mail.stripped)
            self.store.add_event(case.id, "improvement-form", sender, now, **form)
            self.work.to_archive.add(case.id)  # the archived dossier includes the form
            return
        if any(a.email == case.customer.email for a in mail.recipients):
            work.store_message(case.id, mail, Direction.OUT, Role.STAFF, verdict, flag, now)
            fields: dict[str, Any] = {"answered": True}
            if case.contact_at is None:
                fields["contact_at"] = now  # the policy's "personal contact"
            self.store.update_case(case.id, now, **fields)
            self.store.add_event(case.id, "staff-reply", sender, now, via=thread.via)
            if case.status == Status.OPEN.value:
                work.step(self.store.case(case.id), "personal-contact", sender, now)
            return
        work.store_message(case.id, mail, Direction.IN, Role.STAFF, verdict, flag, now, internal=True)
        block = parse_commands(mail.stripped, rules=self.rules, now=now)
        if not block.commands and block.ok:
            self.store.add_event(case.id, "staff-note", sender, now, via=thread.via)
            return
        trusted = self._trusted(mail, thread)
        if not trusted.ok:
            # Recorded as a note; the real owner of the address hears that someone tried.
            self.store.add_event(case.id, "commands-ignored", sender, now, reason=trusted.reason)
            why = CommandError(
                0,
                "(alle opdrachten)",
                f"Uw opdrachten zijn genegeerd: {trusted.reason}. Stuur ze vanuit uw eigen mailbox van de organisatie.",
            )
            self._answer(case, sender, now, done=[], errors=[why])
            return
        errors = list(block.errors) + self._check(case, block)
        if errors:
            self.store.add_event(
                case.id, "commands-rejected", sender, now, errors=[f"{e.raw}: {e.reason}" for e in errors]
            )
            self._answer(case, sender, now, done=[], errors=errors)
            return
        done = [self._apply(case, cmd, block, sender, now) for cmd in in_order(block.commands)]
        self._answer(case, sender, now, done=done, errors=[])

    def new_mail(self, mail: ParsedMail, verdict: Verdict, received_at: datetime, now: datetime) -> int | None:
        """Staff writing to the bot outside any case: registers a phone or paper complaint, else None."""
        block = parse_commands(mail.stripped, rules=self.rules, now=now)
        first = block.commands[0] if block.commands else None
        if first is None or first.name not in REGISTER or not block.ok:
            return None
        trusted = self._trusted(mail)
        if not trusted.ok:
            raise Quarantine(
                f"#{first.name} from {mail.sender.email if mail.sender else '?'} ignored: "
                f"not authenticated ({trusted.reason})"
            )
        assert isinstance(first.value, Address)
        body = replace_text(mail, block.note)
        case = self.register(body, verdict, first.value, first.name, received_at, now)
        sender = mail.sender.email if mail.sender else ""
        self.store.add_event(case.id, "registered", sender, now, channel=first.name)
        rest = CommandBlock(block.commands[1:], (), block.note)
        errors = self._check(case, rest)
        done = [describe(first)]
        if not errors:
            done += [self._apply(self.store.case(case.id), cmd, rest, sender, now) for cmd in rest.commands]
        self._answer(self.store.case(case.id), sender, now, done=done, errors=errors)
        return case.id

    def request_improvement_form(self, case: Case, now: datetime) -> None:
        """On closing: ask the owner how it went (verbeterformulier); the reply is stored on the case."""
        self.work.to_staff(case, "improvement-request", "improvement_request", now, self.work.owner_people(case))

    # --- commands -------------------------------------------------------------------------

    def _check(self, case: Case, block: CommandBlock) -> list[CommandError]:
        """All-or-nothing: every command must be allowed in the status the ones before it leave."""
        status, errors = Status(case.status), []
        for cmd in in_order(block.commands):
            if cmd.name in REGISTER:
                errors.append(
                    CommandError(
                        cmd.line,
                        cmd.raw,
                        "Een telefonische of schriftelijke klacht registreert "
                        "u in een nieuw bericht, niet in een bestaand dossier.",
                    )
                )
                continue
            try:
                step = transition(STEP_OF[cmd.name], status)
            except NotAllowed as exc:
                errors.append(CommandError(cmd.line, cmd.raw, str(exc)))
                continue
            if cmd.name == "status":
                status = Status(str(cmd.value))
            elif cmd.name == "soort" and cmd.value == Category.COMPLIMENT:
                status = Status.CLOSED  # a compliment is thanked and closed
            elif cmd.name == "escaleren" and case.level >= Level.APPEAL:
                status = Status.REFERRED  # past the last internal stage: the referral
            else:
                status = next_status(step, status)
        return errors

    def _apply(self, case: Case, cmd: Command, block: CommandBlock, actor: str, now: datetime) -> str:
        work, value = self.work, cmd.value
        case = self.store.case(case.id)
        if cmd.name == "soort":
            assert isinstance(value, Category)
            self.settle(case, value, actor, now)
            return describe(cmd)
        if cmd.name == "escaleren":
            # The new level's terms count from the customer's last mail: their dissatisfaction
            # (an answer mailbot could not read, a call noted on the case) arrived then.
            start, words = self.work.last_customer_mail(case)
            rules = (f"#escaleren door {actor}",)
            self.work.escalate(case, actor, now, start, excerpt=words, rules=rules, automatic=False)
            return describe(cmd)
        detail: dict[str, Any] = {"command": cmd.raw}
        if cmd.name == "eigenaar":
            assert isinstance(value, str)
            team = next(
                (k for k, t in self.rules.teams.items() if value in {m.email for m in t.members}), case.owner_team
            )
            self.store.update_case(case.id, now, owner_email=value, owner_team=team)
        elif cmd.name == "team":
            self.store.update_case(case.id, now, owner_team=value, owner_email=None)
        elif cmd.name == "urgent":
            self.store.update_case(case.id, now, urgent=bool(value))
        elif cmd.name == "type":
            assert isinstance(value, SubjectType)
            self.store.update_case(case.id, now, subject_type=value.value)
        elif cmd.name == "status":
            self.store.update_case(case.id, now, status=str(value))
        elif cmd.name in ("oplossing", "opgelost") and value:
            self.store.update_case(case.id, now, solution=str(value))
        elif cmd.name == "afspraak":
            assert isinstance(value, Agreement)
            self.store.add_agreement(case.id, value.text, value.due.isoformat(), actor, now)
        elif cmd.name == "gesprek":
            assert isinstance(value, datetime)
            detail["at"] = iso(value)
        elif cmd.name == "verbeter":
            detail["suggestion"] = str(value)
        case, step = work.step(case, STEP_OF[cmd.name], actor, now, **detail)
        self._follow_through(case, cmd, actor, now)
        if step.customer_mail:
            extra = self._mail_extra(case, cmd)
            work.to_customer(case, cmd.name, step.customer_mail, now, automatic=False, **extra)
        return describe(cmd)

    def _follow_through(self, case: Case, cmd: Command, actor: str, now: datetime) -> None:
        """What a command sets in motion beyond its own mail: timers, forms, alerts."""
        work, policy = self.work, self.rules.policy
        if cmd.name == "opgelost":
            self.store.update_case(case.id, now, solved_at=now)
            due = work.morning_after(now, policy.satisfaction_check_after)
            self.store.schedule(f"{case.id}:satisfaction-check:{iso(now)}", case.id, "satisfaction-check", due)
        elif cmd.name == "afspraak":
            assert isinstance(cmd.value, Agreement)
            local = datetime.combine(cmd.value.due, time(0, 0), tzinfo=work.calendar.zone)
            due = work.calendar.at_opening(local)
            self.store.schedule(
                f"{case.id}:agreement-due:{cmd.value.due}:{cmd.value.text[:40]}",
                case.id,
                "agreement-due",
                due,
                text=cmd.value.text,
                date=cmd.value.due.isoformat(),
            )
        elif cmd.name in ("sluiten", "tevreden"):
            self.request_improvement_form(case, now)
        elif cmd.name in ("eigenaar", "team"):
            work.to_staff(case, "assigned", "assigned", now, work.owner_people(case), assigned_by=actor)
        elif cmd.name == "urgent" and cmd.value is True:
            work.to_staff(
                case,
                "urgent",
                "notify_new",
                now,
                [*work.owner_people(case), self.rules.director],
                excerpt=f"Dit dossier is door {actor} als urgent gemarkeerd.",
            )

    def _mail_extra(self, case: Case, cmd: Command) -> dict[str, Any]:
        if cmd.name == "gesprek":
            assert isinstance(cmd.value, datetime)
            return {"meeting_at": describe(cmd).removeprefix("Gesprek gepland op ")}
        if cmd.name == "afspraak":
            return {"agreements": self.store.agreements(case.id)}
        return {"solution": case.solution or ""}

    def _answer(self, case: Case, to: str, now: datetime, *, done: list[str], errors: list[CommandError]) -> None:
        """Tell the staff member what was done, or why nothing was."""
        person = Person(to, self.rules.person_name(to))
        self.work.to_staff(
            case,
            "command-result",
            "command_result",
            now,
            [person],
            done=done,
            errors=[f"Regel {e.line}: {e.raw}\n  {e.reason}" if e.line else e.reason for e in errors],
            help=help_text() if errors else "",
        )

    def _trusted(self, mail: ParsedMail, thread: ThreadMatch | None = None) -> AuthVerdict:
        """Whether commands in this mail may be obeyed (issue: spoofed staff commands)."""
        security = self.rules.security
        if not security.require_authentication:
            return AuthVerdict(True, "authentication not required by rules.yaml")
        if thread is not None and thread.via == STAFF_REPLY_ADDRESS:
            return AuthVerdict(True, "sent to the case's reply address for staff")
        return authenticate(mail, security.authserv_ids)

    def _answers_kind(self, mail: ParsedMail) -> str | None:
        """The kind of our own mail this one answers, if any."""
        for mid in mail.thread_ids:
            kind = self.store.outbox_kind(mid)
            if kind is not None:
                return kind
        return None


def in_order(commands: tuple[Command, ...]) -> list[Command]:
    """The order commands are checked and applied in: the facts, then the verdict, then the steps after it."""
    return sorted(commands, key=lambda c: 0 if c.name in FACTS else 1 if c.name in VERDICTS else 2)


def parse_improvement_form(text: str) -> dict[str, str]:
    """The verbeterformulier's answers: ``Afhandeling:``, ``Oorzaak:``, ``Verbetering:`` lines (or English)."""
    form: dict[str, str] = {}
    current: str | None = None
    for line in text.splitlines():
        match = _FORM_LINE.match(line)
        key = FORM_FIELDS.get(match.group("key").lower()) if match else None
        if match and key:
            current = key
            form[key] = match.group("value").strip()
        elif current and line.strip():
            form[current] = f"{form[current]} {line.strip()}".strip()
        else:
            current = None
    return form or {"text": text.strip()}


def replace_text(mail: ParsedMail, text: str) -> ParsedMail:
    """The same mail with only ``text`` as its own words (the registered complaint without the commands)."""
    from dataclasses import replace

    return replace(mail, stripped=text)
