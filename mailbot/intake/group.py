"""Group commit: a fetched batch of messages in one transaction, made durable once (issue 14).

Per message the pipeline used to commit with an fsync of the WAL, and fsync the raw message's
file and folder: five fsyncs and a transaction a message. In a batch, each message's own
transaction (Pipeline.handle) is a savepoint inside the batch's one: a message that fails rolls
back its own writes alone and is quarantined, the others stay. At the end the batch's new blobs
are fsync-ed together, then the one commit syncs the WAL; only after that may the mail leave the
inbox (inboxsync.py), so a power cut can undo a batch but never lose a mail.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mailbot.intake.pipeline import Pipeline


@contextmanager
def group_commit(pipeline: Pipeline) -> Iterator[None]:
    """Handle a batch inside: one transaction, durable (blobs first, then the commit) when the block ends.

    The cases the batch finished are archived after the commit, never before: no archive shows a
    state rolled back. A batch that fails is rolled back whole, and its archive queue forgotten.
    """
    try:
        with pipeline.store.transaction(durable=True), pipeline.blobs.deferred():
            yield
    except BaseException:
        pipeline.archive.forget()
        raise
    pipeline.archive.archive_pending(pipeline.clock.now())
