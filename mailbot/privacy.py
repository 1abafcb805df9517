"""AVG/GDPR: everything stored about one person (export), erasure that keeps the statistics, retention.

Erasure anonymises, it does not delete: a case keeps its category, level, dates, status and event
kinds, so every count still adds up, but the customer becomes ``erased-<8 hex digits>@invalid`` and
the texts, subjects, headers, attachments and raw mail that held their words are gone.
"""

from __future__ import annotations

import base64
import email
import json
import logging
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from email.utils import getaddresses
from pathlib import Path
from typing import Any

from mailbot.blobs import BlobStore
from mailbot.clock import iso
from mailbot.config import Rules
from mailbot.dossier import dossier, message_fields
from mailbot.models import Agreement, Case
from mailbot.store import Store

log = logging.getLogger("mailbot.privacy")
ERASED = "[verwijderd]"
EXPORT_FORMAT = "mailbot-privacy-export/1"
# Event details that tell the case's course, not the person's story: they stay when a case is
# anonymised (addresses in them become pseudonyms). Any other text in a detail is removed.
_WHAT = ("category", "level", "level_from", "level_to", "urgent", "subject_type", "channel", "rules", "kind")
_WHO = ("team", "owner", "person", "to", "refused", "via", "new_case", "other", "permanent")
_WHEN = ("status_from", "status_to", "ack_due", "solution_due", "deadline", "due", "date", "at", "not_before")
STRUCTURAL = frozenset((*_WHAT, *_WHO, *_WHEN))
_ADDRESS_HEADERS = ("from", "sender", "reply-to", "to", "cc", "bcc", "delivered-to", "return-path")
_SAFE_REF = re.compile(r"[A-Z0-9][A-Z0-9-]{0,63}")
_ALWAYS = datetime.max.replace(tzinfo=UTC)


class PrivacyError(Exception):
    """An export or erasure that cannot be done as asked."""


@dataclass(frozen=True)
class Erasure:
    """What one erasure changed, in counts: printed by `mailbot privacy erase`, kept in the event log."""

    cases: tuple[str, ...] = ()
    messages: int = 0
    outgoing: int = 0
    events: int = 0
    mail_log: int = 0
    agreements: int = 0
    timers: int = 0
    blobs: int = 0
    archives: int = 0

    def counts(self) -> dict[str, int]:
        """Every count by name."""
        return {"cases": len(self.cases), **{k: v for k, v in vars(self).items() if k != "cases"}}


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


def blobs_of(message: dict[str, Any]) -> set[str]:
    """The raw message and attachments a stored message names."""
    found = {a.get("sha256") or "" for a in json.loads(message["attachments_json"])} | {message["raw_sha256"] or ""}
    return found - {""}


def names_address(raw: bytes, address: str) -> bool:
    """Whether a raw mail's headers name ``address`` as sender or recipient."""
    headers = BytesHeaderParser().parsebytes(raw)
    values = [str(v) for name in _ADDRESS_HEADERS for v in headers.get_all(name) or []]
    return any(found.lower() == address for _, found in getaddresses(values))


def erasable(text: str, staff: Collection[str]) -> str:
    """The address to erase, normalised; PrivacyError for a staff address: the organisation's own."""
    address = normalise_address(text)
    if address in {a.lower() for a in staff}:
        raise PrivacyError(f"{address} is a staff address in rules.yaml; mailbot does not erase staff")
    return address


def normalise_address(text: str) -> str:
    """A mail address as stored: trimmed and lower-case; PrivacyError when it is none."""
    address = text.strip().lower()
    if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+", address):
        raise PrivacyError(f"not a mail address: {text!r}")
    return address


# --- finding what is stored ------------------------------------------------------------------


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
    from mailbot.parse import parse_mail

    try:  # the pipeline stored its attachments too, under the same digests
        return set(parse_mail(raw, received_at=now, strip=lambda text: text).blobs)
    except Exception:
        return {row["raw_sha256"]}


# --- export ----------------------------------------------------------------------------------


def export_person(store: Store, blobs: BlobStore, address: str, now: datetime) -> dict[str, Any]:
    """Everything stored about ``address`` as one JSON-ready document, raw mail base64-encoded."""
    address = normalise_address(address)
    with store.transaction():  # one snapshot: the daemon may add mail while we read
        fp = find_person(store, blobs, address, now)
        refs: dict[int | None, str | None] = {None: None}
        refs |= {i: store.case(i).ref for i in {m["case_id"] for m in fp.messages} | set(fp.case_ids)}
        refs |= {r["case_id"]: store.case(r["case_id"]).ref for r in fp.outgoing + fp.log if r["case_id"]}
        refs |= {e["case_id"]: store.case(e["case_id"]).ref for e in fp.events if e["case_id"]}
        cases = [dossier(store, store.case(i)) for i in fp.case_ids]
        last_auto_reply = store.last_auto_reply(address)
    shas = sorted({s for m in fp.messages for s in ([m["raw_sha256"]] if m["raw_sha256"] else [])})
    shas += sorted({r["raw_sha256"] for r in fp.log if r["id"] in fp.loose} - set(shas))
    raw_messages, missing = [], []
    for sha in shas:
        try:
            data = blobs.get(sha)
        except (OSError, ValueError):
            missing.append(sha)
            continue
        raw_messages.append({"sha256": sha, "size": len(data), "eml_base64": base64.b64encode(data).decode("ascii")})
    return {
        "format": EXPORT_FORMAT,
        "address": address,
        "exported_at": iso(now),
        "cases": cases,
        "messages": [_message(m, refs[m["case_id"]]) for m in fp.messages],
        "outgoing": [
            _outgoing(o, refs[o["case_id"]]) for o in fp.outgoing if address in json.loads(o["recipients_json"])
        ],
        "mail_log": [
            {k: r[k] for k in ("outcome", "reason", "folder", "at", "raw_sha256")} | {"case": refs[r["case_id"]]}
            for r in fp.log
        ],
        "agreements": [
            {"case": refs[a.case_id], "text": a.text, "due_date": a.due_date, "by": a.created_by} for a in fp.agreements
        ],
        # Events of other cases that name them (their own cases' events are in the dossiers).
        "other_events": [
            {k: e[k] for k in ("at", "kind", "actor", "detail")} | {"case": refs[e["case_id"]]}
            for e in fp.events
            if e["case_id"] not in fp.case_ids
        ],
        "last_automatic_reply": iso(last_auto_reply) if last_auto_reply else None,
        "raw_messages": raw_messages,
        "missing_raw_messages": missing,
    }


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by the owner only (0600), atomically."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.tmp-")  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _message(m: dict[str, Any], ref: str | None) -> dict[str, Any]:
    return {
        "case": ref,
        **message_fields(m),
        "from_name": m["from_name"],
        "text": m["text"],
        "headers": json.loads(m["headers_json"]),
        "raw_sha256": m["raw_sha256"],
    }


def _outgoing(o: dict[str, Any], ref: str | None) -> dict[str, Any]:
    keep = ("kind", "subject", "status", "not_before", "sent_at", "message_id", "created_at")
    return {"case": ref, "recipients": json.loads(o["recipients_json"]), **{k: o[k] for k in keep}} | {
        "text": _plain_text(bytes(o["raw"]))
    }


def _plain_text(raw: bytes) -> str:
    """The text part of one of our own mails."""
    try:
        msg = email.message_from_bytes(raw, policy=default_policy)
        assert isinstance(msg, EmailMessage)
        body = msg.get_body(("plain",))
        return str(body.get_content()) if body is not None else ""
    except Exception:  # the export still holds the metadata
        return ""


# --- erasure ---------------------------------------------------------------------------------


def erase_person(
    store: Store, blobs: BlobStore, archive_root: Path, address: str, staff: Collection[str], now: datetime
) -> Erasure:
    """Anonymise ``address``'s cases and remove their words wherever they are stored; return the counts."""
    address = erasable(address, staff)
    with store.erasing():
        fp = find_person(store, blobs, address, now)
        if not fp:
            return Erasure()
        result = _erase(store, blobs, archive_root, fp, Pseudonyms(staff), now, "request")
    store.compact()
    return result


def purge_expired(store: Store, blobs: BlobStore, archive_root: Path, rules: Rules, now: datetime) -> Erasure:
    """Anonymise what has passed ``privacy.retention_days``: ended cases, and mail of no case."""
    days = rules.privacy.retention_days
    if days is None:
        return Erasure()
    with store.erasing():
        fp = find_expired(store, blobs, now - timedelta(days=days), now)
        forgotten = store.forget_auto_replies([], before=now - timedelta(days=days))
        if not fp:
            return Erasure()
        result = _erase(store, blobs, archive_root, fp, Pseudonyms(rules.staff), now, "retention")
    store.compact()
    log.info("retention: anonymised %s (%d auto-reply windows forgotten)", result.counts(), forgotten)
    return result


def preview(store: Store, fp: Footprint) -> dict[str, int]:
    """What an erasure of this footprint would touch, before anything changes.

    ``open cases`` are still being handled: once anonymised, no more mail goes out for them.
    """
    return {
        "cases": len(fp.case_ids),
        "open cases": sum(store.case(i).status not in ("closed", "referred") for i in fp.case_ids),
        "messages": len(fp.messages),
        "outgoing": len(fp.outgoing),
        "events": len(fp.events),
        "mail_log": len(fp.log),
        "agreements": len(fp.agreements),
    }


def _erase(
    store: Store, blobs: BlobStore, root: Path, fp: Footprint, names: Pseudonyms, now: datetime, reason: str
) -> Erasure:
    """Carry out an erasure inside the caller's transaction (Store.erasing)."""
    erased = set(fp.case_ids)
    person = frozenset({fp.address}) if fp.address else frozenset()

    def scope(case_id: int | None) -> frozenset[str] | None:
        return None if case_id in erased else person  # None: every private address

    cases = [store.case(i) for i in fp.case_ids]
    _learn_addresses(names, fp, cases)
    for case in cases:
        store.update_case(
            case.id,
            now,
            customer_email=names.of(case.customer.email),
            customer_name="",
            subject=ERASED,
            solution=ERASED if case.solution else case.solution,
            erased_at=now,
        )
    candidates: set[str] = set()
    message_changes = []
    for m in fp.messages:
        blank = m["case_id"] in erased or m["from_email"] == fp.address
        if blank:
            candidates |= blobs_of(m)
        message_changes.append((m["id"], scrub_message(m, names, blank=blank, only=scope(m["case_id"]))))
    store.update_rows("messages", message_changes)
    store.update_rows("outbox", [(o["id"], scrub_outgoing(o, names, scope(o["case_id"]))) for o in fp.outgoing])
    store.update_rows("agreements", [(a.id, {"text": ERASED}) for a in fp.agreements])
    store.update_rows("timers", [(t["id"], scrub_timer(t, names, now)) for t in fp.timers])
    log_changes = []
    for r in fp.log:
        entry: dict[str, Any] = {"key": f"<erased-log-{r['id']}@mailbot.invalid>"}
        if r["reason"]:
            entry["reason"] = names.text(r["reason"], scope(r["case_id"]))
        log_changes.append((r["id"], entry))
        candidates |= fp.loose.get(r["id"], set()) | {r["raw_sha256"]}
    store.update_rows("mail_log", log_changes)
    event_changes = []
    for e in fp.events:
        whole = e["case_id"] in erased
        actor = names.swap(e["actor"], scope(e["case_id"]))
        detail = scrub_detail(e["detail"], names, whole, scope(e["case_id"]))
        if (actor, detail) != (e["actor"], e["detail"]):
            event_changes.append((e["id"], actor, detail))
    store.rewrite_events(event_changes)
    if fp.address:
        store.forget_auto_replies([fp.address])

    # Files last, still inside the transaction: if one cannot be removed, the erasure rolls back
    # and can simply be run again; once committed, nothing in the database names them.
    gone = sorted(candidates - store.blob_references([r["id"] for r in fp.log]))
    for sha in gone:
        blobs.path(sha).unlink(missing_ok=True)
    archives = sum(_remove_archive(root, case.ref) for case in cases)
    result = Erasure(
        cases=tuple(c.ref for c in cases),
        messages=sum(1 for m in fp.messages if m["case_id"] in erased or m["from_email"] == fp.address),
        outgoing=len(fp.outgoing),
        events=len(event_changes),
        mail_log=len(fp.log),
        agreements=len(fp.agreements),
        timers=len(fp.timers),
        blobs=len(gone),
        archives=archives,
    )
    actor = "retention" if reason == "retention" else "privacy"
    for case in cases:
        store.add_event(case.id, "erased", actor, now, reason=reason)
    store.add_event(None, "erased", actor, now, reason=reason, **result.counts(), refs=list(result.cases))
    return result


def _learn_addresses(names: Pseudonyms, fp: Footprint, cases: list[Case]) -> None:
    """Give every private address of the anonymised cases its stand-in first, so texts can use it."""
    erased = set(fp.case_ids)
    for case in cases:
        names.of(case.customer.email)
    for m in (m for m in fp.messages if m["case_id"] in erased):
        for a in [m["from_email"], *json.loads(m["to_json"]), *json.loads(m["cc_json"])]:
            names.take(a)
    for o in (o for o in fp.outgoing if o["case_id"] in erased):
        for a in json.loads(o["recipients_json"]):
            names.take(a)
    for e in (e for e in fp.events if e["case_id"] in erased):
        names.take(e["actor"])
    if fp.address:
        names.of(fp.address)


def _remove_archive(root: Path, ref: str) -> int:
    """Remove ``root/<REF>/`` and any half-written copy of it; 1 when there was one."""
    if not _SAFE_REF.fullmatch(ref) or not root.is_dir():
        return 0
    found = 0
    for path in [root / ref, *root.glob(f".{ref}.tmp-*"), *root.glob(f".{ref}.old-*")]:
        if path.is_dir():
            shutil.rmtree(path)
            found += path.name == ref
    return found
