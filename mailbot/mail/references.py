"""The ids a received mail names: its Message-ID, In-Reply-To and References, read as ``<id>`` keys."""

from __future__ import annotations

import re

_MSG_ID = re.compile(r"<([^<>\s]+)>")
_MAX_ID_LENGTH = 998  # RFC 5322 line limit; longer "ids" are junk, not keys
_MAX_REFERENCES = 100  # keep the newest ancestors of a runaway References header


def normalise_message_id(value: str) -> str:
    """``<local@domain>`` without whitespace, case kept; "" when there is no usable id."""
    compact = "".join(value.split())
    match = _MSG_ID.search(compact)
    inner = match.group(1) if match else compact.strip("<>")
    if not inner or "<" in inner or ">" in inner or len(inner) > _MAX_ID_LENGTH:
        return ""
    return f"<{inner}>"


def message_ids(value: str) -> tuple[str, ...]:
    """Every ``<id>`` in an In-Reply-To or References value, in order, without repeats.

    Ids may be separated by spaces or commas; anything outside angle brackets, and
    bracketed text with spaces in it (old "<Jan's message of …>" comments), is ignored.
    """
    found = dict.fromkeys(f"<{m.group(1)}>" for m in _MSG_ID.finditer(value) if len(m.group(1)) <= _MAX_ID_LENGTH)
    return tuple(found)[-_MAX_REFERENCES:]
