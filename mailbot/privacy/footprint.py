"""Where data is stored: every row and file about one person, or about the cases past their retention."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from typing import Any

from mailbot.models import Agreement
from mailbot.store import Store
from mailbot.store.blobs import BlobStore

_ADDRESS_HEADERS = ("from", "sender", "reply-to", "to", "cc", "bcc", "delivered-to", "return-path")
_ALWAYS = datetime.max.replace(tzinfo=UTC)


@dataclass
class Footprint:
    """Every row and file that holds data about one person, or about a set of cases."""

    address: str | None
    case_ids: list[int]
    messages: list[dict[str, Any]]
    outgoing: list[dict[str, Any]]
    log: list[dict[str, Any]]
    events: list[dict[str, Any]]
    timers: list[dict[str, Any]]
    agreements: list[Agreement]
    # Mail that joined no case (automatic, duplicate, quarantined): mail log id -> its blobs.
    loose: dict[int, set[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.case_ids or self.messages or self.outgoing or self.log or self.events)


def find_person(store: Store, blobs: BlobStore, address: str, now: datetime) -> Footprint:
    """Everything stored about ``address``: their cases whole, and wherever else they are named."""
    case_ids = store.customer_case_ids(address)
    messages = store.messages_touching(case_ids, address)
    own = [m["raw_sha256"] for m in messages if m["from_email"] == address and m["raw_sha256"]]
    log_rows = store.mail_log_rows(case_ids, own, caseless_before=_ALWAYS)
    footprint = _footprint(store, address, case_ids, messages, [])
    for row in log_rows:
        if row["case_id"] is None and row["raw_sha256"] not in own:
            loose = _loose_blobs(blobs, row, now, address)
            if loose is None:
                continue
            footprint.loose[row["id"]] = loose
        footprint.log.append(row)
    return footprint


def find_expired(store: Store, blobs: BlobStore, before: datetime, now: datetime) -> Footprint:
    """Cases that ended before ``before``, and mail of no case logged before then."""
    case_ids = store.expired_case_ids(before)
    rows = store.mail_log_rows(case_ids, caseless_before=before)
    if not case_ids and not rows:  # the usual day: nothing to do, and no table scans
        return Footprint(None, [], [], [], [], [], [], [])
    footprint = _footprint(store, None, case_ids, store.messages_touching(case_ids, None), [])
    for row in rows:
        if row["case_id"] is None:
            footprint.loose[row["id"]] = _loose_blobs(blobs, row, now, None) or set()
        footprint.log.append(row)
    return footprint


def _footprint(
    store: Store, address: str | None, case_ids: list[int], messages: list[dict[str, Any]], log: list[dict[str, Any]]
) -> Footprint:
    return Footprint(
        address=address,
        case_ids=case_ids,
        messages=messages,
        outgoing=store.outbox_touching(case_ids, address),
        log=log,
        events=store.events_touching(case_ids, address),
        timers=store.timer_rows(case_ids),
        agreements=[a for case_id in case_ids for a in store.agreements(case_id)],
    )


def _loose_blobs(blobs: BlobStore, row: dict[str, Any], now: datetime, address: str | None) -> set[str] | None:
    """The blobs of a mail that joined no case (raw and attachments); None when it does not name ``address``."""
    try:
        raw = blobs.get(row["raw_sha256"])
    except (OSError, ValueError):
        return None if address else set()
    if address is not None and not names_address(raw, address):
        return None
    from mailbot.mail.parse import parse_mail

    try:  # the pipeline stored its attachments too, under the same digests
        return set(parse_mail(raw, received_at=now, strip=lambda text: text).blobs)
    except Exception:
        return {row["raw_sha256"]}


def names_address(raw: bytes, address: str) -> bool:
    """Whether a raw mail's headers name ``address`` as sender or recipient."""
    headers = BytesHeaderParser().parsebytes(raw)
    values = [str(v) for name in _ADDRESS_HEADERS for v in headers.get_all(name) or []]
    return any(found.lower() == address for _, found in getaddresses(values))
