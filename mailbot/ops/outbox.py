"""The durable queue of mail to send: what is due, and what a send result does to the case."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from mailbot.auth.tokens import Tokens
from mailbot.clock import Clock
from mailbot.config import SmtpSettings
from mailbot.kinds import EventKind
from mailbot.logs import about, redacted
from mailbot.mail.dateheader import with_date
from mailbot.mail.send import SendResult, deliver
from mailbot.models import ACKNOWLEDGING, QueuedMail
from mailbot.store import Store

log = logging.getLogger("mailbot.outbox")
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=1)
GIVE_UP_AFTER = 48  # attempts: about two days at the capped interval
# A result the server gave is written however long another writer holds the database: given up,
# the mail would be left 'sending' and be sent again (at best checked at the server first).
RECORD_WAIT_MAX = 5.0  # seconds between tries
RECORD_GIVE_UP = 3600.0  # seconds; past this the database is broken rather than busy


@dataclass
class SendReport:
    """Counts from one pass over the outbox."""

    sent: int = 0
    retried: int = 0
    parked: int = 0
    errors: list[str] = field(default_factory=list)


def is_busy(exc: sqlite3.OperationalError) -> bool:
    """True when another connection holds the database (waiting cures it), not when it is broken."""
    return "locked" in str(exc) or "busy" in str(exc)


def retry_delay(attempts: int) -> timedelta:
    """Back-off before the next try after ``attempts`` failed ones: 1, 2, 4 … minutes, at most an hour."""
    return min(FIRST_RETRY * (1 << max(0, attempts - 1)), MAX_RETRY)


class Outbox:
    """Sends what is due and records every result in its own transaction."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        smtp: SmtpSettings | None,
        batch_size: int = 200,
        tokens: Tokens | None = None,
        copy_to: str | None = None,
        sent_check: bool = False,
        hold_when_busy: bool = False,
    ) -> None:
        self.store = store
        self.clock = clock
        self.smtp = smtp
        self.batch_size = batch_size
        self.tokens = tokens  # AUTH XOAUTH2 (mailbot/auth/)
        self.copy_to = copy_to  # every mail also to this address (mailbox.sent_copies: bcc; sentcheck.py)
        # Whether the server can be asked if a mail went out (mailbox.sent_copies is not none).
        self.sent_check = sent_check
        self._refs: dict[int, str] = {}
        # The background sender's (sender.py): a result that comes while another writer holds the
        # database is held and written with the next one it can write, instead of waiting there
        # for the handling of a whole batch of mail. Only when sent_check: a crash that loses held
        # results leaves their mail in doubt, looked for at the server, never resent blindly.
        self.hold_when_busy = hold_when_busy and sent_check

    def send_due(self, should_stop: Callable[[], bool] = lambda: False) -> SendReport:
        """Deliver every due mail, batch by batch, until nothing due is left, sending fails, or
        ``should_stop`` says so between two batches."""
        report = SendReport()
        if self.smtp is None:
            return report
        while not should_stop():
            batch = self.store.due_mail(self.clock.now(), self.batch_size)
            if not batch:
                return report
            before = report.sent
            # Claimed first, in one commit: a crash from here to each result leaves the mail "in
            # doubt", to be checked at the server (sentcheck.py) rather than resent blindly. Durable
            # (an fsync), so a power cut cannot undo the claim and leave the mail 'queued', to be
            # resent unchecked; the results below need none: a lost one leaves the mail in doubt.
            with self.store.transaction(durable=True):
                batch = self.claim(batch)
            self._send_batch(self.smtp, batch, report, should_stop)
            # A short batch may have held back a case's next mail to someone until this one went
            # (IN_TURN): another pass sends it, as long as passes send anything.
            if report.sent == before:
                return report
        return report

    def _send_batch(
        self, smtp: SmtpSettings, batch: list[QueuedMail], report: SendReport, should_stop: Callable[[], bool]
    ) -> None:
        """Offer a claimed batch over one connection, writing each result as it comes (or held, see
        ``hold_when_busy``); what was never offered is pending again."""
        answered: set[int] = set()
        held: list[SendResult] = []

        def record(result: SendResult) -> None:
            answered.add(result.mail.id)
            if self.hold_when_busy and self.store.writer_lock.locked():
                held.append(replace(result, answered_at=self.clock.now()))
                return
            if held:
                self.record_all([*held, result], report)
                held.clear()
            else:
                self.record(result, report)

        asyncio.run(deliver(smtp, batch, record, self.tokens, self.copy_to, should_stop))
        if held:
            self.record_all(held, report)
        unanswered = [m.id for m in batch if m.id not in answered]
        if unanswered:  # deliver() reports every mail it offered: these were never offered
            with self.store.transaction():
                self.store.release(unanswered)

    def claim(self, batch: list[QueuedMail]) -> list[QueuedMail]:
        """Claim ``batch`` for sending (inside a transaction); return it as it goes.

        A mail claimed for the first time gets the Date of this moment, stored with it: a mail
        held back says when it was sent, and a resend after a crash is the same bytes."""
        now = self.clock.now()
        undated = self.store.undated([m.id for m in batch])
        batch = [replace(m, raw=with_date(m.raw, now)) if m.id in undated else m for m in batch]
        self.store.claim([m.id for m in batch], now, {m.id: m.raw for m in batch if m.id in undated})
        return batch

    def record(self, result: SendResult, report: SendReport) -> None:
        """Write one send result: sent, retry later, or parked with the reason on the case.

        Its log lines carry the mail's Message-ID and its case's reference."""
        self.record_all([result], report)

    def record_all(self, results: list[SendResult], report: SendReport) -> None:
        """Write send results in one transaction, waiting as long as another writer holds the database."""
        waited, pause = 0.0, 0.05
        while True:
            this = SendReport()  # counted only once written: a rolled-back try must not count
            try:
                with self.store.transaction():
                    for result in results:
                        with about(case=self._ref(result.mail.case_id), message_id=result.mail.message_id):
                            self._record(result, this)
            except sqlite3.OperationalError as exc:
                if not is_busy(exc) or waited >= RECORD_GIVE_UP:
                    raise
                if waited == 0.0:
                    mail = results[0].mail
                    log.warning(
                        "%s %s: the server answered; the database is busy, recording the result once it is free",
                        mail.kind,
                        mail.message_id,
                    )
                time.sleep(pause)
                waited += pause
                pause = min(pause * 2, RECORD_WAIT_MAX)
                continue
            report.sent += this.sent
            report.retried += this.retried
            report.parked += this.parked
            report.errors.extend(this.errors)
            return

    def _ref(self, case_id: int | None) -> str | None:
        """A case's reference, for log lines; kept, as a reference never changes (read once per case)."""
        if case_id is None:
            return None
        if case_id not in self._refs:
            if len(self._refs) >= 1000:
                self._refs.clear()
            self._refs[case_id] = self.store.case_ref(case_id)
        return self._refs[case_id]

    def _record(self, result: SendResult, report: SendReport) -> None:
        """Write one send result (inside the caller's transaction), counted in ``report``."""
        now = result.answered_at or self.clock.now()
        mail = result.mail
        if result.accepted:
            self._record_sent(result, now, report)
        elif result.unknown and self.sent_check:
            # Left 'sending': after sent_check_after_seconds the server is asked (sentcheck.py).
            self.store.mark_in_doubt(mail.id, result.error or "no reply", now)
            report.retried += 1
            log.warning("%s %s: no reply after the mail went; to ask the server", mail.kind, mail.message_id)
        elif not result.tried:
            next_at = now + retry_delay(mail.attempts + 1)
            self.store.mark_deferred(mail.id, result.error or "unknown error", next_at)
            report.retried += 1
            report.errors.append(result.error or "")
            log.debug("server unreachable; %s %s waits until %s", mail.kind, mail.message_id, next_at.isoformat())
        elif result.permanent or mail.attempts + 1 >= GIVE_UP_AFTER:
            self._record_parked(result, now, report)
        else:
            next_at = now + retry_delay(mail.attempts + 1)
            self.store.mark_retry(mail.id, result.error or "unknown error", next_at)
            report.retried += 1
            report.errors.append(result.error or "")
            error = redacted(result.error or "")  # a refusal may name the recipient
            log.warning("will retry %s %s at %s: %s", mail.kind, mail.message_id, next_at.isoformat(), error)

    def _record_sent(self, result: SendResult, now: datetime, report: SendReport) -> None:
        """The server took the mail (perhaps refusing some recipients): sent, on the case's timeline."""
        mail = result.mail
        self.store.mark_sent(mail.id, now)
        report.sent += 1
        if result.refusals:
            self.store.set_refused(mail.id, result.refusals)
            report.parked += len(result.refusals)
            log.error(
                "%s %s: the server refused %d of %d recipient(s); the rest got it",
                mail.kind,
                mail.message_id,
                len(result.refusals),
                len(mail.recipients),
            )
        if mail.case_id is not None:
            self.store.add_event(
                mail.case_id,
                EventKind.SENT,
                "system",
                now,
                kind=mail.kind,
                message_id=mail.message_id,
                refused=list(result.refused),
            )
            if mail.kind in ACKNOWLEDGING:
                self.store.note_ack_sent(mail.case_id, now)
        for recipient, reply in result.refusals.items():
            self.store.add_event(
                mail.case_id,
                EventKind.RECIPIENT_REFUSED,
                "system",
                now,
                kind=mail.kind,
                message_id=mail.message_id,
                recipient=recipient,
                error=reply,
            )
        log.info("sent %s %s to %d recipient(s)", mail.kind, mail.message_id, len(mail.recipients))

    def _record_parked(self, result: SendResult, now: datetime, report: SendReport) -> None:
        """A permanent failure, or the last try: parked, with a send-failed event."""
        mail = result.mail
        self.store.mark_parked(mail.id, result.error or "unknown error")
        report.parked += 1
        # Also without a case (a notice to staff): the coordinator hears of every parked mail.
        self.store.add_event(
            mail.case_id,
            EventKind.SEND_FAILED,
            "system",
            now,
            kind=mail.kind,
            message_id=mail.message_id,
            error=result.error,
            permanent=True,
        )
        log.error("parked %s %s: %s", mail.kind, mail.message_id, redacted(result.error or ""))

    def next_due_at(self) -> datetime | None:
        """When the next queued mail becomes due."""
        return self.store.next_due_at()
