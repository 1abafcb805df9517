"""A customer mail as a printed letter, for a customer without an e-mail address.

Someone who phoned or wrote a letter and has no e-mail address still gets every mail the policy
promises: the same text, as an A4 letter (PDF) that staff print and post. The address sits where a
Dutch window envelope (venstercouvert, C5/6 or DL) shows it; the text is the mail's, with the
sentences that only make sense in an e-mail ("Antwoord op deze e-mail") said for a letter.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

# What an e-mail says about answering it -> what a letter says instead. Checked against every customer
# template by tests/test_letters.py: no sentence about "deze e-mail" may be left in a letter.
_FOR_A_LETTER: tuple[tuple[str, str], ...] = (
    (r" ?Als u op deze e-mail antwoordt, komt uw antwoord vanzelf bij uw (klacht|bericht)\.", ""),
    (r"(Antwoord|Reageer) (dan )?(op|via) deze e-mail", r"Neem \2contact met ons op"),
    (r"Beantwoord (dan )?deze e-mail", r"Neem \1contact met ons op"),
    (r"(antwoord|reageer|reageren) op deze e-mail", "neem contact met ons op"),
    (r"in deze e-mail", "in deze brief"),
    (r"deze e-mail", "deze brief"),
)
_BLANK_RUNS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Letter:
    """What goes on the page: who sends it, to whom, when, about what, and the text."""

    organisation: str
    address: tuple[str, ...]  # the customer's name and postal address, one line each
    date: str  # "maandag 7 december 2026"
    subject: str
    reference: str  # the klachtnummer
    text: str  # the mail's plain text, greeting to signature


def letter_text(mail_text: str) -> str:
    """The mail's text as a letter says it: no sentence about answering "deze e-mail"."""
    text = mail_text
    for pattern, replacement in _FOR_A_LETTER:
        text = re.sub(pattern, replacement, text)
    return _BLANK_RUNS.sub("\n\n", text).strip() + "\n"


def render_pdf(letter: Letter) -> bytes:
    """The letter as one A4 PDF: sender at the top, the address in the envelope's window, then the text."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(25, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    family = _font(pdf)
    pdf.add_page()
    pdf.set_font(family, "B", 11)
    pdf.cell(0, 6, _safe(letter.organisation, family), align="R", new_x="LMARGIN", new_y="NEXT")
    # A Dutch window envelope shows the address 20-25 mm from the left, 45-65 mm from the top.
    pdf.set_xy(25, 50)
    pdf.set_font(family, "", 11)
    for line in letter.address:
        pdf.cell(0, 5.5, _safe(line, family), new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(90)
    pdf.cell(0, 6, _safe(letter.date, family), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(family, "B", 11)
    pdf.multi_cell(0, 6, _safe(f"Onderwerp: {letter.subject}", family), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 11)
    pdf.cell(0, 6, _safe(f"Klachtnummer: {letter.reference}", family), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.multi_cell(0, 5.5, _safe(letter.text, family), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _font(pdf: object) -> str:
    """DejaVu Sans (every Dutch letter, the euro sign, curly quotes), from matplotlib's own copy;
    the PDF core font Helvetica, which knows Latin-1 only, when it cannot be found."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is not None and spec.submodule_search_locations:
        folder = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdf.add_font("DejaVu", "", str(regular))  # type: ignore[attr-defined]
            pdf.add_font("DejaVu", "B", str(bold))  # type: ignore[attr-defined]
            return "DejaVu"
    return "Helvetica"


def _safe(text: str, family: str) -> str:
    """Text the font can show: with Helvetica, what Latin-1 lacks becomes its nearest plain form."""
    if family != "Helvetica":
        return text
    plain = text.translate(
        {0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"', 0x2013: "-", 0x2014: "-", 0x20AC: "EUR"}
    )
    return plain.encode("latin-1", "replace").decode("latin-1")
