"""Parsing ahead on the second core: while one message is handled, the next ones are parsed.

Parsing (mail-parser, HTML to text, quote stripping) is pure CPU work and about half of what a
message costs; handling it (SQLite, classification, composing replies) needs the daemon's state.
During a backlog a worker process parses a few messages ahead, so both cores work. The window
is small and bounded in bytes, so memory stays bounded as it does without it; the results are
exactly those of parsing in line (the same function, the same arguments).
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime

from mailbot.mail.mailbox import FETCH_BYTES, Fetched
from mailbot.mail.parse import ParseResult, parse_mail
from mailbot.mail.quotes import strip_quoted

# Messages parsed ahead of the one being handled: enough to keep the worker busy.
AHEAD = 8
# A small mail parses in about a millisecond, no more than sending it to the worker and back
# costs: those are parsed in line (measured on the bench's plain corpus, bench/RESULTS.md).
WORTH_SENDING = 16 * 1024


class ParseAhead:
    """A worker process that parses messages before the daemon gets to them."""

    def __init__(self) -> None:
        # spawn: the daemon has threads (the background sender), which a fork would copy half-way.
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))

    def window(
        self, fetched: Iterable[Fetched], now: datetime, assume_tz: str
    ) -> Iterator[tuple[Fetched, Future[ParseResult] | None]]:
        """Each message with its parse under way, or None: parse it in line (a small or header-only one).

        The arrival time stands in for a missing Date, as in line (Pipeline.handle).
        """
        pending: deque[tuple[Fetched, Future[ParseResult] | None]] = deque()
        held = 0
        for item in fetched:
            received_at = min(now, item.arrived) if item.arrived else now
            job = None
            if item.size is None and len(item.raw) >= WORTH_SENDING:
                job = self._pool.submit(_parse, item.raw, received_at, assume_tz)
            pending.append((item, job))
            held += len(item.raw)
            while pending and (len(pending) > AHEAD or held > FETCH_BYTES):
                done = pending.popleft()
                held -= len(done[0].raw)
                yield done
        yield from pending

    def close(self) -> None:
        """Stop the worker; parses not yet collected are dropped (their messages stay in the inbox)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def _parse(raw: bytes, received_at: datetime, assume_tz: str) -> ParseResult:
    result = parse_mail(raw, received_at=received_at, strip=strip_quoted, assume_tz=assume_tz)
    # The daemon holds the raw bytes already: do not send them back through the pipe.
    del result.blobs[result.mail.raw_sha256]
    return result
