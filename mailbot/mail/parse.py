"""mail-parser: raw bytes -> ParsedMail (ids, parties, date, text, attachments), without I/O."""

from __future__ import annotations

import hashlib
import mimetypes
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from typing import Any
from zoneinfo import ZoneInfo

import mailparser

from mailbot.mail.charsets import (
    clean_text,
    decode_bytes,
    decode_header_value,
    decode_headers,
    recover_8bit,
    single_line,
)
from mailbot.mail.htmltext import html_to_text
from mailbot.models import Address, Attachment, ParsedMail


class ParseError(Exception):
    """Raw bytes that cannot be read as a mail; ``str(error)`` is the reason for quarantine."""


@dataclass(frozen=True)
class ParseResult:
    """A parsed mail plus the bytes to store for it (attachments and raw message) by sha256."""

    mail: ParsedMail
    blobs: dict[str, bytes]


# mail-parser exposes each address header as an attribute; "from" is a keyword.
_ADDRESS_ATTRS = {"from": "from_", "to": "to", "cc": "cc", "reply-to": "reply_to"}
# Reasons mail-parser gives for an address it recovered whose mailbox is still certain:
# only the display name is odd. Any other reason means the parser half-understood the
# item (CVE-2023-27043: "alice@example.org)<bob@example.org>"), so it makes no party.
_NAME_ONLY_REASONS = frozenset(
    {"invalid-display-name", "overlong-encoded-word", "invalid-encoded-word", "invalid-utf8"}
)
_ESCAPED_BYTE = re.compile(r"\\udc([89a-f][0-9a-f])")
_MSG_ID = re.compile(r"<([^<>\s]+)>")
_MAX_ID_LENGTH = 998  # RFC 5322 line limit; longer "ids" are junk, not keys
_MAX_REFERENCES = 100  # keep the newest ancestors of a runaway References header
_MAX_HTML = 2_000_000  # html.parser is pure Python; beyond this only the raw blob has it all
# mail-parser reads an address header at about 5 s per MB, so one 25 MB To line would hold
# the daemon for minutes. Postfix keeps at most 100 kB of headers (header_size_limit).
_MAX_HEADER_SECTION = 1024 * 1024
_LINE_END = re.compile(rb"\r\n|\r|\n")
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_HINT_SCAN = 65536
_MAX_FILENAME = 150
# RFC 5321 4.5.3.1: no path (address) is longer than 254 characters; a longer "address"
# is an attack on whatever formats it next (the email package folds it in quadratic time).
_MAX_ADDRESS = 254
# A subject or display name past one header line (RFC 5322 2.1.1) is junk, and would be
# copied into every mail about the case; the raw message keeps the whole of it.
_MAX_SUBJECT = 998
_MAX_NAME = 200
_FILENAME_HEADERS = frozenset({"content-type", "content-disposition"})
_DATE_LANGUAGES = ["nl", "en"]
# Built-in table only: the system's mime.types would make names differ between hosts.
_MIME_TYPES = mimetypes.MimeTypes()


def parse_mail(
    raw: bytes,
    *,
    received_at: datetime,
    strip: Callable[[str], str],
    assume_tz: str = "Europe/Amsterdam",
) -> ParseResult:
    """Decode one raw message; ParseError only when it is not a mail at all.

    ``received_at`` (timezone-aware) stands in for a missing or unreadable Date;
    ``assume_tz`` is the zone of a Date without one; ``strip`` removes quoted history.
    """
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    raw = bytes(raw)
    if not raw.strip():
        raise ParseError("empty input")
    _check_header_section(raw)
    try:
        parsed = mailparser.parse_from_bytes(raw)
    except Exception as exc:  # mail-parser raises its own errors and stdlib ones alike
        raise ParseError(f"mail-parser failed: {type(exc).__name__}: {exc}") from exc
    message: Message | None = parsed.message
    if message is None or not message.keys():
        raise ParseError("no mail headers")

    defects = _parser_defects(parsed)
    headers = decode_headers(message)
    raw_sha256 = hashlib.sha256(raw).hexdigest()

    # Ids are read undecoded: RFC 2047 does not apply to them.
    ids = {name: _raw_header(message, name) for name in ("message-id", "in-reply-to", "references")}
    message_id = normalise_message_id(ids["message-id"])
    if not message_id:
        defects.append("Message-ID missing or unusable; key from raw digest")
    addresses: dict[str, tuple[Address, ...]] = {}
    for name in _ADDRESS_ATTRS:
        addresses[name], address_defects = _addresses(parsed, name)
        defects += address_defects
    if not addresses["from"]:
        defects.append("no usable From address" if "from" in headers else "From missing")

    subject = _bounded(headers.get("subject", ""), _MAX_SUBJECT, "Subject", defects)
    text, body_defects = _body_text(message)
    attachments, blobs = _attachments(message)
    blobs[raw_sha256] = raw
    date, date_defects = _date(parsed.date, headers.get("date", ""), received_at, assume_tz)

    mail = ParsedMail(
        key=message_id or f"<sha256-{raw_sha256[:32]}@mailbot.invalid>",
        message_id=message_id,
        in_reply_to=message_ids(ids["in-reply-to"]),
        references=message_ids(ids["references"]),
        subject=subject,
        sender=addresses["from"][0] if addresses["from"] else None,
        to=addresses["to"],
        cc=addresses["cc"],
        reply_to=addresses["reply-to"],
        date=date,
        text=text,
        stripped=strip(text),
        headers=headers,
        attachments=attachments,
        raw_sha256=raw_sha256,
        size=len(raw),
        defects=tuple(dict.fromkeys([*defects, *body_defects, *date_defects])),
    )
    return ParseResult(mail=mail, blobs=blobs)


def _check_header_section(raw: bytes) -> None:
    """ParseError when no empty line ends the header section within its size limit."""
    previous = 0
    for line_end in _LINE_END.finditer(raw, 0, _MAX_HEADER_SECTION + 2):
        if line_end.start() == previous:
            return  # an empty line: the body starts after it
        previous = line_end.end()
    if len(raw) > _MAX_HEADER_SECTION:
        raise ParseError(f"header section of more than {_MAX_HEADER_SECTION} bytes")


def header_hint(raw: bytes, name: str, limit: int = 200) -> str:
    """Header ``name``'s first line decoded and cut short, read without parsing the message.

    Enough for a person to recognise a message that could not be processed; "" when absent.
    """
    head = _HEAD_END.split(raw[:_HINT_SCAN], maxsplit=1)[0]
    found = re.search(rb"(?im)^" + re.escape(name.encode("ascii")) + rb"[ \t]*:[ \t]*([^\r\n]*)", head)
    if found is None:
        return ""
    return _clip(decode_header_value(found.group(1).decode("ascii", "surrogateescape")), limit)


# --- ids -----------------------------------------------------------------------------


def normalise_message_id(value: str) -> str:
    """``<local@domain>`` without whitespace, case kept; "" when there is no usable id."""
    compact = "".join(value.split())
    match = _MSG_ID.search(compact)
    inner = match.group(1) if match else compact.strip("<>")
    if not inner or "<" in inner or ">" in inner or len(inner) > _MAX_ID_LENGTH:
        return ""
    return f"<{inner}>"


def message_ids(value: str) -> tuple[str, ...]:
    """Every ``<id>`` in an In-Reply-To or References value, in order, without repeats.

    Ids may be separated by spaces or commas; anything outside angle brackets, and
    bracketed text with spaces in it (old "<Jan's message of …>" comments), is ignored.
    """
    found = dict.fromkeys(f"<{m.group(1)}>" for m in _MSG_ID.finditer(value) if len(m.group(1)) <= _MAX_ID_LENGTH)
    return tuple(found)[-_MAX_REFERENCES:]


def _raw_header(message: Message, name: str) -> str:
    """The first value of header ``name`` unfolded but not RFC 2047-decoded, or ""."""
    for key, value in message.raw_items():
        if key.lower() == name:
            return single_line(recover_8bit(value))
    return ""


# --- addresses -------------------------------------------------------------------------


def _addresses(parsed: Any, header: str) -> tuple[tuple[Address, ...], list[str]]:
    """The parties in one address header, and defects; half-understood items make no party."""
    defects: list[str] = []
    rejected: set[str] = set()
    for diagnostic in parsed.address_header_defects:
        if diagnostic["header"] != header:
            continue
        reasons = set(diagnostic["reason"].split(","))
        defects.append(_clip(f"{header}: {diagnostic['reason']}: {diagnostic['raw'].strip()}"))
        if diagnostic["occurrence"] == 0 and not reasons <= _NAME_ONLY_REASONS:
            rejected.update(c["address"] for c in diagnostic["candidates"])
    found: dict[str, Address] = {}
    for name, email in getattr(parsed, _ADDRESS_ATTRS[header]) or []:
        if email in rejected:
            continue
        if "@" not in email:
            defects.append(_clip(f"{header}: no @ in address: {email}"))
            continue
        if len(email) > _MAX_ADDRESS:
            defects.append(_clip(f"{header}: address of {len(email)} characters: {email}"))
            continue
        name = _bounded(single_line(_unescape(name)), _MAX_NAME, f"{header} display name", defects)
        found.setdefault(email.lower(), Address(email.lower(), name))
    return tuple(found.values()), defects


def _unescape(name: str) -> str:
    """Turn mail-parser's visible escapes of raw 8-bit name bytes ("\\udce9") back into text."""
    if "\\udc" not in name:
        return name
    escaped = _ESCAPED_BYTE.sub(lambda m: chr(0xDC00 + int(m.group(1), 16)), name)
    return recover_8bit(escaped)


# --- date --------------------------------------------------------------------------------


def _date(strict: datetime | None, header: str, received_at: datetime, assume_tz: str) -> tuple[datetime, list[str]]:
    """The Date header in UTC, else a lenient reading of it, else ``received_at``."""
    if strict is not None:
        return strict.astimezone(UTC), []
    if header:
        lenient = lenient_date(header, received_at, assume_tz)
        if lenient is not None:
            return lenient, ["Date read leniently (dateparser)"]
        return received_at.astimezone(UTC), ["Date unreadable; used receipt time"]
    return received_at.astimezone(UTC), ["Date missing; used receipt time"]


def lenient_date(text: str, received_at: datetime, assume_tz: str) -> datetime | None:
    """Read a malformed date such as "Maandag, 24 nov 2026 10:15" with dateparser, in UTC.

    Only absolute dates with day, month and year count: "gisteren" in a Date header
    is not evidence of anything.
    """
    # dateparser takes a noticeable fraction of a second to import; only
    # malformed Date headers need it.
    import dateparser

    local_base = received_at.astimezone(ZoneInfo(assume_tz)).replace(tzinfo=None)
    settings = {
        "TIMEZONE": assume_tz,
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "RELATIVE_BASE": local_base,
        "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
        "REQUIRE_PARTS": ["day", "month", "year"],
        "DATE_ORDER": "DMY",
    }
    try:
        value = dateparser.parse(text[:200], languages=_DATE_LANGUAGES, settings=settings)
    except Exception:  # dateparser raises assorted errors on odd text; a date never fails a mail
        return None
    return value.astimezone(UTC) if value is not None else None


# --- body ----------------------------------------------------------------------------------


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


def _body_text(message: Message) -> tuple[str, list[str]]:
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


def _attachments(message: Message) -> tuple[tuple[Attachment, ...], dict[str, bytes]]:
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


def _parser_defects(parsed: Any) -> list[str]:
    """mail-parser's defects as short strings, minus those this module reports itself."""
    found: list[str] = []
    for group in parsed.defects:
        for kind, messages in group.items():
            if kind == "address-headers":
                continue  # reported per header by _addresses, with the raw text
            for message in messages:
                if message.startswith("CharsetDecodeDefect"):
                    continue  # body charsets are decoded (and reported) by decode_bytes
                found.append(_clip(message if kind.endswith("-headers") else f"{kind}: {message}"))
    return found


def _bounded(text: str, limit: int, what: str, defects: list[str]) -> str:
    """``text`` cut to ``limit`` characters, with a defect saying so when it was longer."""
    if len(text) <= limit:
        return text
    defects.append(f"{what} of {len(text)} characters cut to {limit}")
    return text[: limit - 1].rstrip() + "…"


def _clip(text: str, limit: int = 160) -> str:
    """One line of at most ``limit`` characters, for a defect list a person will read."""
    text = single_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
