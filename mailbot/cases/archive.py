"""The archive of a case: every mail as .eml, a readable HTML dossier, the JSON dossier and a manifest."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from mailbot.cases.dossier import dossier, own_mail_text
from mailbot.clock import iso, iso_or_none
from mailbot.files import create_private, fsync_dir, private_dir
from mailbot.kinds import EventKind
from mailbot.logs import about, describe_error, redacted
from mailbot.models import Case
from mailbot.shipped import template_loader
from mailbot.store import Store
from mailbot.store.blobs import BlobStore

log = logging.getLogger("mailbot.archive")
TEMPLATE = "dossier.html.j2"
# A case reference names the archive folder, so it may hold nothing that walks the file system.
_SAFE_REF = re.compile(r"[A-Z0-9][A-Z0-9-]{0,63}")
_STORED_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


class ArchiveError(Exception):
    """The archive cannot be written: an unsafe reference or a template that does not render."""


def archive_case(
    store: Store, blobs: BlobStore, case: Case, root: Path, zone: ZoneInfo, template_dir: Path, now: datetime
) -> Path:
    """Write ``root/<REF>/`` for ``case``, replacing an earlier archive of it; return that folder."""
    if not _SAFE_REF.fullmatch(case.ref):
        raise ArchiveError(f"unsafe case reference for a folder name: {case.ref!r}")
    with store.transaction():  # one snapshot: the daemon may add mail while we read
        data = dossier(store, case)
        mails, missing = _mails(store, blobs, case)
    page = _render(template_dir, zone, data, mails, missing=missing, archived_at=iso(now))
    files: list[tuple[str, bytes, dict[str, Any]]] = [(m["file"], m["raw"], m) for m in mails]
    files.append(("dossier.html", page.encode("utf-8"), {"what": "dossier (HTML)"}))
    dump = json.dumps(data, ensure_ascii=False, indent=2) + "\n"  # as `mailbot cases show REF --json`
    files.append(("dossier.json", dump.encode("utf-8"), {"what": "dossier (JSON)"}))
    manifest = {
        "ref": case.ref,
        "archived_at": iso(now),
        "files": [
            {"name": name, "sha256": hashlib.sha256(body).hexdigest(), "size": len(body), **_described(about)}
            for name, body, about in files
        ],
        "missing": [_described(m) for m in missing],
    }
    files.append(("manifest.json", (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode(), {}))
    return _write_folder(root, case.ref, [(name, body) for name, body, _ in files])


class ArchiveQueue:
    """The cases to archive once the transaction that finished them has committed.

    A step that ends a case (closed or referred, cases/work.py) or adds to its archived dossier (an
    improvement form, staff.py) adds the case here; the pipeline that owns the transaction calls
    `archive_pending` after its commit, so no archive shows a state that was rolled back.
    """

    def __init__(self, store: Store, blobs: BlobStore, root: Path, zone: ZoneInfo, template_dir: Path) -> None:
        self.store, self.blobs, self.root, self.zone, self.template_dir = store, blobs, root, zone, template_dir
        self._pending: set[int] = set()

    def add(self, case_id: int) -> None:
        """Archive ``case_id`` after the current transaction has committed."""
        self._pending.add(case_id)

    def pending(self) -> frozenset[int]:
        """The cases waiting for the commit."""
        return frozenset(self._pending)

    def forget(self) -> None:
        """Drop what a transaction that did not commit left here."""
        self._pending.clear()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """What a step inside adds is dropped again when the step fails (its savepoint rolled back)."""
        before = set(self._pending)
        try:
            yield
        except BaseException:
            self._pending = before
            raise

    def archive_pending(self, now: datetime) -> None:
        """Archive every pending case. A failing archive is logged and recorded as an 'archive-failed'
        event, so the coordinator hears of it (failures.py); `mailbot cases export` redoes it.

        While a transaction is open (a batch's, intake/group.py) nothing is archived yet: the
        batch's commit is still to come, and it archives them all after it."""
        if self.store.db.conn.in_transaction:
            return
        for case_id in sorted(self._pending):
            case = self.store.case(case_id)
            try:
                path = archive_case(self.store, self.blobs, case, self.root, self.zone, self.template_dir, now)
                with about(case=case.ref):
                    log.info("archived to %s", path)
            except Exception as exc:
                with about(case=case.ref):
                    log.error("could not archive: %s", redacted(str(exc)))
                with self.store.transaction():
                    self.store.add_event(
                        case.id, EventKind.ARCHIVE_FAILED, "system", now, error=describe_error(exc)[:300]
                    )
        self._pending.clear()


def _mails(store: Store, blobs: BlobStore, case: Case) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every received and every queued mail of the case, numbered in time order; and what is missing.

    ``source`` is ("in", i) or ("out", i): the mail's place in the dossier's messages or outgoing list.
    """
    found: list[tuple[datetime, int, int, dict[str, Any]]] = []
    missing: list[dict[str, Any]] = []
    for n, m in enumerate(store.messages(case.id)):
        about: dict[str, Any] = {"what": "received message", "direction": m.direction.value, "role": m.role.value}
        about |= {
            "source": ("in", n),
            "message_id": m.message_id,
            "date": iso(m.date),
            "processed_at": iso(m.created_at),
        }
        raw = _blob(blobs, m.raw_sha256)
        if raw is None:
            missing.append({**about, "reason": f"raw message {m.raw_sha256} is not in the blob store"})
        else:
            found.append((m.created_at, 0, n, {**about, "raw": raw, "tag": f"in-{_token(m.role)}"}))
    rows = {row.message_id: row for row in store.outbox(case.id)}
    for n, (message_id, status, raw) in enumerate(store.outgoing_raw(case.id)):
        row = rows[message_id]
        about = {"what": "outgoing mail", "kind": row.kind, "status": status, "source": ("out", n)}
        about |= {"message_id": message_id, "recipients": list(row.recipients), "sent_at": iso_or_none(row.sent_at)}
        about |= {"not_before": iso(row.not_before), "raw": raw, "tag": f"out-{_token(row.kind)}"}
        # A mail leaves at sent_at; one not (yet) sent takes the place where it is due.
        found.append((row.sent_at or row.not_before, 1, n, about))
    found.sort(key=lambda item: item[:3])
    width = max(3, len(str(len(found))))
    mails = []
    for number, (*_, about) in enumerate(found, start=1):
        about["file"] = f"{number:0{width}d}-{about.pop('tag')}.eml"
        mails.append(about)
    return mails, missing


def _blob(blobs: BlobStore, sha256: str | None) -> bytes | None:
    """The raw bytes stored under ``sha256``, if they are there and intact."""
    try:
        raw = blobs.get(sha256 or "")
    except (ValueError, OSError):
        return None
    return raw if hashlib.sha256(raw).hexdigest() == sha256 else None


def _token(text: str) -> str:
    """A file-name-safe form of a role or mail kind (our own words, but never trusted as names)."""
    return re.sub(r"[^a-z0-9_]+", "-", text.lower()).strip("-")[:40] or "x"


def _described(about: dict[str, Any]) -> dict[str, Any]:
    """What the manifest says about a file: everything but the bytes and the bookkeeping."""
    return {k: v for k, v in about.items() if k not in ("file", "raw", "source")}


def _render(template_dir: Path, zone: ZoneInfo, data: dict[str, Any], mails: list[dict[str, Any]], **extra: Any) -> str:
    """The HTML dossier from the admin's template (else the shipped one), every value escaped."""
    env = SandboxedEnvironment(loader=template_loader(template_dir), undefined=StrictUndefined, autoescape=True)
    env.filters["local"] = lambda text: _local(text, zone)
    env.filters["shown"] = lambda value: _shown(value, zone)
    # Lists aligned with case.messages and case.outgoing: the .eml file (None when missing), the text sent.
    in_files: list[str | None] = [None] * len(data["messages"])
    out_files: list[str | None] = [None] * len(data["outgoing"])
    out_texts = [""] * len(data["outgoing"])
    for m in mails:
        side, n = m["source"]
        if side == "in":
            in_files[n] = m["file"]
        else:
            # A mail we cannot read is still archived as .eml; its text is just not shown.
            out_files[n], out_texts[n] = m["file"], own_mail_text(m["raw"])
    try:
        return env.get_template(TEMPLATE).render(
            case=data, message_files=in_files, outgoing_files=out_files, outgoing_texts=out_texts, **extra
        )
    except Exception as exc:
        raise ArchiveError(f"template {TEMPLATE} in {template_dir} does not render: {exc}") from exc


def _shown(value: Any, zone: ZoneInfo) -> str:
    """A timeline detail for people: stored UTC moments in local time, lists joined, yes/no in Dutch."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list):
        return ", ".join(_shown(v, zone) for v in value)
    if isinstance(value, str) and _STORED_MOMENT.fullmatch(value):
        return _local(value, zone)
    return str(value)


def _local(text: str | None, zone: ZoneInfo) -> str:
    """A stored UTC moment as local time for people; '-' for none."""
    return datetime.fromisoformat(text).astimezone(zone).strftime("%Y-%m-%d %H:%M") if text else "-"


def _write_folder(root: Path, ref: str, files: list[tuple[str, bytes]]) -> Path:
    """Build the folder beside its target, then rename it into place over an earlier one."""
    private_dir(root)
    target, aside = root / ref, None
    tmp = Path(tempfile.mkdtemp(prefix=f".{ref}.tmp-", dir=root))  # created 0o700
    try:
        for name, body in files:
            create_private(tmp / name, body)
        fsync_dir(tmp)
        if target.exists():
            aside = root / f".{ref}.old-{secrets.token_hex(4)}"
            os.rename(target, aside)
        os.rename(tmp, target)
    except BaseException:
        if aside is not None and not target.exists():
            os.rename(aside, target)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    fsync_dir(root)
    if aside is not None:
        shutil.rmtree(aside)
    return target
