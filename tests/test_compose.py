"""Tests for rendering templates into outgoing Dutch mail (mailbot.mail.compose)."""

from __future__ import annotations

import calendar
import email
import re
from datetime import UTC, date, datetime
from email import policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from jinja2.exceptions import SecurityError

from mailbot.cases.work import template_context
from mailbot.config import load_rules
from mailbot.mail.compose import Composer, TemplateError, clean_header, to_html
from mailbot.mail.parse import parse_mail
from mailbot.mail.quotes import strip_quoted
from mailbot.models import Address, Case, Category, Level, OutgoingMail, SubjectType

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules(ROOT / "rules.yaml")
TEMPLATES = ROOT / "templates"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
REF = "KL-2026-0042"
NOW = datetime(2026, 12, 7, 9, 20, tzinfo=UTC)
CUSTOMER = Address("petra.devries@example.com", "Petra de Vries")
CUSTOMER_MAIL_ID = "<CAF=klacht-42@mail.example.com>"
CUSTOMER_REFERENCES = ("<eerder-1@mail.example.com>",)
TEAM = Address("klantenservice@example.nl", "Team Klantenservice")

# Dates whose weekdays are checked against the calendar below, not taken from babel.
RECEIVED = datetime(2026, 12, 7, 10, 15, tzinfo=AMSTERDAM)
ACK_DUE = datetime(2026, 12, 10, 17, 0, tzinfo=AMSTERDAM)
SOLUTION_DUE = datetime(2026, 12, 21, 17, 0, tzinfo=AMSTERDAM)
RECEIVED_NL = "maandag 7 december 2026 om 10.15 uur"
ACK_DUE_NL = "donderdag 10 december 2026"
SOLUTION_DUE_NL = "maandag 21 december 2026"

CUSTOMER_TEMPLATES = (
    "ack_complaint",
    "ack_escalation",
    "compliment_thanks",
    "complaint_recorded",
    "referral",
    "solution_proposal",
    "solution_confirmed",
    "appeal_decision",
    "not_handled",
    "satisfaction_check",
    "meeting_invitation",
    "agreements_letter",
    "extension_notice",
    "interim_update",
    "ack_neutral",
)
STAFF_TEMPLATES = (
    "compliment_forward",
    "notify_escalation",
    "notify_new",
    "notify_stranger",
    "notify_reply",
    "deadline_reminder",
    "deadline_passed",
    "agreement_due",
    "agreement_overdue",
    "improvement_request",
    "assigned",
    "command_result",
    "triage_request",
    "verdict_reminder",
    "answer_read",
    "dispute_flag",
    "notify_followup",
    "forward_registered",
    "contact_missing",
    "interim_update_ask",
    "letter_to_post",
)
# The digest, the quarantine notice, a backlog's summaries (tests/test_backlog.py) and the question
# whose forward it is (tests/test_forwards.py) belong to no case;
# the dossier, the KPI report and the yearly report are HTML: tested on their own.
OTHER_TEMPLATES = (
    "digest",
    "dossier.html",
    "report.html",
    "annual_report.html",
    "forward_ask",
    "quarantine_notice",
    "failure_notice",
    "late_deadlines",
    "backfill_registered",
)
LEVEL_NAMES = {
    Level.FIRST_LINE: "klacht",
    Level.FORMAL: "formele klacht",
    Level.APPEAL: "beroep",
    Level.DISPUTE: "geschil",
}


def test_the_sample_dates_fall_on_the_weekdays_the_tests_expect() -> None:
    assert calendar.day_name[date(2026, 12, 7).weekday()] == "Monday"
    assert calendar.day_name[date(2026, 12, 10).weekday()] == "Thursday"
    assert calendar.day_name[date(2026, 12, 21).weekday()] == "Monday"


def make_case(
    *,
    customer: Address = CUSTOMER,
    subject: str = "Monteur niet gekomen",
    category: Category = Category.COMPLAINT,
    level: Level = Level.FIRST_LINE,
    urgent: bool = False,
    subject_type: SubjectType = SubjectType.SERVICE,
    ref: str = REF,
    case_id: int = 42,
) -> Case:
    return Case(
        id=case_id,
        ref=ref,
        category=category,
        level=level,
        urgent=urgent,
        subject_type=subject_type,
        status="open",
        customer=customer,
        subject=subject,
        owner_team="klantenservice",
        owner_email="medewerker1@example.nl",
        received_at=RECEIVED.astimezone(UTC),
        ack_due=ACK_DUE.astimezone(UTC),
        ack_sent_at=None,
        solution_due=SOLUTION_DUE.astimezone(UTC),
        answered=False,
    )


def context(case: Case, excerpt: str = "De monteur is niet gekomen. Niemand heeft gebeld.") -> dict[str, Any]:
    """The context cases/work.py gives templates, with every template's own extras filled in."""
    from mailbot.models import Agreement

    return template_context(
        case,
        RULES,
        AMSTERDAM,
        excerpt=excerpt,
        rules_fired="dissatisfied",
        compliment_for="Jan de Vries (Team Klantenservice)",
        other=make_case(ref="KL-2026-0007", case_id=7, customer=Address("ander@example.com", "")),
        meeting=case.subject_type == SubjectType.BEHAVIOUR,
        channel="telefonisch",
        solution="Wij vervangen de camera kosteloos.",
        meeting_at="dinsdag 8 december 2026 om 14.00 uur",
        meeting_form="kantoor",
        meeting_place="Stationsplein 1, Utrecht",
        meeting_with="J. de Vries",
        meeting_with_many=False,
        due_before=SOLUTION_DUE_NL,
        due_after="maandag 4 januari 2027",
        extension_reason="Wij wachten op het rapport van de installateur",
        consent=False,
        agreements=[Agreement(1, case.id, "Nieuwe camera plaatsen", "2026-12-15", "medewerker1@example.nl")],
        deadline_name="oplossing",
        deadline=SOLUTION_DUE_NL,
        text="Nieuwe camera plaatsen",
        date="2026-12-15",
        assigned_by="medewerker2@example.nl",
        done=["Status: in behandeling"],
        errors=[],
        mentions=[],
        refused=False,
        help="",
        summary="De sleutelkluis gaat niet open.",
        contact_date="maandag 7 december 2026",
        guess="compliment",
        confidence="45%",
        explanation="Herkend als compliment: lof voor een medewerker ('erg blij mee')",
        answer="unclear",
        reason="de klant stelt een vraag terug",
        next_level="formele klacht",
        words="advocaat",
        new=make_case(ref="KL-2026-0009", case_id=9),
        waiting_since="maandag 7 december 2026",
        contact_within="3 werkdagen",
        bot_address="klacht@example.nl",
        standard_at="dinsdag 15 december 2026 om 8.30 uur",
        happened=["Op dinsdag 8 december 2026 hebben wij persoonlijk contact met u gehad."],
        owner_text="",
        letter_subject="Ontvangstbevestiging van uw klacht: Camera",
        address_lines=("Jan Jansen", "Dorpsstraat 1", "1234 AB Dorp"),
        acknowledges=True,
    )


@pytest.fixture
def composer() -> Composer:
    return Composer(TEMPLATES, RULES)


def build(
    composer: Composer,
    template: str,
    case: Case | None = None,
    *,
    ctx: dict[str, Any] | None = None,
    to: tuple[Address, ...] | None = None,
    automatic: bool | None = None,
    in_reply_to: str | None = CUSTOMER_MAIL_ID,
) -> OutgoingMail:
    case = case or make_case()
    customer = template in CUSTOMER_TEMPLATES
    return composer.build(
        kind="ack" if customer else "notify",
        template=template,
        context=ctx or context(case),
        to=list(to or ((case.customer,) if customer else (TEAM,))),
        ref=case.ref,
        now=NOW,
        not_before=NOW,
        automatic=customer if automatic is None else automatic,
        in_reply_to=in_reply_to if customer else None,
        references=CUSTOMER_REFERENCES if customer else (),
    )


def parsed(out: OutgoingMail) -> EmailMessage:
    message = email.message_from_bytes(out.raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def header_names(raw: bytes) -> list[str]:
    """The names of the top-level header lines, read from the bytes themselves."""
    head = raw.split(b"\r\n\r\n", 1)[0]
    return [line.split(b":", 1)[0].decode().lower() for line in head.split(b"\r\n") if line[:1] not in (b" ", b"\t")]


# --- every template -------------------------------------------------------------------------


def test_the_template_folder_holds_the_templates_under_test() -> None:
    found = {p.stem for p in TEMPLATES.glob("*.j2") if not p.name.startswith("_")}
    assert found == set(CUSTOMER_TEMPLATES + STAFF_TEMPLATES + OTHER_TEMPLATES)


def test_composer_check_accepts_every_template(composer: Composer) -> None:
    composer.check(CUSTOMER_TEMPLATES + STAFF_TEMPLATES)


@pytest.mark.parametrize("template", CUSTOMER_TEMPLATES + STAFF_TEMPLATES)
def test_every_template_is_formal_dutch_with_the_reference(composer: Composer, template: str) -> None:
    subject, body = composer.render(template, context(make_case()))
    words = set(re.findall(r"\w+", f"{subject}\n{body}".lower()))

    assert not words & {"je", "jij", "jou", "jouw", "jullie", "jouzelf"}, "informal address"
    assert words & {"de", "het", "een", "van"}, "not Dutch"
    assert not words & {"the", "your", "dear", "regards", "please"}, "English"
    assert REF in body
    assert subject and "\n" not in subject
    assert "{{" not in body and "{%" not in body
    assert not re.search(r"\n\s*\n\s*\n", body), "more than one blank line"


@pytest.mark.parametrize("template", CUSTOMER_TEMPLATES)
def test_customer_mail_addresses_the_customer_as_u(composer: Composer, template: str) -> None:
    _, body = composer.render(template, context(make_case()))
    words = re.findall(r"\w+", body.lower())

    assert body.startswith("Geachte Petra de Vries,\n")
    assert "u" in words or "uw" in words
    # The decision on an appeal is the director's letter, signed as the director (test_decisions.py).
    signed = RULES.organisation if template == "appeal_decision" else RULES.signature.rstrip().splitlines()[-1]
    assert body.rstrip().endswith(signed)
    assert "Met vriendelijke groet," in body


def test_customer_without_a_name_is_greeted_formally(composer: Composer) -> None:
    case = make_case(customer=Address("petra.devries@example.com", ""))
    _, body = composer.render("ack_complaint", context(case))
    assert body.startswith("Geachte heer, mevrouw,\n")


@pytest.mark.parametrize("template", STAFF_TEMPLATES)
def test_staff_mail_has_no_customer_greeting(composer: Composer, template: str) -> None:
    _, body = composer.render(template, context(make_case()))
    assert "Geachte" not in body
    assert f"dossier {REF} toe te voegen" in body


def test_acknowledgement_gives_the_dates_in_dutch(composer: Composer) -> None:
    subject, body = composer.render("ack_complaint", context(make_case()))

    assert subject == "Ontvangstbevestiging van uw klacht: Monteur niet gekomen"
    assert f"Wij hebben uw klacht ontvangen op {RECEIVED_NL}." in body
    assert f"uiterlijk {SOLUTION_DUE_NL} hebben opgelost" in body
    assert "Team Klantenservice behandelt uw klacht" in body


def test_staff_notification_gives_both_deadlines(composer: Composer) -> None:
    subject, body = composer.render("notify_new", context(make_case(urgent=True)))

    assert subject == "URGENT: Nieuwe klacht: Monteur niet gekomen"
    assert f"- Ontvangstbevestiging uiterlijk: {ACK_DUE_NL}\n" in body
    assert f"- Oplossing uiterlijk: {SOLUTION_DUE_NL}\n" in body
    assert f"- Ontvangen: {RECEIVED_NL}\n" in body
    assert "- Van: Petra de Vries <petra.devries@example.com>\n" in body


def test_acknowledgement_mentions_urgency_and_behaviour(composer: Composer) -> None:
    plain = composer.render("ack_complaint", context(make_case()))[1]
    special = composer.render("ack_complaint", context(make_case(urgent=True, subject_type=SubjectType.BEHAVIOUR)))[1]

    assert "voorrang" not in plain and "leidinggevende" not in plain
    assert "Uw bericht heeft bij ons voorrang gekregen." in special
    assert "gesprek met de leidinggevende van deze medewerker" in special


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (Level.FORMAL, "Team Klantenservice bekijkt uw klacht opnieuw."),
        # The appeal's handler as the policy names it (next_steps.appeal), with its article.
        (Level.APPEAL, "De directeur van bedrijfsonderdeel Beveiliging beoordeelt uw beroep."),
        (Level.DISPUTE, "onafhankelijke instantie"),
    ],
)
def test_escalation_acknowledgement_per_level(composer: Composer, level: Level, expected: str) -> None:
    subject, body = composer.render("ack_escalation", context(make_case(category=Category.ESCALATION, level=level)))
    assert subject == f"Ontvangstbevestiging: {LEVEL_NAMES[level]} over Monteur niet gekomen"
    assert expected in body
    assert f"uiterlijk {SOLUTION_DUE_NL}" in body


# --- the mail around the text ---------------------------------------------------------------


def test_customer_mail_headers(composer: Composer) -> None:
    out = build(composer, "ack_complaint")
    message = parsed(out)

    assert message["Subject"] == f"[{REF}] Ontvangstbevestiging van uw klacht: Monteur niet gekomen"
    assert out.subject == message["Subject"]
    assert message["From"].addresses[0].addr_spec == "klacht@example.nl"
    assert message["From"].addresses[0].display_name == "Veilig & Zeker Beveiliging B.V."
    assert [a.addr_spec for a in message["To"].addresses] == ["petra.devries@example.com"]
    assert message["To"].addresses[0].display_name == "Petra de Vries"
    # The case, a nonce and an HMAC of both (msgid.py).
    assert re.fullmatch(rf"<{REF}\.[0-9a-f]{{12}}\.[0-9a-f]{{20}}@example\.nl>", message["Message-ID"])
    assert message["Message-ID"] == out.message_id
    assert message["In-Reply-To"] == CUSTOMER_MAIL_ID
    assert message["References"].split() == [*CUSTOMER_REFERENCES, CUSTOMER_MAIL_ID]
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["X-Auto-Response-Suppress"] == "All"
    assert parsedate_to_datetime(message["Date"]) == NOW
    assert out.recipients == ("petra.devries@example.com",)
    assert out.sender == "klacht@example.nl"
    assert out.automatic is True


def test_staff_mail_is_auto_generated_without_threading_headers(composer: Composer) -> None:
    out = build(composer, "notify_new")
    message = parsed(out)

    assert message["Auto-Submitted"] == "auto-generated"
    assert message["In-Reply-To"] is None and message["References"] is None
    assert message["Subject"] == f"[{REF}] Nieuwe klacht: Monteur niet gekomen"
    assert out.automatic is False


def test_every_message_gets_its_own_id(composer: Composer) -> None:
    first, second = build(composer, "ack_complaint"), build(composer, "ack_complaint")
    assert first.message_id != second.message_id
    assert first.message_id.endswith("@example.nl>") and first.message_id.startswith(f"<{REF}.")


def test_subject_that_already_has_the_tag_gets_it_once(composer: Composer) -> None:
    out = build(composer, "ack_complaint", make_case(subject=f"Re: [{REF}] Monteur niet gekomen"))
    assert out.subject.count(f"[{REF}]") == 1


def test_multipart_alternative_with_text_and_html(composer: Composer) -> None:
    out = build(composer, "ack_complaint")
    message = parsed(out)

    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    text, page = (p.get_content() for p in parts)
    assert parts[0].get_content_charset() == "utf-8"
    assert f"ontvangen op {RECEIVED_NL}" in text
    assert f"ontvangen op {RECEIVED_NL}" in page
    assert '<html lang="nl">' in page
    assert "Klachtencoördinatie" in text and "Klachtencoördinatie" in page
    assert "Veilig &amp; Zeker Beveiliging B.V." in page


def test_html_escapes_what_the_customer_wrote(composer: Composer) -> None:
    case = make_case(
        customer=Address("petra.devries@example.com", "<script>alert('naam')</script>"), subject="<b>Monteur</b>"
    )
    out = build(
        composer,
        "notify_new",
        case,
        ctx=context(case, excerpt="Zie <script>alert('tekst')</script> & <img src=x onerror=alert(1)>"),
    )
    page = list(parsed(out).iter_parts())[1].get_content()

    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&#x27;naam&#x27;)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(&#x27;tekst&#x27;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;" in page
    assert "<title>[KL-2026-0042] Nieuwe klacht: &lt;b&gt;Monteur&lt;/b&gt;</title>" in page


def test_to_html_makes_paragraphs_and_lists() -> None:
    page = to_html("Eerste regel\ntweede regel\n\n- een\n- twee & drie\n", "Titel <x>")
    assert "<p>Eerste regel<br>\ntweede regel</p>" in page
    assert "<ul><li>een</li><li>twee &amp; drie</li></ul>" in page
    assert "<title>Titel &lt;x&gt;</title>" in page


# --- header injection -------------------------------------------------------------------------------

# Subject: =?UTF-8?Q?x=0ABcc:_evil@example.org?= decodes to "x", a line break, "Bcc: ...";
# encoded once more, it decodes to that literal encoded word, which the email package would
# decode again when the value is set on an outgoing message.
ENCODED = "=?UTF-8?Q?x=0ABcc:_evil@example.org?="
DOUBLE_ENCODED = "=?UTF-8?Q?=3D=3FUTF-8=3FQ=3Fx=3D0ABcc=3A=5Fevil=40example.org=3F=3D?="


def _from_customer(subject: str, message_id: str = "<gewoon-1@mail.example.com>", name: str = "Petra") -> Any:
    raw = (
        f"From: {name} <petra.devries@example.com>\r\nTo: klacht@example.nl\r\nSubject: {subject}\r\n"
        f"Message-ID: {message_id}\r\nDate: Mon, 07 Dec 2026 10:15:00 +0100\r\n\r\nDe camera werkt niet.\r\n"
    ).encode()
    return parse_mail(raw, received_at=NOW, strip=strip_quoted).mail


def _assert_no_injection(out: OutgoingMail) -> None:
    names = header_names(out.raw)
    assert "bcc" not in names
    assert names.count("subject") == 1
    assert names.count("to") == 1
    assert names.count("in-reply-to") <= 1
    message = parsed(out)
    assert message["Bcc"] is None
    assert len(message.get_all("Subject") or []) == 1
    assert [a.addr_spec for a in message["To"].addresses] == list(out.recipients)
    head = out.raw.split(b"\r\n\r\n", 1)[0]
    assert not re.search(rb"(?im)^bcc\s*:", head)
    assert b"\n" not in head.replace(b"\r\n", b"")  # no bare line break either


@pytest.mark.parametrize(
    "subject",
    [
        "Klacht\r\nBcc: evil@example.org",
        "Klacht\nBcc: evil@example.org",
        "Klacht\u2028Bcc: evil@example.org",
        ENCODED,
        "Klacht " + ENCODED,
    ],
)
def test_subject_cannot_add_a_header(composer: Composer, subject: str) -> None:
    for template in ("ack_complaint", "notify_new"):
        _assert_no_injection(build(composer, template, make_case(subject=subject)))


@pytest.mark.parametrize(
    "name",
    ["Petra\r\nBcc: evil@example.org", 'Petra", evil@example.org, "x', ENCODED, "Petra " + ENCODED],
)
def test_customer_name_cannot_add_a_header_or_recipient(composer: Composer, name: str) -> None:
    case = make_case(customer=Address("petra.devries@example.com", name))
    out = build(composer, "ack_complaint", case)
    _assert_no_injection(out)
    assert [a.addr_spec for a in parsed(out)["To"].addresses] == ["petra.devries@example.com"]


def test_encoded_subject_from_a_real_mail_cannot_add_a_header(composer: Composer) -> None:
    for subject in (ENCODED, DOUBLE_ENCODED):
        mail = _from_customer(subject)
        assert "evil@example.org" in mail.subject
        _assert_no_injection(build(composer, "ack_complaint", make_case(subject=mail.subject)))


def test_encoded_message_id_from_a_real_mail_cannot_add_a_header(composer: Composer) -> None:
    ids = [_from_customer("Klacht", message_id=f"<{w}@evil.example>").message_id for w in (ENCODED, DOUBLE_ENCODED)]
    # However the parser treats the id, one of them reaches us as a literal encoded word.
    assert any("=?UTF-8?Q?x=0ABcc:_evil@example.org?=" in mid for mid in ids)
    for mid in ids:
        out = build(composer, "ack_complaint", in_reply_to=mid)
        _assert_no_injection(out)
        assert header_names(out.raw).count("references") == 1


def test_encoded_name_from_a_real_mail_cannot_add_a_header(composer: Composer) -> None:
    mail = _from_customer("Klacht", name=DOUBLE_ENCODED)
    assert mail.sender is not None
    _assert_no_injection(build(composer, "ack_complaint", make_case(customer=mail.sender)))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Klacht\r\nBcc: evil@example.org", "Klacht Bcc: evil@example.org"),
        ("a\tb\x00c\x7fd\u2028e\u2029f\x85g", "a b c d e f g"),
        ("  veel    ruimte  ", "veel ruimte"),
        ("Prijs =?", "Prijs = ?"),
    ],
)
def test_clean_header(value: str, expected: str) -> None:
    assert clean_header(value) == expected


def test_clean_header_leaves_no_encoded_word() -> None:
    assert "=?" not in clean_header(f"a {ENCODED} b {DOUBLE_ENCODED}")


# --- the sandbox ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ case.__class__.__init__.__globals__ }}",
        "{{ case.customer.__dict__ }}",
    ],
)
def test_sandbox_refuses_python_internals(tmp_path: Path, expression: str) -> None:
    subject = "{% if false %}{% block subject %}Onderwerp{% endblock %}{% endif -%}\n"
    (tmp_path / "kwaad.j2").write_text(f"{subject}{expression}\n")
    (tmp_path / "goed.j2").write_text(subject + "Dossier {{ case.ref }}\n")
    composer = Composer(tmp_path, RULES)

    assert composer.render("goed", context(make_case())) == ("Onderwerp", f"Dossier {REF}\n")
    with pytest.raises(TemplateError) as info:
        composer.render("kwaad", context(make_case()))
    assert isinstance(info.value.__cause__, SecurityError)


def test_template_with_a_syntax_error_is_refused_at_check(tmp_path: Path) -> None:
    (tmp_path / "kapot.j2").write_text("{% block subject %}x{% endblock %}\nRegel twee\n{% if %}\n")
    with pytest.raises(TemplateError, match=r"kapot\.j2:3:"):
        Composer(tmp_path, RULES).check(["kapot"])


def test_missing_context_value_fails_instead_of_rendering_blank(composer: Composer) -> None:
    values = context(make_case())
    del values["solution_due"]
    with pytest.raises(TemplateError, match="solution_due"):
        composer.render("ack_complaint", values)


# --- the mail as written, for any text ---------------------------------------------------------

# Pieces random values are made of: control characters and line breaks, RFC 5322 specials,
# encoded-word lookalikes, and non-ASCII text from accents to astral emoji and combining marks.
PIECES = (
    *"aZ0 _=?()<>[]:;@\\,.\"'&-~{}*!%/",
    *"\t\r\n\x00\x0b\x0c\x1b\x1c\x7f\x85\u2028\u2029",
    *"éëöøß中文😀\u0301\u200b\ufeff\u202e\ufffdא",
    "\r\n",
    "  ",
    "=?",
    "?=",
    ENCODED,
    DOUBLE_ENCODED,
    "=?utf-8?b?QmNjOiBldmls?=",
    "Bcc: evil@example.org",
    "Petra",
    "de Vries",
    "B.V.",
)
FUZZ_TEMPLATE = "{% if false %}{% block subject %}{{ subj }}{% endblock %}{% endif -%}\n{{ body }}\n"
FUZZ_ADDRESSES = ("petra@example.com", "jan.de.vries@mail.example.nl", "x+tag@a-b.example.org", "o'brien@example.ie")


def _random_text(rng: Any, longest: int) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, longest)))


def _assert_well_formed(raw: bytes) -> None:
    """7-bit, CRLF line ends only, no line over 998 characters, and quoted-printable parts."""
    assert raw.isascii()
    assert b"\r" not in raw.replace(b"\r\n", b"") and b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    assert raw.count(b"Content-Transfer-Encoding: quoted-printable\r\n") == 2


def test_random_names_subjects_and_ids_read_back_as_their_cleaned_values(tmp_path: Path) -> None:
    import random

    (tmp_path / "fuzz.j2").write_text(FUZZ_TEMPLATE)
    composer = Composer(tmp_path, RULES)
    rng = random.Random(2026)
    for _ in range(150):  # about 1.5 s; a run of 9,000 found nothing more
        names = [_random_text(rng, rng.choice((3, 10, 40, 60))) for _ in range(rng.randint(1, 3))]
        to = [Address(FUZZ_ADDRESSES[i].replace("@", f"{i}@"), name) for i, name in enumerate(names)]
        values = {"subj": _random_text(rng, rng.choice((5, 20, 80, 400))), "body": _random_text(rng, 300)}
        in_reply_to = _random_text(rng, 20) or None
        references = tuple(_random_text(rng, 15) for _ in range(rng.randint(0, 3)))
        ref = rng.choice((None, REF))
        out = composer.build(
            kind="ack",
            template="fuzz",
            context=values,
            to=to,
            ref=ref,
            now=NOW,
            not_before=NOW,
            automatic=True,
            in_reply_to=in_reply_to,
            references=references,
        )
        case = repr((names, values, in_reply_to, references))

        _assert_well_formed(out.raw)
        expected = ["from", "to", "subject", "date", "message-id"]
        expected += ["in-reply-to", "references"] if in_reply_to else []
        expected += ["auto-submitted", "x-auto-response-suppress", *(["x-mailbot-case"] if ref else [])]
        assert header_names(out.raw) == [*expected, "mime-version", "content-type"], case
        message = parsed(out)
        subject, text = composer.render("fuzz", values)
        if ref is not None and f"[{ref}]" not in subject:
            subject = f"[{ref}] {subject}"
        assert message["Subject"] == out.subject == clean_header(subject), case
        assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [
            (clean_header(a.name), a.email) for a in to
        ], case
        assert message["From"].addresses[0].display_name == "Veilig & Zeker Beveiliging B.V."
        if in_reply_to:
            assert message["In-Reply-To"] == clean_header(in_reply_to), case
            expected_refs = " ".join(clean_header(r) for r in (*references, in_reply_to))
            assert message["References"] == clean_header(expected_refs), case
        plain, page = message.iter_parts()
        assert plain.get_content().replace("\r\n", "\n") == text, case
        assert page.get_content().replace("\r\n", "\n") == to_html(text, out.subject), case
        assert message.defects == [] and all(not part.defects for part in (plain, page)), case


def test_long_values_are_folded_and_decode_to_the_whole_value(composer: Composer) -> None:
    from email.header import decode_header, make_header
    from email.utils import unquote

    names = ("Petra de Vries " * 80, "Pétra de Vriës " * 80, "Ö" * 700, '"Petra", B.V. ' * 80)
    subject = "Klácht over de monteur " * 60
    references = tuple(f"<bericht-{i}.{'x' * 40}@mail.example.com>" for i in range(30))
    to = tuple(Address(f"klant{i}@example.com", name) for i, name in enumerate(names))
    case = make_case(subject=subject)
    out = composer.build(
        kind="ack",
        template="ack_complaint",
        context=context(case),
        to=to,
        ref=REF,
        now=NOW,
        not_before=NOW,
        automatic=True,
        in_reply_to="<laatste@mail.example.com>",
        references=references,
    )

    _assert_well_formed(out.raw)
    head = out.raw.split(b"\r\n\r\n", 1)[0].decode()
    assert max(len(line) for line in head.split("\r\n")) <= 998
    fields = dict(line.split(": ", 1) for line in head.replace("\r\n ", " ").split("\r\n"))
    # Read as RFC 2047 says (whitespace between encoded words does not count), every value is whole.
    assert str(make_header(decode_header(fields["Subject"]))) == out.subject
    assert out.subject == clean_header(f"[{REF}] Ontvangstbevestiging van uw klacht: {subject}")
    mailboxes = re.split(r"(?<=>),? ", fields["To"])
    assert len(mailboxes) == len(names)
    for mailbox, address in zip(mailboxes, to, strict=True):
        phrase = mailbox.rsplit(" <", 1)[0]
        assert mailbox.endswith(f" <{address.email}>")
        decoded = unquote(phrase) if phrase.startswith('"') else str(make_header(decode_header(phrase)))
        assert decoded == clean_header(address.name)
    message = parsed(out)
    assert [a.addr_spec for a in message["To"].addresses] == [a.email for a in to]
    assert message["References"].split() == [*references, "<laatste@mail.example.com>"][-20:]


def test_text_parts_are_quoted_printable_and_keep_every_line(tmp_path: Path) -> None:
    (tmp_path / "fuzz.j2").write_text(FUZZ_TEMPLATE)
    composer = Composer(tmp_path, RULES)
    body = "\n".join(
        [
            "Regel met = teken en een lange regel: " + "woord " * 40,
            ".",
            "From het begin",
            "--=_dit lijkt op de grens",
            "Tab\tin het midden",
            "Ëën zin met accenten én 😀.",
        ]
    )
    out = composer.build(
        kind="ack",
        template="fuzz",
        context={"subj": "Test", "body": body},
        to=[CUSTOMER],
        ref=REF,
        now=NOW,
        not_before=NOW,
        automatic=True,
    )

    _assert_well_formed(out.raw)
    body_lines = out.raw.split(b"\r\n\r\n", 1)[1].split(b"\r\n")
    assert max(len(line) for line in body_lines) <= 76
    plain, page = parsed(out).iter_parts()
    assert plain["Content-Transfer-Encoding"] == "quoted-printable"
    assert plain.get_content().replace("\r\n", "\n") == composer.render("fuzz", {"subj": "Test", "body": body})[1]
    assert "--=_dit lijkt op de grens" in page.get_content()


def test_an_idn_domain_is_written_as_punycode_and_the_mail_stays_ascii(composer: Composer) -> None:
    out = build(composer, "ack_complaint", make_case(customer=Address("petra@exämple.com", "Pétra")))
    _assert_well_formed(out.raw)
    [address] = parsed(out)["To"].addresses
    assert (address.display_name, address.addr_spec) == ("Pétra", "petra@xn--exmple-cua.com")


def test_a_non_ascii_local_part_is_written_in_utf8_as_rfc_6532_allows(composer: Composer) -> None:
    out = build(composer, "ack_complaint", make_case(customer=Address("pétra@exämple.com", "Pétra")))
    head, body = out.raw.split(b"\r\n\r\n", 1)
    assert body.isascii() and "<pétra@exämple.com>".encode() in head  # no encoded word inside an address
    message = email.message_from_string(out.raw.decode("utf-8"), policy=policy.default)
    [address] = message["To"].addresses
    assert (address.display_name, address.addr_spec) == ("Pétra", "pétra@exämple.com")


def test_a_lone_surrogate_becomes_a_replacement_character(composer: Composer) -> None:
    case = make_case(customer=Address("petra@example.com", "P\udce9tra"), subject="Klacht \udce9")
    out = build(composer, "notify_new", case, ctx=context(case, excerpt="Tekst \udce9"))

    _assert_well_formed(out.raw)
    message = parsed(out)
    assert message["Subject"].endswith("Klacht \ufffd")
    assert "Tekst \ufffd" in next(message.iter_parts()).get_content()


def test_a_word_too_long_to_fold_is_encoded_rather_than_overlong(composer: Composer) -> None:
    long_id = f"<{'a' * 1200}@mail.example.com>"
    subject = "Klacht " + "x" * 1000
    out = build(composer, "ack_complaint", make_case(subject=subject), in_reply_to=long_id)

    _assert_well_formed(out.raw)
    message = parsed(out)
    assert message["In-Reply-To"] == long_id
    assert message["References"].split() == [*CUSTOMER_REFERENCES, long_id]
    assert message["Subject"] == out.subject == f"[{REF}] Ontvangstbevestiging van uw klacht: {subject}"


def test_a_text_part_without_a_final_line_break_still_has_only_crlf() -> None:
    from mailbot.mail.mimeparts import text_part

    data = text_part("=_grens", "plain", "é" * 200)
    assert b"\n" not in data.replace(b"\r\n", b"") and max(len(line) for line in data.split(b"\r\n")) <= 76
