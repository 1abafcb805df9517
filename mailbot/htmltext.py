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
        return "> " * self._quote


def html_to_text(markup: str) -> str:
    """Readable plain text from HTML: blocks and <br> end lines, blockquotes get "> "."""
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    text = "\n".join(extractor.lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")
