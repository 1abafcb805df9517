"""Jinja2 templates -> outgoing Dutch mail (text and HTML) with the right headers."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from jinja2 import ChainableUndefined, Environment, StrictUndefined, TemplateSyntaxError, Undefined
from jinja2.sandbox import SandboxedEnvironment

from mailbot.config import Rules
from mailbot.mail.headerfields import address_field, clean_header, field
from mailbot.mail.mimeparts import OutgoingFile, to_html, with_files
from mailbot.mail.replyaddress import make_reply_address
from mailbot.models import Address, OutgoingMail
from mailbot.shipped import template_files, template_loader

__all__ = ["Composer", "TemplateError", "clean_header", "to_html"]

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
        files: tuple[OutgoingFile, ...] = (),
    ) -> OutgoingMail:
        """Render and wrap one mail: Message-ID of ours, threading headers, case tag, text + HTML,
        and ``files`` attached (a letter to print).

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
            address_field("From", [Address(self.rules.bot_address, self.rules.organisation)]),
            address_field("To", to),
            field("Subject", subject),
            field("Date", format_datetime(now)),
            field("Message-ID", message_id),
        ]
        fields += self._routing_fields(ref, reply_audience, in_reply_to, references, automatic)
        return OutgoingMail(
            kind=kind,
            message_id=message_id,
            sender=self.rules.bot_address,
            recipients=tuple(a.email for a in to),
            subject=subject,
            raw=with_files("".join(fields), text, to_html(text, subject), files),
            not_before=not_before,
            automatic=automatic,
        )

    def _routing_fields(
        self,
        ref: str | None,
        reply_audience: str | None,
        in_reply_to: str | None,
        references: Sequence[str],
        automatic: bool,
    ) -> list[str]:
        """The fields after From to Message-ID: where replies go, the thread, the automatic-mail marks, the case."""
        fields = []
        if ref is not None and reply_audience is not None and self.rules.security.reply_addresses:
            address = make_reply_address(self.rules.bot_address, ref, reply_audience, self.secret)
            fields.append(address_field("Reply-To", [Address(address, self.rules.organisation)]))
        if in_reply_to:
            fields.append(field("In-Reply-To", in_reply_to))
            fields.append(field("References", " ".join(clean_header(r) for r in (*references, in_reply_to)[-20:])))
        # RFC 3834: marks our mail as automatic so that well-behaved systems never answer it,
        # and lets us recognise it if it comes back.
        fields.append(field("Auto-Submitted", "auto-replied" if automatic else "auto-generated"))
        fields.append(field("X-Auto-Response-Suppress", "All"))
        if ref is not None:
            fields.append(field("X-Mailbot-Case", ref))
        return fields

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


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"
