"""A customer's mail that a member of staff forwards to the complaints address registers itself (issue 13).

Staff who get a complaint in their own mailbox forward it. Such a mail (from a staff address,
authenticated as any staff command is, and belonging to no case) opens a case for the original
sender, classified on the customer's own words, not the staff member's note above them. The case
records the channel ``forwarded`` and, in its event log, the staff member who registered it; the
customer gets the normal acknowledgement, the staff member a short confirmation with the
klachtnummer. When the forward names no usable address, the staff member is asked for it and
answers with one line, ``#klant naam@adres``; nothing goes to quarantine for that.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from mailbot.cases.staff import StaffDesk
from mailbot.cases.work import CaseWork
from mailbot.intake.classify import classify
from mailbot.intake.thread import ThreadMatch, clean_subject
from mailbot.kinds import EventKind
from mailbot.mail.forwarded import Forwarded, address_in, find_forward, from_attached
from mailbot.mail.parse import ParseError, parse_mail
from mailbot.mail.quotes import strip_quoted
from mailbot.models import Address, Case, Category, ParsedMail, Person, Quarantine, Verdict
from mailbot.store import MailLogEntry

log = logging.getLogger("mailbot.forwards")
# The mail this module sends, for the template check at start-up (intake/mailtemplates.py).
FORWARD_TEMPLATES = frozenset({"forward_registered", "forward_ask"})
CHANNEL = "forwarded"
# The staff member's answer to our question: "#klant naam@adres" on a line of its own.
_ANSWER = re.compile(r"^\s*#(?:klant|customer)\b[:\s]*(?P<value>.*)$", re.IGNORECASE | re.MULTILINE)

Open = Callable[..., Case]  # CaseDesk.open


class ForwardDesk:
    """A staff member's mail that belongs to no case: an answer to our question about a forward,
    a registration command (staff.py), or a forward; anything else is quarantined."""

    def __init__(self, work: CaseWork, staff: StaffDesk, open_case: Open) -> None:
        self.work, self.staff, self.open_case = work, staff, open_case
        self.store, self.rules = work.store, work.rules

    def staff_mail(self, mail: ParsedMail, verdict: Verdict, received_at: datetime, now: datetime) -> MailLogEntry:
        """What becomes of a staff member's mail outside any case (raises Quarantine when nothing does)."""
        sender = mail.sender.email if mail.sender else ""
        asked = self.store.forward_ask(mail.thread_ids)
        if asked is not None:
            return self._answered(mail, asked, now)
        case_id = self.staff.new_mail(mail, verdict, received_at, now)
        if case_id is not None:
            return _entry(mail, "case", case_id, "registered by staff")
        forward = self.forward_in(mail, received_at)
        if forward is None:
            raise Quarantine(f"mail from staff ({sender}) that belongs to no case and registers none")
        self._trust(mail, "forward")
        customer = self.customer(forward)
        if customer is None:
            self._ask(mail, forward, now, _not_a_customer(forward))
            return _entry(mail, "asked", None, "a forward without its original sender: staff asked")
        case = self.register(mail, forward, customer, received_at, now)
        return _entry(mail, "case", case.id, "forwarded by staff")

    def forward_in(self, mail: ParsedMail, received_at: datetime) -> Forwarded | None:
        """The mail a staff member forwards: attached whole (message/rfc822), else a block in the text.

        A mail that also goes to the original sender is a reply to them, not a forward to register.
        """
        forward = self._attached(mail, received_at) or find_forward(mail.text)
        if forward is not None and forward.sender is not None and forward.sender.email in _emails(mail.recipients):
            return None
        return forward

    def customer(self, forward: Forwarded) -> Address | None:
        """The original sender when it is a customer: not a member of staff nor one of our addresses."""
        sender = forward.sender
        if sender is None or sender.email in self.rules.staff or sender.email in self.rules.addresses:
            return None
        if sender.email == self.rules.bot_address or sender.email.endswith(f"@{self.rules.domain.lower()}"):
            return None
        return sender

    def register(
        self, mail: ParsedMail, forward: Forwarded, customer: Address, received_at: datetime, now: datetime
    ) -> Case:
        """Open the case of a forwarded mail in the customer's name, on their own words; confirm it to staff."""
        staff = mail.sender.email if mail.sender else ""
        subject = forward.subject or clean_subject(mail.subject, self.rules.cases.reference_prefix)
        words = replace(
            mail,
            sender=customer,
            to=forward.to,
            cc=(),
            reply_to=(),
            subject=subject,
            text=forward.text,
            stripped=forward.text,
            in_reply_to=(),
            references=(),
            # What the customer sent with their words; the forwarded mail itself is not theirs to attach.
            attachments=tuple(a for a in mail.attachments if a.content_type != "message/rfc822"),
        )
        rules = self.rules
        verdict = classify(
            words,
            rules.classification,
            rules.addresses,
            None,
            reply_address=rules.bot_address,
            organisation=rules.organisation,
        )
        if verdict.category == Category.AUTO:
            raise Quarantine(f"forwarded by {staff}: the forwarded mail reads as automatic ({verdict.auto_reason})")
        case = self.open_case(words, verdict, ThreadMatch(None, "forwarded"), received_at, now, None, customer=customer)
        self.store.update_case(case.id, now, channel=CHANNEL)
        self.store.add_event(
            case.id, EventKind.REGISTERED, staff, now, channel=CHANNEL, client=forward.client, note=forward.note
        )
        case = self.store.case(case.id)
        person = Person(staff, rules.person_name(staff))
        self.work.to_staff(case, "forward-registered", "forward_registered", now, [person])
        log.info("forwarded mail registered for its original sender (%s forward)", forward.client)
        return case

    # --- the original sender unknown --------------------------------------------------

    def _ask(self, mail: ParsedMail, forward: Forwarded, now: datetime, problem: str = "") -> None:
        """Ask the staff member for the original sender's address; their answer finds the forward again."""
        staff = mail.sender.email if mail.sender else ""
        out = self.work.composer.build(
            kind="forward-ask",
            template="forward_ask",
            context={"subject": forward.subject, "sender_text": forward.sender_text, "problem": problem},
            to=[Address(staff, self.rules.person_name(staff))],
            ref=None,
            now=now,
            not_before=now,
            automatic=False,
            in_reply_to=mail.message_id or None,
        )
        self.store.enqueue(out, None, now)
        self.store.add_forward_ask(out.message_id, staff, mail.raw_sha256, now)
        self.store.add_event(None, "forward-sender-asked", staff, now, message_id=out.message_id, client=forward.client)

    def _answered(self, mail: ParsedMail, asked: tuple[str, str, int | None, datetime], now: datetime) -> MailLogEntry:
        """The staff member's answer to our question: register the forward under the address they give.

        Its deadlines count from when the forward arrived (when we asked), not from the answer."""
        _, raw_sha256, done, received_at = asked
        if done is not None:
            raise Quarantine(f"an answer about a forward already registered as {self.store.case(done).ref}")
        self._trust(mail, "#klant")
        original = parse_mail(
            self.work.archive.blobs.get(raw_sha256),
            received_at=received_at,
            strip=strip_quoted,
            assume_tz=self.rules.calendar.timezone,
        ).mail
        forward = self.forward_in(original, received_at)
        if forward is None:  # it was read as a forward once, and its blob holds the same bytes
            raise Quarantine(f"the forward {raw_sha256[:12]} asked about is no longer readable")
        match = _ANSWER.search(mail.stripped) or _ANSWER.search(mail.text)
        given = address_in(match.group("value")) if match else None
        customer = self.customer(replace(forward, sender=given)) if given else None
        if customer is None:
            why = "Wij konden in uw antwoord geen e-mailadres van een klant vinden."
            self._ask(replace(original, sender=mail.sender, message_id=mail.message_id), forward, now, why)
            return _entry(mail, "asked", None, "answer without a customer address: asked again")
        customer = Address(customer.email, customer.name or _name_in(forward.sender_text))
        case = self.register(replace(original, sender=mail.sender), forward, customer, received_at, now)
        self.store.answer_forward_ask(raw_sha256, case.id, now)
        return _entry(mail, "case", case.id, "forward registered after staff named its sender")

    def _trust(self, mail: ParsedMail, what: str) -> None:
        """Only authenticated staff mail registers anything: a forged staff address gets nowhere."""
        trusted = self.staff._trusted(mail)
        if not trusted.ok:
            sender = mail.sender.email if mail.sender else "?"
            raise Quarantine(f"{what} from {sender} ignored: not authenticated ({trusted.reason})")

    def _attached(self, mail: ParsedMail, received_at: datetime) -> Forwarded | None:
        """A mail attached whole (message/rfc822) to the staff member's mail, as its parser reads it."""
        for attachment in mail.attachments:
            if attachment.content_type != "message/rfc822":
                continue
            try:
                raw = self.work.archive.blobs.get(attachment.sha256)
                attached = parse_mail(
                    raw, received_at=received_at, strip=strip_quoted, assume_tz=self.rules.calendar.timezone
                ).mail
            except (OSError, ParseError):
                continue
            return from_attached(attached, mail.stripped)
        return None


def _not_a_customer(forward: Forwarded) -> str:
    """Why the forward's sender is no customer (an address of ours), for the question; "" when it names none."""
    if forward.sender is None:
        return ""
    return f"Het bericht komt van een adres van onze eigen organisatie ({forward.sender.email})."


def _emails(addresses: tuple[Address, ...]) -> set[str]:
    return {a.email for a in addresses}


def _name_in(sender_text: str) -> str:
    """The name a forward block gave without an address ("Van: Jan Jansen"), for the case."""
    return sender_text.strip().strip("\"'") if "@" not in sender_text else ""


def _entry(mail: ParsedMail, outcome: str, case_id: int | None, reason: str) -> MailLogEntry:
    return MailLogEntry(mail.raw_sha256, mail.key, outcome, case_id, reason)
