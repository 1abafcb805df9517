"""Every customer mail as a letter, for a customer without an e-mail address.

A complaint taken by phone or letter from someone who has no e-mail address (`#telefonisch` or
`#post` with a postal address) still gets everything the policy promises: the acknowledgement, the
interim updates, the solution, the decision. Each becomes a PDF letter that goes to the case's
owner and the coordinator to print and post, and is kept with that mail in the dossier;
`#verstuurd` records that it went. An acknowledgement counts as sent on the day it is posted, so
the deadline's reminders keep coming until someone has posted it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from mailbot.config import Rules
from mailbot.kinds import EventKind, MailKind
from mailbot.mail.compose import Composer
from mailbot.mail.letter import Letter, letter_text, render_pdf
from mailbot.mail.mimeparts import OutgoingFile
from mailbot.models import ACKNOWLEDGING, Case, EventRecord, Person
from mailbot.store import Store
from mailbot.workdays import WorkCalendar, format_date_nl

LETTER_KIND = MailKind.LETTER  # the staff mail that carries a letter to post
QUEUED, POSTED = EventKind.LETTER_QUEUED, EventKind.LETTER_POSTED  # the case's events


class CaseWork(Protocol):
    """What a letter needs of cases/work.py's CaseWork (which calls this module, so it is not imported)."""

    rules: Rules
    store: Store
    calendar: WorkCalendar
    composer: Composer

    def context(self, case: Case, **extra: Any) -> dict[str, Any]:
        """The templates' context for ``case``."""
        ...

    def owner_people(self, case: Case) -> list[Person]:
        """The case's owner and team."""
        ...

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
        """Queue a staff mail."""
        ...


def by_post(case: Case) -> bool:
    """True for a customer who gets letters: no e-mail address, a postal one."""
    return not case.customer.email and bool(case.customer.postal.strip())


def post_letter(work: CaseWork, case: Case, kind: str, template: str, now: datetime, **extra: Any) -> str:
    """Write the customer mail ``template`` as a letter and send it to staff to print and post.

    Returns the staff mail's Message-ID; the case's event log says which letter waits to be posted.
    """
    subject, text = work.composer.render(template, work.context(case, **extra))
    letter = Letter(
        organisation=work.rules.organisation,
        address=(case.customer.name, *address_lines(case.customer.postal)),
        date=format_date_nl(now.astimezone(work.calendar.zone)),
        subject=subject,
        reference=case.ref,
        text=letter_text(text),
    )
    pdf = OutgoingFile(f"brief-{case.ref}-{kind}.pdf", "application/pdf", render_pdf(letter))
    people = {p.email: p for p in (work.rules.coordinator, *work.owner_people(case))}
    message_id = work.to_staff(
        case,
        LETTER_KIND,
        "letter_to_post",
        now,
        list(people.values()),
        files=(pdf,),
        letter_subject=subject,
        address_lines=letter.address,
        acknowledges=kind in ACKNOWLEDGING and case.ack_sent_at is None,
    )
    work.store.add_event(case.id, QUEUED, "system", now, kind=kind, subject=subject, message_id=message_id)
    return message_id


def address_lines(postal: str) -> tuple[str, ...]:
    """The postal address as the envelope shows it, one line each (written with commas or line breaks)."""
    return tuple(part.strip() for part in postal.replace(",", "\n").splitlines() if part.strip())


def waiting_letters(events: Sequence[EventRecord]) -> list[EventRecord]:
    """The letters queued and not yet recorded as posted, oldest first (each posting covers all before it)."""
    waiting: list[EventRecord] = []
    for event in events:
        if event.kind == QUEUED:
            waiting.append(event)
        elif event.kind == POSTED:
            waiting = []
    return waiting
