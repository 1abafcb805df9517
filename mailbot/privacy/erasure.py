"""One erasure, inside the caller's transaction: anonymise the cases, scrub every row, remove the files."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from mailbot.models import Case
from mailbot.privacy.footprint import Footprint
from mailbot.privacy.pseudonyms import ERASED, Pseudonyms, scrub_detail, scrub_message, scrub_outgoing, scrub_timer
from mailbot.store import Store
from mailbot.store.blobs import BlobStore

_SAFE_REF = re.compile(r"[A-Z0-9][A-Z0-9-]{0,63}")
# A row's case -> the addresses its texts lose (None: every private address).
Scope = Callable[[int | None], frozenset[str] | None]


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


def erase(
    store: Store, blobs: BlobStore, root: Path, fp: Footprint, names: Pseudonyms, now: datetime, reason: str
) -> Erasure:
    """Carry out an erasure inside the caller's transaction (Store.erasing)."""
    scope = _scope(fp)
    cases = [store.case(i) for i in fp.case_ids]
    _learn_addresses(names, fp, cases)
    _anonymise_cases(store, cases, names, now)
    candidates, messages = _scrub_messages(store, fp, names, scope)
    store.update_rows("outbox", [(o["id"], scrub_outgoing(o, names, scope(o["case_id"]))) for o in fp.outgoing])
    store.update_rows("agreements", [(a.id, {"text": ERASED}) for a in fp.agreements])
    store.update_rows("timers", [(t["id"], scrub_timer(t, names, now)) for t in fp.timers])
    candidates |= _scrub_log(store, fp, names, scope)
    events = _scrub_events(store, fp, names, scope)
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
        messages=messages,
        outgoing=len(fp.outgoing),
        events=events,
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


def _scope(fp: Footprint) -> Scope:
    """Which addresses a row's texts lose: every private one in an erased case, else the person's alone."""
    erased = set(fp.case_ids)
    person = frozenset({fp.address}) if fp.address else frozenset()

    def scope(case_id: int | None) -> frozenset[str] | None:
        return None if case_id in erased else person  # None: every private address

    return scope


def _anonymise_cases(store: Store, cases: list[Case], names: Pseudonyms, now: datetime) -> None:
    """The cases keep their figures; the customer, the subject and the solution go."""
    for case in cases:
        store.update_case(
            case.id,
            now,
            customer_email=names.of(case.customer.email),
            customer_name="",
            customer_postal="",
            subject=ERASED,
            solution=ERASED if case.solution else case.solution,
            erased_at=now,
        )


def _scrub_messages(store: Store, fp: Footprint, names: Pseudonyms, scope: Scope) -> tuple[set[str], int]:
    """Blank the erased cases' messages and the person's own, scrub the rest; their files, and how many blanked."""
    erased = set(fp.case_ids)
    candidates: set[str] = set()
    changes = []
    blanked = 0
    for m in fp.messages:
        blank = m["case_id"] in erased or m["from_email"] == fp.address
        if blank:
            candidates |= blobs_of(m)
            blanked += 1
        changes.append((m["id"], scrub_message(m, names, blank=blank, only=scope(m["case_id"]))))
    store.update_rows("messages", changes)
    return candidates, blanked


def _scrub_log(store: Store, fp: Footprint, names: Pseudonyms, scope: Scope) -> set[str]:
    """Give the mail log's rows a key that names nobody and scrub their reasons; the files they name."""
    candidates: set[str] = set()
    changes = []
    for r in fp.log:
        entry: dict[str, Any] = {"key": f"<erased-log-{r['id']}@mailbot.invalid>"}
        if r["reason"]:
            entry["reason"] = names.text(r["reason"], scope(r["case_id"]))
        changes.append((r["id"], entry))
        candidates |= fp.loose.get(r["id"], set()) | {r["raw_sha256"]}
    store.update_rows("mail_log", changes)
    return candidates


def _scrub_events(store: Store, fp: Footprint, names: Pseudonyms, scope: Scope) -> int:
    """Swap the addresses in the events' actors and details; how many events changed."""
    erased = set(fp.case_ids)
    changes = []
    for e in fp.events:
        whole = e["case_id"] in erased
        actor = names.swap(e["actor"], scope(e["case_id"]))
        detail = scrub_detail(e["detail"], names, whole, scope(e["case_id"]))
        if (actor, detail) != (e["actor"], e["detail"]):
            changes.append((e["id"], actor, detail))
    store.rewrite_events(changes)
    return len(changes)


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


def blobs_of(message: dict[str, Any]) -> set[str]:
    """The raw message and attachments a stored message names."""
    found = {a.get("sha256") or "" for a in json.loads(message["attachments_json"])} | {message["raw_sha256"] or ""}
    return found - {""}
