"""Content-addressed, owner-only file store for raw messages and attachments."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mailbot.files import fsync_files, private_subdirs, write_private

# Only a full lower-case sha256 may name a blob, so no caller-supplied text
# (least of all a filename taken from a mail) can reach the file system.
_SHA256 = re.compile(r"[0-9a-f]{64}")


class BlobStore:
    """Blobs stored as ``root/ab/abcdef…`` under their sha256, written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._unsynced: list[Path] | None = None  # inside ``deferred``: written, not yet fsync-ed

    def path(self, sha256: str) -> Path:
        """Where the blob ``sha256`` lives; ValueError unless it is 64 lower-case hex digits."""
        if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data`` and return its sha256; storing the same bytes twice is a no-op.

        Durable when this returns, or, inside ``deferred``, when that block ends."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        # A file of another length is what a power cut left of a write never made durable.
        if not (target.is_file() and target.stat().st_size == len(data)):
            if not target.parent.is_dir():
                # Every folder at once (the root too, when it is missing), with one fsync of the
                # root: made one by one, a new data folder's first mail paid 256 fsyncs.
                private_subdirs(self.root, (f"{i:02x}" for i in range(256)))
            write_private(target, data, sync=self._unsynced is None)
        if self._unsynced is not None:
            # Also a file found here: a process that died before its batch's fsync may have left it.
            self._unsynced.append(target)
        return sha256

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Blobs put inside are made durable together when the block ends without an error.

        The group commit (intake/group.py) ends it before the commit that names them, so one
        round of fsyncs serves a whole batch and the database never names a blob a power cut
        could take away. A block that fails leaves its files unsynced: no commit names them."""
        if self._unsynced is not None:  # nested: the outer block syncs
            yield
            return
        self._unsynced = []
        try:
            yield
            fsync_files(self._unsynced)
        finally:
            self._unsynced = None

    def get(self, sha256: str) -> bytes:
        """The bytes stored under ``sha256``; FileNotFoundError when there are none."""
        return self.path(sha256).read_bytes()
