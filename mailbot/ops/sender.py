"""Sending beside handling: while a backlog is handled, the mail its cases queued goes out at once.

Handling a message is CPU work; sending is mostly waiting for the SMTP server. Done one after the
other, a backlog of 10,000 mails spent a quarter of its time waiting (bench/RESULTS.md). Here a
second thread, with its own database connection, sends what each committed batch queued while the
daemon handles the next batch. The handling holds the database for a whole batch, so a send result
that comes meanwhile is held and written as soon as the database is free (outbox.py,
``hold_when_busy``), with the moment the server answered. A crash that loses held results leaves
their mail in doubt, looked for at the server (sentcheck.py), never resent blindly; without a way
to ask the server (``sent_copies: none``) every result waits for the database, as before.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from mailbot.auth.tokens import Tokens
from mailbot.clock import Clock
from mailbot.config import SmtpSettings
from mailbot.logs import log_failure
from mailbot.ops.outbox import Outbox, SendReport
from mailbot.store import Store

log = logging.getLogger("mailbot.sender")
# Mail claimed at a time. The claim needs the database, which the handling holds for a whole batch
# of messages (group.py): the claim must take at least what such a batch queues, or the sender
# falls behind. Closing does not wait for the batch: it stops between two mails.
BATCH = 200


class BackgroundSender:
    """Sends due mail from its own thread whenever kicked, until closed.

    Only one sender may work on an outbox at a time: the daemon sends from its own thread again
    only after ``close`` has returned.
    """

    def __init__(
        self,
        store: Store,
        db_path: Path,
        clock: Clock,
        smtp: SmtpSettings,
        tokens: Tokens | None = None,
        copy_to: str | None = None,
        sent_check: bool = False,
    ) -> None:
        # Its own connection (SQLite's belong to one thread), but the daemon's writer lock.
        self.writer_lock = store.writer_lock
        self.db_path, self.clock, self.smtp, self.tokens = db_path, clock, smtp, tokens
        self.copy_to, self.sent_check = copy_to, sent_check
        self.report = SendReport()
        self._wake = threading.Event()
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="mailbot-sender", daemon=True)
        self._thread.start()

    def kick(self) -> None:
        """New mail was committed to the outbox: send what is due."""
        self._wake.set()

    def close(self) -> SendReport:
        """Finish the batch in hand, stop, and say what was sent; the rest stays queued."""
        self._closing = True
        self._wake.set()
        self._thread.join()
        return self.report

    def _run(self) -> None:
        store = Store(self.db_path, self.writer_lock)
        try:
            outbox = Outbox(
                store,
                self.clock,
                self.smtp,
                batch_size=BATCH,
                tokens=self.tokens,
                copy_to=self.copy_to,
                sent_check=self.sent_check,
                hold_when_busy=True,
            )
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._closing:
                    return
                done = outbox.send_due(should_stop=lambda: self._closing)
                self.report.sent += done.sent
                self.report.retried += done.retried
                self.report.parked += done.parked
        except Exception:  # what was not sent stays queued: the daemon's own pass sends it
            log_failure(log, "sending beside the handling stopped")
        finally:
            store.close()
