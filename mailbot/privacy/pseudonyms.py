"""Stand-ins for erased addresses, and what changes in a stored row when a person's data goes: pure functions."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Collection
from datetime import datetime
from typing import Any

ERASED = "[verwijderd]"
# Event details that tell the case's course, not the person's story: they stay when a case is
# anonymised (addresses in them become pseudonyms). Any other text in a detail is removed.
_WHAT = ("category", "level", "level_from", "level_to", "urgent", "subject_type", "channel", "rules", "kind")
_WHO = ("team", "owner", "person", "to", "refused", "via", "new_case", "other", "permanent")
_WHEN = ("status_from", "status_to", "ack_due", "solution_due", "deadline", "due", "date", "at", "not_before")
STRUCTURAL = frozenset((*_WHAT, *_WHO, *_WHEN))


class Pseudonyms:
    """Stand-ins for the addresses one erasure removes: ``erased-<8 random hex digits>@invalid``.

    Random, not a hash of the address: anyone holding the address could recompute a hash and so
    find the person again. Within one erasure an address always gets the same stand-in, so
    counts per customer still add up. Staff addresses are the organisation's, and stay.
    """

    def __init__(self, staff: Collection[str]) -> None:
        self.staff = frozenset(a.lower() for a in staff)
        self.names: dict[str, str] = {}

    def of(self, address: str) -> str:
        """The stand-in for ``address`` (made on first use)."""
        key = address.lower()
        if key not in self.names:
            self.names[key] = f"erased-{secrets.token_hex(4)}@invalid"
        return self.names[key]

    def take(self, address: str) -> str:
        """The stand-in for a private address; staff addresses and non-addresses unchanged."""
        key = address.lower()
        if "@" not in key or key in self.staff or key.endswith("@invalid"):
            return address
        return self.of(key)

    def swap(self, address: str, only: Collection[str] | None) -> str:
        """``take`` for every private address (``only`` None), else only for the addresses in ``only``."""
        if only is None:
            return self.take(address)
        return self.of(address) if address.lower() in only else address

    def text(self, value: str, only: Collection[str] | None = None) -> str:
        """``value`` with every known address (or those in ``only``) replaced by its stand-in."""
        names = [a for a in self.names if only is None or a in only]
        if not names or not value:
            return value
        pattern = "|".join(re.escape(a) for a in sorted(names, key=len, reverse=True))
        return re.sub(
            rf"(?<![\w.%+-])(?:{pattern})(?![\w-]|\.\w)", lambda m: self.names[m.group(0).lower()], value, flags=re.I
        )


# --- what to change: pure functions of a row --------------------------------------------------


def scrub_value(value: Any, pseudonyms: Pseudonyms, only: Collection[str] | None) -> Any:
    """Addresses replaced by their stand-ins, in texts, lists and mappings alike."""
    if isinstance(value, str):
        return pseudonyms.text(value, only)
    if isinstance(value, list):
        return [scrub_value(v, pseudonyms, only) for v in value]
    if isinstance(value, dict):
        return {k: scrub_value(v, pseudonyms, only) for k, v in value.items()}
    return value


def scrub_detail(detail: dict[str, Any], pseudonyms: Pseudonyms, whole: bool, only: Collection[str] | None) -> Any:
    """An event's or timer's detail: with ``whole`` (an anonymised case) only STRUCTURAL texts stay."""
    out = {}
    for key, value in detail.items():
        free_text = not (value is None or isinstance(value, bool | int | float))
        out[key] = ERASED if whole and free_text and key not in STRUCTURAL else scrub_value(value, pseudonyms, only)
    return out


def scrub_message(
    row: dict[str, Any], pseudonyms: Pseudonyms, *, blank: bool, only: Collection[str] | None
) -> dict[str, Any]:
    """The columns of a stored message to change: with ``blank`` its words and ids go, else only addresses."""
    changes: dict[str, Any] = {
        "from_email": pseudonyms.swap(row["from_email"], only) if row["from_email"] else "",
        "to_json": json.dumps([pseudonyms.swap(a, only) for a in json.loads(row["to_json"])]),
        "cc_json": json.dumps([pseudonyms.swap(a, only) for a in json.loads(row["cc_json"])]),
        "verdict_json": pseudonyms.text(row["verdict_json"], only) if row["verdict_json"] else row["verdict_json"],
    }
    if blank:
        attachments = [{**a, "filename": ERASED, "sha256": ""} for a in json.loads(row["attachments_json"])]
        # New ids cut the thread: a later mail answering the old one starts afresh.
        mid = f"<erased-{row['id']}@mailbot.invalid>"
        changes |= {"from_name": "", "subject": ERASED, "text": ERASED, "stripped": ERASED, "headers_json": "{}"}
        changes |= {"attachments_json": json.dumps(attachments), "raw_sha256": None, "message_id": mid, "key": mid}
    else:
        for column in ("subject", "text", "stripped", "headers_json"):
            changes[column] = pseudonyms.text(row[column], only)
    return {k: v for k, v in changes.items() if v != row[k]}


def scrub_outgoing(row: dict[str, Any], pseudonyms: Pseudonyms, only: Collection[str] | None) -> dict[str, Any]:
    """An outbox row emptied: no bytes, no subject, stand-in recipients; a mail not yet sent is cancelled."""
    changes: dict[str, Any] = {
        "recipients_json": json.dumps([pseudonyms.swap(a, only) for a in json.loads(row["recipients_json"])]),
        "subject": ERASED,
        "raw": b"",
        "message_id": f"<erased-out-{row['id']}@mailbot.invalid>",
        "last_error": pseudonyms.text(row["last_error"], only) if row["last_error"] else row["last_error"],
        "status": "cancelled" if row["status"] == "pending" else row["status"],
    }
    return {k: v for k, v in changes.items() if v != row[k]}


def scrub_timer(row: dict[str, Any], pseudonyms: Pseudonyms, now: datetime) -> dict[str, Any]:
    """A timer of an anonymised case: its texts gone (the key held an agreement's text); if pending, skipped."""
    detail = scrub_detail(json.loads(row["detail_json"]), pseudonyms, True, None)
    changes: dict[str, Any] = {"detail_json": json.dumps(detail, ensure_ascii=False, sort_keys=True)}
    changes["key"] = f"{row['case_id']}:{row['kind']}:erased-{row['id']}"
    if row["status"] == "pending":
        changes |= {"status": "skipped", "fired_at": now}
    return changes
