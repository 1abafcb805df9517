"""Jinja2 templates -> outgoing Dutch mail (text and HTML) with the right headers."""

from __future__ import annotations

import binascii
import html
import re
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from email.charset import Charset
from email.header import Header
from email.headerregistry import Address as HeaderAddress
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from jinja2 import ChainableUndefined, Environment, StrictUndefined, TemplateSyntaxError, Undefined
from jinja2.sandbox import SandboxedEnvironment

from mailbot.config import Rules
from mailbot.mail.idn import AddressError, envelope_address
from mailbot.mail.replyaddress import make_reply_address
from mailbot.models import Address, OutgoingMail
from mailbot.shipped import template_files, template_loader

# Only for addresses the fast path below leaves alone (non-ASCII, quoted local parts).
# Folding at 78 puts a break right after "To:", which some clients show as a leading space.
_POLICY = SMTP.clone(max_line_length=998)
# Anything that could end a header line or hide in one; values from mail never keep these.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]+")
# A lone surrogate cannot be written as UTF-8; it becomes U+FFFD.
_SURROGATE = re.compile("[\ud800-\udfff]")
_CRLF = "\r\n"
_MAX_LINE = 998  # RFC 5322 2.1.1, without the CRLF
# RFC 5322 specials (and the quote): a display name holding one is written as a quoted-string.
_SPECIALS = re.compile(r'[()<>\[\]:;@\\,."]')
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
# An addr-spec written as it is: dot-atom @ host name, ASCII, no encoded-word lookalike.
_PLAIN_ADDRESS = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
# A "name <addr>", or a word, longer than this is folded or encoded: no line passes 998 characters.
_LONGEST = 900
_UTF8 = Charset("utf-8")
# Template folders (with every file's stamp) that Composer.check found sound.
_CHECKED: set[tuple[str, tuple[tuple[str, int, int], ...], tuple[str, ...]]] = set()


class TemplateError(Exception):
    """A template is missing or does not render."""


class Composer:
    """Renders templates (the admin's ``templates/`` folder over the shipped ones) into ready-to-send mail.

    The Jinja2 environment is sandboxed: an admin's template cannot reach Python internals.
    """

    def __init__(self, template_dir: Path, rules: Rules, secret: bytes | None = None) -> None:
        self.rules = rules
        self.template_dir = template_dir
        # The key that signs our Message-IDs (see msgid.py); a throw-away one when none is given.
        self.secret = secret if secret is not None else secrets.token_bytes(32)
        self.env = SandboxedEnvironment(
            loader=template_loader(template_dir),
            undefined=StrictUndefined,
            keep_trailing_newline=False,
            autoescape=False,  # plain text; the HTML part is built and escaped by to_html()
        )
        self.env.filters["dutch_date"] = _dutch_date
        # "de Klachtencommissie" at the start of a sentence; unlike `capitalize`, leaves the rest alone.
        self.env.filters["capitalize_first"] = lambda text: str(text)[:1].upper() + str(text)[1:]

    def check(self, names: Sequence[str] = ()) -> None:
        """Render every template in force now, and load each of ``names``: a broken or missing
        template stops start-up, `mailbot check-config` and a reload, not a send.

        Each ``*.j2`` is rendered with a sample context in which any value a caller would pass
        stands in as empty: that finds what loading alone misses (an ``{% extends %}`` or
        ``{% include %}`` of a file that is not there, a mail template without its subject),
        whether or not the code sends it yet.
        """
        files = template_files(self.template_dir)  # the admin's, and the shipped ones it does not override
        # The dossier and report pages (*.html.j2) are rendered by archive.py and reports/, with their own filters.
        found = sorted(name for name in files if not name.endswith(".html.j2"))
        # A folder that passed as it is now need not be rendered again (tests and reloads build many composers).
        key = (str(self.template_dir), tuple(_stamp(files[f]) for f in found), tuple(names))
        if key in _CHECKED:
            return
        sample = _sample_environment(self.env)
        values = {"organisation": self.rules.organisation, "signature": self.rules.signature}
        for file in found:
            try:
                sample.get_template(file).render(values)
            except TemplateSyntaxError as exc:
                raise TemplateError(f"{exc.filename or file}:{exc.lineno}: {exc.message}") from None
            except Exception as exc:
                raise TemplateError(f"template {file} does not render: {exc}") from None
        for name in names:
            try:
                template = self.env.get_template(f"{name}.j2")
            except Exception as exc:
                raise TemplateError(f"template {name}.j2: {exc}") from None
            if "subject" not in template.blocks:
                raise TemplateError(f"template {name}.j2 has no subject block")
        _CHECKED.add(key)

    def render(self, name: str, context: Mapping[str, Any]) -> tuple[str, str]:
        """Render template ``name`` -> (subject, plain-text body)."""
        values = {"organisation": self.rules.organisation, "signature": self.rules.signature, **context}
        try:
            template = self.env.get_template(f"{name}.j2")
            body = template.render(values)
            subject = "".join(template.blocks["subject"](template.new_context(values)))
        except Exception as exc:
            raise TemplateError(f"template {name}.j2 does not render: {exc}") from exc
        return clean_header(subject), _tidy(body)

    def build(
        self,
        *,
        kind: str,
        template: str,
        context: Mapping[str, Any],
        to: Sequence[Address],
        ref: str | None,
        now: datetime,
        not_before: datetime,
        automatic: bool,
        in_reply_to: str | None = None,
        references: Sequence[str] = (),
        reply_audience: str | None = None,
    ) -> OutgoingMail:
        """Render and wrap one mail: Message-ID of ours, threading headers, case tag, text + HTML.

        With ``reply_audience`` (customer or staff) and ``security.reply_addresses`` on, replies
        go to the case's own address for that audience (replyaddress.py).
        """
        subject, text = self.render(template, context)
        if ref is not None and f"[{ref}]" not in subject:
            subject = f"[{ref}] {subject}"
        subject = clean_header(subject)
        message_id = self.new_message_id(ref or "mailbot")
        # The mail is written directly, not through email.message.EmailMessage: that spent about
        # 4 ms per mail parsing and refolding headers it was given whole (bench/RESULTS.md).
        fields = [
            _address_field("From", [Address(self.rules.bot_address, self.rules.organisation)]),
            _address_field("To", to),
            _field("Subject", subject),
            _field("Date", format_datetime(now)),
            _field("Message-ID", message_id),
        ]
        if ref is not None and reply_audience is not None and self.rules.security.reply_addresses:
            address = make_reply_address(self.rules.bot_address, ref, reply_audience, self.secret)
            fields.append(_address_field("Reply-To", [Address(address, self.rules.organisation)]))
        if in_reply_to:
            fields.append(_field("In-Reply-To", in_reply_to))
            fields.append(_field("References", " ".join(clean_header(r) for r in (*references, in_reply_to)[-20:])))
        # RFC 3834: marks our mail as automatic so that well-behaved systems never answer it,
        # and lets us recognise it if it comes back.
        fields.append(_field("Auto-Submitted", "auto-replied" if automatic else "auto-generated"))
        fields.append(_field("X-Auto-Response-Suppress", "All"))
        if ref is not None:
            fields.append(_field("X-Mailbot-Case", ref))
        return OutgoingMail(
            kind=kind,
            message_id=message_id,
            sender=self.rules.bot_address,
            recipients=tuple(a.email for a in to),
            subject=subject,
            raw=_alternative("".join(fields), text, to_html(text, subject)),
            not_before=not_before,
            automatic=automatic,
        )

    def new_message_id(self, ref: str) -> str:
        """A fresh Message-ID of ours that names the case and carries an HMAC (see msgid.py)."""
        from mailbot.mail.msgid import new_message_id

        return new_message_id(ref, self.rules.domain, self.secret)


def _stamp(path: Path) -> tuple[str, int, int]:
    """A file's name, modification time and size: what changes when it is edited."""
    info = path.stat()
    return path.name, info.st_mtime_ns, info.st_size


class _Sample(ChainableUndefined):
    """A value a caller would pass, in a template checked at start-up: empty, and false in comparisons."""

    def _false(self, *args: Any, **kwargs: Any) -> Any:
        return False

    def _same(self, *args: Any, **kwargs: Any) -> Any:
        return self

    __lt__ = __le__ = __gt__ = __ge__ = _false
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _same
    __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = __pos__ = __neg__ = _same


def _sample_environment(env: Environment) -> SandboxedEnvironment:
    """``env`` with a lenient undefined: a value callers pass renders as empty, as a date for dutch_date."""
    sample = env.overlay(undefined=_Sample)
    assert isinstance(sample, SandboxedEnvironment)
    sample.filters["dutch_date"] = lambda value: _dutch_date("2026-01-01" if isinstance(value, Undefined) else value)
    return sample


def _dutch_date(value: object) -> str:
    """Jinja2 filter: a date (or ISO date text) in Dutch words."""
    from datetime import date

    from mailbot.workdays import format_date_nl

    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if not isinstance(value, date):
        raise TypeError(f"dutch_date needs a date, not {type(value).__name__}")
    return format_date_nl(value)


def clean_header(value: str) -> str:
    """A value safe for a header: control characters and line breaks become one space.

    The email package decodes RFC 2047 words in any value it is given, and Python before
    3.11.10 writes a line break it decoded there as a real one: a subject or Message-ID
    holding the text ``=?UTF-8?Q?x=0ABcc:_evil@example.org?=`` would add a Bcc header.
    Breaking every ``=?`` keeps such text literal, for whoever reads our mail too.
    A lone surrogate, which UTF-8 cannot hold, becomes U+FFFD.
    """
    return " ".join(_CONTROL.sub(" ", _utf8_safe(value)).split()).replace("=?", "= ?")


# --- writing the mail -------------------------------------------------------------------------


def _alternative(fields: str, text: str, page: str) -> bytes:
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
            _text_part(boundary, "plain", text),
            _text_part(boundary, "html", page),
            f"--{boundary}--\r\n".encode("ascii"),
        )
    )


def _text_part(boundary: str, subtype: str, text: str) -> bytes:
    """One text part in UTF-8, quoted-printable: 7-bit, lines of at most 76 characters, CRLF."""
    lines = _utf8_safe(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1]:
        lines.append("")  # end on a line break, which also makes b2a_qp use CRLF throughout
    data = binascii.b2a_qp(_CRLF.join(lines).encode("utf-8"), quotetabs=False, istext=True, header=False)
    head = (
        f'--{boundary}\r\nContent-Type: text/{subtype}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    )
    # The CRLF before the next boundary belongs to the boundary, not to the text.
    return head.encode("ascii") + data + b"\r\n"


def _field(name: str, value: str) -> str:
    """An unstructured header field, cleaned, as folded lines ending in CRLF.

    ASCII stays readable: on one line up to 998 characters (as the email package wrote it with
    max_line_length=998), else folded at spaces. Anything else becomes RFC 2047 encoded words.
    """
    value = clean_header(value)
    if value.isascii():
        line = f"{name}: {value}"
        if len(line) <= _MAX_LINE:
            return line + _CRLF
        words = value.split(" ")
        words[0] = f"{name}: {words[0]}"  # never a break right after the field name
        folded = _fold(words, _LONGEST)
        if folded is not None:
            return folded + _CRLF
    return f"{name}: {_encoded_words(value, name)}{_CRLF}"


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
    return _CRLF.join(lines)


def _head_bytes(head: str) -> bytes:
    """The header block as bytes: ASCII, or UTF-8 where an address needs it (RFC 6532)."""
    if head.isascii():
        return head.encode("ascii")
    try:
        return head.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate the email package left in a non-address
        return head.encode("utf-8", "replace")


def _address_field(name: str, addresses: Sequence[Address]) -> str:
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
    if len(line) <= _MAX_LINE and _CRLF not in line:
        return line + _CRLF
    return f"{name}: {f',{_CRLF} '.join(mailboxes)}{_CRLF}"


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
    return Header(value, "utf-8", maxlinelen=78, header_name=name).encode(linesep=_CRLF)


def _utf8_safe(text: str) -> str:
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def _header_address(address: Address) -> str:
    # headerregistry quotes and encodes the display name; a name can never add a header.
    local, _, domain = address.email.partition("@")
    return str(HeaderAddress(display_name=clean_header(address.name), username=local, domain=domain))


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"


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
