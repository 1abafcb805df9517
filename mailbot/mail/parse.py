"""mail-parser: raw bytes -> ParsedMail (ids, parties, date, text, attachments), without I/O.

The steps have modules of their own: ``references`` (ids), ``addresses`` (parties), ``dates``,
``parts`` (body text and attachments); ``defects`` words what they find wrong.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from typing import Any

import mailparser

from mailbot.mail.addresses import parties
from mailbot.mail.charsets import decode_header_value, decode_headers, recover_8bit, single_line
from mailbot.mail.dates import mail_date
from mailbot.mail.defects import bounded, clip
from mailbot.mail.parts import attachments, body_text
from mailbot.mail.references import message_ids, normalise_message_id
from mailbot.models import ParsedMail


class ParseError(Exception):
    """Raw bytes that cannot be read as a mail; ``str(error)`` is the reason for quarantine."""


@dataclass(frozen=True)
class ParseResult:
    """A parsed mail plus the bytes to store for it (attachments and raw message) by sha256."""

    mail: ParsedMail
    blobs: dict[str, bytes]


# mail-parser reads an address header at about 5 s per MB, so one 25 MB To line would hold
# the daemon for minutes. Postfix keeps at most 100 kB of headers (header_size_limit).
_MAX_HEADER_SECTION = 1024 * 1024
_LINE_END = re.compile(rb"\r\n|\r|\n")
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_HINT_SCAN = 65536
# A subject past one header line (RFC 5322 2.1.1) is junk, and would be copied into every mail
# about the case; the raw message keeps the whole of it.
_MAX_SUBJECT = 998


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
    parsed, message = _read(raw)
    defects = _parser_defects(parsed)
    headers = decode_headers(message)
    raw_sha256 = hashlib.sha256(raw).hexdigest()
    message_id, in_reply_to, references = _ids(message)
    if not message_id:
        defects.append("Message-ID missing or unusable; key from raw digest")
    addresses, address_defects = parties(parsed, "from" in headers)
    defects += address_defects
    subject = bounded(headers.get("subject", ""), _MAX_SUBJECT, "Subject", defects)
    text, body_defects = body_text(message)
    files, blobs = attachments(message)
    blobs[raw_sha256] = raw
    date, date_defects = mail_date(parsed.date, headers.get("date", ""), received_at, assume_tz)

    mail = ParsedMail(
        key=message_id or f"<sha256-{raw_sha256[:32]}@mailbot.invalid>",
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
        subject=subject,
        sender=addresses["from"][0] if addresses["from"] else None,
        to=addresses["to"],
        cc=addresses["cc"],
        reply_to=addresses["reply-to"],
        date=date,
        text=text,
        stripped=strip(text),
        headers=headers,
        attachments=files,
        raw_sha256=raw_sha256,
        size=len(raw),
        defects=tuple(dict.fromkeys([*defects, *body_defects, *date_defects])),
    )
    return ParseResult(mail=mail, blobs=blobs)


def _ids(message: Message) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The Message-ID ("" when unusable), In-Reply-To and References; read undecoded, as RFC 2047 does not apply."""
    return (
        normalise_message_id(_raw_header(message, "message-id")),
        message_ids(_raw_header(message, "in-reply-to")),
        message_ids(_raw_header(message, "references")),
    )


def _read(raw: bytes) -> tuple[Any, Message]:
    """mail-parser's reading of ``raw`` and the message in it; ParseError when it is not a mail."""
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
    return parsed, message


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
    return clip(decode_header_value(found.group(1).decode("ascii", "surrogateescape")), limit)


def _raw_header(message: Message, name: str) -> str:
    """The first value of header ``name`` unfolded but not RFC 2047-decoded, or ""."""
    for key, value in message.raw_items():
        if key.lower() == name:
            return single_line(recover_8bit(value))
    return ""


def _parser_defects(parsed: Any) -> list[str]:
    """mail-parser's defects as short strings, minus those this module reports itself."""
    found: list[str] = []
    for group in parsed.defects:
        for kind, messages in group.items():
            if kind == "address-headers":
                continue  # reported per header by addresses.parties, with the raw text
            for message in messages:
                if message.startswith("CharsetDecodeDefect"):
                    continue  # body charsets are decoded (and reported) by decode_bytes
                found.append(clip(message if kind.endswith("-headers") else f"{kind}: {message}"))
    return found
