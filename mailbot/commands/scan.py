"""Where staff write commands: on a line of their own anywhere in their own words, not only at the top.

Staff answer from Outlook or Gmail: a greeting first ("Hoi,", "Goedemorgen Jan,"), then the
command, then a signature, then the quoted history (already cut off: ``ParsedMail.stripped``).
A line that starts with ``#`` and a word is a command (or a mistake in one). A ``#word`` inside a
sentence is never obeyed, but when the word names a command, or nearly does, the writer hears that
it was not done: they may believe it was. Other ``#`` text (a hashtag, "#3 van de lijst", an
order number) is just text.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from mailbot.commands.base import CommandError
from mailbot.commands.registry import ALIASES

# "#opgelost", "# sluiten", "#Owner: x", and a lone "#" (a mistake the writer hears of).
_COMMAND_LINE = re.compile(r"^#\s*(?:[^\W\d_]|$)")
# A `#word` in running text; not in a URL fragment (/#top), an HTML entity (&#39;) or `##`.
_MENTION = re.compile(r"(?<![\w#&/=])#(?P<word>[^\W\d_][\w-]*)")
# How like a command a word in a sentence must be to count as a misspelt one (a hashtag is seldom this close).
_MENTION_CUTOFF = 0.8
# How staff sign off: what follows is their signature, never a command or part of a note.
_CLOSING = re.compile(
    r"^(?:met\s+)?(?:vriendelijke|hartelijke|beste|kind|best|warm)?\s*(?:groet(?:en|jes)?|regards)\b.{0,20}$"
    r"|^(?:mvg|gr\.?|groet|groeten|cheers|thanks|bedankt|--)[\s,.!]*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Scan:
    """A staff member's own words: the command lines (number, text), the note, the commands named in sentences."""

    lines: tuple[tuple[int, str], ...]
    note: str
    mentions: tuple[CommandError, ...]


def scan(text: str) -> Scan:
    """Find the command lines in ``text`` (above its signature), the note they leave and the mentions."""
    lines = text.splitlines()
    end = signature_start(lines)
    found = [(n + 1, line.strip()) for n, line in enumerate(lines[:end]) if _COMMAND_LINE.match(line.strip())]
    numbers = {n for n, _ in found}
    mentions = [m for n, line in enumerate(lines[:end], 1) if n not in numbers for m in mentioned(n, line)]
    if found:
        # The note is what the writer put after their first command (a greeting above it is no note).
        note_lines = [line for n, line in enumerate(lines[:end], 1) if n > found[0][0] and n not in numbers]
        note = "\n".join(note_lines).strip()
    else:
        note = text.strip()
    return Scan(tuple(found), note, tuple(mentions))


def signature_start(lines: list[str]) -> int:
    """The index of the line that opens the signature ("Groet,", "Met vriendelijke groet,", "-- "), else the end."""
    for index, line in enumerate(lines):
        if index > 0 and _CLOSING.match(line.strip(" ,.!")) and len(line) < 60:
            return index
        if line.rstrip() == "--":
            return index
    return len(lines)


def mentioned(number: int, line: str) -> list[CommandError]:
    """The commands (or near-commands) ``line`` names inside its running text: each one not done, and why."""
    found = []
    for match in _MENTION.finditer(line):
        word = match.group("word").lower().rstrip("-")
        if word in ALIASES:
            hint = ""
        else:
            close = difflib.get_close_matches(word, ALIASES, n=1, cutoff=_MENTION_CUTOFF)
            if not close:
                continue  # a hashtag or a name: just text
            hint = f" Bedoelt u #{close[0]}?"
        found.append(
            CommandError(
                number,
                f"#{match.group('word')}",
                f"'#{match.group('word')}' staat in een zin en is daarom niet uitgevoerd.{hint} "
                "Zet een opdracht op een eigen regel.",
            )
        )
    return found
