"""The parties of a received mail: From, To, Cc and Reply-To as addresses, half-understood items left out."""

from __future__ import annotations

import re
from typing import Any

from mailbot.mail.charsets import recover_8bit, single_line
from mailbot.mail.defects import bounded, clip
from mailbot.models import Address

# mail-parser exposes each address header as an attribute; "from" is a keyword.
_ADDRESS_ATTRS = {"from": "from_", "to": "to", "cc": "cc", "reply-to": "reply_to"}
# Reasons mail-parser gives for an address it recovered whose mailbox is still certain:
# only the display name is odd. Any other reason means the parser half-understood the
# item (CVE-2023-27043: "alice@example.org)<bob@example.org>"), so it makes no party.
_NAME_ONLY_REASONS = frozenset(
    {"invalid-display-name", "overlong-encoded-word", "invalid-encoded-word", "invalid-utf8"}
)
_ESCAPED_BYTE = re.compile(r"\\udc([89a-f][0-9a-f])")
# RFC 5321 4.5.3.1: no path (address) is longer than 254 characters; a longer "address"
# is an attack on whatever formats it next (the email package folds it in quadratic time).
_MAX_ADDRESS = 254
# A display name past one header line is junk, and would be copied into every mail about the case.
_MAX_NAME = 200


def parties(parsed: Any, has_from: bool) -> tuple[dict[str, tuple[Address, ...]], list[str]]:
    """Each address header's parties (by lower-case header name), and defects; ``has_from``: a From header is there."""
    found: dict[str, tuple[Address, ...]] = {}
    defects: list[str] = []
    for name in _ADDRESS_ATTRS:
        found[name], address_defects = _header_addresses(parsed, name)
        defects += address_defects
    if not found["from"]:
        defects.append("no usable From address" if has_from else "From missing")
    return found, defects


def _header_addresses(parsed: Any, header: str) -> tuple[tuple[Address, ...], list[str]]:
    """The parties in one address header, and defects; half-understood items make no party."""
    defects: list[str] = []
    rejected: set[str] = set()
    for diagnostic in parsed.address_header_defects:
        if diagnostic["header"] != header:
            continue
        reasons = set(diagnostic["reason"].split(","))
        defects.append(clip(f"{header}: {diagnostic['reason']}: {diagnostic['raw'].strip()}"))
        if diagnostic["occurrence"] == 0 and not reasons <= _NAME_ONLY_REASONS:
            rejected.update(c["address"] for c in diagnostic["candidates"])
    found: dict[str, Address] = {}
    for name, email in getattr(parsed, _ADDRESS_ATTRS[header]) or []:
        if email in rejected:
            continue
        if "@" not in email:
            defects.append(clip(f"{header}: no @ in address: {email}"))
            continue
        if len(email) > _MAX_ADDRESS:
            defects.append(clip(f"{header}: address of {len(email)} characters: {email}"))
            continue
        name = bounded(single_line(_unescape(name)), _MAX_NAME, f"{header} display name", defects)
        found.setdefault(email.lower(), Address(email.lower(), name))
    return tuple(found.values()), defects


def _unescape(name: str) -> str:
    """Turn mail-parser's visible escapes of raw 8-bit name bytes ("\\udce9") back into text."""
    if "\\udc" not in name:
        return name
    escaped = _ESCAPED_BYTE.sub(lambda m: chr(0xDC00 + int(m.group(1), 16)), name)
    return recover_8bit(escaped)
