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


# --- Microsoft 365: Exchange Online's own word for mail within the tenant -------------------------

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def exchange_mail(auth_as: str, tenant: str = TENANT, sender: str = "medewerker1@example.nl") -> bytes:
    """A staff member's mail as Exchange Online delivers it inside the tenant: its organisation headers,
    and (for internal mail) an Authentication-Results without a server name, or none at all."""
    headers = (
        f"X-MS-Exchange-Organization-AuthAs: {auth_as}\n"
        "X-MS-Exchange-Organization-AuthSource: AM0PR01MB1234.eurprd01.prod.exchangelabs.com\n"
        f"X-MS-Exchange-CrossTenant-id: {tenant}\n"
        f"Authentication-Results: {MICROSOFT}\n"
    )
    return headers.encode() + compose_mail(sender, "klacht@example.nl", "RE: dossier", "#urgent")


def test_microsoft_365_mail_from_within_our_tenant_is_trusted_when_the_tenant_is_named() -> None:
    report = inspect(parsed(exchange_mail("Internal")), OURS, TENANT.upper())
    assert report.verdict.ok and "eigen tenant" in report.verdict.reason
    assert report.authserv_id == "Microsoft 365 (Exchange Online)"
    # Without the tenant in rules.yaml the same mail is judged on its Authentication-Results: refused.
    assert not inspect(parsed(exchange_mail("Internal")), OURS).verdict.ok


@pytest.mark.parametrize(
    ("auth_as", "tenant", "reason", "fix"),
    [
        ("Anonymous", TENANT, "van buiten de organisatie", "eigen mailbox van de organisatie"),
        ("Internal", "0f0f0f0f-0000-4000-8000-000000000000", "een andere tenant", "security.exchange_tenant_id"),
    ],
)
def test_microsoft_365_mail_from_outside_or_another_tenant_is_refused(
    auth_as: str, tenant: str, reason: str, fix: str
) -> None:
    verdict = inspect(parsed(exchange_mail(auth_as, tenant)), OURS, TENANT).verdict
    assert not verdict.ok and reason in verdict.reason and fix in verdict.fix


def test_without_exchange_headers_our_servers_word_still_counts() -> None:
    raw = staff_mail(f"{OURS[0]}; dkim=pass header.d=example.nl header.s=mail")
    assert inspect(parsed(raw), OURS, TENANT).verdict.ok
    assert not inspect(parsed(staff_mail()), OURS, TENANT).verdict.ok


@pytest.mark.integration
def test_a_command_sent_within_our_microsoft_365_tenant_is_obeyed(dovecot, smtp_sink, tmp_path) -> None:
    from conftest import Bot, rules_copy

    rules = rules_copy(
        tmp_path,
        "  require_authentication: true\n",
        f"  require_authentication: true\n  exchange_tenant_id: {TENANT}\n",
    )
    bot = Bot(dovecot, smtp_sink, tmp_path / "data", rules_path=rules)
    bot.deliver(compose_mail("klant@example.net", "klacht@example.nl", "Camera", "De camera is kapot. Slecht."))
    bot.run_once()
    notice = bot.received("coordinator@example.nl")[-1]

    def answer(auth_as: str) -> None:
        reply = compose_mail(
            "medewerker1@example.nl",
            "klacht@example.nl",
            f"RE: {notice['Subject']}",
            "#urgent",
            in_reply_to=notice["Message-ID"],
        )
        headers = exchange_mail(auth_as).split(b"From:", 1)[0]  # the organisation headers alone
        bot.deliver(headers + reply)
        bot.run_once()

    store = bot.store()
    (case,) = store.cases()
    answer("Anonymous")  # a forger outside the tenant: the header firewall stamps them Anonymous
    assert not store.case(case.id).urgent
    answer("Internal")
    assert store.case(case.id).urgent
    confirmations = [m for m in bot.received("medewerker1@example.nl") if "Uitgevoerd" in str(m["Subject"])]
    assert len(confirmations) == 1
