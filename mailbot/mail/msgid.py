"""Our Message-IDs: they name the case and carry an HMAC, so a reference to one cannot be forged."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from mailbot.files import create_private, private_dir

MAC_CHARS = 20  # 80 bits of HMAC-SHA256: far beyond guessing, short enough for a header
_OURS = re.compile(
    r"^<(?P<ref>[A-Z]{1,8}-\d{4}-\d{4,}|mailbot)\.(?P<nonce>[0-9a-f]{12})\.(?P<mac>[0-9a-f]+)@(?P<domain>[^>]+)>$"
)


def new_message_id(ref: str, domain: str, secret: bytes) -> str:
    """A fresh Message-ID such as ``<KL-2026-0001.9f2c…d0.5a1e…@example.nl>``."""
    nonce = secrets.token_hex(6)
    return f"<{ref}.{nonce}.{_mac(ref, nonce, domain, secret)}@{domain}>"


def is_forged(message_id: str, domain: str, secret: bytes) -> bool:
    """True for a Message-ID in our domain that we did not make; other domains are not ours to judge."""
    if not message_id.lower().endswith(f"@{domain.lower()}>"):
        return False
    match = _OURS.match(message_id)
    if match is None:
        return True
    expected = _mac(match["ref"], match["nonce"], match["domain"], secret)
    return not hmac.compare_digest(match["mac"], expected)


def load_secret(data_dir: Path) -> bytes:
    """The HMAC key: ``MAILBOT_SECRET`` from the environment, else a key kept in the data folder (0600).

    A key made once and kept means references to our mail stay valid across restarts without any
    set-up; an admin who runs several instances gives them the same MAILBOT_SECRET.
    """
    known = existing_secret(data_dir)
    if known is not None:
        return known
    private_dir(data_dir)
    # Two processes starting at once: the first key written is the one both keep.
    with contextlib.suppress(FileExistsError):
        create_private(data_dir / "secret.key", secrets.token_hex(32).encode())
    return (data_dir / "secret.key").read_bytes()


def existing_secret(data_dir: Path) -> bytes | None:
    """The HMAC key if there is one (``MAILBOT_SECRET``, else the data folder's), never made: for read-only tools."""
    from_env = os.environ.get("MAILBOT_SECRET")
    if from_env:
        return from_env.encode()
    path = data_dir / "secret.key"
    return path.read_bytes() if path.is_file() else None


def _mac(ref: str, nonce: str, domain: str, secret: bytes) -> str:
    return hmac.new(secret, f"{ref}.{nonce}@{domain}".encode(), hashlib.sha256).hexdigest()[:MAC_CHARS]
