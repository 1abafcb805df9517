"""Charset and header decoding: declared or guessed charsets, RFC 2047 words, raw 8-bit headers."""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from email.message import Message

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_QP_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_BODY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
# Mail labelled latin-1 or ASCII is nearly always windows-1252 (€, curly quotes), as
# browsers assume too; windows-1252 leaves five bytes undefined, latin-1 covers those.
_GUESSED_CODECS = frozenset({"iso8859-1", "ascii"})
# Codecs no mail body uses, that decode escapes or run in quadratic time on long input.
_REFUSED_CODECS = frozenset({"punycode", "idna", "unicode-escape", "raw-unicode-escape"})


def decode_headers(message: Message) -> dict[str, str]:
    """Lower-cased name -> first value of every header, decoded and on one line."""
    headers: dict[str, str] = {}
    for name, value in message.raw_items():
        key = single_line(recover_8bit(name)).lower()
        if key and key not in headers:
            headers[key] = decode_header_value(value)
    return headers


def decode_header_value(value: str) -> str:
    """Decode raw 8-bit text and RFC 2047 words in any charset, then flatten to one line."""
    text = recover_8bit(value)
    pieces: list[str] = []
    last = 0
    previous_was_word = False
    for match in _ENCODED_WORD.finditer(text):
        gap = text[last : match.start()]
        word = _decode_word(match)
        # RFC 2047 6.2: whitespace between two encoded words is not part of the text.
        if not (previous_was_word and word is not None and not gap.strip()):
            pieces.append(gap)
        pieces.append(match.group() if word is None else word)
        previous_was_word = word is not None
        last = match.end()
    pieces.append(text[last:])
    return single_line("".join(pieces))


def single_line(text: str) -> str:
    """Control characters and line breaks become spaces; runs of spaces become one."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """Decode ``data`` in its declared charset, never failing; returns (text, defect or None).

    Undeclared, ASCII and latin-1 text is tried as UTF-8 (web forms often mislabel it),
    then windows-1252; an unknown charset decodes as UTF-8 with replacement characters.
    """
    label = (charset or "").strip().strip("\"'").lower()
    try:
        codec = codecs.lookup(label).name if label and label != "unknown-8bit" else "ascii"
    except (LookupError, ValueError):  # ValueError: a NUL in the label
        codec = ""
    if not codec or codec in _REFUSED_CODECS:
        return _clean_surrogates(data.decode("utf-8", "replace")), f"unknown charset {label!r}"
    if codec in _GUESSED_CODECS:
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError:
            return _windows_1252(data), None
    try:
        return _clean_surrogates(data.decode(codec)), None
    except UnicodeDecodeError:
        text = data.decode(codec, "replace")
        return _clean_surrogates(text), f"invalid {label} bytes replaced"
    except (LookupError, UnicodeError, ValueError):  # non-text codecs such as "hex"
        text = data.decode("utf-8", "replace")
        return _clean_surrogates(text), f"unusable charset {label!r}"


def clean_text(text: str) -> str:
    """Line endings become \\n; NUL and other control characters (not tab) are removed."""
    return _BODY_CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def recover_8bit(value: str) -> str:
    """Undo the stdlib's surrogate escapes of raw 8-bit header bytes (UTF-8 or 1252)."""
    if value.isascii() or not _SURROGATE.search(value):
        return value
    text, _ = decode_bytes(value.encode("utf-8", "surrogateescape"), None)
    return text


def _windows_1252(data: bytes) -> str:
    """Windows-1252, with latin-1 for the five bytes it leaves undefined."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _clean_surrogates(text: str) -> str:
    """Replace lone surrogates (some codecs make them) so the text is valid Unicode."""
    return _SURROGATE.sub("\ufffd", text)


def _decode_word(match: re.Match[str]) -> str | None:
    """One RFC 2047 encoded word as text, or None when it does not decode."""
    charset, encoding, data = match.groups()
    if not data.isascii():
        return None  # raw 8-bit text inside: no encoded word (RFC 2047 2), shown as it stands
    if encoding in "bB":
        try:
            payload = base64.b64decode(data + "=" * (-len(data) % 4))
        except (binascii.Error, ValueError):
            return None
    else:
        raw = data.encode("ascii", "surrogateescape").replace(b"_", b" ")
        payload = _QP_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
    # RFC 2231 lets a language follow the charset: "utf-8*nl".
    text, _ = decode_bytes(payload, charset.split("*", 1)[0])
    return text
