"""Log lines that name the message and case they are about, as text or as JSON lines.

The pipeline and the outbox say what they are working on with ``about()``; a filter on the
handler copies that onto every record, so no log call has to repeat the ids.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
# Server replies and reasons may name a person; INFO and above show this instead.
_ADDRESS = re.compile(r"[\w.+=-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class LogContext:
    """What the current log lines are about: a case reference and a Message-ID, when known."""

    case: str | None = None
    message_id: str | None = None


# Per thread and per task, so a daemon in a test thread never mixes its context with another's.
_current: ContextVar[LogContext | None] = ContextVar("mailbot_log_context", default=None)
_NOTHING = LogContext()


@contextmanager
def about(case: str | None = None, message_id: str | None = None) -> Iterator[None]:
    """Every log line inside is about this case and message; what is not given stays as it was."""
    outer = _current.get() or _NOTHING
    token = _current.set(LogContext(case or outer.case, message_id or outer.message_id))
    try:
        yield
    finally:
        _current.reset(token)


class ContextFilter(logging.Filter):
    """Adds ``case`` and ``message_id`` (None when not about a message) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Annotate the record; never drops one."""
        context = _current.get() or _NOTHING
        record.case = context.case
        record.message_id = context.message_id
        return True


class TextFormatter(logging.Formatter):
    """The usual one-line text, with `` case=KL-2026-0001 msgid=<...>`` after the message."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        """The line before any traceback, with the context appended."""
        line = super().formatMessage(record)
        case, message_id = getattr(record, "case", None), getattr(record, "message_id", None)
        return line + (f" case={case}" if case else "") + (f" msgid={message_id}" if message_id else "")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, event, case, message_id."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of ASCII JSON; a traceback goes in ``exception``."""
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
            "case": getattr(record, "case", None),
            "message_id": getattr(record, "message_id", None),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry)


def setup_logging(level: int, fmt: str = "text") -> None:
    """Log to standard error in ``fmt`` (``text`` or ``json``), each record with its context."""
    if fmt not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter(TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[handler])


def redacted(text: str) -> str:
    """``text`` with every mail address replaced by ``<address>``, for INFO and above."""
    return _ADDRESS.sub("<address>", text)


def log_failure(logger: logging.Logger, event: str) -> None:
    """Log the exception being handled: its type and place at ERROR, its text and traceback only
    at DEBUG, for an exception's text may quote the mail it choked on."""
    exc = sys.exc_info()[1]
    if exc is None:
        logger.error("%s", event)
        return
    frames = traceback.extract_tb(exc.__traceback__)
    place = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno} in {frames[-1].name}" if frames else ""
    logger.error("%s: %s%s", event, type(exc).__name__, place)
    logger.debug("%s: details", event, exc_info=True)


def describe_error(exc: BaseException) -> str:
    """An error in one line: a server's reply code and words when it gave them, else ``Type: message``
    (the type alone when the error says nothing more)."""
    code = getattr(exc, "code", None)
    message = getattr(exc, "message", None) or str(exc)
    if code:
        return f"{code} {message or type(exc).__name__}"
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
