"""`mailbot check-auth FILE.eml`: would mailbot obey this staff mail, and why (or why not).

The check is the staff desk's own (``authentication.inspect`` with the rules' settings), so an
administrator sees exactly what a staff member's mail must carry.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any

from mailbot.config import Rules
from mailbot.mail.authentication import README_SECTION, AuthReport, AuthVerdict, inspect
from mailbot.mail.parse import parse_mail
from mailbot.mail.quotes import strip_quoted
from mailbot.mail.replyaddress import read_reply_address


@dataclass(frozen=True)
class AuthCheck:
    """The verdict on one staff mail and what it rests on."""

    sender: str
    staff: bool
    required: bool
    authserv_ids: tuple[str, ...]
    report: AuthReport
    obeyed: bool


def check_auth(raw: bytes, rules: Rules, secret: bytes | None = None) -> AuthCheck:
    """Judge ``raw`` as the staff desk would: a staff sender, and (when required) our server's pass.

    With the HMAC ``secret`` (and ``security.reply_addresses`` on), a mail to a case's staff
    reply address counts as vouched for by its token, as in the daemon.
    """
    mail = parse_mail(raw, received_at=datetime.now(UTC), strip=strip_quoted, assume_tz=rules.calendar.timezone).mail
    sender = mail.sender.email if mail.sender else ""
    staff = sender in rules.staff
    security = rules.security
    report = inspect(mail, security.authserv_ids, security.exchange_tenant_id)
    token = read_reply_address(mail, rules.addresses, secret)[1] if secret and security.reply_addresses else None
    if not security.require_authentication:
        report = replace(report, verdict=AuthVerdict(True, "security.require_authentication is false in rules.yaml"))
    elif token is not None and token.audience == "staff":
        why = f"sent to the staff reply address of case {token.ref} (its token is valid; the case must exist)"
        report = replace(report, verdict=AuthVerdict(True, why))
    obeyed = staff and report.verdict.ok
    return AuthCheck(sender, staff, security.require_authentication, security.authserv_ids, report, obeyed)


def as_text(check: AuthCheck) -> str:
    """The verdict for an administrator, one finding a line."""
    report = check.report
    lines = [
        f"sender: {check.sender or '(none)'} ({'staff in rules.yaml' if check.staff else 'NOT staff in rules.yaml'})",
        f"require_authentication: {'yes' if check.required else 'no'}",
        f"trusted authserv-ids (security.authserv_ids): {', '.join(check.authserv_ids) or '(none)'}",
        f"topmost Authentication-Results from: {report.authserv_id or '(no readable header)'}",
    ]
    lines += [f"  {r.method}={r.result}" + (f" for {r.domain}" if r.domain else "") for r in report.results]
    lines.append(f"verdict: {'OBEYED' if check.obeyed else 'NOT OBEYED'}")
    if not check.staff:
        lines.append("  the sender is not a member of staff: the mail is read as a customer's")
    lines.append(f"  reason: {report.verdict.reason}")
    if not report.verdict.ok and report.verdict.fix:
        lines.append(f"  to fix: {report.verdict.fix}")
        lines.append(f"  see {README_SECTION}")
    return "\n".join(lines)


def as_json(check: AuthCheck) -> dict[str, Any]:
    """The verdict as data, for scripts."""
    return {
        "sender": check.sender,
        "staff": check.staff,
        "require_authentication": check.required,
        "authserv_ids": list(check.authserv_ids),
        "authserv_id": check.report.authserv_id,
        "results": [asdict(r) for r in check.report.results],
        "authenticated": check.report.verdict.ok,
        "reason": check.report.verdict.reason,
        "fix": check.report.verdict.fix,
        "obeyed": check.obeyed,
    }
