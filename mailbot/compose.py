"""Jinja2 templates -> outgoing Dutch mail (text and HTML) with the right headers."""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from mailbot.config import Rules
from mailbot.models import Address, OutgoingMail

# Folding at 78 puts a break right after "Subject:", which some clients show as a leading space.
_POLICY = SMTP.clone(max_line_length=998)
# Anything that could end a header line or hide in one; values from mail never keep these.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]+")


class TemplateError(Exception):
    """A template is missing or does not render."""


class Composer:
    """Renders templates from the admin's ``templates/`` folder into ready-to-send mail.

    The Jinja2 environment is sandboxed: an admin's template cannot reach Python internals.
    """

    def __init__(self, template_dir: Path, rules: Rules) -> None:
        self.rules = rules
        self.env = SandboxedEnvironment(
            loader=FileSystemLoader(str(template_dir)),
            undefined=StrictUndefined,
            keep_trailing_newline=False,
            autoescape=False,  # plain text; the HTML part is built and escaped by to_html()
        )
        self.env.filters["dutch_date"] = _dutch_date
        # "de Klachtencommissie" at the start of a sentence; unlike `capitalize`, leaves the rest alone.
        self.env.filters["capitalize_first"] = lambda text: str(text)[:1].upper() + str(text)[1:]

    def check(self, names: Sequence[str]) -> None:
        """Load every named template now, so a broken one stops start-up, not a send."""
        from jinja2 import TemplateSyntaxError

        for name in names:
            try:
                self.env.get_template(f"{name}.j2")
            except TemplateSyntaxError as exc:
                raise TemplateError(f"{exc.filename}:{exc.lineno}: {exc.message}") from None
            except Exception as exc:
                raise TemplateError(f"template {name}.j2: {exc}") from None

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
    ) -> OutgoingMail:
        """Render and wrap one mail: Message-ID of ours, threading headers, case tag, text + HTML."""
        subject, text = self.render(template, context)
        if ref is not None and f"[{ref}]" not in subject:
            subject = f"[{ref}] {subject}"
        message_id = self.new_message_id(ref or "mailbot")
        msg = EmailMessage(policy=_POLICY)
        msg["From"] = _header_address(Address(self.rules.bot_address, self.rules.organisation))
        msg["To"] = ", ".join(_header_address(a) for a in to)
        msg["Subject"] = subject
        msg["Date"] = format_datetime(now)
        msg["Message-ID"] = message_id
        if in_reply_to:
            msg["In-Reply-To"] = clean_header(in_reply_to)
            msg["References"] = " ".join(clean_header(r) for r in (*references, in_reply_to)[-20:])
        # RFC 3834: marks our mail as automatic so that well-behaved systems never answer it,
        # and lets us recognise it if it comes back.
        msg["Auto-Submitted"] = "auto-replied" if automatic else "auto-generated"
        msg["X-Auto-Response-Suppress"] = "All"
        if ref is not None:
            msg["X-Mailbot-Case"] = ref
        msg.set_content(text)
        msg.add_alternative(to_html(text, subject), subtype="html")
        return OutgoingMail(
            kind=kind,
            message_id=message_id,
            sender=self.rules.bot_address,
            recipients=tuple(a.email for a in to),
            subject=subject,
            raw=msg.as_bytes(),
            not_before=not_before,
            automatic=automatic,
        )

    def new_message_id(self, ref: str) -> str:
        """A fresh Message-ID of ours that names the case (``<KL-2026-0001.x7f…@example.nl>``)."""
        return f"<{ref}.{secrets.token_hex(8)}@{self.rules.domain}>"


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
    Breaking every ``=?`` keeps such text literal.
    """
    return " ".join(_CONTROL.sub(" ", value).split()).replace("=?", "= ?")


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
