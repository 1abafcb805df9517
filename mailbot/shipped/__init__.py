"""What ships with the code: the Dutch mail templates and the sample rules files.

In the repository these are links to ``templates/``, ``rules.yaml`` and ``examples/`` at its root,
where developers and admins look for them; a wheel carries them as files (package data in
pyproject.toml), so `mailbot` works from any folder after `pip install`.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
SAMPLE_RULES = HERE / "rules.yaml"
EXAMPLES = HERE / "examples"
