"""One received message through parse -> classify -> thread -> case, in one transaction."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mailbot.blobs import BlobStore
from mailbot.cases import CaseDesk
from mailbot.casework import CaseWork
from mailbot.classify import auto_reason, classify
from mailbot.clock import Clock
from mailbot.compose import Composer
from mailbot.config import Rules
from mailbot.models import Address, OutgoingMail, Quarantine
from mailbot.msgid import is_forged, load_secret
from mailbot.parse import ParseError, header_hint, parse_mail
from mailbot.quotes import strip_quoted
from mailbot.store import MailLogEntry, Store
from mailbot.thread import find_thread, ids_in_raw
from mailbot.timers import TimerDesk
from mailbot.workdays import WorkCalendar, format_datetime_nl

log = logging.getLogger("mailbot.pipeline")

# The templates every configuration needs; checked at start-up.
TEMPLATES = (
    "ack_complaint",
    "ack_escalation",
    "compliment_thanks",
    "compliment_forward",
    "notify_new",
    "notify_escalation",
    "notify_stranger",
    "quarantine_notice",
)
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


class Pipeline:
    """Handles received messages one at a time; each ends as case state or in quarantine."""

    def __init__(self, rules: Rules, store: Store, clock: Clock, template_dir: Path, data_dir: Path) -> None:
        self.rules = rules
        self.store = store
        self.clock = clock
        self.blobs = BlobStore(data_dir / "blobs")
        self.data_dir = data_dir
        self.template_dir = template_dir
        self.calendar = WorkCalendar(rules.calendar)
        self.secret = load_secret(data_dir)
        self.composer = Composer(template_dir, rules, self.secret)
        self.composer.check(TEMPLATES)
        self.work = CaseWork(rules, store, self.calendar, self.composer)
        self.desk = CaseDesk(self.work)
        self.timers = TimerDesk(self.work)

    def handle(self, raw: bytes, source: Source, arrived: datetime | None = None) -> Handled:
        """Process one raw message; never raises for a bad message, only for a broken database."""
        digest = hashlib.sha256(raw).hexdigest()
        earlier = self.store.mail_outcome(digest)
        if earlier is not None:
            return Handled(earlier, again=True)
        now = self.clock.now()
        # The arrival time counts for deadlines, so a backlog is not given extra days.
        received_at = min(now, arrived) if arrived else now
        self.work.to_archive.clear()
        try:
            entry = self._process(raw, digest, source, received_at, now)
        except Quarantine as exc:
            entry = self._quarantine(raw, digest, source, str(exc), now)
        except sqlite3.OperationalError:
            raise  # a locked or full database says nothing about the message: try it again later
        except Exception as exc:  # a bug must cost one message its processing, not the daemon
            log.exception("internal error on message %s; quarantined", digest[:12])
            entry = self._quarantine(raw, digest, source, f"internal error: {type(exc).__name__}: {exc}", now)
        case = f" case={self.store.case(entry.case_id).ref}" if entry.case_id else ""
        log.info("message %s: %s%s (%s)", entry.key, entry.outcome, case, entry.reason or "")
        return Handled(entry)

    def archive_finished(self, now: datetime) -> None:
        """Archive the cases the last transaction closed (after its commit, so no archive shows a
        state that was rolled back). A failing archive is logged; `mailbot cases export` redoes it."""
        from mailbot.archive import archive_case

        for case_id in sorted(self.work.to_archive):
            case = self.store.case(case_id)
            try:
                path = archive_case(
                    self.store, self.blobs, case, self.data_dir / "archive", self.calendar.zone, self.template_dir, now
                )
                log.info("archived %s to %s", case.ref, path)
            except Exception as exc:
                log.error("could not archive %s: %s", case.ref, exc)
        self.work.to_archive.clear()

    def _process(self, raw: bytes, digest: str, source: Source, received_at: datetime, now: datetime) -> MailLogEntry:
        limits = self.rules.cases
        if len(raw) > limits.max_message_bytes:
            raise Quarantine(f"message of {len(raw)} bytes is over the limit of {limits.max_message_bytes}")
        try:
            parsed = parse_mail(
                raw, received_at=received_at, strip=strip_quoted, assume_tz=self.rules.calendar.timezone
            )
        except ParseError as exc:
            raise Quarantine(f"cannot parse: {exc}") from None
        mail = parsed.mail
        if len(mail.attachments) > limits.max_attachments:
            raise Quarantine(f"{len(mail.attachments)} attachments, over the limit of {limits.max_attachments}")
        with self.store.transaction():
            # Blobs are content-addressed files: writing one twice, or once for a rolled-back
            # transaction, is harmless; the database never names a blob that is not on disk.
            for data in parsed.blobs.values():
                self.blobs.put(data)
            # An automatic mail may join a case only by reference, never by a tag it copied.
            automatic = auto_reason(mail, self.rules.classification, frozenset(self.rules.addresses)) is not None
            thread = find_thread(
                mail,
                limits.reference_prefix,
                self.store.case_for_message_ids,
                self.store.case_by_ref,
                self.rules.staff,
                extra_ids=ids_in_raw(raw, self.rules.domain) if automatic else (),
                allow_tag=not automatic,
                forged=lambda mid: is_forged(mid, self.rules.domain, self.secret),
            )
            verdict = classify(
                mail,
                self.rules.classification,
                self.rules.addresses,
                self.desk.history(thread.case_id),
                reply_address=self.rules.bot_address,
            )
            entry = self.desk.apply(mail, verdict, thread, received_at, now)
            self.store.log_mail(entry, source.folder, source.uidvalidity, source.uid, now)
        self.archive_finished(now)
        return entry

    def _quarantine(self, raw: bytes, digest: str, source: Source, reason: str, now: datetime) -> MailLogEntry:
        if len(reason) > _MAX_REASON:
            reason = reason[: _MAX_REASON - 1] + "…"
        entry = MailLogEntry(digest, f"<sha256-{digest[:32]}@mailbot.invalid>", "quarantine", None, reason)
        notice = self._quarantine_notice(raw, digest, reason, now)
        with self.store.transaction():
            self.blobs.put(raw)
            self.store.log_mail(entry, source.folder, source.uidvalidity, source.uid, now)
            self.store.add_event(None, "quarantined", "system", now, raw_sha256=digest, reason=reason)
            if notice is not None:
                self.store.enqueue(notice, None, now)
        log.warning("message %s quarantined: %s", digest[:12], reason)
        return entry

    def _quarantine_notice(self, raw: bytes, digest: str, reason: str, now: datetime) -> OutgoingMail | None:
        """The coordinator's notice of a message set aside; None (logged) when it cannot be made,
        for a message must reach quarantine even then."""
        coordinator = self.rules.coordinator
        try:
            return self.composer.build(
                kind="quarantine-notice",
                template="quarantine_notice",
                context={
                    "reason": reason,
                    "folder": self.rules.mailbox.quarantine,
                    "sender": header_hint(raw, "From"),
                    "subject": header_hint(raw, "Subject"),
                    "size": len(raw),
                    "set_aside": format_datetime_nl(now.astimezone(self.calendar.zone)),
                    "sha256": digest,
                },
                to=[Address(coordinator.email, coordinator.name)],
                ref=None,
                now=now,
                not_before=now,
                automatic=False,
            )
        except Exception:
            log.exception("no quarantine notice for message %s", digest[:12])
            return None
