"""The loop: fetch -> handle one message per transaction -> move -> send -> wait.

The pass over the inbox is ``InboxSync`` (inboxsync.py); what a run did is a ``RunReport`` (runreport.py).
"""

from __future__ import annotations

import logging
import signal
import time
from datetime import date, datetime, timedelta
from types import FrameType

from mailbot.auth.providers import daemon_tokens
from mailbot.config import Rules, Settings, SmtpSettings
from mailbot.intake.backlog import Backfill
from mailbot.logs import describe_error, log_failure
from mailbot.mail.mailbox import Mailbox
from mailbot.ops.heartbeat import Heartbeat
from mailbot.ops.inboxsync import InboxSync
from mailbot.ops.outbox import Outbox
from mailbot.ops.progress import NoProgress, Progress
from mailbot.ops.reload import RulesWatch
from mailbot.ops.runreport import RunReport
from mailbot.ops.sentcheck import resolve_in_doubt
from mailbot.ops.wiring import Services, archive_dir

log = logging.getLogger("mailbot.daemon")
MAX_BACKOFF = 300.0


class Daemon(InboxSync):
    """Watches the mailbox and keeps the outbox moving until told to stop."""

    def __init__(self, settings: Settings, services: Services, progress: Progress | None = None) -> None:
        """``services`` come from ops/wiring.py; a reload replaces them whole (reload.py)."""
        if settings.imap is None:
            raise ValueError("MAILBOT_IMAP_URL is not set")
        rules, store, clock = services.rules, services.store, services.clock
        self.services = services
        self.store = store
        self.clock = clock
        self.watch = RulesWatch(rules, services.template_dir)
        tokens = daemon_tokens(settings, clock)  # XOAUTH2: one access token serves IMAP and SMTP
        copy_to = rules.bot_address if rules.mailbox.sent_copies == "bcc" else None
        checked = rules.mailbox.sent_copies != "none"
        self.outbox = Outbox(store, clock, settings.smtp, tokens=tokens, copy_to=copy_to, sent_check=checked)
        self.next_doubt_check: datetime | None = None  # when a mail in doubt may be looked for (sentcheck.py)
        self.db_path = settings.db_path
        self.mailbox = Mailbox(settings.imap, rules.mailbox, tokens)
        self.stopping = False
        self.purged_on: date | None = None  # the local day of the last retention purge (mailbot/privacy/)
        self.progress: Progress = progress or NoProgress()
        oauth_secret = (settings.oauth.client_secret if settings.oauth else None) or ""
        secrets = (settings.imap.password, settings.imap.username, oauth_secret, *_secrets(settings.smtp))
        self.heartbeat = Heartbeat(store, clock, secrets)
        self.backfill = Backfill(store)  # a first start's plan for old mail (backlog.py)

    def stop(self, signum: int | None = None, frame: FrameType | None = None) -> None:
        """Finish the message in hand, then stop (the SIGTERM and SIGINT handler)."""
        if not self.stopping:
            log.info("stopping after the current message")
        self.stopping = True

    def install_signal_handlers(self) -> None:
        """Let SIGTERM and SIGINT end the loop cleanly, and SIGHUP reload the rules."""
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        signal.signal(signal.SIGHUP, lambda signum, frame: self.watch.request())

    @property
    def rules(self) -> Rules:
        """The rules in force: the services', swapped whole by a reload."""
        return self.services.rules

    def reload_rules(self) -> None:
        """Take an edited rules.yaml or template from the next message on; a broken one is refused (logged)."""
        services = self.watch.reload(self.services)
        if services is not None:
            self.services = services
            self.mailbox.folders = services.rules.mailbox  # IDLE and keepalive timing; folder names stay

    def run(self, once: bool = False) -> RunReport:
        """Process waiting mail and send what is due; with ``once``, return when that is done."""
        report = RunReport()
        backoff = 1.0
        if not once:  # `run --once` beside a running daemon must not pose as it
            self.heartbeat.start()
        try:
            while not self.stopping:
                try:
                    if self.watch.due():
                        self.reload_rules()
                    if self.mailbox.renew_due(self.clock.now()):
                        log.info("the IMAP session's access token ends soon: logging in again with a new one")
                        self.mailbox.close()
                    if self.mailbox.client is None:
                        self.mailbox.connect()
                    self.sync(report)
                    if self.stopping:
                        break  # stop now: timers and the outbox keep, durably, until the next start
                    self.run_timers(report)
                    self.send(report)
                    self.heartbeat.synced()
                    backoff = 1.0
                    if once:
                        if self.next_doubt_check is not None:
                            # Mail a crash left in doubt is settled before `run --once` ends.
                            self._wait_until(self.next_doubt_check)
                            self.send(report)
                        break
                    state = self.store.sync_state(self.mailbox.inbox)
                    self.mailbox.wait(self._wait_seconds(), self._should_stop, after_uid=state[1] if state else 0)
                except Exception as exc:
                    if not is_connection_error(exc):
                        raise
                    if once:
                        raise
                    log.warning("trouble: %s; trying again in %.0f s", describe_error(exc), backoff)
                    self.heartbeat.trouble(exc)
                    self.mailbox.drop()  # no LOGOUT: a dead connection would hold us up for a whole timeout
                    self._sleep(backoff)
                    backoff = min(backoff * 2, MAX_BACKOFF)
        except BaseException as exc:
            self.heartbeat.stopped(exc)
            raise
        finally:
            self.heartbeat.stopped()  # done already when an exception ended the loop
            self.mailbox.close()
        return report

    def run_timers(self, report: RunReport) -> None:
        """Fire the lifecycle's due timers: reminders, alerts, interim updates, satisfaction checks, digests."""
        timers = self.services.timers
        timers.ensure_digest(self.clock.now())
        report.timers += timers.run_due(self.clock.now())
        self.purge_expired()

    def purge_expired(self) -> None:
        """Anonymise what has passed `privacy.retention_days`, at most once a (local) day."""
        today = self.clock.now().astimezone(self.services.calendar.zone).date()
        if self.rules.privacy.retention_days is None or self.purged_on == today:
            return
        from mailbot.privacy import purge_expired

        services = self.services
        try:
            purge_expired(self.store, services.blobs, archive_dir(services.data_dir), self.rules, self.clock.now())
        except Exception:  # a failed purge must not stop the mail; it is tried again tomorrow
            log_failure(log, "retention purge failed")
        self.purged_on = today

    def send(self, report: RunReport) -> None:
        """Settle mail left in doubt by a crash, deliver the outbox's due mail, and tell the
        coordinator what failed (one notice for all of it)."""
        now = self.clock.now()
        doubt = resolve_in_doubt(self.outbox, self.mailbox if self.mailbox.client else None, self.rules.mailbox, now)
        self.next_doubt_check = doubt.next_check_at
        for _ in range(2):  # the second pass sends the failure notice the first one made
            result = self.outbox.send_due()
            report.count_sending(result)
            if not self.services.failures.notify(self.clock.now()):
                return

    def _wait_seconds(self) -> float:
        wait = float(self.rules.mailbox.idle_seconds)
        dues = (self.outbox.next_due_at(), self.store.next_timer_at(), self.mailbox.renew_at, self.next_doubt_check)
        for due in dues:
            if due is not None:
                wait = min(wait, max(1.0, (due - self.clock.now()) / timedelta(seconds=1)))
        return wait

    def _wait_until(self, moment: datetime) -> None:
        """Let the clock reach ``moment`` (a stop ends the wait)."""
        while not self._should_stop() and self.clock.now() < moment:
            self.clock.sleep(min(0.5, (moment - self.clock.now()).total_seconds()))

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self._should_stop() and time.monotonic() < end:
            time.sleep(min(0.5, end - time.monotonic()))

    def _should_stop(self) -> bool:
        # Asked every few seconds while waiting (IDLE slices, back-off): the place to beat cheaply.
        self.heartbeat.alive()
        return self.stopping or self.watch.due()  # an edited rules file ends the wait, too


def is_connection_error(exc: BaseException) -> bool:
    """True for trouble that waiting may cure: the mail server, the network, a locked database."""
    import sqlite3

    from imapclient.exceptions import IMAPClientAbortError, IMAPClientError

    return isinstance(exc, OSError | EOFError | IMAPClientAbortError | IMAPClientError | sqlite3.OperationalError)


def _secrets(smtp: SmtpSettings | None) -> tuple[str, ...]:
    return (smtp.password or "", smtp.username or "") if smtp else ()
