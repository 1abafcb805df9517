"""Content-addressed, owner-only file store for raw messages and attachments."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from mailbot.files import private_dir, write_private

# Only a full lower-case sha256 may name a blob, so no caller-supplied text
# (least of all a filename taken from a mail) can reach the file system.
_SHA256 = re.compile(r"[0-9a-f]{64}")


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
        private_dir(target.parent)  # the root too, when it is missing
        write_private(target, data)
        return sha256

    def get(self, sha256: str) -> bytes:
        """The bytes stored under ``sha256``; FileNotFoundError when there are none."""
        return self.path(sha256).read_bytes()
