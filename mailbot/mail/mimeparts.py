"""The body of an outgoing mail: its text as a plain and an HTML part in one multipart/alternative,
with files (a letter to print) beside it in a multipart/mixed when there are any."""

from __future__ import annotations

import base64
import binascii
import html
import re
import secrets
from dataclasses import dataclass

from mailbot.mail.headerfields import CRLF, utf8_safe


@dataclass(frozen=True)
class OutgoingFile:
    """A file sent with a mail: its name (ASCII, as staff will save it), MIME type and content."""

    filename: str
    content_type: str
    data: bytes


def with_files(fields: str, text: str, page: str, files: tuple[OutgoingFile, ...]) -> bytes:
    """The whole mail: the text and HTML as ``alternative`` makes them, then each file, in a multipart/mixed."""
    if not files:
        return alternative(fields, text, page)
    outer = f"=_{secrets.token_hex(16)}"
    head = f'{fields}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="{outer}"\r\n\r\n'
    inner = alternative("", text, page).split(b"MIME-Version: 1.0\r\n", 1)[1]
    parts = [_head_bytes(head), f"--{outer}\r\n".encode("ascii"), inner, b"\r\n"]
    for file in files:
        name = re.sub(r"[^A-Za-z0-9._-]", "_", file.filename)  # no quoting or encoding needed, ever
        parts.append(
            f'--{outer}\r\nContent-Type: {file.content_type}; name="{name}"\r\n'
            f'Content-Disposition: attachment; filename="{name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n'.encode(
                "ascii"
            )
        )
        parts.append(base64.encodebytes(file.data).replace(b"\n", b"\r\n"))
    parts.append(f"--{outer}--\r\n".encode("ascii"))
    return b"".join(parts)


def alternative(fields: str, text: str, page: str) -> bytes:
    """The whole mail: ``fields`` (folded header lines), then text and HTML as multipart/alternative.

    The parts are quoted-printable, in which "=" is always followed by two hex digits or a line
    end, so a boundary starting with "=_" can never occur in them.
    """
    boundary = f"=_{secrets.token_hex(16)}"
    head = f'{fields}MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'
    # Only an address left to the email package can hold a surrogate; it writes those as bytes too.
    return b"".join(
        (
            _head_bytes(head),
            text_part(boundary, "plain", text),
            text_part(boundary, "html", page),
            f"--{boundary}--\r\n".encode("ascii"),
        )
    )


def text_part(boundary: str, subtype: str, text: str) -> bytes:
    """One text part in UTF-8, quoted-printable: 7-bit, lines of at most 76 characters, CRLF."""
    lines = utf8_safe(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1]:
        lines.append("")  # end on a line break, which also makes b2a_qp use CRLF throughout
    data = binascii.b2a_qp(CRLF.join(lines).encode("utf-8"), quotetabs=False, istext=True, header=False)
    head = (
        f'--{boundary}\r\nContent-Type: text/{subtype}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    )
    # The CRLF before the next boundary belongs to the boundary, not to the text.
    return head.encode("ascii") + data + b"\r\n"


def _head_bytes(head: str) -> bytes:
    """The header block as bytes: ASCII, or UTF-8 where an address needs it (RFC 6532)."""
    if head.isascii():
        return head.encode("ascii")
    try:
        return head.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate the email package left in a non-address
        return head.encode("utf-8", "replace")


def to_html(text: str, title: str) -> str:
    """The HTML part: the same words as the text part, escaped, in paragraphs and lists."""
    blocks = []
    for para in re.split(r"\n\s*\n", text.strip()):
        lines = para.splitlines()
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{html.escape(line[2:])}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        else:
            blocks.append("<p>" + "<br>\n".join(html.escape(line) for line in lines) + "</p>")
    body = "\n".join(blocks)
    return (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n"
        '<body style="font-family: Arial, sans-serif; font-size: 15px; line-height: 1.5; color: #222;">\n'
        f"{body}\n</body></html>\n"
    )
