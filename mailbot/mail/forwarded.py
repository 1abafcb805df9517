"""A customer's mail forwarded inside a staff member's mail: who wrote it, to whom, and their own words.

Pure: text in, a ``Forwarded`` (or None) out. The forward blocks of the mail clients staff use,
in Dutch and English:

- Outlook desktop: "-----Oorspronkelijk bericht-----" / "-----Original Message-----", then
  "Van:/From:", "Verzonden:/Sent:", "Aan:/To:", "Onderwerp:/Subject:"; Outlook 365 writes the
  same fields under a rule of underscores, or under nothing at all;
- Gmail: "---------- Doorgestuurd bericht ---------" / "---------- Forwarded message ---------";
- Apple Mail: "Begin doorgestuurd bericht:" / "Begin forwarded message:" (the rest may be quoted "> ");
- Thunderbird: "-------- Doorgestuurd bericht --------" / "-------- Forwarded Message --------".

A mail attached whole (message/rfc822) is read by the mail parser instead: ``from_attached``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mailbot.mail.quotes import strip_quoted
from mailbot.models import Address, ParsedMail

_MARKER = re.compile(
    r"""^\s*(?:
        (?P<outlook>-{3,}\s*(?:original\s+message|oorspronkelijk\s+bericht|origineel\s+bericht)\s*-{3,})
      | (?P<dashes>-{3,})\s*(?:forwarded\s+message|doorgestuurd\s+bericht)\s*-{3,}
      | (?P<apple>begin\s+(?:forwarded\s+message|doorgestuurd\s+bericht)\s*:)
      | (?P<rule>_{10,})
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
# HTML-to-text writes Outlook's bold field names as "*Van:*" or "**Van:**".
_FIELD = re.compile(r"^[*\s]*(?P<label>[^\W\d_]+)[*\s]*:[*\s]*(?P<value>.*?)[*\s]*$")
LABELS = {
    "van": "from",
    "from": "from",
    "verzonden": "sent",
    "sent": "sent",
    "date": "date",
    "datum": "date",
    "aan": "to",
    "to": "to",
    "cc": "cc",
    "onderwerp": "subject",
    "subject": "subject",
    # Fields Outlook adds that say nothing needed here: read past, not taken for the text.
    "bijlagen": "other",
    "attachments": "other",
    "urgentie": "other",
    "prioriteit": "other",
    "importance": "other",
}
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Gmail opens its block with ten dashes, Thunderbird with eight.
_GMAIL_DASHES = 10
_HEADER_LINES = 12  # no client writes more fields than this above the forwarded text


@dataclass(frozen=True)
class Forwarded:
    """What a forward block says about the mail it carries.

    ``sender`` is None when the block names no usable address (only a name, as Outlook writes a
    contact from the address book); ``sender_text`` is what it does say.
    """

    sender: Address | None
    sender_text: str
    subject: str
    date: str
    to: tuple[Address, ...]
    text: str  # the original writer's own words, without older quoted history
    note: str  # what the forwarding staff member wrote above the block
    client: str  # outlook, gmail, apple-mail, thunderbird or attachment


def find_forward(text: str) -> Forwarded | None:
    """The first forward block in ``text`` (a mail body), or None when it holds none."""
    lines = text.replace("\r\n", "\n").split("\n")
    for index, line in enumerate(lines):
        match = _MARKER.match(line)
        if match is not None:
            found = _read_block(lines, index + 1, _client(match), lines[:index])
            # A rule of underscores is also a signature's: only fields under it make it a forward.
            if found is not None and (match.group("rule") is None or found.sender_text):
                return found
        elif _outlook_fields_at(lines, index):
            found = _read_block(lines, index, "outlook", lines[:index])
            if found is not None:
                return found
    return None


def from_attached(attached: ParsedMail, note: str) -> Forwarded:
    """A mail attached whole (message/rfc822), as the mail parser read it."""
    sender = attached.sender
    return Forwarded(
        sender=sender,
        sender_text=str(attached.headers.get("from", sender.email if sender else "")),
        subject=attached.subject,
        date=str(attached.headers.get("date", "")),
        to=tuple(attached.to) + tuple(attached.cc),
        text=attached.stripped.strip(),
        note=note.strip(),
        client="attachment",
    )


def address_in(value: str) -> Address | None:
    """The address a forward block's From value names (any of the clients' ways of writing it), or None.

    "Jan Jansen <jan@example.net>", "Jan Jansen [mailto:jan@example.net]", "jan@example.net",
    and Outlook's HTML-to-text "Jan Jansen <jan@example.net<mailto:jan@example.net>>".
    """
    match = _EMAIL.search(value)
    if match is None:
        return None
    name = value[: match.start()].replace("mailto:", "")
    name = name.strip().rstrip("<[(").strip().strip("\"'").strip()
    return Address(match.group(0).lower().rstrip("."), name)


def _client(match: re.Match[str]) -> str:
    if match.group("outlook") or match.group("rule"):
        return "outlook"
    if match.group("apple"):
        return "apple-mail"
    return "gmail" if len(match.group("dashes")) >= _GMAIL_DASHES else "thunderbird"


def _outlook_fields_at(lines: list[str], index: int) -> bool:
    """Outlook 365's block without a marker: "Van:" followed by "Verzonden:" (or a date) and "Onderwerp:"."""
    if _label(lines[index]) != "from":
        return False
    following = [_label(line) for line in lines[index + 1 : index + 1 + _HEADER_LINES] if line.strip()][:5]
    return bool({"sent", "date"} & set(following[:2])) and "subject" in following


def _label(line: str) -> str | None:
    match = _FIELD.match(line)
    return LABELS.get(match.group("label").lower()) if match else None


def _unquoted(lines: list[str]) -> list[str]:
    """Apple Mail quotes what it forwards with "> ": taken off when the block starts so."""
    first = next((line for line in lines if line.strip()), "")
    if not first.lstrip().startswith(">"):
        return lines
    return [re.sub(r"^\s*> ?", "", line) for line in lines]


def _read_block(lines: list[str], start: int, client: str, before: list[str]) -> Forwarded | None:
    """The forward whose field lines start at ``start`` (blank lines first are skipped)."""
    rest = _unquoted(lines[start:])
    fields: dict[str, str] = {}
    index, last = 0, None
    while index < len(rest) and index < _HEADER_LINES * 2:
        line = rest[index]
        label = _label(line)
        if label is not None:
            match = _FIELD.match(line)
            assert match is not None
            last = label
            fields.setdefault(label, match.group("value").strip())
        elif line.strip() and line[:1] in (" ", "\t") and last is not None:
            fields[last] = f"{fields[last]} {line.strip()}"  # a long To or Subject, folded
        elif line.strip() or fields:
            break
        index += 1
    if not fields:
        return None
    sender_text = fields.get("from", "")
    return Forwarded(
        sender=address_in(sender_text),
        sender_text=sender_text,
        subject=fields.get("subject", ""),
        date=fields.get("sent") or fields.get("date", ""),
        to=tuple(a for a in (address_in(v) for v in _split_list(fields.get("to", ""), fields.get("cc", ""))) if a),
        text=strip_quoted("\n".join(rest[index:]).strip("\n")).strip(),
        note="\n".join(before).strip(),
        client=client,
    )


def _split_list(*values: str) -> list[str]:
    """The parties of To and Cc values ("Jan <jan@x>; Piet <piet@y>", or with commas)."""
    return [part for value in values for part in re.split(r"[;,](?=[^>\]]*(?:<|\[|$))", value) if part.strip()]
