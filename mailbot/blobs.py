"""Content-addressed, owner-only file store for raw messages and attachments."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path

# Only a full lower-case sha256 may name a blob, so no caller-supplied text
# (least of all a filename taken from a mail) can reach the file system.
_SHA256 = re.compile(r"[0-9a-f]{64}")
_DIR_MODE = 0o700


class BlobStore:
    """Blobs stored as ``root/ab/abcdef…`` under their sha256, written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        """Where the blob ``sha256`` lives; ValueError unless it is 64 lower-case hex digits."""
        if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data`` durably and return its sha256; storing the same bytes twice is a no-op."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if target.is_file():
            return sha256
        _make_dir(self.root)
        _make_dir(target.parent)
        _write_atomically(target, data)
        return sha256

    def get(self, sha256: str) -> bytes:
        """The bytes stored under ``sha256``; FileNotFoundError when there are none."""
        return self.path(sha256).read_bytes()


def _make_dir(folder: Path) -> None:
    """Create ``folder`` owner-only and make its entry in the parent durable."""
    if folder.is_dir():
        return
    folder.mkdir(mode=_DIR_MODE, parents=True, exist_ok=True)
    # mkdir's mode is filtered by the umask; set it exactly.
    folder.chmod(_DIR_MODE)
    _fsync_dir(folder.parent)


def _write_atomically(target: Path, data: bytes) -> None:
    """Write via a temp file in the same folder, fsync, rename, fsync the folder."""
    # mkstemp creates the file 0o600, so the blob is never readable by others,
    # not even for the moment before the rename.
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        # A concurrent put of the same bytes renames identical content: harmless.
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    """Flush a folder's entries, so a rename or mkdir survives a power cut."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
