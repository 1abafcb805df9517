"""One pass over the inbox: new UIDs in batches, each batch handled in one transaction (a savepoint
per message) and moved out of the inbox only after its state is durable.

``InboxSync`` is a part of the ``Daemon`` (daemon.py), kept apart because it is the loop's one big
step; the attributes below are the daemon's, which it reads and (the report) counts into.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import Future
from pathlib import Path

from mailbot.clock import Clock
from mailbot.intake.backlog import Backfill, outlook, outlook_line
from mailbot.intake.group import group_commit
from mailbot.intake.pipeline import Handled, Source
from mailbot.mail.mailbox import Fetched, Mailbox
from mailbot.mail.parse import ParseResult
from mailbot.ops.heartbeat import Heartbeat
from mailbot.ops.outbox import Outbox
from mailbot.ops.parseahead import ParseAhead
from mailbot.ops.progress import Progress
from mailbot.ops.reload import RulesWatch
from mailbot.ops.runreport import RunReport
from mailbot.ops.sender import BackgroundSender
from mailbot.ops.wiring import Services
from mailbot.store import Store

log = logging.getLogger("mailbot.daemon")
# Messages handled, committed and moved together; the last UID seen is recorded after each batch.
SYNC_BATCH = 50


class InboxSync:
    """The daemon's pass over the inbox (``sync``)."""

    services: Services
    store: Store
    clock: Clock
    mailbox: Mailbox
    outbox: Outbox
    db_path: Path
    watch: RulesWatch
    backfill: Backfill
    progress: Progress
    heartbeat: Heartbeat
    stopping: bool

    def reload_rules(self) -> None:
        """Take an edited rules file between two batches: the daemon's."""
        raise NotImplementedError

    def sync(self, report: RunReport) -> None:
        """Handle every new message in the inbox; move each batch after its state is committed."""
        folder = self.mailbox.inbox
        uidvalidity = self.mailbox.uidvalidity
        state = self.store.sync_state(folder)
        last_uid = 0
        if state is not None:
            if state[0] == uidvalidity:
                last_uid = state[1]
            else:
                self._uidvalidity_changed(folder, state[0], uidvalidity)
        uids = self.mailbox.uids_after(last_uid)
        backfill = self.services.rules.mailbox.backfill
        self.backfill.begin(backfill, folder, uidvalidity, uids, state is None, self.clock.now())
        if len(uids) > SYNC_BATCH or (state is None and uids):
            self._announce(folder, uidvalidity, uids)
        self.progress.start(len(uids))
        # A backlog: send what each batch queued while the next one is handled (sender.py).
        backlog = len(uids) > SYNC_BATCH
        sender = self._background_sender() if backlog else None
        ahead = ParseAhead() if backlog else None  # and parse on the second core (parseahead.py)
        try:
            self._sync_batches(report, folder, uidvalidity, uids, sender, ahead)
        finally:
            if ahead is not None:
                ahead.close()
            if sender is not None:
                report.count_sending(sender.close())
        if self.stopping:
            return
        self.progress.finish()
        if state is None or state[0] != uidvalidity:
            self.store.set_sync_state(folder, uidvalidity, max(uids, default=last_uid), self.clock.now())

    def _sync_batches(
        self,
        report: RunReport,
        folder: str,
        uidvalidity: int,
        uids: list[int],
        sender: BackgroundSender | None,
        ahead: ParseAhead | None,
    ) -> None:
        for start in range(0, len(uids), SYNC_BATCH):
            if self.watch.due():  # a backlog does not hold up an edit: take it between two batches
                self.reload_rules()
            done: list[int] = []
            quarantined: list[int] = []
            copies: list[int] = []  # our own sent mail, back as its Bcc copy (sentcheck.py)
            # One transaction for the batch, each message a savepoint in it, one fsync (group.py).
            with group_commit(self.services.pipeline):
                for fetched, parsed in self._downloads(uids[start : start + SYNC_BATCH], ahead):
                    handled = self._handle(folder, uidvalidity, fetched, parsed)
                    (quarantined if handled.quarantined else copies if handled.sent_copy else done).append(fetched.uid)
                    report.count(handled)
                    self.progress.advance()
                    self.heartbeat.alive()
                    if self.stopping:
                        break
            # Only now, with the batch's state durable (on disk through a power cut), does mail leave the inbox.
            rules = self.services.rules
            self.mailbox.move(done, rules.mailbox.processed)
            self.mailbox.move(quarantined, rules.mailbox.quarantine)
            self.mailbox.move(copies, self.mailbox.sent_folder)
            handled_uids = done + quarantined + copies
            if handled_uids:
                self.store.set_sync_state(folder, uidvalidity, max(handled_uids), self.clock.now())
            if sender is not None:
                sender.kick()
            if self.stopping:
                return

    def _downloads(
        self, chunk: list[int], ahead: ParseAhead | None
    ) -> Iterable[tuple[Fetched, Future[ParseResult] | None]]:
        """The batch's messages as they download, each with its parse when a backlog parses ahead."""
        downloads = self.mailbox.fetch(chunk, self.services.rules.cases.max_message_bytes)
        if ahead is None:
            return ((f, None) for f in downloads)
        return ahead.window(downloads, self.clock.now(), self.services.rules.calendar.timezone)

    def _handle(self, folder: str, uidvalidity: int, fetched: Fetched, parsed: Future[ParseResult] | None) -> Handled:
        """One message through the pipeline, in its own savepoint of the batch's transaction."""
        return self.services.pipeline.handle(
            fetched.raw,
            Source(folder, uidvalidity, fetched.uid),
            fetched.arrived,
            header_only_of=fetched.size,
            parsed=parsed,
            quiet=self.backfill.quiet(folder, uidvalidity, fetched.uid, fetched.arrived),
        )

    def _announce(self, folder: str, uidvalidity: int, uids: list[int]) -> None:
        """Say what a backlog will bring before any of it is handled (one cheap FETCH of arrival times)."""
        now, calendar, rules = self.clock.now(), self.services.calendar, self.services.rules
        found = outlook(
            self.mailbox.arrival_times(uids),
            lambda uid, arrived: self.backfill.quiet(folder, uidvalidity, uid, arrived),
            lambda arrived: calendar.deadline(min(arrived, now), rules.deadlines.acknowledge),
            now,
        )
        line = outlook_line(found, rules.mailbox.backfill.older_than_days)
        log.info("%s", line.removeprefix("mailbot: "))
        self.progress.note(line)

    def _background_sender(self) -> BackgroundSender | None:
        if self.outbox.smtp is None or str(self.db_path) == ":memory:":
            return None
        smtp = self.outbox.smtp
        outbox = self.outbox
        return BackgroundSender(
            self.store, self.db_path, self.clock, smtp, outbox.tokens, outbox.copy_to, outbox.sent_check
        )

    def _uidvalidity_changed(self, folder: str, old: int, new: int) -> None:
        # Do not guess which messages are new: read every Message-ID and say what we found.
        uids = self.mailbox.uids_after(0)
        ids = self.mailbox.message_ids(uids)
        known = self.store.count_known_keys([m for m in ids.values() if m])
        log.warning(
            "UIDVALIDITY of %s changed from %d to %d: %d message(s) in the folder, %d of them processed "
            "before (recognised by content and not processed again), %d to process",
            folder,
            old,
            new,
            len(uids),
            known,
            len(uids) - known,
        )
        self.store.add_event(
            None,
            "uidvalidity-changed",
            "system",
            self.clock.now(),
            folder=folder,
            old=old,
            new=new,
            messages=len(uids),
            known=known,
        )
