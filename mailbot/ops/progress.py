"""How far a backlog has got, on stderr: a bar on a terminal, plain lines in a pipe or a log.

The daemon only calls the :class:`Progress` protocol; what a terminal shows is decided here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol, TextIO

from mailbot.clock import span_text

if TYPE_CHECKING:
    from tqdm import tqdm

LINE_EVERY = 100  # messages between plain lines
LINE_SECONDS = 5.0  # or this long, whichever comes first


class Progress(Protocol):
    """Told how many messages a sync will handle, and each one handled."""

    def start(self, total: int) -> None:
        """A sync begins with ``total`` messages to handle."""
        ...

    def advance(self, count: int = 1) -> None:
        """``count`` more messages are handled."""
        ...

    def finish(self) -> None:
        """The sync ended (or was cut short); safe to call twice."""
        ...

    def note(self, line: str) -> None:
        """Say ``line`` (what a backlog will bring) before the sync starts."""
        ...


class NoProgress:
    """Shows nothing: the daemon's default."""

    def start(self, total: int) -> None:
        """Nothing to show."""

    def advance(self, count: int = 1) -> None:
        """Nothing to show."""

    def finish(self) -> None:
        """Nothing to show."""

    def note(self, line: str) -> None:
        """Nothing to show: the daemon's log has the line."""


class LineProgress:
    """A plain line every ``every`` messages or ``seconds`` seconds, and one at the end."""

    def __init__(
        self,
        stream: TextIO,
        every: int = LINE_EVERY,
        seconds: float = LINE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream, self.every, self.seconds, self.clock = stream, every, seconds, clock
        self.total = self.done = 0
        self.started = self.shown_at = 0.0
        self.shown = -1

    def start(self, total: int) -> None:
        """Begin counting towards ``total``."""
        self.finish()
        self.total, self.done, self.shown = total, 0, -1
        self.started = self.shown_at = self.clock()

    def advance(self, count: int = 1) -> None:
        """Count; print a line at each multiple of ``every`` or when ``seconds`` passed."""
        if self.total <= 0:
            return
        before, self.done = self.done, self.done + count
        if self.done // self.every > before // self.every or self.clock() - self.shown_at >= self.seconds:
            self._show()

    def finish(self) -> None:
        """Print the last line, unless it was just printed."""
        if self.total > 0 and self.done > 0 and self.shown != self.done:
            self._show()
        self.total = 0

    def note(self, line: str) -> None:
        """Print ``line`` as it is."""
        print(line, file=self.stream, flush=True)

    def _show(self) -> None:
        now = self.clock()
        print(progress_line(self.done, self.total, now - self.started), file=self.stream, flush=True)
        self.shown, self.shown_at = self.done, now


class BarProgress:
    """A tqdm bar; log lines are printed above it instead of through it."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.bar: tqdm[None] | None = None
        self.stack = ExitStack()

    def start(self, total: int) -> None:
        """Draw a bar for ``total`` messages."""
        self.finish()
        if total <= 0:
            return
        # Imported here: tqdm is needed only when there is a backlog to show, never for `--help`.
        from tqdm import tqdm
        from tqdm.contrib.logging import logging_redirect_tqdm

        self.bar = self.stack.enter_context(
            tqdm(total=total, file=self.stream, unit="msg", desc="mailbot", dynamic_ncols=True)
        )
        self.stack.enter_context(logging_redirect_tqdm())

    def note(self, line: str) -> None:
        """Print ``line`` (before the bar is drawn)."""
        print(line, file=self.stream, flush=True)

    def advance(self, count: int = 1) -> None:
        """Move the bar."""
        if self.bar is not None:
            self.bar.update(count)

    def finish(self) -> None:
        """Close the bar and give logging its stream back."""
        self.stack.close()
        self.bar = None


def progress_for(stream: TextIO) -> Progress:
    """A bar when ``stream`` is a terminal, plain lines otherwise."""
    return BarProgress(stream) if stream.isatty() else LineProgress(stream)


def progress_line(done: int, total: int, elapsed: float) -> str:
    """``mailbot: 1200/5000 messages (24%), 85.3/s, about 45 s left``."""
    rate = done / elapsed if elapsed > 0 else 0.0
    percent = 100 * done // total if total else 100
    line = f"mailbot: {done}/{total} messages ({percent}%), {rate:.1f}/s"
    if done >= total:
        return f"{line}, done in {span_text(timedelta(seconds=elapsed))}"
    if rate > 0:
        return f"{line}, about {span_text(timedelta(seconds=(total - done) / rate))} left"
    return line
