"""A text line's text rebuilt from its characters: overprinted characters once, stray
spaces dropped, footnote marks left out, ligatures spelt out, right-to-left runs in
logical order; with the line's size and weight."""

from __future__ import annotations

import re
import statistics
from typing import TYPE_CHECKING

from retrieval.formats.pdf.lines import collapse
from retrieval.text import normalize_spaces

if TYPE_CHECKING:
    from pdfminer.layout import LTChar, LTTextLine

# A space pdfminer guesses between characters closer than this many ems is not a word
# break, in a line that has space glyphs of its own (justified UN text: 0.10-0.12 em
# inside a word, 0.25 em and more between words).
STRAY_SPACE_EM = 0.2
# Characters of one text at most this many ems apart are one character printed twice.
OVERPRINT_EM = 0.15
# A digit set at most this share of the line's size is a footnote reference.
SUPERSCRIPT_RATIO = 0.8
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_LTR_RUN = re.compile(
    r"[A-Za-z0-9\u00c0-\u024f\u0370-\u052f][^\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]*"
)


def _footnote_mark(char: LTChar, previous: LTChar, size: float) -> bool:
    """A raised, small digit after text: a footnote reference ("the Sea1", "session, 2")."""
    return (
        char.get_text().isdigit()
        and char.size <= SUPERSCRIPT_RATIO * size
        and char.y0 > previous.y0 + 0.15 * size
    )


def line_text(line: LTTextLine) -> tuple[str, float, bool] | None:
    """A line's text rebuilt from its characters (see the module docstring), its size
    and whether it is wholly bold; None for a line with no visible character."""
    from pdfminer.layout import LTChar

    items = list(line)
    chars = [c for c in items if isinstance(c, LTChar)]
    visible = [c for c in chars if not c.get_text().isspace()]
    if not visible:
        return None
    size = round(statistics.median(c.size for c in visible), 1)
    real_spaces = len(visible) < len(chars)
    parts: list[str] = []
    previous: LTChar | None = None
    guessed_space = False
    for item in items:
        if not isinstance(item, LTChar):
            guessed_space = guessed_space or item.get_text() == " "
            continue
        text = item.get_text()
        if previous is not None and _overprinted(item, previous, parts):
            guessed_space = False
            continue
        if previous is not None and _footnote_mark(item, previous, size):
            guessed_space = False
            continue
        if guessed_space and previous is not None:
            gap = item.x0 - previous.x1
            if not (real_spaces and gap < STRAY_SPACE_EM * size):
                parts.append(" ")
        guessed_space = False
        parts.append(text)
        previous = item
    text = collapse(normalize_spaces("".join(parts)).translate(_LIGATURES))
    if _RTL.search(text):
        text = _logical_order(text)
    if not text:
        return None
    bold = all(_BOLD_FONT.search(c.fontname) for c in visible)
    return text, size, bold


def _overprinted(char: LTChar, previous: LTChar, parts: list[str]) -> bool:
    """The same character drawn again where the last one was (fake bold)."""
    size = max(float(previous.size), 1.0)
    return (
        bool(parts)
        and char.get_text() == parts[-1]
        and not char.get_text().isspace()
        and abs(char.x0 - previous.x0) <= OVERPRINT_EM * size
        and abs(char.y0 - previous.y0) <= OVERPRINT_EM * size
    )


def _logical_order(text: str) -> str:
    """A line pdfminer gives in visual order (left to right) in reading order, when most
    of its letters are right-to-left: the line reversed, with its left-to-right runs
    (Latin words, numbers) turned back."""
    letters = [c for c in text if c.isalpha()]
    rtl = sum(1 for c in letters if _RTL.match(c))
    if rtl * 2 <= len(letters):
        return text
    reversed_text = text[::-1]
    return _LTR_RUN.sub(lambda m: _ltr_run(m.group(0)), reversed_text)


def _ltr_run(run: str) -> str:
    stripped = run.rstrip()
    return stripped[::-1] + run[len(stripped) :]
