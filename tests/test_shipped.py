"""A rules file may live anywhere: a template its folder lacks is the shipped one (issue 13, item 6).

The admin's folder overrides the shipped templates one file at a time; a folder that is not
there, or holds none, means the shipped templates for every mail, dossier and report.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_archive import NOW, ZONE, make_case
from test_compose import CUSTOMER_TEMPLATES, STAFF_TEMPLATES, context
from test_compose import make_case as mail_case

from mailbot.cases.archive import archive_case
from mailbot.config import Rules, load_rules
from mailbot.intake.mailtemplates import TEMPLATES as NEEDED
from mailbot.mail.compose import Composer
from mailbot.shipped import SAMPLE_RULES, TEMPLATES, template_files

MAILS = CUSTOMER_TEMPLATES + STAFF_TEMPLATES
OWN_THANKS = "Hartelijk dank voor uw bericht aan onze eigen klachtenlijn."


def rules_elsewhere(tmp_path: Path) -> Rules:
    """The sample rules copied to a folder of their own, with no templates beside them."""
    path = tmp_path / "etc" / "rules.yaml"
    path.parent.mkdir()
    shutil.copy(SAMPLE_RULES, path)
    rules = load_rules(path)
    assert not rules.template_dir.exists()
    return rules


def test_the_shipped_templates_are_the_repositorys() -> None:
    # mailbot/shipped/ links to the root's templates/ and rules.yaml: one copy of each, not two.
    root = Path(__file__).resolve().parent.parent
    assert TEMPLATES.resolve() == (root / "templates").resolve()
    assert SAMPLE_RULES.resolve() == (root / "rules.yaml").resolve()
    assert {f"{name}.j2" for name in MAILS} <= set(template_files(TEMPLATES))


def test_rules_without_templates_beside_them_pass_check_config(tmp_path: Path) -> None:
    rules = rules_elsewhere(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILBOT_")}
    env |= {
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),  # this checkout's mailbot, from any folder
        "MAILBOT_RULES": rules.source,
        "MAILBOT_IMAP_URL": "imaps://klacht%40example.nl:geheim@imap.example.nl/INBOX",
        "MAILBOT_SMTP_URL": "smtps://klacht%40example.nl:geheim@smtp.example.nl",
        "MAILBOT_DB": str(tmp_path / "data" / "mailbot.db"),
    }
    # From the rules' own folder, as an admin would run it: neither the repository nor templates/ near.
    result = subprocess.run(
        [sys.executable, "-m", "mailbot", "check-config"],
        cwd=tmp_path / "etc",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{rules.source}: ok")


def test_every_mail_renders_from_the_shipped_templates(tmp_path: Path) -> None:
    rules = rules_elsewhere(tmp_path)
    composer = Composer(rules.template_dir, rules)
    composer.check(NEEDED)
    shipped = Composer(TEMPLATES, rules)
    for name in MAILS:
        subject, body = composer.render(name, context(mail_case()))
        assert subject and body, name
        assert (subject, body) == shipped.render(name, context(mail_case())), name


def test_an_own_template_overrides_that_template_only(tmp_path: Path) -> None:
    rules = rules_elsewhere(tmp_path)
    own = rules.template_dir
    own.mkdir()
    text = (TEMPLATES / "ack_complaint.j2").read_text(encoding="utf-8")
    first_line = next(line for line in text.splitlines() if line.strip() and not line.startswith("{%"))
    # The admin's copy still extends the shipped _base.j2, which the folder does not hold.
    (own / "ack_complaint.j2").write_text(text.replace(first_line, OWN_THANKS, 1), encoding="utf-8")
    composer, shipped = Composer(own, rules), Composer(TEMPLATES, rules)
    composer.check(NEEDED)
    _, body = composer.render("ack_complaint", context(mail_case()))
    assert OWN_THANKS in body and first_line.strip() not in body
    for name in MAILS:
        if name != "ack_complaint":
            assert composer.render(name, context(mail_case())) == shipped.render(name, context(mail_case())), name
    assert template_files(own)["ack_complaint.j2"] == own / "ack_complaint.j2"
    assert template_files(own)["_base.j2"] == TEMPLATES / "_base.j2"


def test_a_broken_own_template_is_still_refused(tmp_path: Path) -> None:
    rules = rules_elsewhere(tmp_path)
    rules.template_dir.mkdir()
    (rules.template_dir / "referral.j2").write_text('{% extends "_base.j2" %}{% block subject %}{% if %}', "utf-8")
    from mailbot.mail.compose import TemplateError

    with pytest.raises(TemplateError, match=r"referral\.j2"):
        Composer(rules.template_dir, rules).check(NEEDED)


def test_the_dossier_falls_back_to_the_shipped_page(tmp_path: Path) -> None:
    store, blobs, case = make_case(tmp_path)
    elsewhere = archive_case(store, blobs, case, tmp_path / "a", ZONE, tmp_path / "no-templates", NOW)
    shipped = archive_case(store, blobs, case, tmp_path / "b", ZONE, TEMPLATES, NOW)
    page = (elsewhere / "dossier.html").read_text(encoding="utf-8")
    assert case.ref in page
    assert page == (shipped / "dossier.html").read_text(encoding="utf-8")
