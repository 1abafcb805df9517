"""Whether a staff member's mail really comes from them: Authentication-Results (RFC 8601) from our own server.

``inspect`` says what the topmost header holds and what follows from it; ``authenticate`` is its
verdict alone. Both ``mailbot check-auth`` and the staff desk use them, so an administrator sees
exactly the check that staff mail must pass.
"""

from __future__ import annotations

from dataclasses import dataclass

from mailbot.models import ParsedMail

# Where an administrator reads how to make staff mail trusted.
README_SECTION = "README, 'Setting up for your organisation'"


@dataclass(frozen=True)
class AuthVerdict:
    """Whether the sender is authenticated, why (or why not), and what an administrator must fix if not.

    ``reason`` and ``fix`` are Dutch: the staff member whose mail was refused reads them.
    """

    ok: bool
    reason: str
    fix: str = ""


@dataclass(frozen=True)
class AuthResult:
    """One method's result in the header: ``dkim``, ``pass``, and the domain it speaks for."""

    method: str
    result: str
    domain: str


@dataclass(frozen=True)
class AuthReport:
    """What the topmost Authentication-Results says about a mail, and the verdict on it."""

    verdict: AuthVerdict
    authserv_id: str = ""
    results: tuple[AuthResult, ...] = ()


def authenticate(mail: ParsedMail, authserv_ids: tuple[str, ...], exchange_tenant: str = "") -> AuthVerdict:
    """Trust the sender only on a pass for the sender's own domain in our server's Authentication-Results,
    or (``exchange_tenant`` set) on Exchange Online's word that a user of our own tenant sent it."""
    return inspect(mail, authserv_ids, exchange_tenant).verdict


def inspect(mail: ParsedMail, authserv_ids: tuple[str, ...], exchange_tenant: str = "") -> AuthReport:
    """Read the topmost Authentication-Results and judge it.

    Only the topmost header counts, and only when its authserv-id is one of ours (RFC 8601 §5:
    our server removes or renames any such header that arrives from outside, so a header with
    another id, or further down, may be the sender's own invention). A DKIM signature or a DMARC
    pass for the From domain, or SPF for an envelope sender in that domain, all count.
    Exchange Online writes no such header for mail between its own users; with
    ``exchange_tenant`` its organisation headers are read instead (``exchange_internal``).
    """
    import authres

    ids = ", ".join(authserv_ids)
    if mail.sender is None:
        return AuthReport(AuthVerdict(False, "de afzender is onbekend"))
    if exchange_tenant:
        internal = exchange_internal(mail.headers, exchange_tenant)
        if internal is not None:
            return internal
    if not authserv_ids:
        return AuthReport(_refused("in rules.yaml staat geen security.authserv_ids", "no-ids", ids))
    raw = mail.headers.get("authentication-results")
    if not raw:
        return AuthReport(_refused("het bericht heeft geen Authentication-Results van onze mailserver", "missing", ids))
    try:
        header = authres.AuthenticationResultsHeader.parse(f"Authentication-Results: {raw}")
    except Exception:
        return AuthReport(_refused("de Authentication-Results van het bericht zijn onleesbaar", "unreadable", ids))
    server = str(header.authserv_id or "").lower()
    results = tuple(_result(r) for r in header.results)
    if server not in {s.lower() for s in authserv_ids}:
        why = f"de Authentication-Results komen niet van onze mailserver ({server or '?'})"
        return AuthReport(_refused(why, "foreign", ids, server), server, results)
    return AuthReport(_judge(mail.sender.email.rpartition("@")[2], results), server, results)


# Exchange stamps these on mail a user of the tenant submitted; its header firewall removes any
# X-MS-Exchange-Organization-* header that arrives from outside the organisation, so they cannot be
# forged by a sender elsewhere. The tenant id ties the verdict to our tenant, not just any.
_EXCHANGE_AUTH_AS = "x-ms-exchange-organization-authas"
_EXCHANGE_TENANT = "x-ms-exchange-crosstenant-id"
EXCHANGE_SERVER = "Microsoft 365 (Exchange Online)"


def exchange_internal(headers: dict[str, str], tenant: str) -> AuthReport | None:
    """Exchange Online's verdict on mail within tenant ``tenant``: trusted when a user of that tenant
    sent it (AuthAs Internal), refused when it came from outside; None when the headers are absent
    (then the mail is judged on Authentication-Results as any other)."""
    auth_as = headers.get(_EXCHANGE_AUTH_AS, "").strip().lower()
    if not auth_as:
        return None
    tenant_seen = headers.get(_EXCHANGE_TENANT, "").strip().lower()
    if tenant_seen != tenant.strip().lower():
        why = f"Microsoft 365 meldt een andere tenant ({tenant_seen or '?'})"
        fix = "Klopt security.exchange_tenant_id in rules.yaml? Het is de tenant-id van uw eigen organisatie."
        return AuthReport(AuthVerdict(False, why, fix), EXCHANGE_SERVER)
    if auth_as != "internal":
        why = f"Microsoft 365 zegt dat het bericht van buiten de organisatie komt (AuthAs: {auth_as})"
        fix = (
            "Verstuur het vanuit de eigen mailbox van de organisatie in Microsoft 365: mail van een ander adres "
            "of via een doorstuurregel komt als externe mail binnen."
        )
        return AuthReport(AuthVerdict(False, why, fix), EXCHANGE_SERVER)
    return AuthReport(
        AuthVerdict(True, "Microsoft 365: verzonden door een gebruiker van onze eigen tenant"), EXCHANGE_SERVER
    )


# What an administrator must do about each way the header fails; {ids} are ours, {server} the header's.
_FIXES = {
    "no-ids": "Zet in rules.yaml onder security.authserv_ids de naam waarmee onze eigen mailserver zijn "
    "Authentication-Results begint (bijvoorbeeld mx.example.nl).",
    "missing": "Laat de mailserver die de mail voor mailbot ontvangt een Authentication-Results toevoegen "
    "(met DKIM, DMARC of SPF), onder de naam {ids}.",
    # Exchange Online writes its verdict without a server name: no header mailbot can trust.
    "unreadable": "De mailserver moet een Authentication-Results volgens RFC 8601 toevoegen, met de naam {ids} "
    "vooraan. Microsoft 365 doet dat niet: zet dan security.exchange_tenant_id (de tenant-id van de "
    "organisatie) of security.reply_addresses aan, of laat een gateway die zo'n kop wel schrijft de mail "
    "eerst ontvangen.",
    "foreign": "rules.yaml vertrouwt alleen Authentication-Results van {ids}. Is '{server}' uw eigen "
    "mailserver? Zet die naam dan in security.authserv_ids.",
}


def _refused(reason: str, fix: str, ids: str, server: str = "") -> AuthVerdict:
    return AuthVerdict(False, reason, _FIXES[fix].format(ids=ids, server=server))


def _judge(domain: str, results: tuple[AuthResult, ...]) -> AuthVerdict:
    """A pass of dkim, dmarc or spf for the sender's own domain is enough."""
    for r in results:
        if r.result == "pass" and r.method in ("dkim", "dmarc", "spf") and _same_domain(r.domain, domain):
            return AuthVerdict(True, f"{r.method}=pass voor {domain}")
    seen = ", ".join(f"{r.method}={r.result}" + (f" ({r.domain})" if r.domain else "") for r in results)
    return AuthVerdict(
        False,
        f"onze mailserver kon niet vaststellen dat het bericht van {domain} komt ({seen or 'geen uitslag'})",
        f"Zorg dat mail van {domain} een DKIM-handtekening krijgt van uw mailsysteem, of dat SPF en DMARC "
        f"voor {domain} kloppen, zodat de mailserver dkim=pass, dmarc=pass of spf=pass voor {domain} noteert.",
    )


def _result(result: object) -> AuthResult:
    """One method's result and the domain it speaks for (dkim header.d, dmarc header.from, spf smtp.mailfrom)."""
    props = {f"{p.type}.{p.name}".lower(): str(p.value).lower() for p in getattr(result, "properties", [])}
    method = str(getattr(result, "method", "")).lower()
    domain = {
        "dkim": props.get("header.d", ""),
        "dmarc": props.get("header.from", ""),
        "spf": props.get("smtp.mailfrom", "").rpartition("@")[2],
    }.get(method, "")
    return AuthResult(method, str(getattr(result, "result", "")).lower(), domain)


def _same_domain(claimed: str, domain: str) -> bool:
    return bool(claimed) and claimed.strip().rstrip(".") == domain
