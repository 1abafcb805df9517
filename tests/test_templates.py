"""Every mail template is checked before its first use: at start-up, in `mailbot check-config`, on reload."""

from __future__ import annotations

import ast
import os
import shutil
from pathlib import Path

import pytest
from conftest import run_mailbot

from mailbot.cases.lifecycle import BY_NAME, mail_templates
from mailbot.commands import REGISTRY
from mailbot.config import load_rules
from mailbot.intake.mailtemplates import TEMPLATES
from mailbot.mail.compose import Composer, TemplateError

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "templates"
RULES = load_rules(REPO / "rules.yaml")


def mail_template_names() -> set[str]:
    """The shipped mail templates (not the parts they extend, nor the dossier and report pages)."""
    files = [p.name for p in SHIPPED.glob("*.j2")]
    return {f.removesuffix(".j2") for f in files if not f.startswith("_") and not f.endswith(".html.j2")}


def names_in_code() -> set[str]:
    """Every string in mailbot/ that is the name of a shipped mail template."""
    known = mail_template_names()
    found = set()
    for path in (REPO / "mailbot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in known:
                found.add(node.value)
    return found


def test_the_checked_list_holds_every_template_the_code_can_send() -> None:
    assert names_in_code() - set(TEMPLATES) == set()
    assert mail_templates() <= set(TEMPLATES)
    # Each command's mails are its lifecycle step's: in the list through the table.
    steps = [BY_NAME[c.step] for c in REGISTRY if c.step is not None]
    assert {m for s in steps for m in (s.customer_mail, s.staff_mail) if m} <= set(TEMPLATES)


def test_every_shipped_mail_template_is_in_the_checked_list() -> None:
    assert mail_template_names() == set(TEMPLATES)


def test_the_shipped_templates_pass() -> None:
    Composer(SHIPPED, RULES).check(TEMPLATES)


def copy_of_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(SHIPPED, folder)
    return folder


@pytest.mark.parametrize(
    ("file", "old", "new", "said"),
    [
        # A syntax error in a mail only a timer sends, months after start-up.
        ("interim_update.j2", "{% block body -%}", "{% block body -%}{% if %}", "interim_update.j2"),
        # A part it extends that is not there: loading alone does not find it.
        ("agreement_due.j2", '{% extends "_staff.j2" %}', '{% extends "_staf.j2" %}', "agreement_due.j2"),
        # An unknown filter.
        ("referral.j2", "{{ case.ref }}", "{{ case.ref | shout }}", "referral.j2"),
    ],
)
def test_a_broken_template_stops_check_config_with_its_name(
    tmp_path: Path, file: str, old: str, new: str, said: str
) -> None:
    folder = copy_of_templates(tmp_path)
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text
    (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    env = {**os.environ, "MAILBOT_RULES": str(REPO / "rules.yaml")}
    result = run_mailbot("--templates", str(folder), "check-config", env=env)
    assert result.returncode == 2
    assert "template error" in result.stderr and said in result.stderr


def test_a_template_neither_the_folder_nor_the_shipped_ones_hold_stops_the_check(tmp_path: Path) -> None:
    # One the folder lacks is the shipped one (tests/test_shipped.py); one that is nowhere stops start-up.
    folder = copy_of_templates(tmp_path)
    with pytest.raises(TemplateError, match=r"meeting_invitatie\.j2"):
        Composer(folder, RULES).check((*TEMPLATES, "meeting_invitatie"))


def test_an_edited_template_is_checked_again(tmp_path: Path) -> None:
    # The check remembers a folder that passed; an edit after that must be seen.
    folder = copy_of_templates(tmp_path)
    Composer(folder, RULES).check(TEMPLATES)
    path = folder / "digest.j2"
    path.write_text(path.read_text(encoding="utf-8") + "{% endif %}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"digest\.j2"):
        Composer(folder, RULES).check(TEMPLATES)
