"""Per-case reply addresses such as ``klacht+kl-2026-0001.k.3f9c…@example.nl``.

Where the mail system supports plus-addressing (Microsoft 365, Google, Postfix and Dovecot with a
recipient delimiter), our mail can carry a Reply-To that names its case and carries an HMAC. A
reply to it joins the case even when the mail client dropped every reference, and nobody can make
one up for someone else's case. Staff get their own token: a command sent to it was sent by someone
who received the staff notification, which counts as authenticated (issue: spoofed commands).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Collection
from dataclasses import dataclass, replace

from mailbot.models import Address, ParsedMail

TOKEN_CHARS = 16  # 64 bits of HMAC-SHA256: far beyond guessing, short enough for an address
# Who the address was handed to: k = klant (the customer), m = medewerker (staff).
AUDIENCES = {"k": "customer", "m": "staff"}
_DETAIL = re.compile(r"^(?P<ref>[a-z]{1,8}-\d{4}-\d{4,})\.(?P<audience>[km])\.(?P<mac>[0-9a-f]+)$")


@dataclass(frozen=True)
class ReplyToken:
    """A case named by the address a mail was sent to; ``audience`` is customer or staff."""

    ref: str
    audience: str


def make_reply_address(base: str, ref: str, audience: str, secret: bytes) -> str:
    """The reply address of case ``ref`` for ``audience`` (customer or staff), on our ``base`` address."""
    letter = next(k for k, v in AUDIENCES.items() if v == audience)
    local, _, domain = base.partition("@")
    detail = f"{ref.lower()}.{letter}"
    return f"{local}+{detail}.{_mac(detail, base, secret)}@{domain}"


def read_reply_address(
    mail: ParsedMail, ours: Collection[str], secret: bytes
) -> tuple[ParsedMail, ReplyToken | None, bool]:
    """``mail`` with our plus-addresses back to their base, the valid token among them, and whether
    one was forged (a plus-address of ours whose HMAC does not match).

    Every later step (classification by address role, the formal-complaint address, parties)
    then sees the address the admin configured.
    """
    token: ReplyToken | None = None
    forged = False

    def plain(address: Address) -> Address:
        nonlocal token, forged
        local, _, domain = address.email.partition("@")
        base_local, plus, detail = local.partition("+")
        base = f"{base_local}@{domain}"
        if not plus or base not in ours:
            return address
        found = _DETAIL.match(detail.lower())
        if found and hmac.compare_digest(found["mac"], _mac(f"{found['ref']}.{found['audience']}", base, secret)):
            token = token or ReplyToken(found["ref"].upper(), AUDIENCES[found["audience"]])
        else:
            forged = True
        return Address(base, address.name)

    to = tuple(plain(a) for a in mail.to)
    cc = tuple(plain(a) for a in mail.cc)
    if to == mail.to and cc == mail.cc:
        return mail, None, False
    return replace(mail, to=to, cc=cc), token, forged


def _mac(detail: str, base: str, secret: bytes) -> str:
    return hmac.new(secret, f"reply:{detail}@{base}".encode(), hashlib.sha256).hexdigest()[:TOKEN_CHARS]
