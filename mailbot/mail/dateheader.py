"""The Date header of a queued mail, set to the moment it is sent rather than the moment it was queued.

A mail held back (the per-address window, sending hours, a retry) would otherwise carry the time
it was written, and a customer's mail program sorts by that Date: a held acknowledgement would
show up below the later mail it went out before.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime


def with_date(raw: bytes, moment: datetime) -> bytes:
    """``raw`` with its Date header (added when it has none) saying ``moment``; the rest byte for byte.

    Only the header block is looked at: a body line starting with "Date:" stays as it is.
    """
    end = raw.find(b"\r\n\r\n")
    head, rest = (raw[:end], raw[end:]) if end >= 0 else (raw, b"")
    field = b"Date: " + format_datetime(moment).encode("ascii")
    lines = head.split(b"\r\n")
    for index, line in enumerate(lines):
        if line[:5].lower() == b"date:":
            # A folded Date continues on lines that start with white space: they go with it.
            stop = index + 1
            while stop < len(lines) and lines[stop][:1] in (b" ", b"\t"):
                stop += 1
            lines[index:stop] = [field]
            return b"\r\n".join(lines) + rest
    return b"\r\n".join([*lines, field]) + rest
