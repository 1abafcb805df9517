"""Whether a staff member's mail really comes from them: Authentication-Results (RFC 8601) from our own server."""

from __future__ import annotations

from dataclasses import dataclass

from mailbot.models import ParsedMail


@dataclass(frozen=True)
class AuthVerdict:
    """Whether the sender is authenticated, and why (or why not), in words for the log and the staff member."""

    ok: bool
    reason: str


def authenticate(mail: ParsedMail, authserv_ids: tuple[str, ...]) -> AuthVerdict:
    """Trust the sender only on a pass for the sender's own domain in our server's Authentication-Results.

    Only the topmost header counts, and only when its authserv-id is one of ours (RFC 8601 §5:
    our server removes or renames any such header that arrives from outside, so a header with
    another id, or further down, may be the sender's own invention). A DKIM signature or a DMARC
    pass for the From domain, or SPF for an envelope sender in that domain, all count.
    """
    import authres

    if mail.sender is None:
        return AuthVerdict(False, "de afzender is onbekend")
    if not authserv_ids:
        return AuthVerdict(False, "in rules.yaml staat geen security.authserv_ids")
    raw = mail.headers.get("authentication-results")
    if not raw:
        return AuthVerdict(False, "het bericht heeft geen Authentication-Results van onze mailserver")
    try:
        header = authres.AuthenticationResultsHeader.parse(f"Authentication-Results: {raw}")
    except Exception:
        return AuthVerdict(False, "de Authentication-Results van het bericht zijn onleesbaar")
    server = str(header.authserv_id or "").lower()
    if server not in {s.lower() for s in authserv_ids}:
        return AuthVerdict(False, f"de Authentication-Results komen niet van onze mailserver ({server or '?'})")
    domain = mail.sender.email.rpartition("@")[2]
    for result in header.results:
        if str(result.result).lower() != "pass":
            continue
        props = {f"{p.type}.{p.name}".lower(): str(p.value).lower() for p in result.properties}
        method = str(result.method).lower()
        if method == "dkim" and _same_domain(props.get("header.d", ""), domain):
            return AuthVerdict(True, f"dkim=pass voor {domain}")
        if method == "dmarc" and _same_domain(props.get("header.from", ""), domain):
            return AuthVerdict(True, f"dmarc=pass voor {domain}")
        if method == "spf" and _same_domain(props.get("smtp.mailfrom", "").rpartition("@")[2], domain):
            return AuthVerdict(True, f"spf=pass voor {domain}")
    return AuthVerdict(False, f"onze mailserver kon niet vaststellen dat het bericht van {domain} komt")


def _same_domain(claimed: str, domain: str) -> bool:
    return bool(claimed) and claimed.strip().rstrip(".") == domain
