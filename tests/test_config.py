"""Tests for loading rules.yaml and the environment settings (mailbot.config)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta
from pathlib import Path

import pytest

from mailbot.config import ConfigError, Span, load_rules, load_settings, parse_imap_url, parse_smtp_url
from mailbot.models import Level, SubjectType

RULES_PATH = Path(__file__).resolve().parent.parent / "rules.yaml"
RULES_TEXT = RULES_PATH.read_text(encoding="utf-8")
BROKEN_NAME = "kapotte-regels.yaml"


# --- the shipped rules.yaml ---------------------------------------------------------------


def test_shipped_rules_load_with_their_values() -> None:
    rules = load_rules(RULES_PATH)

    assert rules.organisation == "Veilig & Zeker Beveiliging B.V."
    assert rules.domain == "example.nl"
    assert rules.bot_address == "klacht@example.nl"
    assert dict(rules.addresses) == {"klacht@example.nl": "formal", "beveiliging@example.nl": "first_line"}
    assert set(rules.teams) == {"klantenservice", "techniek"}
    assert rules.teams["techniek"].email == "techniek@example.nl"
    assert rules.teams["techniek"].manager == "medewerker3@example.nl"
    assert rules.teams["techniek"].keywords == ("monteur", "installatie", "camera", "alarmsysteem")
    assert [m.name for m in rules.teams["klantenservice"].members] == ["Jan de Vries", "Fatima El Amrani"]
    assert rules.default_team == "klantenservice"
    assert rules.by_type[SubjectType.PRODUCT] == "techniek"
    assert rules.compliments_team == "klantenservice"
    assert rules.deadlines.acknowledge == Span(3, "working_days")
    assert rules.deadlines.solve == Span(2, "weeks")
    assert rules.calendar.timezone == "Europe/Amsterdam"
    assert rules.calendar.working_days == frozenset({0, 1, 2, 3, 4})
    assert rules.calendar.office_hours == (time(8, 30), time(17, 0))
    assert rules.calendar.sending_hours is None
    assert rules.calendar.closure_days == frozenset({date(2026, 12, 24), date(2026, 12, 31)})
    assert rules.mailbox.idle_seconds == 1500
    assert (rules.mailbox.backfill.mode, rules.mailbox.backfill.older_than_days) == ("answer", 14)
    assert rules.cases.reference_prefix == "KL"
    assert rules.cases.auto_reply_window == timedelta(minutes=60)
    assert rules.signature.startswith("Met vriendelijke groet,")


def test_staff_holds_every_address_that_speaks_for_the_organisation() -> None:
    staff = load_rules(RULES_PATH).staff

    for email in (
        "medewerker1@example.nl",
        "medewerker2@example.nl",
        "medewerker3@example.nl",
        "coordinator@example.nl",
        "directeur@example.nl",
        "klacht@example.nl",
        "beveiliging@example.nl",
        "klantenservice@example.nl",
        "techniek@example.nl",
    ):
        assert email in staff
    assert "petra@example.com" not in staff


def test_shipped_rules_keep_their_order_and_levels() -> None:
    rules = load_rules(RULES_PATH).classification.rules
    by_name = {r.name: r for r in rules}

    assert [r.name for r in rules][:3] == ["compliment", "dissatisfied", "not-satisfied-with-answer"]
    assert by_name["appeal"].level == Level.APPEAL
    # Dispute words flag the case; they never lift it to the dispute level (issue 10, item 6).
    assert by_name["dispute"].level is None and by_name["dispute"].when_answered is True
    assert by_name["formal-after-first-line"].to_role == "formal"
    assert by_name["formal-after-first-line"].at_level == Level.FIRST_LINE
    assert by_name["urgent"].negate is False
    assert by_name["not-satisfied-with-answer"].when_answered is True


# --- broken rules.yaml: file, line and reason ------------------------------------------------


def _edit(old: str, new: str) -> str:
    assert RULES_TEXT.count(old) == 1, f"the sample rules.yaml no longer holds {old!r} exactly once"
    return RULES_TEXT.replace(old, new)


def _line_of(text: str, block: str) -> int:
    """The 1-based number of the first line of the one place where ``text`` holds these whole lines.

    ``block`` is usually one line; a line that is not unique by itself is given with the
    lines that follow it.
    """
    lines, wanted = text.splitlines(), block.split("\n")
    numbers = [n + 1 for n in range(len(lines)) if lines[n : n + len(wanted)] == wanted]
    assert len(numbers) == 1, f"{block!r} occurs {len(numbers)} times"
    return numbers[0]


def _refused(tmp_path: Path, text: str) -> ConfigError:
    path = tmp_path / BROKEN_NAME
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_rules(path)
    error = info.value
    assert error.source == str(path)
    assert str(error).startswith(f"{path}:{error.line}: ")
    return error


BROKEN = [
    pytest.param(
        "bot_address: klacht@example.nl\n",
        "bot_address: klacht@example.nl\nbot_adress: klacht@example.nl\n",
        "bot_adress: klacht@example.nl",
        ["unknown key 'bot_adress'", "top level"],
        id="unknown-top-level-key",
    ),
    pytest.param(
        "    manager: medewerker3@example.nl\n",
        "    manager: medewerker3@example.nl\n    leider: medewerker3@example.nl\n",
        "    leider: medewerker3@example.nl",
        ["unknown key 'leider'", "teams.techniek"],
        id="unknown-key-in-team",
    ),
    pytest.param(
        "      - '^(onbestelbaar|",
        "      - '^(onbestelbaar[|",
        next(line for line in RULES_TEXT.splitlines() if line.startswith("      - '^(onbestelbaar|")).replace(
            "onbestelbaar|", "onbestelbaar[|"
        ),
        ["classification.auto.subjects", "bad regular expression"],
        id="bad-regex-auto-subjects",
    ),
    pytest.param(
        "    - name: product\n      subject_type: product\n",
        "    - name: product\n      subject_type: product\n      patterns: ['kapot(']\n",
        "      patterns: ['kapot(']",
        ["rule 'product'", "bad regular expression 'kapot('"],
        id="bad-regex-rule-pattern-flow",
    ),
    pytest.param(
        "    - name: product\n      subject_type: product\n",
        "    - name: product\n      subject_type: product\n      patterns:\n        - 'defect'\n        - 'kapot('\n",
        "        - 'kapot('",
        ["rule 'product'", "bad regular expression 'kapot('"],
        id="bad-regex-rule-pattern-block",
    ),
    pytest.param(
        "    product: techniek\n",
        "    product: technik\n",
        "    product: technik",
        ["unknown team 'technik'", "klantenservice, techniek"],
        id="unknown-team-in-by-type",
    ),
    pytest.param(
        "  acknowledge: 3 working days\n",
        "  acknowledge: 0 working days\n",
        "  acknowledge: 0 working days",
        ["deadlines.acknowledge", "impossible deadline '0 working days'"],
        id="deadline-zero",
    ),
    pytest.param(
        "  acknowledge: 3 working days\n",
        "  acknowledge: -1 days\n",
        "  acknowledge: -1 days",
        ["deadlines.acknowledge", "impossible deadline '-1 days'"],
        id="deadline-negative",
    ),
    pytest.param(
        "  solve: 2 weeks\n",
        "  solve: 2 working days\n",
        "  solve: 2 working days",
        ["deadlines.solve", "cannot end before deadlines.acknowledge"],
        id="solve-shorter-than-acknowledge",
    ),
    pytest.param(
        "  solve: 2 weeks\n",
        "  solve: forever\n",
        "  solve: forever",
        ["deadlines.solve must read like", "'forever'"],
        id="deadline-forever",
    ),
    pytest.param(
        "  solve: 2 weeks\n",
        "  solve: 60 weeks\n",
        "  solve: 60 weeks",
        ["deadlines.solve", "more than a year"],
        id="deadline-over-a-year",
    ),
    pytest.param(
        '  office_hours: "08:30-17:00"\n',
        '  office_hours: "17:00-08:30"\n',
        '  office_hours: "17:00-08:30"',
        ["calendar.office_hours", "must come after the start"],
        id="office-hours-backwards",
    ),
    pytest.param(
        '  office_hours: "08:30-17:00"\n',
        '  office_hours: "8.30 tot 17.00"\n',
        '  office_hours: "8.30 tot 17.00"',
        ["calendar.office_hours must read like '08:30-17:00'"],
        id="office-hours-unreadable",
    ),
    pytest.param(
        "  working_days: [monday, tuesday, wednesday, thursday, friday]\n",
        "  working_days: [monday, tuesday, wensday, thursday, friday]\n",
        "  working_days: [monday, tuesday, wensday, thursday, friday]",
        ["'wensday' is not a weekday"],
        id="unknown-weekday-flow",
    ),
    pytest.param(
        "  working_days: [monday, tuesday, wednesday, thursday, friday]\n",
        "  working_days:\n    - monday\n    - dinsdag\n    - wednesday\n",
        "    - dinsdag",
        ["'dinsdag' is not a weekday"],
        id="unknown-weekday-block",
    ),
    pytest.param(
        "    - 2026-12-31\n",
        "    - 2026-12-31\n    - oudejaarsdag\n",
        "    - oudejaarsdag",
        ["calendar.closure_days", "'oudejaarsdag' is not a date"],
        id="closure-day-not-a-date",
    ),
    pytest.param(
        "  timezone: Europe/Amsterdam\n",
        "  timezone: Europe/Amsterdm\n",
        "  timezone: Europe/Amsterdm",
        ["unknown time zone 'Europe/Amsterdm'"],
        id="bad-timezone",
    ),
    pytest.param(
        "  email: coordinator@example.nl\n",
        "  email: coordinator-at-example.nl\n",
        "  email: coordinator-at-example.nl",
        ["coordinator.email", "'coordinator-at-example.nl' is not a mail address"],
        id="bad-email-coordinator",
    ),
    pytest.param(
        "      - email: medewerker2@example.nl\n",
        "      - email: medewerker2@@example.nl\n",
        "      - email: medewerker2@@example.nl",
        ["teams.klantenservice.members[1].email", "is not a mail address"],
        id="bad-email-member",
    ),
    pytest.param(
        "  beveiliging@example.nl: first_line\n",
        "  beveiliging.example.nl: first_line\n",
        "  beveiliging.example.nl: first_line",
        ["'beveiliging.example.nl' is not a mail address"],
        id="bad-email-address-key",
    ),
    pytest.param(
        "  poll_seconds: 60\n",
        "  poll_seconds: 60\n  quarantine_folder: : Quarantaine\n",
        "  quarantine_folder: : Quarantaine",
        ["not valid YAML", "mapping values are not allowed"],
        id="yaml-syntax-error",
    ),
    pytest.param(
        "  poll_seconds: 60\n",
        "  poll_seconds: [60\n",
        "  poll_seconds: [60",
        ["not valid YAML", "flow sequence"],
        id="yaml-unclosed-bracket",
    ),
    pytest.param(
        # Noticed only at the end of the file; the line the quote opened on is the mistake.
        "installatie, apparatuur]\n",
        "installatie, 'apparatuur]\n",
        "                app, toegangspas, slot, installatie, 'apparatuur]",
        ["not valid YAML", "quoted scalar"],
        id="yaml-unclosed-quote",
    ),
    pytest.param(
        "      phrases: [camera, camerasysteem, alarmsysteem, alarminstallatie, sensor, meldkamer\n"
        "                app, toegangspas, slot, installatie, apparatuur]\n",
        "",
        "    - name: product",
        ["rule 'product' has nothing to match"],
        id="rule-with-nothing-to-match",
    ),
    pytest.param(
        "    - name: product\n",
        "    - name: behaviour\n",
        # The second rule of that name is the mistake, not the first.
        "    - name: behaviour\n      subject_type: product",
        ["the name 'behaviour' is used twice"],
        id="duplicate-rule-name",
    ),
    pytest.param(
        "      category: complaint\n      weight: 2\n",
        "      category: complaint\n      weight: 2\n      level: formal\n",
        "      level: formal\n      phrases: [klacht, ontevreden, teleurgesteld, boos, slecht, onacceptabel, niet",
        ["rule 'dissatisfied'", "only an escalation rule can set a level"],
        id="level-on-non-escalation-rule",
    ),
    pytest.param(
        "  idle_seconds: 1500\n",
        "  idle_seconds: 1740\n",
        "  idle_seconds: 1740",
        ["mailbox.idle_seconds must stay under 1740"],
        id="idle-seconds-too-long",
    ),
    pytest.param(
        "  idle_seconds: 1500\n",
        "  idle_seconds: 3600\n",
        "  idle_seconds: 3600",
        ["mailbox.idle_seconds must stay under 1740"],
        id="idle-seconds-an-hour",
    ),
    pytest.param(
        "    mode: answer\n",
        "    mode: registreer\n",
        "    mode: registreer",
        ["mailbox.backfill.mode must be one of answer, register", "'registreer'"],
        id="backfill-mode-unknown",
    ),
    pytest.param(
        "    older_than_days: 14\n",
        "    older_than_days: 0\n",
        "    older_than_days: 0",
        ["mailbox.backfill.older_than_days must be a whole number of at least 1"],
        id="backfill-days-zero",
    ),
    pytest.param(
        "    older_than_days: 14\n",
        "    older_than_days: 14\n    ouder_dan: 3\n",
        "    ouder_dan: 3",
        ["unknown key 'ouder_dan'", "mailbox.backfill"],
        id="backfill-unknown-key",
    ),
    pytest.param(
        "  require_authentication: true\n",
        "  require_authentication: true\n  exchange_tenant_id: contoso.onmicrosoft.com\n",
        "  exchange_tenant_id: contoso.onmicrosoft.com",
        ["security.exchange_tenant_id must be a tenant id", "'contoso.onmicrosoft.com'"],
        id="exchange-tenant-not-a-guid",
    ),
]


@pytest.mark.parametrize(("old", "new", "offending", "reasons"), BROKEN)
def test_broken_rules_are_refused_with_file_line_and_reason(
    tmp_path: Path, old: str, new: str, offending: str, reasons: list[str]
) -> None:
    text = _edit(old, new)
    expected = _line_of(text, offending)

    error = _refused(tmp_path, text)

    assert error.line == expected, f"reported line {error.line}, mistake on line {expected}: {error}"
    for reason in reasons:
        assert reason in error.message


def test_idle_seconds_just_under_the_limit_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(_edit("  idle_seconds: 1500\n", "  idle_seconds: 1739\n"), encoding="utf-8")
    assert load_rules(path).mailbox.idle_seconds == 1739


def test_block_style_working_days_load(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        _edit(
            "  working_days: [monday, tuesday, wednesday, thursday, friday]\n",
            "  working_days:\n    - monday\n    - Tuesday\n    - saturday\n",
        ),
        encoding="utf-8",
    )
    assert load_rules(path).calendar.working_days == frozenset({0, 1, 5})


def test_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bestaat-niet.yaml"
    with pytest.raises(ConfigError) as info:
        load_rules(path)
    assert info.value.source == str(path)
    assert info.value.line is None
    assert "cannot read" in info.value.message


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / BROKEN_NAME
    path.write_text("- alleen\n- een lijst\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="must hold a mapping"):
        load_rules(path)


# --- the environment ---------------------------------------------------------------------


def test_imap_url_with_quoted_user_and_password() -> None:
    imap = parse_imap_url("imap://klacht%40example.nl:s%40cret@127.0.0.1:10143/INBOX")

    assert imap.username == "klacht@example.nl"
    assert imap.password == "s@cret"
    assert imap.host == "127.0.0.1"
    assert imap.port == 10143
    assert imap.ssl is False
    assert imap.folder == "INBOX"


def test_imap_url_default_ports_and_no_folder() -> None:
    imaps = parse_imap_url("imaps://klacht%40example.nl:geheim@imap.example.nl")
    plain = parse_imap_url("imap://klacht%40example.nl:geheim@imap.example.nl/")

    assert (imaps.port, imaps.ssl, imaps.folder) == (993, True, None)
    assert (plain.port, plain.ssl, plain.folder) == (143, False, None)


def test_smtp_url_with_and_without_login() -> None:
    anonymous = parse_smtp_url("smtp://127.0.0.1:10025")
    login = parse_smtp_url("smtps://klacht%40example.nl:p%2Fw@smtp.example.nl")

    assert (anonymous.host, anonymous.port, anonymous.ssl, anonymous.username, anonymous.password) == (
        "127.0.0.1",
        10025,
        False,
        None,
        None,
    )
    assert (login.port, login.ssl, login.username, login.password) == (465, True, "klacht@example.nl", "p/w")
    assert parse_smtp_url("smtp://smtp.example.nl").port == 587


def test_password_never_appears_in_repr_of_settings() -> None:
    settings = load_settings(
        environ={
            "MAILBOT_IMAP_URL": "imaps://klacht%40example.nl:Imap-Wachtwoord-7@imap.example.nl/INBOX",
            "MAILBOT_SMTP_URL": "smtps://klacht%40example.nl:Smtp-Wachtwoord-9@smtp.example.nl",
        },
        env_file=None,
    )

    assert settings.imap is not None and settings.imap.password == "Imap-Wachtwoord-7"
    assert settings.smtp is not None and settings.smtp.password == "Smtp-Wachtwoord-9"
    for text in (repr(settings), str(settings), repr(settings.imap), repr(settings.smtp)):
        assert "Wachtwoord" not in text
    assert "klacht@example.nl" in repr(settings.imap)


@pytest.mark.parametrize(
    ("parse", "url"),
    [
        (parse_imap_url, "http://klacht:Geheim-Wachtwoord@imap.example.nl/INBOX"),
        (parse_imap_url, "pop3://klacht:Geheim-Wachtwoord@imap.example.nl"),
        (parse_imap_url, "imap://klacht:Geheim-Wachtwoord@imap.example.nl:poort/INBOX"),
        (parse_imap_url, "imap://klacht:Geheim-Wachtwoord@imap.example.nl:99999/INBOX"),
        (parse_smtp_url, "smtpx://klacht:Geheim-Wachtwoord@smtp.example.nl"),
        (parse_smtp_url, "smtp://klacht:Geheim-Wachtwoord@smtp.example.nl:abc"),
    ],
)
def test_bad_url_is_refused_without_showing_the_password(parse: Callable[[str], object], url: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse(url)

    assert info.value.source in ("MAILBOT_IMAP_URL", "MAILBOT_SMTP_URL")
    assert "Geheim-Wachtwoord" not in str(info.value)
    # Nor in an exception chained to it, which a traceback would print too.
    chained = info.value.__cause__ or (None if info.value.__suppress_context__ else info.value.__context__)
    assert chained is None or "Geheim-Wachtwoord" not in str(chained)


def test_bad_url_in_the_environment_does_not_leak_the_password() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(environ={"MAILBOT_IMAP_URL": "https://klacht:Geheim-Wachtwoord@imap.example.nl"}, env_file=None)
    assert "Geheim-Wachtwoord" not in str(info.value)
    assert "imap://" in str(info.value)


def test_env_file_values_are_used_but_the_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "MAILBOT_DB=/srv/mailbot/uit-bestand.db\n"
        "MAILBOT_RULES=/srv/mailbot/regels-uit-bestand.yaml\n"
        "MAILBOT_IMAP_URL=imap://bestand%40example.nl:x@imap.example.nl/INBOX\n",
        encoding="utf-8",
    )
    settings = load_settings(
        environ={
            "MAILBOT_RULES": "/etc/mailbot/regels-uit-omgeving.yaml",
            "MAILBOT_IMAP_URL": "imap://omgeving%40example.nl:y@imap.example.nl:10143/INBOX",
        },
        env_file=env_file,
    )

    assert settings.db_path == Path("/srv/mailbot/uit-bestand.db")
    assert settings.data_dir == Path("/srv/mailbot")
    assert settings.rules_path == Path("/etc/mailbot/regels-uit-omgeving.yaml")
    assert settings.imap is not None
    assert settings.imap.username == "omgeving@example.nl"
    assert settings.imap.port == 10143
    assert settings.smtp is None


def test_given_environ_without_env_file_ignores_dot_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("MAILBOT_DB=/srv/mailbot/niet-gebruiken.db\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    settings = load_settings(environ={}, env_file=None)

    assert settings.db_path == Path("data/mailbot.db")
    assert settings.rules_path == Path("rules.yaml")
    assert settings.imap is None and settings.smtp is None
