"""The MIME parts of a received mail: the body as text, and the attachments with their bytes."""

from __future__ import annotations

import hashlib
import mimetypes
import unicodedata
from collections.abc import Iterator
from email.message import Message

from mailbot.mail.charsets import clean_text, decode_bytes, decode_header_value, recover_8bit
from mailbot.mail.htmltext import html_to_text
from mailbot.models import Attachment

_MAX_HTML = 2_000_000  # html.parser is pure Python; beyond this only the raw blob has it all
_MAX_FILENAME = 150
_FILENAME_HEADERS = frozenset({"content-type", "content-disposition"})
# Built-in table only: the system's mime.types would make names differ between hosts.
_MIME_TYPES = mimetypes.MimeTypes()


def _parts(message: Message) -> Iterator[Message]:
    """Leaf parts in order; an attached message (message/*) is one part, not descended into."""
    stack = [message]
    while stack:
        part = stack.pop()
        if part.is_multipart() and part.get_content_maintype() != "message":
            stack.extend(reversed(_children(part)))
        else:
            yield part


def _children(part: Message) -> list[Message]:
    """The sub-parts of a multipart or message/* part."""
    return [child for child in part.get_payload() if isinstance(child, Message)]


def _is_attachment(part: Message) -> bool:
    """Files, inline images and attached messages; not the text/html body parts."""
    if part.get_content_maintype() == "message" or part.get_content_disposition() == "attachment":
        return True
    if _raw_filename(part):
        return True
    # Other text/* parts (text/enriched, text/watch-html) repeat the body; a broken
    # multipart whose boundary is missing is read as text.
    return part.get_content_maintype() not in ("text", "multipart")


def body_text(message: Message) -> tuple[str, list[str]]:
    """The text/plain body parts joined, or readable text from the HTML ones."""
    plain: list[str] = []
    html: list[str] = []
    defects: list[str] = []
    for part in _parts(message):
        if _is_attachment(part):
            continue
        content_type = part.get_content_type()
        if content_type == "text/html":
            target = html
        elif content_type == "text/plain" or part.get_content_maintype() == "multipart":
            target = plain
        else:
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        text, defect = decode_bytes(payload, part.get_content_charset())
        if defect:
            defects.append(defect)
        target.append(text)
    text = "\n".join(plain)
    if not text.strip() and html:
        markup = "\n".join(html)
        if len(markup) > _MAX_HTML:
            markup = markup[:_MAX_HTML]
            defects.append("HTML body truncated before conversion")
        text = html_to_text(markup)
    return clean_text(text), defects


# --- attachments ------------------------------------------------------------------------------


def attachments(message: Message) -> tuple[tuple[Attachment, ...], dict[str, bytes]]:
    """Attachment records and their payloads keyed by sha256."""
    records: list[Attachment] = []
    blobs: dict[str, bytes] = {}
    for part in _parts(message):
        if not _is_attachment(part):
            continue
        payload = _payload_bytes(part)
        sha256 = hashlib.sha256(payload).hexdigest()
        content_type = part.get_content_type()
        name = safe_filename(decode_header_value(_raw_filename(part)))
        if not name:
            extension = _MIME_TYPES.guess_extension(content_type) or ".bin"
            name = f"bijlage-{len(records) + 1}{extension}"
        records.append(Attachment(name, content_type, len(payload), sha256))
        blobs[sha256] = payload
    return tuple(records), blobs


def _payload_bytes(part: Message) -> bytes:
    """A part's decoded bytes; an attached message as the message it carries."""
    if part.is_multipart():
        inner = _children(part)
        try:
            return b"".join(sub.as_bytes() for sub in inner)
        except (ValueError, LookupError, UnicodeError):
            return b"".join(str(sub).encode("utf-8", "surrogateescape") for sub in inner)
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _raw_filename(part: Message) -> str:
    """The filename a part claims (Content-Disposition, else Content-Type name), or ""."""
    mime = [(n, v) for n, v in part.raw_items() if n.lower() in _FILENAME_HEADERS]
    if any(not value.isascii() for _, value in mime):
        # The stdlib turns raw 8-bit parameter bytes into U+FFFD; read decoded copies.
        part = Message()
        for name, value in mime:
            part[name] = recover_8bit(value)
    try:
        filename = part.get_filename()
    except (ValueError, LookupError, UnicodeError):
        return ""
    return filename or ""


def safe_filename(name: str) -> str:
    """A display-only basename: no folders, control or bidi characters, at most 150 chars."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    # Category C covers control and format characters such as U+202E, which can
    # make "factuur‮fdp.exe" look like a PDF.
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).strip(" .")
    if len(name) <= _MAX_FILENAME:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and 0 < len(extension) <= 16:
        return stem[: _MAX_FILENAME - len(extension) - 1] + "." + extension
    return name[:_MAX_FILENAME]
