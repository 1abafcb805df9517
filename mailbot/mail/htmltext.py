"""HTML mail bodies -> readable plain text, for mail without a text/plain part."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "center", "dd", "div", "dl", "dt", "fieldset", "figure",
     "figcaption", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
     "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul"}
)  # fmt: skip
_PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"})
_SKIPPED_TAGS = frozenset({"script", "style", "title", "template"})
_SPACES = re.compile(r"\s+")
# Deeper quotes get no more "> ": 4,000 nested blockquotes around 4,000 lines made 32 MB of text.
_MAX_QUOTE_DEPTH = 10
# Marked sections (CDATA, Outlook's <![if !supportLists]>) show nothing; html.parser raises
# AssertionError on one it does not know ("<![foo]>").
_MARKED_SECTION = re.compile(r"<!\[[^<>]*>")
# A "<" that no ">" closes before the next "<" starts no tag: it is text.
_STRAY_LT = re.compile(r"<(?=[^<>]*(?:<|\Z))")


class _TextExtractor(HTMLParser):
    """Collects the visible text of an HTML body, quoting blockquotes with "> "."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._line: list[str] = []
        self._quote = 0
        self._skip = 0
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip += 1
        elif tag == "br":
            self._end_line(force=True)
        elif tag == "blockquote":
            self._end_line()
            self._quote += 1
        elif tag in _BLOCK_TAGS:
            self._end_line()
            if tag == "li":
                self._line.append("- ")
        elif tag in ("td", "th") and self._line:
            self._line.append(" ")
        if tag == "pre":
            self._pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag == "blockquote" and self._quote:
            self._end_line()
            # The quote's own trailing blank line would glue it to the text below.
            while self.lines and self.lines[-1] == self._prefix().rstrip():
                self.lines.pop()
            self._quote -= 1
            self._blank_line()
        elif tag in _BLOCK_TAGS:
            self._end_line()
            if tag in _PARAGRAPH_TAGS:
                self._blank_line()
        if tag == "pre":
            self._pre = max(0, self._pre - 1)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        data = data.replace("\xa0", " ")
        if self._pre:
            first, *rest = data.replace("\r\n", "\n").split("\n")
            self._line.append(first)
            for line in rest:
                self._end_line(force=True)
                self._line.append(line)
            return
        self._line.append(_SPACES.sub(" ", data))

    def close(self) -> None:
        super().close()
        self._end_line()

    def _end_line(self, *, force: bool = False) -> None:
        text = "".join(self._line)
        text = text.rstrip() if self._pre else _SPACES.sub(" ", text).strip()
        self._line = []
        if text or force:
            self.lines.append((self._prefix() + text).rstrip())

    def _blank_line(self) -> None:
        if self.lines and self.lines[-1].replace(">", "").strip():
            self.lines.append(self._prefix().rstrip())

    def _prefix(self) -> str:
        return "> " * min(self._quote, _MAX_QUOTE_DEPTH)


def html_to_text(markup: str) -> str:
    """Readable plain text from HTML: blocks and <br> end lines, blockquotes get "> "."""
    extractor = _TextExtractor()
    extractor.feed(_defuse(markup))
    extractor.close()
    text = "\n".join(extractor.lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def _defuse(markup: str) -> str:
    """``markup`` without the constructs html.parser chokes on, showing the same text.

    html.parser before Python 3.12.11 and 3.13.4 (CVE-2025-6069) scans to the end of the input
    for each construct it cannot close: 100 kB of "<a<a<a…" or "<!--<!--…" took half a minute.
    Here comments are removed (an unclosed one is text), marked sections too, and a "<" that
    no ">" follows before the next "<" becomes "&lt;"; then every "<" left closes nearby.
    """
    parts: list[str] = []
    start = 0
    while (opening := markup.find("<!--", start)) >= 0:
        closing = markup.find("-->", opening + 4)
        if closing < 0:
            break
        parts.append(markup[start:opening])
        start = closing + 3
    # No "-->" follows any "<!--" left: those are text.
    parts.append(markup[start:].replace("<!--", "&lt;!--"))
    return _STRAY_LT.sub("&lt;", _MARKED_SECTION.sub("", "".join(parts)))
