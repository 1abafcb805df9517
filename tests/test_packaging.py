"""The wheel `pip install .` builds (issue 11, item 6): every subpackage, the shipped templates and
sample rules as files, and an installed `mailbot` that works from any folder.

Built offline from a copy of the working tree (`--no-build-isolation --no-index`, the setuptools of
the test extra), so it needs no network and leaves no build/ in the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# What the build reads: the package (shipped/ links into the rest), the templates and rules it links to.
SOURCES = ("pyproject.toml", "README.md", "mailbot", "templates", "rules.yaml", "examples")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of this working tree, built the way `pip install .` builds it."""
    root = tmp_path_factory.mktemp("packaging")
    source = root / "src"
    source.mkdir()
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(path, source / name, symlinks=True, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    command = [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "--no-index"]
    result = subprocess.run(
        [*command, "--quiet", "--wheel-dir", str(root / "dist")], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = (root / "dist").glob("mailbot-*.whl")
    return built


def members(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_every_module_of_every_subpackage_is_in_the_wheel(wheel: Path) -> None:
    modules = {path.relative_to(REPO).as_posix() for path in (REPO / "mailbot").rglob("*.py")}
    assert modules - members(wheel) == set()
    assert not {name for name in members(wheel) if name.startswith("tests/")}


def test_the_wheel_carries_every_template_and_the_sample_rules_as_files(wheel: Path) -> None:
    shipped = {f"mailbot/shipped/templates/{path.name}": path for path in (REPO / "templates").glob("*.j2")}
    shipped["mailbot/shipped/rules.yaml"] = REPO / "rules.yaml"
    for rules in (REPO / "examples").glob("*/rules.yaml"):
        shipped[f"mailbot/shipped/examples/{rules.parent.name}/rules.yaml"] = rules
    assert len(shipped) > 30
    with zipfile.ZipFile(wheel) as archive:
        assert set(shipped) - set(archive.namelist()) == set()
        # The files themselves, not the links the repository holds them by.
        for name, path in shipped.items():
            assert archive.read(name) == path.read_bytes(), name
        for name in ("mailbot/py.typed", "mailbot/intake/judgement/model.json"):
            assert name in archive.namelist()


def test_the_command_and_the_demo_extra_are_declared(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        info = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(info).decode()
        entry_points = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
    assert "mailbot = mailbot.cli:main" in entry_points
    assert "Provides-Extra: demo" in metadata
    assert "aiosmtpd" in next(line for line in metadata.splitlines() if 'extra == "demo"' in line)


def installed(wheel: Path, folder: Path) -> dict[str, str]:
    """An environment in which `python -m mailbot` is the wheel's, unpacked into ``folder``."""
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(folder / "site")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILBOT_")}
    return env | {"PYTHONPATH": str(folder / "site")}


def test_the_installed_wheel_checks_its_sample_rules_from_any_folder(wheel: Path, tmp_path: Path) -> None:
    env = installed(wheel, tmp_path)
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()

    def mailbot(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mailbot", *args],
            cwd=elsewhere,
            env=env | extra,
            capture_output=True,
            text=True,
            timeout=60,
        )

    # Without a rules file it says where the sample is: inside the unpacked wheel.
    result = mailbot("check-config")
    assert result.returncode == 2
    sample = tmp_path / "site" / "mailbot" / "shipped" / "rules.yaml"
    assert f"a sample to start from: {sample}" in result.stderr
    shutil.copy(sample, elsewhere / "rules.yaml")
    result = mailbot(
        "check-config",
        MAILBOT_IMAP_URL="imaps://klacht%40example.nl:geheim@imap.example.nl/INBOX",
        MAILBOT_SMTP_URL="smtps://klacht%40example.nl:geheim@smtp.example.nl",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("rules.yaml: ok")
    assert not (elsewhere / "templates").exists() and not (elsewhere / "data").exists()
