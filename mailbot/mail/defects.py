"""Defect notes on a received mail: short single lines a person will read, and text cut to its limit."""

from __future__ import annotations

from mailbot.mail.charsets import single_line


def bounded(text: str, limit: int, what: str, defects: list[str]) -> str:
    """``text`` cut to ``limit`` characters, with a defect saying so when it was longer."""
    if len(text) <= limit:
        return text
    defects.append(f"{what} of {len(text)} characters cut to {limit}")
    return text[: limit - 1].rstrip() + "…"


def clip(text: str, limit: int = 160) -> str:
    """One line of at most ``limit`` characters, for a defect list a person will read."""
    text = single_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
