"""The one answer a staff member gets to a mail with commands: what was done, what was not, the status after."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mailbot.cases.work import CaseWork
from mailbot.commands import CommandError, help_text
from mailbot.config import Person
from mailbot.mail.authentication import README_SECTION, AuthVerdict


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
    """Tell the sender their mail changed nothing because it could not be trusted, and what an admin must fix."""
    _send(work, case_id, to, now, refused=True, reason=verdict.reason, fix=verdict.fix, readme=README_SECTION)


def _send(work: CaseWork, case_id: int, to: str, now: datetime, **values: Any) -> None:
    """The one answer to the staff member, about the case as it is now."""
    person = Person(to, work.rules.person_name(to))
    work.to_staff(work.store.case(case_id), "command-result", "command_result", now, [person], **values)


def _line(error: CommandError) -> str:
    return f"Regel {error.line}: {error.raw}\n  {error.reason}" if error.line else error.reason
