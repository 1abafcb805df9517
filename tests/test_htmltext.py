"""Tests for turning HTML bodies into readable plain text (mailbot.mail.htmltext)."""

from __future__ import annotations

from mailbot.mail.htmltext import html_to_text


def test_html_to_text_handles_nesting_lists_pre_and_entities() -> None:
    markup = (
        "<p>Punten:</p><ul><li>camera &eacute;&eacute;n</li><li>slot</li></ul>"
        "<blockquote>buiten<blockquote>binnen</blockquote>weer buiten</blockquote>"
        "<pre>  regel 1\n  regel 2</pre><table><tr><td>Naam</td><td>Petra</td></tr></table>"
    )
    assert html_to_text(markup) == (
        "Punten:\n\n- camera één\n- slot\n\n> buiten\n> > binnen\n>\n> weer buiten\n\n  regel 1\n  regel 2\nNaam Petra"
    )
