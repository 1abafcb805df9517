"""AVG/GDPR: everything stored about one person (export), erasure that keeps the statistics, retention.

Erasure anonymises, it does not delete: a case keeps its category, level, dates, status and event
kinds, so every count still adds up, but the customer becomes ``erased-<8 hex digits>@invalid`` and
the texts, subjects, headers, attachments and raw mail that held their words are gone.

This module is what the command and the daemon call. ``footprint`` finds what is stored,
``pseudonyms`` decides what changes in each row, ``erasure`` carries it out.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Collection
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from mailbot.cases.dossier import dossier, message_fields, own_mail_text
from mailbot.cases.lifecycle import FINAL
from mailbot.clock import iso
from mailbot.config import Rules
from mailbot.privacy.erasure import Erasure, erase
from mailbot.privacy.footprint import Footprint, find_expired
from mailbot.privacy.footprint import find_person as find_person
from mailbot.privacy.pseudonyms import Pseudonyms
from mailbot.store import Store
from mailbot.store.blobs import BlobStore
from mailbot.store.dossier import message_from_row

log = logging.getLogger("mailbot.privacy")
EXPORT_FORMAT = "mailbot-privacy-export/1"


class PrivacyError(Exception):
    """An export or erasure that cannot be done as asked."""


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


def _message(row: dict[str, Any], ref: str | None) -> dict[str, Any]:
    m = message_from_row(row)
    return {
        "case": ref,
        **message_fields(m),
        "from_name": m.from_name,
        "text": m.text,
        "headers": m.headers,
        "raw_sha256": m.raw_sha256,
    }


def _outgoing(o: dict[str, Any], ref: str | None) -> dict[str, Any]:
    keep = ("kind", "subject", "status", "not_before", "sent_at", "message_id", "created_at")
    return {"case": ref, "recipients": json.loads(o["recipients_json"]), **{k: o[k] for k in keep}} | {
        "text": own_mail_text(bytes(o["raw"]))
    }


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
        result = erase(store, blobs, archive_root, fp, Pseudonyms(staff), now, "request")
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
        result = erase(store, blobs, archive_root, fp, Pseudonyms(rules.staff), now, "retention")
    store.compact()
    log.info("retention: anonymised %s (%d auto-reply windows forgotten)", result.counts(), forgotten)
    return result


def preview(store: Store, fp: Footprint) -> dict[str, int]:
    """What an erasure of this footprint would touch, before anything changes.

    ``open cases`` are still being handled: once anonymised, no more mail goes out for them.
    """
    return {
        "cases": len(fp.case_ids),
        "open cases": sum(store.case(i).status not in FINAL for i in fp.case_ids),
        "messages": len(fp.messages),
        "outgoing": len(fp.outgoing),
        "events": len(fp.events),
        "mail_log": len(fp.log),
        "agreements": len(fp.agreements),
    }
