"""Strip quoted history from a reply so a case dossier shows only what the writer added."""

from __future__ import annotations

import itertools
import re

# "Op ma 24 nov 2026 om 10:15 schreef Jan <jan@…>:" (Gmail, Thunderbird),
# "Op 24 nov. 2026, om 10:15 heeft Jan het volgende geschreven:" (Apple Mail),
# "Jan schreef op 24-11-2026 om 10:15:" and "On …, Jan wrote:" (English clients).
_ATTRIBUTION = re.compile(
    r"""^(?:
        (?:on|op)\s.+\s(?:wrote|schreef\s.+)
      | op\s.+\sheeft\s.+\sgeschreven
      | .+\sschreef\sop\s.+
    ):$""",
    re.IGNORECASE | re.VERBOSE,
)
# Every client puts a time in its attribution; prose such as
# "Op 3 maart schreef uw collega:" has none, so this keeps the writer's own sentences.
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b")
# Gmail wraps a long attribution; three lines is more than any client needs.
_MAX_WRAP = 3

_ORIGINAL = re.compile(
    r"^-{3,}\s*(?:original message|oorspronkelijk bericht|origineel bericht)\s*-{3,}$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^_{10,}$")
# HTML-to-text turns Outlook's bold header names into "*Van:*" or "**Van:**".
_FROM = re.compile(r"^[*\s]*(?:from|van)[*\s]*:", re.IGNORECASE)
_SENT = re.compile(r"^[*\s]*(?:sent|verzonden)[*\s]*:", re.IGNORECASE)
_SENT_OR_DATE = re.compile(r"^[*\s]*(?:sent|verzonden|date|datum)[*\s]*:", re.IGNORECASE)
_LEADING_BLANK_LINES = re.compile(r"\A\s*\n")


def strip_quoted(text: str) -> str:
    """Return the writer's new text, without quoted history and its attribution line.

    Falls back to the whole text (trailing whitespace trimmed) when nothing is
    recognised as history or when nothing but history is left.
    """
    new, _ = split_quoted(text)
    return new or text.rstrip()


def split_quoted(text: str) -> tuple[str, str]:
    """Split a reply into (new text, quoted history); either part may be empty.

    Text interleaved with quotes (inline answers) all goes to the new part, joined
    by blank lines; every quote block after an attribution goes to the history.
    Line endings of the input (CRLF or LF) are kept.
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.replace("\r\n", "\n").split("\n")
    mask = _history_mask(lines)
    if not any(mask):
        return text.rstrip(), ""
    new = _join_runs(lines, mask, wanted=False)
    quoted = _join_runs(lines, mask, wanted=True)
    return new.replace("\n", newline), quoted.replace("\n", newline)


def _history_mask(lines: list[str]) -> list[bool]:
    """Flag each line that belongs to quoted history."""
    cut = _outlook_start(lines)
    mask = [index >= cut for index in range(len(lines))]
    in_history = False
    # Computed once: re-scanning the text before every quote block made hostile mail quadratic.
    first_text = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    for start, end in _quote_blocks(lines[:cut]):
        attribution = _attribution_before(lines, start)
        if attribution is not None:
            mask[attribution:start] = [True] * (start - attribution)
        # A quote that opens the message, or follows an attributed one, is an inline reply.
        opens = start <= first_text
        in_history = in_history or attribution is not None or opens
        if in_history or _is_trailing(lines, end, cut):
            mask[start:end] = [True] * (end - start)
    return mask


def _outlook_start(lines: list[str]) -> int:
    """Index where an Outlook header block (unquoted history below it) starts, else len(lines)."""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if _ORIGINAL.match(stripped):
            return index
        if not _FROM.match(stripped):
            continue
        before = _previous_nonblank(lines, index)
        after_rule = before is not None and _RULE.match(lines[before].strip()) is not None
        # Without the rule above it, demand Outlook's own "Sent:", so a Gmail forward
        # ("From:" then "Date:"), which the writer chose to include, is kept.
        date_line = _SENT_OR_DATE if after_rule else _SENT
        # Indexes, not islice(lines, …): islice walks the list from its start every time.
        following = itertools.islice((lines[i] for i in range(index + 1, len(lines)) if lines[i].strip()), 3)
        if any(date_line.match(line) for line in following):
            return before if after_rule and before is not None else index
    return len(lines)


def _quote_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """Return (start, end) of every run of lines that start with ">"."""
    blocks: list[tuple[int, int]] = []
    index = 0
    for quoted, group in itertools.groupby(lines, key=_is_quoted):
        size = len(list(group))
        if quoted:
            blocks.append((index, index + size))
        index += size
    return blocks


def _attribution_before(lines: list[str], start: int) -> int | None:
    """Index of the attribution line(s) just above a quote block, if there is one."""
    last = _previous_nonblank(lines, start)
    if last is None:
        return None
    # Shortest match first, so prose just above a one-line attribution is never taken with it.
    for size in range(1, _MAX_WRAP + 1):
        first = last - size + 1
        part = lines[max(first, 0) : last + 1]
        if first < 0 or any(not line.strip() or _is_quoted(line) for line in part):
            return None
        joined = _unwrap(part)
        if _ATTRIBUTION.match(joined) and _TIME.search(joined):
            return first
    return None


def _unwrap(lines: list[str]) -> str:
    """Join a wrapped line back together; no space after "<" ("Jan <\\njan@…>")."""
    joined = lines[0].strip()
    for line in lines[1:]:
        joined += ("" if joined.endswith("<") else " ") + line.strip()
    return joined


def _is_trailing(lines: list[str], start: int, stop: int) -> bool:
    """Whether only blank lines or a "-- " signature follow in ``lines[start:stop]``."""
    first = next((lines[i].strip() for i in range(start, stop) if lines[i].strip()), None)
    return first is None or first == "--"


def _is_quoted(line: str) -> bool:
    """Whether a line is quoted with ">"."""
    return line.lstrip().startswith(">")


def _previous_nonblank(lines: list[str], index: int) -> int | None:
    """Index of the last non-blank line before ``index``, if any."""
    for before in range(index - 1, -1, -1):
        if lines[before].strip():
            return before
    return None


def _join_runs(lines: list[str], mask: list[bool], *, wanted: bool) -> str:
    """Join the runs of lines whose flag is ``wanted``, with one blank line between runs."""
    runs: list[str] = []
    for flag, group in itertools.groupby(zip(mask, lines, strict=True), key=lambda p: p[0]):
        if flag != wanted:
            continue
        run = _LEADING_BLANK_LINES.sub("", "\n".join(line for _, line in group)).rstrip()
        if run:
            runs.append(run)
    return "\n\n".join(runs)
