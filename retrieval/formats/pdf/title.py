"""The document's title: its metadata title when it says something, else the largest
text on page one that is not a masthead, else its longest capitalised heading there."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from retrieval.formats.pdf.blocks import HEADING_SIZE_RATIO, Block, in_capitals, is_structure_line
from retrieval.formats.pdf.furniture import GLYPH_CODE
from retrieval.formats.pdf.lines import collapse
from retrieval.text import normalize_spaces

if TYPE_CHECKING:
    from pdfminer.pdfdocument import PDFDocument

# Metadata titles that name the file or the program, not the article.
_NOT_A_TITLE = re.compile(r"^(?:untitled|microsoft word\b)|\.(?:docx?|pdf|odt|rtf)$", re.IGNORECASE)
# Mastheads and generic headings: never a title alone.
_GENERIC = re.compile(
    r"^(?:united nations|nations unies|general assembly|security council|economic and social"
    r" council|human rights council|secretariat|resolution adopted by the .*|distr\b.*"
    r"|original\b.*|contents|table of contents|abstract|introduction|preface|summary"
    r"|foreword|draft|annex|untitled|document\s*\d*)$",
    re.IGNORECASE,
)
# Page one's masthead of a UN document: dropped, never a heading.
_MASTHEAD = re.compile(
    r"^(?:united nations|nations unies|general assembly|security council|economic and social"
    r" council|human rights council|resolution adopted by the .*|distr\b.*|original\b.*)$",
    re.IGNORECASE,
)


def title_in_metadata(document: PDFDocument) -> str | None:
    """The Title in the document information dictionary, when it says something."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    for info in getattr(document, "info", []):
        raw = resolve1(info.get("Title"))
        if isinstance(raw, bytes):
            raw = decode_text(raw)
        if isinstance(raw, str):
            title = collapse(normalize_spaces(raw))
            if citable_title(title) and not _NOT_A_TITLE.search(title):
                return title
    return None


def citable_title(title: str) -> bool:
    """A title that names a document: more than three characters, a word of four letters
    or more ("XXI-10 CTC" is a filing code), not a masthead alone."""
    return (
        len(title) > 3
        and re.search(r"[^\W\d_]{4,}", title) is not None
        and not _GENERIC.match(title.rstrip(" .:"))
        and not GLYPH_CODE.search(title)
    )


def choose_title(
    blocks: list[Block], metadata_title: str | None, body: float
) -> tuple[str | None, list[Block]]:
    """The title, and the blocks without the title and page one's masthead."""
    first_page = [b for b in blocks if b.first.page == 1]
    masthead = [
        b
        for b in first_page
        if _MASTHEAD.match(b.text.rstrip(" .:"))
        or (len(b.text) <= 3 and (b.heading or b.first.size > body))
    ]
    drop = {id(b) for b in masthead}
    kept = [b for b in first_page if id(b) not in drop]
    larger = [b for b in kept if b.first.size >= body * HEADING_SIZE_RATIO]
    capitals = [
        b for b in kept if b.heading and in_capitals(b.text) and not is_structure_line(b.text)
    ]
    chosen = None
    if larger:
        chosen = max(larger, key=lambda b: b.first.size)
    elif capitals:
        chosen = max(capitals, key=lambda b: len(b.text))
    if chosen is not None and not citable_title(chosen.text):
        chosen = None
    title = metadata_title
    if chosen is not None:
        if title is None:
            title = chosen.text
            drop.add(id(chosen))
        elif _same_words(title, chosen.text):
            drop.add(id(chosen))  # the title printed on page one: not a heading too
    return title, [b for b in blocks if id(b) not in drop]


def _same_words(one: str, other: str) -> bool:
    def words(text: str) -> str:
        return " ".join(re.findall(r"\w+", text.casefold()))

    a, b = words(one), words(other)
    return bool(a and b) and (a in b or b in a)
