"""Files only their owner may read, on disk before the call returns: the one way mailbot writes them.

Raw mail, dossiers, exports, the HMAC key and OAuth sign-ins hold personal data or secrets, so a
folder is made 0700 and a file 0600 from its first byte (never chmod-ed afterwards), and a write
is fsync-ed, its folder too, because a commit or a sent mail may already name it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
# fsyncs made side by side (fsync_files): enough to share journal commits, few enough to start cheaply.
_FSYNC_THREADS = 8


def private_dir(folder: Path) -> None:
    """Create ``folder`` and its missing parents owner-only, their entries durable; what exists is left as it is."""
    if folder.is_dir():
        return
    # Not mkdir(parents=True): that makes the parents with the umask's mode, not this one.
    private_dir(folder.parent)
    _make_private(folder)
    fsync_dir(folder.parent)


def private_subdirs(folder: Path, names: Iterable[str]) -> None:
    """Create ``folder`` (as ``private_dir``) and each of ``names`` in it that is missing, owner-only,
    their entries made durable by one fsync of ``folder`` for all of them."""
    private_dir(folder)
    missing = [folder / name for name in names if not (folder / name).is_dir()]
    for sub in missing:
        _make_private(sub)
    if missing:
        fsync_dir(folder)


def _make_private(folder: Path) -> None:
    folder.mkdir(mode=DIR_MODE, exist_ok=True)
    # mkdir's mode is filtered by the umask; set it exactly.
    folder.chmod(DIR_MODE)


def write_private(path: Path, data: str | bytes, sync: bool = True) -> None:
    """Replace ``path`` atomically with ``data`` (text as UTF-8), readable by its owner only.

    ``sync`` False leaves the fsyncs to the caller, who makes many files durable at once
    (store/blobs.py): until then a power cut may leave the file empty or missing."""
    # mkstemp creates the file 0600: not readable by others even for the moment before the rename.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
            out.flush()
            if sync:
                os.fsync(out.fileno())
        # Two writers of the same bytes (a blob stored twice) rename identical content: harmless.
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if sync:
        fsync_dir(path.parent)


def create_private(path: Path, data: bytes) -> None:
    """Create ``path`` holding ``data``, owner-only; FileExistsError when it exists (the first writer wins)."""
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE), "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries, so a rename or a new file in it survives a power cut."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_files(paths: list[Path]) -> None:
    """Make files written with ``sync=False`` durable: each file once, then each of their folders once.

    Done together, the first fsync commits the file system's journal for all of them, so the
    others cost little (ext4: one journal commit instead of two per file). They are made side by
    side: on a busy disk each fsync waits for the journal commit in flight, and fsyncs made at the
    same time share one (a batch of 50 mails has about 100 to make)."""
    with ThreadPoolExecutor(max_workers=_FSYNC_THREADS) as pool:
        list(pool.map(_fsync_file, paths))  # list(): the first error is raised here
        list(pool.map(fsync_dir, dict.fromkeys(path.parent for path in paths)))


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
