"""Wording a coordinator would sign (issue 12, item 9): one word for the reference, Dutch times and
sizes, compliments with their own reference, the quarantine notice in Dutch, no internal statuses."""

from __future__ import annotations

import re
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mailbot.cases.work import template_context
from mailbot.config import ConfigError, load_rules
from mailbot.intake.reasons import reason_nl, too_large
from mailbot.intake.thread import case_prefixes, clean_subject, ref_prefix, tag_in_subject
from mailbot.mail.compose import Composer
from mailbot.models import Address, Case, Category, Level, SubjectType
from mailbot.workdays import format_datetime_nl, format_size_nl, format_time_nl

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
RULES = load_rules(ROOT / "rules.yaml")
ZONE = ZoneInfo("Europe/Amsterdam")
CUSTOMER_TEMPLATES = sorted(
    p for p in TEMPLATES.glob("*.j2") if '{% extends "_base.j2" %}' in p.read_text(encoding="utf-8")
)


def a_case(status: str = "in_progress", category: Category = Category.COMPLAINT, ref: str = "KL-2026-0007") -> Case:
    return Case(
        id=7,
        ref=ref,
        category=category,
        level=Level.FORMAL,
        urgent=False,
        subject_type=SubjectType.SERVICE,
        status=status,
        customer=Address("petra@example.com", "Petra de Vries"),
        subject="Monteur niet gekomen",
        owner_team="klantenservice",
        owner_email="medewerker1@example.nl",
        received_at=datetime(2026, 12, 7, 10, 15, tzinfo=ZONE),
        ack_due=None,
        ack_sent_at=None,
        solution_due=datetime(2026, 12, 21, 17, 0, tzinfo=ZONE),
        answered=True,
    )


# --- one word for the reference in every customer mail ---------------------------------------


@pytest.mark.parametrize("path", CUSTOMER_TEMPLATES, ids=lambda p: p.name)
def test_a_customer_mail_calls_the_reference_klachtnummer(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for word in ("dossiernummer", "dossier", "het nummer", "zaaknummer", "Status:"):
        assert word.lower() not in text.lower(), f"{path.name} says {word!r}"
    if path.name in ("compliment_thanks.j2", "ack_neutral.j2"):
        # A compliment is no complaint (its reference is CO-); the neutral acknowledgement goes
        # out before a person has said what the mail is, so it assumes no complaint.
        return
    for line in text.splitlines():
        # A sentence naming the reference names it klachtnummer (the sentence before may, too).
        if "case.ref }}" in line and "_next_step" not in path.name:
            assert "klachtnummer" in line.lower(), f"{path.name}: {line.strip()}"


@pytest.mark.parametrize("path", CUSTOMER_TEMPLATES, ids=lambda p: p.name)
def test_before_a_date_is_written_with_its_accents(path: Path) -> None:
    assert not re.search(r"\bvoor (die|deze|de) datum\b", path.read_text(encoding="utf-8"))


def test_the_compliment_thanks_uses_no_plural_pronoun_for_one_person() -> None:
    composer = Composer(TEMPLATES, RULES)
    case = a_case(category=Category.COMPLIMENT, ref="CO-2026-0001")
    _, body = composer.render("compliment_thanks", template_context(case, RULES, ZONE, compliment_for="Jan de Vries"))
    words = set(re.findall(r"\w+", body.lower()))
    assert not words & {"zij", "hun", "ze"}
    assert "Jan de Vries" in body and "CO-2026-0001" in body and "klachtnummer" not in body


# --- the interim update speaks the customer's language -------------------------------------


@pytest.mark.parametrize("status", ["open", "in_progress", "waiting", "solution_proposed"])
def test_the_interim_update_shows_no_internal_status(status: str) -> None:
    composer = Composer(TEMPLATES, RULES)
    _, body = composer.render("interim_update", template_context(a_case(status), RULES, ZONE))
    for internal in ("Status", "wacht op klant", "in behandeling", "oplossing voorgesteld", "Dossiernummer"):
        assert internal not in body
    assert "Jan de Vries van Team Klantenservice behandelt uw klacht." in body
    assert ("Wij wachten nog op informatie van u." in body) == (status == "waiting")


# --- times and sizes as Dutch writes them ------------------------------------------------------


def test_times_are_written_with_a_point_and_uur() -> None:
    assert format_time_nl(time(10, 15)) == "10.15 uur"
    assert format_datetime_nl(datetime(2026, 12, 7, 8, 30, tzinfo=ZONE)) == "maandag 7 december 2026 om 8.30 uur"


@pytest.mark.parametrize(
    ("size", "text"),
    [(100, "1 kB"), (2048, "2 kB"), (840_000, "820 kB"), (1536 * 1024, "1,5 MB"), (25 * 1024 * 1024, "25 MB")],
)
def test_sizes_are_written_in_kb_and_mb(size: int, text: str) -> None:
    assert format_size_nl(size) == text


# --- the quarantine notice in Dutch ------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "dutch"),
    [
        (too_large(30_000_000, 26_214_400), "Het bericht is te groot: 28,6 MB, de grens is 25 MB."),
        (too_large(30_000_000, 26_214_400, header_only=True), "Alleen de kop van het bericht is gelezen."),
        ("3 attachments, over the limit of 2", "Het bericht heeft 3 bijlagen. Wij nemen er ten hoogste 2 aan."),
        ("no usable sender address (From missing or not understood)", "geen bruikbaar afzenderadres"),
        ("cannot parse: bad header", "kon niet worden gelezen. Technische melding: bad header"),
        ("#telefonisch from a@example.nl ignored: not authenticated (no dkim)", "#telefonisch van a@example.nl"),
        ("something nobody foresaw", "Technische melding: something nobody foresaw"),
    ],
)
def test_a_quarantine_reason_reaches_the_coordinator_in_dutch(reason: str, dutch: str) -> None:
    assert dutch in reason_nl(reason)
    assert "bytes" not in reason_nl(reason)


def test_the_quarantine_notice_shows_the_size_in_mb() -> None:
    _, body = Composer(TEMPLATES, RULES).render(
        "quarantine_notice",
        {
            "reason": reason_nl(too_large(30_000_000, 26_214_400)),
            "folder": "Quarantaine",
            "sender": "x@example.net",
            "subject": "Groot",
            "size": format_size_nl(30_000_000),
            "set_aside": "maandag 7 december 2026 om 10.15 uur",
            "sha256": "ab" * 32,
            "last_this_hour": False,
            "held_back": 0,
        },
    )
    assert "- Grootte: 28,6 MB" in body and "bytes" not in body


# --- compliments have their own reference -----------------------------------------------------


def test_a_compliment_gets_its_own_prefix_and_replies_to_it_are_recognised() -> None:
    assert ref_prefix(RULES, Category.COMPLIMENT) == RULES.cases.compliment_prefix == "CO"
    assert ref_prefix(RULES, Category.COMPLAINT) == "KL"
    prefixes = case_prefixes(RULES.cases)
    assert tag_in_subject("Re: [co-2026-0003] Bedankt", prefixes) == "CO-2026-0003"
    assert tag_in_subject("Re: [KL-2026-0004] Klacht", prefixes) == "KL-2026-0004"
    assert clean_subject("Re: [CO-2026-0003] Bedankt", prefixes) == "Bedankt"


def test_the_compliment_prefix_must_differ_from_the_complaints(tmp_path: Path) -> None:
    text = (ROOT / "rules.yaml").read_text(encoding="utf-8")
    text = text.replace("  reference_prefix: KL\n", "  reference_prefix: KL\n  compliment_prefix: KL\n")
    path = tmp_path / "rules.yaml"
    path.write_text(text + f"\ntemplates: {TEMPLATES}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="must differ") as caught:
        load_rules(path)
    assert caught.value.line == text.splitlines().index("  compliment_prefix: KL") + 1


def test_the_owners_reminder_names_the_owner_and_team() -> None:
    context = template_context(a_case(), RULES, ZONE, deadline_name="oplossing", deadline="maandag 21 december 2026")
    _, body = Composer(TEMPLATES, RULES).render("deadline_reminder", context)
    assert "- Behandelaar: Jan de Vries (Team Klantenservice)" in body
    assert "B.V.." not in body
