"""One received message through parse -> classify -> thread -> case, in one transaction (or savepoint: group.py)."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from concurrent.futures import BrokenExecutor, CancelledError, Future
from dataclasses import dataclass
from datetime import datetime, timedelta

from mailbot.cases.archive import ArchiveQueue
from mailbot.cases.desk import CaseDesk
from mailbot.clock import Clock
from mailbot.config import Rules
from mailbot.intake.classify import auto_reason, classify
from mailbot.intake.quarantine import quarantine_notice
from mailbot.intake.reasons import too_large
from mailbot.intake.sentcopy import sent_copy
from mailbot.intake.thread import case_prefixes, find_thread, ids_in_raw
from mailbot.logs import about, log_failure, redacted
from mailbot.mail.compose import Composer
from mailbot.mail.msgid import is_forged
from mailbot.mail.parse import ParseError, ParseResult, header_hint, parse_mail
from mailbot.mail.quotes import strip_quoted
from mailbot.mail.references import normalise_message_id
from mailbot.mail.replyaddress import ReplyToken, read_reply_address
from mailbot.models import ParsedMail, Quarantine
from mailbot.store import MailLogEntry, Store
from mailbot.store.blobs import BlobStore
from mailbot.workdays import WorkCalendar

log = logging.getLogger("mailbot.pipeline")

# A reason quotes the exception, which may quote the message: enough to act on, no more.
_MAX_REASON = 500


@dataclass(frozen=True)
class Source:
    """Where a message was read from, for the mail log."""

    folder: str
    uidvalidity: int | None = None
    uid: int | None = None


@dataclass(frozen=True)
class Handled:
    """What became of one message; ``again`` when it had been handled before (after a crash)."""

    entry: MailLogEntry
    again: bool = False

    @property
    def quarantined(self) -> bool:
        """True when the message must go to the quarantine folder."""
        return self.entry.outcome == "quarantine"

    @property
    def sent_copy(self) -> bool:
        """True for the copy of our own sent mail: it goes to the Sent folder."""
        return self.entry.outcome == "sent-copy"


class Pipeline:
    """Handles received messages one at a time; each ends as case state or in quarantine.

    Its services are built for it (ops/wiring.py); it owns the transaction of each message, and so
    archives the cases that transaction finished once it has committed (``archive``).
    """

    def __init__(
        self,
        rules: Rules,
        store: Store,
        clock: Clock,
        *,
        calendar: WorkCalendar,
        blobs: BlobStore,
        secret: bytes,
        composer: Composer,
        desk: CaseDesk,
        archive: ArchiveQueue,
    ) -> None:
        self.rules = rules
        self.store = store
        self.clock = clock
        self.calendar = calendar
        self.blobs = blobs
        self.secret = secret
        self.composer = composer
        self.desk = desk
        self.work = desk.work
        self.archive = archive

    def handle(
        self,
        raw: bytes,
        source: Source,
        arrived: datetime | None = None,
        header_only_of: int | None = None,
        parsed: Future[ParseResult] | None = None,
        quiet: bool = False,
    ) -> Handled:
        """Process one raw message; never raises for a bad message, only for a broken database.

        ``header_only_of`` is the size of a message too large to download: ``raw`` is its header.
        ``parsed`` is its parse, already under way in a worker (parseahead.py).
        ``quiet``: old mail of a first start (backlog.py), registered without any mail.
        Every log line meanwhile carries the message's Message-ID, and its case once known.
        """
        digest = hashlib.sha256(raw).hexdigest()
        with about(message_id=normalise_message_id(header_hint(raw, "Message-ID")) or _digest_key(digest)):
            return self._handle(raw, digest, source, arrived, header_only_of, parsed, quiet)

    def _handle(
        self,
        raw: bytes,
        digest: str,
        source: Source,
        arrived: datetime | None,
        header_only_of: int | None,
        parsed: Future[ParseResult] | None,
        quiet: bool = False,
    ) -> Handled:
        earlier = self.store.mail_outcome(digest)
        if earlier is not None:
            return Handled(earlier, again=True)
        copy = sent_copy(raw, digest, self.rules, self.store, self.secret)
        if copy is not None:
            with self.store.transaction():
                self.store.log_mail(copy, source.folder, source.uidvalidity, source.uid, self.clock.now())
            return Handled(copy)
        now = self.clock.now()
        # The arrival time counts for deadlines, so a backlog is not given extra days.
        received_at = min(now, arrived) if arrived else now
        try:
            if header_only_of is not None:
                raise Quarantine(too_large(header_only_of, self.rules.cases.max_message_bytes, header_only=True))
            with self.archive.savepoint():  # rolled back, the message takes its archiving along
                entry = self._process(raw, digest, source, received_at, now, parsed, quiet)
        except Quarantine as exc:
            entry = self._quarantine(raw, digest, source, str(exc), now, size=header_only_of or len(raw))
        except sqlite3.OperationalError:
            raise  # a locked or full database says nothing about the message: try it again later
        except Exception as exc:  # a bug must cost one message its processing, not the daemon
            log_failure(log, f"internal error on message {digest[:12]}; quarantined")
            entry = self._quarantine(raw, digest, source, f"internal error: {type(exc).__name__}: {exc}", now)
        with about(case=self.store.case_ref(entry.case_id) if entry.case_id else None):
            log.info("message handled: %s%s", entry.outcome, f" ({redacted(entry.reason)})" if entry.reason else "")
        return Handled(entry)

    def _process(
        self,
        raw: bytes,
        digest: str,
        source: Source,
        received_at: datetime,
        now: datetime,
        ahead: Future[ParseResult] | None,
        quiet: bool = False,
    ) -> MailLogEntry:
        parsed, mail, reply_token = self._read(raw, digest, received_at, ahead)
        limits = self.rules.cases
        with self.store.transaction():
            # Blobs are content-addressed files: writing one twice, or once for a rolled-back
            # transaction, is harmless; the database never names a blob that is not on disk.
            for data in parsed.blobs.values():
                self.blobs.put(data)
            # An automatic mail may join a case only by reference, never by a tag it copied.
            automatic = auto_reason(mail, self.rules.classification, frozenset(self.rules.addresses)) is not None
            thread = find_thread(
                mail,
                case_prefixes(limits),
                self.store.case_for_message_ids,
                self.store.case_by_ref,
                self.rules.staff,
                extra_ids=ids_in_raw(raw, self.rules.domain) if automatic else (),
                allow_tag=not automatic,
                forged=lambda mid: is_forged(mid, self.rules.domain, self.secret),
                reply_token=reply_token,
            )
            verdict = classify(
                mail,
                self.rules.classification,
                self.rules.addresses,
                self.desk.history(thread.case_id),
                reply_address=self.rules.bot_address,
                organisation=self.rules.organisation,
            )
            self.work.quiet = quiet
            try:
                entry = self.desk.apply(mail, verdict, thread, received_at, now)
                if quiet and entry.case_id is not None:
                    self.work.register_quietly(entry.case_id, now)
            finally:
                self.work.quiet = False
            self.store.log_mail(entry, source.folder, source.uidvalidity, source.uid, now)
        self.archive.archive_pending(now)  # after the commit: no archive shows a state rolled back
        return entry

    def _read(
        self, raw: bytes, digest: str, received_at: datetime, ahead: Future[ParseResult] | None
    ) -> tuple[ParseResult, ParsedMail, ReplyToken | None]:
        """The message parsed within the limits, with our reply addresses read back; Quarantine when it cannot be."""
        limits = self.rules.cases
        if len(raw) > limits.max_message_bytes:
            raise Quarantine(too_large(len(raw), limits.max_message_bytes))
        try:
            parsed = self._parse(raw, received_at, ahead)
        except ParseError as exc:
            raise Quarantine(f"cannot parse: {exc}") from None
        # Our plus-addresses back to the configured ones; a valid one names its case.
        mail, reply_token, forged_address = read_reply_address(parsed.mail, self.rules.addresses, self.secret)
        if forged_address:
            log.warning("message %s: sent to a reply address of ours with a wrong token; it joins no case", digest[:12])
        sender = mail.sender.email if mail.sender else None
        log.debug("from %s, subject %r, %d attachment(s)", sender, mail.subject, len(mail.attachments))
        if len(mail.attachments) > limits.max_attachments:
            raise Quarantine(f"{len(mail.attachments)} attachments, over the limit of {limits.max_attachments}")
        return parsed, mail, reply_token

    def _parse(self, raw: bytes, received_at: datetime, ahead: Future[ParseResult] | None) -> ParseResult:
        if ahead is not None:
            try:
                result = ahead.result()
            except (BrokenExecutor, CancelledError):
                pass  # the worker is gone: that says nothing about the message, parse it here
            else:
                result.blobs[result.mail.raw_sha256] = raw  # the worker does not send it back
                return result
        return parse_mail(raw, received_at=received_at, strip=strip_quoted, assume_tz=self.rules.calendar.timezone)

    def _quarantine(
        self, raw: bytes, digest: str, source: Source, reason: str, now: datetime, size: int | None = None
    ) -> MailLogEntry:
        if len(reason) > _MAX_REASON:
            reason = reason[: _MAX_REASON - 1] + "…"
        entry = MailLogEntry(digest, _digest_key(digest), "quarantine", None, reason)
        told = self.store.quarantine_notices_since(now - timedelta(hours=1))
        cap = self.rules.cases.quarantine_notices_per_hour
        notice = None
        if told < cap:
            notice = quarantine_notice(
                self.composer,
                self.rules,
                self.calendar.zone,
                raw,
                digest,
                reason,
                now,
                size=len(raw) if size is None else size,
                last_this_hour=told + 1 == cap,
                held_back=self.store.quarantined_without_notice(),
            )
        with self.store.transaction():
            self.blobs.put(raw)
            self.store.log_mail(entry, source.folder, source.uidvalidity, source.uid, now)
            self.store.add_event(
                None, "quarantined", "system", now, raw_sha256=digest, reason=reason, notice=notice is not None
            )
            if notice is not None:
                self.store.enqueue(notice, None, now)
        log.warning("message %s quarantined: %s", digest[:12], redacted(reason))
        return entry


def _digest_key(digest: str) -> str:
    """The key of a message known only by its bytes (no usable Message-ID, or quarantined)."""
    return f"<sha256-{digest[:32]}@mailbot.invalid>"
