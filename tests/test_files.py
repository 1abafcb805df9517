"""mailbot/files.py: the one way mailbot writes what only its owner may read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import mode

from mailbot.files import create_private, fsync_files, private_dir, write_private


@pytest.fixture
def open_umask():
    """A umask that lets others read: the helpers must not rely on a strict one."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_private_dir_makes_every_missing_parent_owner_only(tmp_path: Path, open_umask) -> None:
    folder = tmp_path / "a" / "b" / "c"
    private_dir(folder)
    assert [mode(p) for p in (tmp_path / "a", tmp_path / "a" / "b", folder)] == [0o700, 0o700, 0o700]
    (tmp_path / "open").mkdir(mode=0o755)
    private_dir(tmp_path / "open")  # what exists is the admin's choice: left as it is
    assert mode(tmp_path / "open") == 0o755


def test_write_private_replaces_whole_and_owner_only(tmp_path: Path, open_umask) -> None:
    path = tmp_path / "export.json"
    path.write_text("old and longer than the new text", encoding="utf-8")
    path.chmod(0o644)
    write_private(path, "nieuw: één")
    assert path.read_text(encoding="utf-8") == "nieuw: één" and mode(path) == 0o600
    write_private(path, b"\x00bytes")
    assert path.read_bytes() == b"\x00bytes" and mode(path) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.json"]  # no temp file left behind


def test_write_private_leaves_the_old_file_when_it_fails(tmp_path: Path) -> None:
    path = tmp_path / "secret.json"
    write_private(path, "kept")
    with pytest.raises(TypeError):
        write_private(path, None)  # type: ignore[arg-type]  # fails mid-write, after the temp file exists
    assert path.read_text(encoding="utf-8") == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret.json"]


def test_create_private_keeps_the_first_writer(tmp_path: Path, open_umask) -> None:
    path = tmp_path / "secret.key"
    create_private(path, b"first")
    with pytest.raises(FileExistsError):
        create_private(path, b"second")
    assert path.read_bytes() == b"first" and mode(path) == 0o600


def test_fsync_files_syncs_every_file_before_any_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Side by side (threads), but a folder is synced only once every file is: a rename made
    # durable before the file's bytes could name an empty file after a power cut.
    import threading

    paths = [tmp_path / f"d{i % 3}" / f"blob{i}" for i in range(20)]
    for path in paths:
        private_dir(path.parent)
        write_private(path, f"mail {path.name}", sync=False)
    synced: list[str] = []
    lock = threading.Lock()
    real = os.fsync

    def recording(fd: int) -> None:
        real(fd)
        with lock:
            synced.append(os.readlink(f"/proc/self/fd/{fd}"))

    monkeypatch.setattr(os, "fsync", recording)
    fsync_files(paths)
    folders = sorted({str(p.parent) for p in paths})
    assert sorted(synced[: len(paths)]) == sorted(str(p) for p in paths)
    assert sorted(synced[len(paths) :]) == folders  # each folder once, after the files
