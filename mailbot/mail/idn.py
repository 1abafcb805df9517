"""Internationalised mail addresses (RFC 6530-6533): the form an SMTP envelope can carry, and lookalike domains."""

from __future__ import annotations

import re
from dataclasses import dataclass

# What RFC 5321 allows in a local part once quoting is left out; anything else (spaces, <>, CR, LF, NUL)
# could break or inject into the SMTP dialogue and is refused outright.
_LOCAL_OK = re.compile(r"^[^\s<>()\[\]\\,;:@\"\x00-\x1f\x7f]+$")
# An ASCII domain of letters, digits and hyphens: sent as it is.
_PLAIN_DOMAIN = re.compile(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*")
_MAX_ADDRESS = 254


class AddressError(ValueError):
    """An address no SMTP envelope can carry; the text says why."""


@dataclass(frozen=True)
class EnvelopeAddress:
    """One address in the forms SMTP may carry it.

    ``ascii`` is the address with its domain as punycode (A-labels), or None when the local part
    itself is not ASCII; ``utf8`` is the address with its domain in Unicode, for SMTPUTF8 servers.
    """

    ascii: str | None
    utf8: str

    def form(self, smtputf8: bool) -> str:
        """The form to send: ASCII where that suffices (every server takes it), UTF-8 only when needed.

        Raises AddressError when the local part needs SMTPUTF8 and the server does not offer it.
        """
        if self.ascii is not None:
            return self.ascii
        if smtputf8:
            return self.utf8
        raise AddressError(
            f"the address {self.utf8!r} has non-ASCII characters before the @ and the mail server does not offer "
            "SMTPUTF8 (RFC 6531), so it cannot be sent there"
        )


def envelope_address(address: str) -> EnvelopeAddress:
    """Split ``address`` and give its envelope forms; AddressError for an address that is not one."""
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise AddressError(f"{address!r} is not a mail address")
    if not _LOCAL_OK.match(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        raise AddressError(f"{address!r} has characters an SMTP envelope cannot carry before the @")
    ascii_domain, unicode_domain = domain_forms(domain)
    ascii_form = f"{local}@{ascii_domain}" if local.isascii() else None
    utf8_form = f"{local}@{unicode_domain}"
    if len((ascii_form or utf8_form).encode()) > _MAX_ADDRESS:
        raise AddressError(f"the address {address!r} is longer than {_MAX_ADDRESS} bytes")
    return EnvelopeAddress(ascii_form, utf8_form)


def domain_forms(domain: str) -> tuple[str, str]:
    """``domain`` as A-labels (punycode) and as U-labels (Unicode), by IDNA 2008 with UTS 46 mapping."""
    domain = domain.strip().rstrip(".")
    if _PLAIN_DOMAIN.fullmatch(domain) and "xn--" not in domain.lower():
        return domain, domain  # nearly every domain: nothing to convert
    import idna

    try:
        ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
        unicode_domain = idna.decode(ascii_domain)
    except (idna.IDNAError, UnicodeError) as exc:
        if _PLAIN_DOMAIN.fullmatch(domain):
            # Plain ASCII that IDNA's stricter label rules refuse (an underscore-free oddity such as a
            # leading digit run): the server decides, as it always did.
            return domain.lower(), domain.lower()
        raise AddressError(f"the domain {domain!r} is not a valid internationalised domain name: {exc}") from exc
    return ascii_domain, unicode_domain


def lookalike(domain: str, known: tuple[str, ...] = ()) -> str | None:
    """Why ``domain`` may pose as another, or None: letters of two scripts in one label (Latin with
    Cyrillic or Greek), or a domain that reads as one of ``known`` but is not it.

    Pure ASCII domains are never flagged: the trick needs characters that look like Latin ones.
    """
    if domain.isascii() and "xn--" not in domain.lower():
        return None
    try:
        _, unicode_domain = domain_forms(domain)
    except AddressError:
        return None
    if unicode_domain.isascii():
        return None
    from confusable_homoglyphs import confusables

    for label in unicode_domain.split("."):
        if confusables.is_mixed_script(label):
            latin = _latin_skeleton(unicode_domain)
            twin = next((k for k in known if k.lower() == latin), None)
            if twin:
                return f"het domein {unicode_domain} lijkt op {twin}, maar bevat letters uit een ander schrift"
            return f"het domein {unicode_domain} mengt letters uit verschillende schriften"
    latin = _latin_skeleton(unicode_domain)
    twin = next((k for k in known if k.lower() == latin and k.lower() != unicode_domain), None)
    if twin:
        return f"het domein {unicode_domain} lijkt op {twin}, maar is een ander domein"
    return None


def _latin_skeleton(text: str) -> str:
    """``text`` with every character that can pass for a Latin one replaced by that Latin one."""
    from confusable_homoglyphs import confusables

    out = []
    for ch in text:
        found = confusables.is_confusable(ch, preferred_aliases=["latin"], greedy=False) if not ch.isascii() else None
        if found:
            glyphs = [g["c"] for g in found[0]["homoglyphs"] if g["c"].isascii()]
            out.append(glyphs[0].lower() if glyphs else ch)
        else:
            out.append(ch)
    return "".join(out)
