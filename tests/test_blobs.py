"""Tests for the content-addressed blob store (mailbot.store.blobs)."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from mailbot.store.blobs import BlobStore

PDF = b"%PDF-1.4\n% klachtformulier Veilig & Zeker\n" * 50


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "data" / "blobs")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_put_returns_sha256_and_stores_under_a_two_letter_folder(store: BlobStore) -> None:
    sha = store.put(PDF)

    assert sha == hashlib.sha256(PDF).hexdigest()
    assert store.path(sha) == store.root / sha[:2] / sha
    assert store.path(sha).read_bytes() == PDF
    assert store.get(sha) == PDF


def test_put_leaves_no_temp_files(store: BlobStore) -> None:
    sha = store.put(PDF)

    assert os.listdir(store.root / sha[:2]) == [sha]


def test_put_is_idempotent(store: BlobStore) -> None:
    sha = store.put(PDF)
    before = store.path(sha).stat()

    assert store.put(PDF) == sha
    after = store.path(sha).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_files_and_folders_are_owner_only(store: BlobStore) -> None:
    old_umask = os.umask(0o022)
    try:
        sha = store.put(PDF)
    finally:
        os.umask(old_umask)

    assert _mode(store.path(sha)) == 0o600
    assert _mode(store.path(sha).parent) == 0o700
    assert _mode(store.root) == 0o700


def test_the_first_blob_makes_every_folder_owner_only_with_one_fsync_of_the_root(
    store: BlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One by one, a new data folder's first mail paid an fsync of the root for each of 256 folders.
    synced: list[str] = []
    real = os.fsync

    def recording(fd: int) -> None:
        real(fd)
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))

    monkeypatch.setattr(os, "fsync", recording)
    old_umask = os.umask(0o022)
    try:
        store.put(PDF)
    finally:
        os.umask(old_umask)
    folders = sorted(p.name for p in store.root.iterdir())
    assert folders == [f"{i:02x}" for i in range(256)]
    assert all(_mode(store.root / name) == 0o700 for name in folders)
    assert synced.count(str(store.root)) == 1  # the folders' entries, all at once


def test_empty_blob_is_stored(store: BlobStore) -> None:
    sha = store.put(b"")

    assert sha == hashlib.sha256(b"").hexdigest()
    assert store.get(sha) == b""


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "x",
        "A" * 64,  # upper case is not the form put() returns
        "a" * 63,
        "a" * 65,
        "a" * 64 + "\n",
        "../" + "a" * 61,
        "g" * 64,
    ],
)
def test_path_rejects_anything_but_a_sha256(store: BlobStore, name: str) -> None:
    with pytest.raises(ValueError, match="sha256"):
        store.path(name)
    with pytest.raises(ValueError):
        store.get(name)


def test_get_of_a_missing_blob_raises(store: BlobStore) -> None:
    with pytest.raises(FileNotFoundError):
        store.get("0" * 64)


def test_a_failed_write_leaves_neither_blob_nor_temp_file(store: BlobStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_rename(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", no_rename)
    with pytest.raises(OSError, match="disk full"):
        store.put(PDF)

    sha = hashlib.sha256(PDF).hexdigest()
    assert not store.path(sha).exists()
    assert os.listdir(store.root / sha[:2]) == []


def test_parsed_attachment_is_stored_by_digest_not_by_its_name(store: BlobStore) -> None:
    from datetime import UTC, datetime

    from mailbot.mail.parse import parse_mail

    raw = (
        b"From: Petra de Vries <petra@example.com>\r\n"
        b"To: klacht@example.nl\r\n"
        b"Subject: Foto van de schade\r\n"
        b"Message-ID: <foto-1@example.com>\r\n"
        b"Content-Type: multipart/mixed; boundary=grens\r\n"
        b"\r\n--grens\r\nContent-Type: text/plain\r\n\r\nZie bijlage.\r\n"
        b"--grens\r\nContent-Type: image/jpeg\r\n"
        b'Content-Disposition: attachment; filename="../../x"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n/9j/4AAQSkZJRg==\r\n--grens--\r\n"
    )
    result = parse_mail(raw, received_at=datetime(2026, 11, 24, tzinfo=UTC), strip=str)
    for data in result.blobs.values():
        store.put(data)

    (attachment,) = result.mail.attachments
    assert store.get(attachment.sha256) == b"\xff\xd8\xff\xe0\x00\x10JFIF"
    assert store.get(result.mail.raw_sha256) == raw
    stored = {p.name for p in store.root.rglob("*") if p.is_file()}
    assert stored == {attachment.sha256, result.mail.raw_sha256}
    assert not (store.root.parent.parent / "x").exists()
