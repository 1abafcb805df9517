"""What ships with the code: the Dutch mail templates and the sample rules files.

In the repository these are links to ``templates/``, ``rules.yaml`` and ``examples/`` at its root,
where developers and admins look for them; a wheel carries them as files (package data in
pyproject.toml), so `mailbot` works from any folder after `pip install`.

An admin's template folder need not hold every template: one it lacks is the shipped one, one it
holds overrides the shipped one of that name (so a rules file may live anywhere, with or without
templates beside it).
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
SAMPLE_RULES = HERE / "rules.yaml"
EXAMPLES = HERE / "examples"


def template_loader(folder: Path) -> BaseLoader:
    """Jinja2's loader for an admin's template ``folder``: its own files first, the shipped ones for the rest."""
    return ChoiceLoader([FileSystemLoader(str(folder)), FileSystemLoader(str(TEMPLATES))])


def template_files(folder: Path, pattern: str = "*.j2") -> dict[str, Path]:
    """Each template name matching ``pattern`` -> the file it is loaded from: the admin's, else the shipped one."""
    files = {path.name: path for path in sorted(TEMPLATES.glob(pattern))}
    files.update({path.name: path for path in sorted(folder.glob(pattern))})
    return files
