"""The demo's and the tests' sample mail: as a customer's or a staff member's client would send it."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, make_msgid

BOT = "klacht@example.nl"
VOUCHED = b"Authentication-Results: mx.example.nl; dkim=pass header.d=example.nl\n"  # as our server delivers staff mail


def compose_mail(
    sender: str,
    to: str,
    subject: str,
    body: str,
    *,
    name: str = "",
    in_reply_to: str | None = None,
    cc: str | None = None,
    **headers: str,
) -> bytes:
    """A plain-text mail as a customer's client would send it (for the demo and the tests)."""
    from datetime import UTC, datetime

    msg = EmailMessage(policy=default_policy)
    msg["From"] = f"{name} <{sender}>" if name else sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain=sender.partition("@")[2] or "example.net")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    for key, value in headers.items():
        msg[key.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes()
