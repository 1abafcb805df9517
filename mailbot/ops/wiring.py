"""Wiring in one place: the services mailbot runs on, built from the rules, the store, the clock and two folders.

The daemon, the rules reloader and the commands that need a service get it from here; nothing else
constructs them. What the rules configure (classification, deadlines, policy, templates, teams)
lives in these services, so a reload builds a whole new `Services` from the new rules and the daemon
swaps it in between two messages: no part ever works with two versions of the rules at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mailbot.cases.archive import ArchiveQueue
from mailbot.cases.desk import CaseDesk
from mailbot.cases.timers import TimerDesk
from mailbot.cases.work import CaseWork
from mailbot.clock import Clock
from mailbot.config import Rules
from mailbot.intake.mailtemplates import TEMPLATES
from mailbot.intake.pipeline import Pipeline
from mailbot.mail.compose import Composer
from mailbot.mail.msgid import load_secret
from mailbot.ops.failures import FailureNotices
from mailbot.store import Store
from mailbot.store.blobs import BlobStore
from mailbot.workdays import WorkCalendar


@dataclass(frozen=True)
class Services:
    """Everything that handles mail, cases and timers under one version of the rules."""

    rules: Rules
    store: Store
    clock: Clock
    template_dir: Path
    data_dir: Path
    calendar: WorkCalendar
    blobs: BlobStore
    secret: bytes  # signs our Message-IDs and reply addresses (msgid.py, replyaddress.py)
    composer: Composer
    archive: ArchiveQueue  # cases to archive after the commit that finished them
    work: CaseWork
    desk: CaseDesk
    timers: TimerDesk
    failures: FailureNotices
    pipeline: Pipeline


def build_services(rules: Rules, store: Store, clock: Clock, template_dir: Path, data_dir: Path) -> Services:
    """The services for ``rules``; raises TemplateError when a template every configuration needs is broken.

    Reads (or makes, once) the secret in ``data_dir`` unless MAILBOT_SECRET is set.
    """
    calendar = WorkCalendar(rules.calendar)
    blobs = blob_store(data_dir)
    secret = load_secret(data_dir)
    composer = checked_composer(rules, template_dir, secret)
    archive = ArchiveQueue(store, blobs, archive_dir(data_dir), calendar.zone, template_dir)
    work = CaseWork(rules, store, calendar, composer, archive)
    desk = CaseDesk(work)
    pipeline = Pipeline(
        rules,
        store,
        clock,
        calendar=calendar,
        blobs=blobs,
        secret=secret,
        composer=composer,
        desk=desk,
        archive=archive,
    )
    return Services(
        rules=rules,
        store=store,
        clock=clock,
        template_dir=template_dir,
        data_dir=data_dir,
        calendar=calendar,
        blobs=blobs,
        secret=secret,
        composer=composer,
        archive=archive,
        work=work,
        desk=desk,
        timers=TimerDesk(work),
        failures=FailureNotices(rules, store, composer, calendar),
        pipeline=pipeline,
    )


def checked_composer(rules: Rules, template_dir: Path, secret: bytes | None = None) -> Composer:
    """A composer on ``template_dir`` whose needed templates all load (TemplateError if one does not).

    Without ``secret`` it can render but not sign: enough for `mailbot check-config`.
    """
    composer = Composer(template_dir, rules, secret)
    composer.check(TEMPLATES)
    return composer


def blob_store(data_dir: Path) -> BlobStore:
    """The content-addressed store of raw mail and attachments in the data folder."""
    return BlobStore(data_dir / "blobs")


def archive_dir(data_dir: Path) -> Path:
    """The folder of the case archives (archive.py) in the data folder."""
    return data_dir / "archive"
