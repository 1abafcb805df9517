"""The people mail goes to: members of staff and the teams that own cases (named in rules.yaml)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    """A named member of staff; ``title`` is how a letter they sign names their office."""

    email: str
    name: str
    title: str = ""


@dataclass(frozen=True)
class Team:
    """A team that owns cases; ``keywords`` route compliments to it."""

    key: str
    name: str
    email: str
    manager: str | None
    members: tuple[Person, ...]
    keywords: tuple[str, ...] = ()
