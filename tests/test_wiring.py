"""Wiring in one place (mailbot/ops/wiring.py): only it builds the services, and they share one set of parts."""

from __future__ import annotations

import ast
from datetime import datetime
from pathlib import Path

from conftest import REPO, START

from mailbot.clock import FrozenClock
from mailbot.config import load_rules
from mailbot.ops.wiring import build_services
from mailbot.store import Store

PACKAGE = REPO / "mailbot"
WIRING = PACKAGE / "ops" / "wiring.py"
# The classes and functions that make a service; a call anywhere else is a second way to wire.
BUILDERS = {
    "ArchiveQueue",
    "BlobStore",
    "CaseDesk",
    "CaseWork",
    "Composer",
    "FailureNotices",
    "Pipeline",
    "TimerDesk",
    "load_secret",
}


def builder_calls(path: Path) -> list[str]:
    """``file:line name`` for each call of a builder in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in BUILDERS:
                found.append(f"{path.relative_to(REPO)}:{node.lineno} {name}")
    return found


def test_only_the_wiring_builds_services() -> None:
    calls = [call for path in sorted(PACKAGE.rglob("*.py")) if path != WIRING for call in builder_calls(path)]
    assert calls == []


def test_the_finder_sees_the_wiring_itself() -> None:
    # The check above is only as good as builder_calls: it must find the calls where they are.
    assert {call.rpartition(" ")[2] for call in builder_calls(WIRING)} == BUILDERS


def test_the_services_share_one_composer_one_case_work_and_one_archive_queue(tmp_path: Path) -> None:
    rules = load_rules(REPO / "rules.yaml")
    store = Store(tmp_path / "data" / "mailbot.db")
    try:
        clock = FrozenClock(datetime.fromisoformat(START))
        services = build_services(rules, store, clock, rules.template_dir, tmp_path / "data")
        pipeline, work = services.pipeline, services.work
        assert pipeline.composer is work.composer is services.failures.composer is services.composer
        assert pipeline.work is services.desk.work is services.timers.work is work
        assert pipeline.archive is work.archive is services.archive
        assert pipeline.calendar is work.calendar is services.failures.calendar is services.calendar
        assert pipeline.blobs is services.blobs and pipeline.secret == services.secret
        assert {pipeline.store, work.store, services.timers.store} == {store}
        assert pipeline.rules is work.rules is services.timers.rules is rules
    finally:
        store.close()
