"""The SMTP envelope of one queued mail: MAIL FROM and RCPT TO in a form the server takes (RFC 6531)."""

from __future__ import annotations

from dataclasses import dataclass

from mailbot.mail.idn import AddressError, envelope_address
from mailbot.models import QueuedMail


@dataclass(frozen=True)
class Envelope:
    """What the SMTP dialogue carries for one mail: the addresses in the form the server can take,
    the recipients no form fits (with why), and whether SMTPUTF8 is needed."""

    sender: str
    recipients: tuple[str, ...]
    unsendable: dict[str, str]
    smtputf8: bool


def envelope(mail: QueuedMail, smtputf8_offered: bool, copy_to: str | None = None) -> Envelope:
    """The envelope for ``mail`` on a server that does (not) offer SMTPUTF8 (RFC 6531).

    Internationalised domains go as punycode, which every server takes; only a non-ASCII local
    part, or a header written in UTF-8 (RFC 6532), needs SMTPUTF8. Raises AddressError when the
    mail can go to nobody.
    """
    sender = envelope_address(mail.sender).form(smtputf8_offered)
    recipients: list[str] = []
    unsendable: dict[str, str] = {}
    for recipient in mail.recipients:
        try:
            recipients.append(envelope_address(recipient).form(smtputf8_offered))
        except AddressError as exc:
            unsendable[recipient] = str(exc)
    if not recipients:
        raise AddressError("; ".join(unsendable.values()) or "the mail has no recipients")
    header_end = mail.raw.find(b"\r\n\r\n")
    utf8_header = not mail.raw[: header_end if header_end >= 0 else len(mail.raw)].isascii()
    if utf8_header and not smtputf8_offered:
        raise AddressError("the mail has a UTF-8 address in its header and the server does not offer SMTPUTF8")
    if copy_to is not None and copy_to not in recipients:
        recipients.append(copy_to)  # a Bcc by envelope alone: no header names it
    needs_utf8 = utf8_header or not all(r.isascii() for r in (sender, *recipients))
    return Envelope(sender, tuple(recipients), unsendable, needs_utf8)


def original_recipient(mail: QueuedMail, sent_as: str) -> str:
    """The queued form of a recipient the server refused under its envelope form."""
    for recipient in mail.recipients:
        try:
            forms = envelope_address(recipient)
        except AddressError:
            continue
        if sent_as in (forms.ascii, forms.utf8):
            return recipient
    return sent_as
