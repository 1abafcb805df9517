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


def authenticate(mail: ParsedMail, authserv_ids: tuple[str, ...]) -> AuthVerdict:
    """Trust the sender only on a pass for the sender's own domain in our server's Authentication-Results."""
    return inspect(mail, authserv_ids).verdict


def inspect(mail: ParsedMail, authserv_ids: tuple[str, ...]) -> AuthReport:
    """Read the topmost Authentication-Results and judge it.

    Only the topmost header counts, and only when its authserv-id is one of ours (RFC 8601 §5:
    our server removes or renames any such header that arrives from outside, so a header with
    another id, or further down, may be the sender's own invention). A DKIM signature or a DMARC
    pass for the From domain, or SPF for an envelope sender in that domain, all count.
    """
    import authres

    ids = ", ".join(authserv_ids)
    if mail.sender is None:
        return AuthReport(AuthVerdict(False, "de afzender is onbekend"))
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


# What an administrator must do about each way the header fails; {ids} are ours, {server} the header's.
_FIXES = {
    "no-ids": "Zet in rules.yaml onder security.authserv_ids de naam waarmee onze eigen mailserver zijn "
    "Authentication-Results begint (bijvoorbeeld mx.example.nl).",
    "missing": "Laat de mailserver die de mail voor mailbot ontvangt een Authentication-Results toevoegen "
    "(met DKIM, DMARC of SPF), onder de naam {ids}.",
    # Exchange Online writes its verdict without a server name: no header mailbot can trust.
    "unreadable": "De mailserver moet een Authentication-Results volgens RFC 8601 toevoegen, met de naam {ids} "
    "vooraan. Microsoft 365 doet dat niet: zet dan security.reply_addresses aan, of laat een gateway die "
    "zo'n kop wel schrijft de mail eerst ontvangen.",
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
