"""One default per key: a key rules.yaml leaves out takes the default of its dataclass field.

The reader (mailbot/config/sections.py) holds no default literals of its own; these tests load the
shipped rules with sections emptied or left out and compare with the schema's defaults, so a
default written twice and changed in one place only fails here.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from mailbot.config import (
    BackfillRules,
    CalendarRules,
    CaseRules,
    ConfigError,
    MailboxRules,
    PolicyRules,
    PrivacyRules,
    Rule,
    SecurityRules,
    load_rules,
)

RULES_PATH = Path(__file__).resolve().parent.parent / "rules.yaml"


def _load_edited(tmp_path: Path, edit: Any) -> Any:
    yaml = YAML(typ="rt")
    doc = yaml.load(RULES_PATH.read_text(encoding="utf-8"))
    edit(doc)
    path = tmp_path / "rules.yaml"
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(doc, out)
    (tmp_path / "templates").mkdir(exist_ok=True)
    return load_rules(path)


def test_empty_sections_take_the_dataclass_defaults(tmp_path: Path) -> None:
    def edit(doc: Any) -> None:
        for section in ("calendar", "mailbox", "cases"):
            doc[section] = {}
        for section in ("policy", "security", "privacy"):
            doc.pop(section, None)

    rules = _load_edited(tmp_path, edit)

    assert rules.calendar == CalendarRules()
    assert rules.mailbox == MailboxRules()
    assert rules.mailbox.backfill == BackfillRules()
    assert rules.cases == CaseRules()
    assert rules.policy == PolicyRules()
    assert rules.security == SecurityRules()
    assert rules.privacy == PrivacyRules()


def test_empty_policy_and_backfill_sections_take_the_dataclass_defaults(tmp_path: Path) -> None:
    def edit(doc: Any) -> None:
        doc["policy"] = {}
        doc["mailbox"]["backfill"] = {}
        doc["security"] = {"authserv_ids": ["mx.example.nl"]}

    rules = _load_edited(tmp_path, edit)

    assert rules.policy == PolicyRules()
    assert rules.mailbox.backfill == BackfillRules()
    assert rules.security == SecurityRules(authserv_ids=("mx.example.nl",))


def test_a_rule_takes_the_defaults_of_rule(tmp_path: Path) -> None:
    def edit(doc: Any) -> None:
        doc["classification"]["rules"].append({"name": "kaal", "phrases": ["kale regel"], "category": "complaint"})

    rules = _load_edited(tmp_path, edit)

    (bare,) = (rule for rule in rules.classification.rules if rule.name == "kaal")
    assert bare == Rule(name="kaal", phrases=("kale regel",), category="complaint")


@pytest.mark.parametrize(
    ("section", "schema"),
    [
        ("calendar", CalendarRules),
        ("mailbox", MailboxRules),
        ("policy", PolicyRules),
        ("security", SecurityRules),
        ("privacy", PrivacyRules),
    ],
)
def test_the_allowed_keys_of_a_section_are_its_fields(tmp_path: Path, section: str, schema: type) -> None:
    def edit(doc: Any) -> None:
        doc[section] = {"no_such_key": 1}

    with pytest.raises(ConfigError) as info:
        _load_edited(tmp_path, edit)

    allowed = sorted(field.name for field in dataclasses.fields(schema))
    assert f"(allowed: {', '.join(allowed)})" in str(info.value)
