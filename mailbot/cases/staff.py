"""Staff at work from their mail client: replies to customers, notes, commands, phone complaints."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from mailbot.cases.confirm import confirm, refuse
from mailbot.cases.lifecycle import NotAllowed, Status, transition
from mailbot.cases.work import CaseWork
from mailbot.commands import (
    COMMANDS,
    Act,
    Command,
    CommandBlock,
    CommandError,
    Settle,
    describe,
    in_order,
    parse_commands,
)
from mailbot.intake.thread import STAFF_REPLY_ADDRESS, ThreadMatch
from mailbot.kinds import EventKind
from mailbot.mail.authentication import AuthVerdict, authenticate
from mailbot.models import Address, Case, Direction, ParsedMail, Quarantine, Role, Verdict

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
        """A staff member's mail about ``case``: a reply to the customer, a form, or a note with commands.

        Each of them changes the record, so each passes the same authentication check first; a
        mail that fails it is kept in the dossier as refused, and changes nothing else.
        """
        work, sender = self.work, mail.sender.email if mail.sender else ""
        trusted = self._trusted(mail, thread)
        if not trusted.ok:
            refused = "; ".join(f for f in (flag, f"not authenticated: {trusted.reason}") if f)
            work.store_message(case.id, mail, Direction.IN, Role.STAFF, verdict, refused, now, internal=True)
            refuse(work, case.id, sender, now, trusted)  # logs the refusal; answers at most once an hour
            return
        if self._answers_kind(mail) == "improvement-request":
            work.store_message(case.id, mail, Direction.IN, Role.STAFF, verdict, flag, now, internal=True)
            form = parse_improvement_form(mail.stripped)
            self.store.add_event(case.id, EventKind.IMPROVEMENT_FORM, sender, now, **form)
            self.work.archive.add(case.id)  # the archived dossier includes the form
            return
        if any(a.email == case.customer.email for a in mail.recipients):
            self._reply_to_customer(case, mail, verdict, thread, flag, now)
            return
        work.store_message(case.id, mail, Direction.IN, Role.STAFF, verdict, flag, now, internal=True)
        block = parse_commands(mail.stripped, rules=self.rules, now=now)
        if not block.commands and block.ok:
            self.store.add_event(case.id, "staff-note", sender, now, via=thread.via)
            if block.mentions:
                confirm(work, case.id, sender, now, done=[], mentions=block.mentions)
            return
        errors = list(block.errors) + self._check(case, block)
        if errors:
            self.store.add_event(
                case.id, "commands-rejected", sender, now, errors=[f"{e.raw}: {e.reason}" for e in errors]
            )
            confirm(work, case.id, sender, now, done=[], errors=errors, mentions=block.mentions)
            return
        done = self._apply(case, block.commands, sender, now)
        confirm(work, case.id, sender, now, done=done, mentions=block.mentions)

    def _reply_to_customer(
        self, case: Case, mail: ParsedMail, verdict: Verdict, thread: ThreadMatch, flag: str | None, now: datetime
    ) -> None:
        """A staff member wrote to the customer with mailbot in copy: the policy's personal contact."""
        work, sender = self.work, mail.sender.email if mail.sender else ""
        work.store_message(case.id, mail, Direction.OUT, Role.STAFF, verdict, flag, now)
        fields: dict[str, Any] = {"answered": True}
        if case.contact_at is None:
            fields["contact_at"] = now  # the policy's "personal contact"
        self.store.update_case(case.id, now, **fields)
        self.store.add_event(case.id, EventKind.STAFF_REPLY, sender, now, via=thread.via)
        if case.status == Status.OPEN:
            work.step(self.store.case(case.id), "personal-contact", sender, now)

    def _apply(self, case: Case, commands: tuple[Command, ...], sender: str, now: datetime) -> list[str]:
        """Apply checked commands in order; then what had to wait for all of them (alerts). Their confirmations."""
        act = Act(self.work, self.settle, sender, now)
        done = [COMMANDS[cmd.name].apply(self.store.case(case.id), cmd, act) for cmd in in_order(commands)]
        for later in act.afterwards:
            later(self.store.case(case.id))
        return done

    def new_mail(self, mail: ParsedMail, verdict: Verdict, received_at: datetime, now: datetime) -> int | None:
        """Staff writing to the bot outside any case: registers a phone or paper complaint, else None."""
        block = parse_commands(mail.stripped, rules=self.rules, now=now)
        first = block.commands[0] if block.commands else None
        if first is None or not COMMANDS[first.name].registers or not block.ok:
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
        self.store.add_event(case.id, EventKind.REGISTERED, sender, now, channel=first.name)
        rest = CommandBlock(block.commands[1:], (), block.note)
        errors = self._check(case, rest)
        done = [describe(first)]
        if not errors:
            done += self._apply(case, rest.commands, sender, now)
        confirm(self.work, case.id, sender, now, done=done, errors=errors, mentions=block.mentions)
        return case.id

    # --- commands -------------------------------------------------------------------------

    def _check(self, case: Case, block: CommandBlock) -> list[CommandError]:
        """All-or-nothing: every command must be allowed in the status the ones before it leave."""
        status, errors = case.status, []
        for cmd in in_order(block.commands):
            spec = COMMANDS[cmd.name]
            if spec.registers:
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
                transition(spec.transition().name, status)
                spec.check(cmd.value, case, self.work)  # what this case can take (#uitstel's limits)
            except NotAllowed as exc:
                errors.append(CommandError(cmd.line, cmd.raw, str(exc)))
                continue
            status = spec.status_after(cmd.value, case, status)
        return errors

    def _trusted(self, mail: ParsedMail, thread: ThreadMatch | None = None) -> AuthVerdict:
        """Whether this staff mail may change the record: the one check for every kind of staff mail."""
        security = self.rules.security
        if not security.require_authentication:
            return AuthVerdict(True, "authentication not required by rules.yaml")
        if thread is not None and thread.via == STAFF_REPLY_ADDRESS:
            return AuthVerdict(True, "sent to the case's reply address for staff")
        return authenticate(mail, security.authserv_ids, security.exchange_tenant_id)

    def _answers_kind(self, mail: ParsedMail) -> str | None:
        """The kind of our own mail this one answers, if any."""
        for mid in mail.thread_ids:
            kind = self.store.outbox_kind(mid)
            if kind is not None:
                return kind
        return None


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
