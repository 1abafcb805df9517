"""Which staff mail our server vouches for, and what an admin must fix when it does not (issue 13 items 6, 7)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from mailbot.config import load_rules
from mailbot.demo import compose_mail
from mailbot.mail.authcheck import as_json, as_text, check_auth
from mailbot.mail.authentication import inspect
from mailbot.mail.parse import parse_mail
from mailbot.mail.quotes import strip_quoted

RULES = load_rules(Path(__file__).resolve().parent.parent / "rules.yaml")
OURS = RULES.security.authserv_ids
# What Exchange Online writes: no authserv-id, so nothing tells it from a forger's header.
MICROSOFT = (
    "spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.nl; dkim=pass (signature was verified) "
    "header.d=example.nl;dmarc=pass action=none header.from=example.nl;compauth=pass reason=100"
)


def staff_mail(*results: str, sender: str = "medewerker1@example.nl") -> bytes:
    raw = compose_mail(sender, "klacht@example.nl", "RE: dossier", "#urgent")
    return b"".join(f"Authentication-Results: {r}\n".encode() for r in results) + raw


def parsed(raw: bytes):
    return parse_mail(raw, received_at=datetime.now(UTC), strip=strip_quoted).mail


@pytest.mark.parametrize(
    ("results", "method"),
    [
        (f"{OURS[0]}; dkim=pass header.d=example.nl header.s=mail", "dkim"),
        (f"{OURS[0]}; dmarc=pass (p=reject) header.from=example.nl", "dmarc"),
        (f"{OURS[0]}; spf=pass smtp.mailfrom=medewerker1@example.nl", "spf"),
    ],
)
def test_a_pass_for_the_senders_domain_from_our_server_is_trusted(results: str, method: str) -> None:
    report = inspect(parsed(staff_mail(results)), OURS)
    assert report.verdict.ok and report.verdict.reason == f"{method}=pass voor example.nl"
    assert report.authserv_id == OURS[0] and report.results[0].method == method


@pytest.mark.parametrize(
    ("results", "reason", "fix"),
    [
        ((), "geen Authentication-Results", f"onder de naam {OURS[0]}"),
        ((MICROSOFT,), "onleesbaar", "security.reply_addresses"),
        (("mx.elders.example; dkim=pass header.d=example.nl",), "(mx.elders.example)", "security.authserv_ids"),
        ((f"{OURS[0]}; dkim=fail header.d=example.nl",), "dkim=fail (example.nl)", "DKIM-handtekening"),
    ],
)
def test_each_refusal_names_what_an_administrator_must_fix(results: tuple[str, ...], reason: str, fix: str) -> None:
    verdict = inspect(parsed(staff_mail(*results)), OURS).verdict
    assert not verdict.ok and reason in verdict.reason and fix in verdict.fix


def test_check_auth_needs_a_staff_sender_as_well() -> None:
    trusted = check_auth(staff_mail(f"{OURS[0]}; dkim=pass header.d=example.nl"), RULES)
    assert trusted.obeyed and "verdict: OBEYED" in as_text(trusted)
    stranger = check_auth(staff_mail(f"{OURS[0]}; dkim=pass header.d=example.net", sender="iemand@example.net"), RULES)
    assert (stranger.staff, stranger.report.verdict.ok, stranger.obeyed) == (False, True, False)
    assert "NOT staff in rules.yaml" in as_text(stranger) and as_json(stranger)["obeyed"] is False
