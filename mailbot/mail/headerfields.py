"""Header fields of an outgoing mail, written directly: cleaned, folded, encoded where they must be."""

from __future__ import annotations

import re
from collections.abc import Sequence
from email.charset import Charset
from email.header import Header
from email.headerregistry import Address as HeaderAddress
from email.policy import SMTP

from mailbot.mail.idn import AddressError, envelope_address
from mailbot.models import Address

# Only for addresses the fast path below leaves alone (non-ASCII, quoted local parts).
# Folding at 78 puts a break right after "To:", which some clients show as a leading space.
_POLICY = SMTP.clone(max_line_length=998)
# Anything that could end a header line or hide in one; values from mail never keep these.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]+")
# A lone surrogate cannot be written as UTF-8; it becomes U+FFFD.
_SURROGATE = re.compile("[\ud800-\udfff]")
CRLF = "\r\n"
_MAX_LINE = 998  # RFC 5322 2.1.1, without the CRLF
# RFC 5322 specials (and the quote): a display name holding one is written as a quoted-string.
_SPECIALS = re.compile(r'[()<>\[\]:;@\\,."]')
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
# An addr-spec written as it is: dot-atom @ host name, ASCII, no encoded-word lookalike.
_PLAIN_ADDRESS = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
# A "name <addr>", or a word, longer than this is folded or encoded: no line passes 998 characters.
_LONGEST = 900
_UTF8 = Charset("utf-8")


def clean_header(value: str) -> str:
    """A value safe for a header: control characters and line breaks become one space.

    The email package decodes RFC 2047 words in any value it is given, and Python before
    3.11.10 writes a line break it decoded there as a real one: a subject or Message-ID
    holding the text ``=?UTF-8?Q?x=0ABcc:_evil@example.org?=`` would add a Bcc header.
    Breaking every ``=?`` keeps such text literal, for whoever reads our mail too.
    A lone surrogate, which UTF-8 cannot hold, becomes U+FFFD.
    """
    return " ".join(_CONTROL.sub(" ", utf8_safe(value)).split()).replace("=?", "= ?")


def utf8_safe(text: str) -> str:
    """``text`` with every lone surrogate, which UTF-8 cannot hold, replaced by U+FFFD."""
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def field(name: str, value: str) -> str:
    """An unstructured header field, cleaned, as folded lines ending in CRLF.

    ASCII stays readable: on one line up to 998 characters (as the email package wrote it with
    max_line_length=998), else folded at spaces. Anything else becomes RFC 2047 encoded words.
    """
    value = clean_header(value)
    if value.isascii():
        line = f"{name}: {value}"
        if len(line) <= _MAX_LINE:
            return line + CRLF
        words = value.split(" ")
        words[0] = f"{name}: {words[0]}"  # never a break right after the field name
        folded = _fold(words, _LONGEST)
        if folded is not None:
            return folded + CRLF
    return f"{name}: {_encoded_words(value, name)}{CRLF}"


def _fold(words: list[str], longest: int) -> str | None:
    """``words`` joined by spaces, folded before a word where a line would pass 78 characters.

    Unfolding gives back the single spaces. None if a word is longer than ``longest``.
    """
    if max(len(word) for word in words) > longest:
        return None
    lines = [words[0]]
    for word in words[1:]:
        if len(lines[-1]) + 1 + len(word) <= 78:
            lines[-1] += " " + word
        else:
            lines.append(" " + word)
    return CRLF.join(lines)


def address_field(name: str, addresses: Sequence[Address]) -> str:
    """An address header field (From, To) as folded lines ending in CRLF.

    An internationalised domain is written as punycode (every reader understands it); an address
    with non-ASCII before the @ is written in UTF-8 as RFC 6532 allows, and such a mail can only
    go to a server that offers SMTPUTF8 (send.py checks that).
    """
    forms = [_header_form(a.email) for a in addresses]
    if any(form is None for form in forms):
        # Rare: not an address at all. Leave it to the email package, which writes it as before;
        # the send parks the mail with the reason (send.py), and nothing else is held up.
        return str(_POLICY.header_factory(name, ", ".join(map(_header_address, addresses))).fold(policy=_POLICY))
    mailboxes = [_mailbox(Address(form or a.email, a.name)) for form, a in zip(forms, addresses, strict=True)]
    line = f"{name}: {', '.join(mailboxes)}"
    if len(line) <= _MAX_LINE and CRLF not in line:
        return line + CRLF
    return f"{name}: {f',{CRLF} '.join(mailboxes)}{CRLF}"


def _header_form(email: str) -> str | None:
    """How ``email`` is written in a header: ASCII when it can be, UTF-8 (RFC 6532) otherwise, None
    when it is no address."""
    if len(email) <= 254 and _PLAIN_ADDRESS.fullmatch(email) and "=?" not in email:
        return email
    try:
        envelope = envelope_address(email)
    except AddressError:
        return None
    return envelope.ascii or envelope.utf8


def _mailbox(address: Address) -> str:
    """``name <addr>``: the display name as atoms, a quoted-string or encoded words; never a second address."""
    name = clean_header(address.name)
    if not name:
        return address.email
    if not name.isascii():
        # One encoded word, however long, as the email package wrote it: it reads several
        # adjacent ones in a display name back with a space between them, unlike RFC 2047.
        phrase = _UTF8.header_encode(name)
    elif _SPECIALS.search(name):
        phrase = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    else:
        phrase = name  # atoms, single spaces between them
    if len(phrase) + len(address.email) + 3 > _LONGEST:
        # An absurdly long name: ASCII folds between its words, else RFC 2047 words, folded.
        longest = _LONGEST - len(address.email) - 3
        phrase = (_fold(phrase.split(" "), longest) if name.isascii() else None) or _encoded_words(name)
    return f"{phrase} <{address.email}>"


def _encoded_words(value: str, name: str | None = None) -> str:
    """``value`` as RFC 2047 encoded words in UTF-8, folded onto lines of at most 78 characters."""
    return Header(value, "utf-8", maxlinelen=78, header_name=name).encode(linesep=CRLF)


def _header_address(address: Address) -> str:
    # headerregistry quotes and encodes the display name; a name can never add a header.
    local, _, domain = address.email.partition("@")
    return str(HeaderAddress(display_name=clean_header(address.name), username=local, domain=domain))
