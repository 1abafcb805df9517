"""The one answer a staff member gets to a mail with commands: what was done, what was not, the status after."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from mailbot.cases.work import CaseWork
from mailbot.commands import CommandError, help_text
from mailbot.mail.authentication import README_SECTION, AuthVerdict
from mailbot.models import Person

# How long after answering a refused staff mail the next one on the same case goes unanswered.
REFUSAL_ANSWER_WINDOW = timedelta(hours=1)


def confirm(
    work: CaseWork,
    case_id: int,
    to: str,
    now: datetime,
    *,
    done: Sequence[str],
    errors: Sequence[CommandError] = (),
    mentions: Sequence[CommandError] = (),
) -> None:
    """Tell the staff member, in one mail, what their mail did to the case and what it did not.

    The case is read afresh: the status shown is the one after every command of the mail.
    ``errors`` mean nothing was done (a mail's commands are all or nothing); ``mentions`` are
    commands named inside a sentence, never done, whatever else was.
    """
    _send(
        work,
        case_id,
        to,
        now,
        done=list(done),
        errors=[_line(e) for e in errors],
        mentions=[_line(m) for m in mentions],
        help=help_text() if errors else "",  # a mention needs only its own line, not the list
        refused=False,
    )


def refuse(work: CaseWork, case_id: int, to: str, now: datetime, verdict: AuthVerdict) -> None:
    """Log a staff mail refused as untrusted; tell its sender it changed nothing, and what an admin must fix.

    At most one answer per sender and case in ``REFUSAL_ANSWER_WINDOW``: a forger sending many
    mails in a staff member's name must not flood that person's mailbox (each one is logged).
    """
    answered = _refused_since(work, case_id, to, now - REFUSAL_ANSWER_WINDOW)
    work.store.add_event(case_id, "commands-ignored", to, now, reason=verdict.reason, answered=not answered)
    if answered:
        return
    _send(work, case_id, to, now, refused=True, reason=verdict.reason, fix=verdict.fix, readme=README_SECTION)


def _send(work: CaseWork, case_id: int, to: str, now: datetime, **values: Any) -> None:
    """The one answer to the staff member, about the case as it is now."""
    person = Person(to, work.rules.person_name(to))
    work.to_staff(work.store.case(case_id), "command-result", "command_result", now, [person], **values)


def _refused_since(work: CaseWork, case_id: int, sender: str, since: datetime) -> bool:
    """Whether ``sender`` was told after ``since`` that their mail on this case was refused."""
    return any(
        e.kind == "commands-ignored" and e.actor == sender and e.detail.get("answered", True) and e.at > since
        for e in work.store.events(case_id)
    )


def _line(error: CommandError) -> str:
    return f"Regel {error.line}: {error.raw}\n  {error.reason}" if error.line else error.reason
