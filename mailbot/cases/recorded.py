"""What the customer reads about a complaint staff took by phone or letter: their own terms, never the staff note.

The note under ``#telefonisch`` is written for colleagues ("Mevrouw De Groot belde om 10.15 uur,
klonk boos..."). Only a line the staff member writes for the customer, ``klacht: …`` (or
``samenvatting:``), is quoted to them; without one they get a neutral sentence.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from mailbot.workdays import format_date_nl

# A line at least this long was probably wrapped by the mail client (Gmail wraps plain text at 78).
_WRAPPED = 60
# "klacht: De sleutelkluis gaat niet open." (or samenvatting:, or English).
_SUMMARY = re.compile(r"^\s*(?:klacht|samenvatting|complaint|summary)\s*:\s*(?P<text>.*)$", re.IGNORECASE)


def customer_summary(note: str) -> str:
    """The complaint as the staff member summed it up for the customer (a ``klacht:`` line), else ''.

    The summary is that line, with the lines the mail client wrapped it into.
    """
    lines = note.splitlines()
    for index, line in enumerate(lines):
        match = _SUMMARY.match(line)
        if match is None:
            continue
        words = [match.group("text").strip()]
        for before, more in zip(lines[index:], lines[index + 1 :], strict=False):
            # Only a line the mail client wrapped goes on: a short line ends the summary, so the
            # staff member's own remark on the next line never reaches the customer.
            if len(before) < _WRAPPED or not more.strip() or _SUMMARY.match(more):
                break
            words.append(more.strip())
        return " ".join(w for w in words if w)
    return ""


def recorded_words(note: str, received: datetime) -> dict[str, Any]:
    """The template values of the customer's confirmation: the summary and the day we heard of it (local time)."""
    return {"summary": customer_summary(note), "contact_date": format_date_nl(received)}
