"""PDF articles (pdfminer.six, imported only when a PDF is read): the text layer's lines
with their font sizes, turned into headings and paragraphs whose text can be quoted.

- Text is read from every page and from forms (XObjects) drawn on it
  (``LAParams(all_texts=True)``); pdfminer's own layout parameters are otherwise its
  defaults, which read the real UN, LaTeX and two-column samples in order.
- Each line's text is rebuilt from its characters: a character printed twice at the same
  place (overprinted bold) counts once, a space pdfminer guessed between two characters
  set closer than a fifth of an em is dropped when the line has real space glyphs
  ("confer ence", "Secretary -General"), runs of spaces become one, footnote reference
  numbers set in small raised type are left out, ligatures are spelt out, and
  right-to-left runs are put in logical order.
- A text layer that is mostly glyph codes (``(cid:NNN)``, private-use characters: no
  ToUnicode map) is refused; so is a PDF that needs a password.
- Page furniture is dropped: lines in the top and bottom bands that recur on most pages
  (digits ignored), page numbers (``- 2 -``, ``Page 2 of 48``, ``2/81``), UN job and
  barcode lines (``23-15249 (E) 110823``, ``*2315249*``), footnote rules and the small
  type below them, and the masthead of a UN document ("United Nations", "General
  Assembly").
- Lines on one baseline are one line (a paragraph number set apart from its text comes
  first); lines join into paragraphs by their spacing, across a column or page break in
  mid-sentence; a word hyphenated across a line break is joined again, unless the
  document writes it with a hyphen elsewhere (`confidence-building`).
- Headings: text set larger than the body, a short line wholly in bold, and "Article N",
  "Part N", "Chapter N", "Annex" lines whatever their type, with the title line that
  follows ("Article 3. Breadth of the territorial sea"). A table of contents is skipped.
- The title is the document's metadata title when it says something, else the largest
  text on page one that is not a masthead ("General Assembly"), else, for a document set
  in one size, its longest capitalised line on page one, else the file name.
- A PDF with no text layer (a scan) is refused with that reason: there is nothing to quote.

Each stage is a module: :mod:`~retrieval.formats.pdf.reading` (the document and its pages,
and a PDF refused for a password or damage), :mod:`~retrieval.formats.pdf.layout` (a page's
lines in reading order), :mod:`~retrieval.formats.pdf.characters` (a line's text from its
characters), :mod:`~retrieval.formats.pdf.furniture` (glyph codes and page furniture),
:mod:`~retrieval.formats.pdf.blocks` (headings and paragraphs) and
:mod:`~retrieval.formats.pdf.title`, on the :class:`~retrieval.formats.pdf.lines.PdfLine`
they share; this module runs them in turn and feeds the section builder.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from retrieval.formats.builder import ArticleInfo, SectionBuilder
from retrieval.formats.pdf.blocks import Block, to_blocks
from retrieval.formats.pdf.furniture import body_size, without_furniture, without_glyph_codes
from retrieval.formats.pdf.reading import read_lines
from retrieval.formats.pdf.title import choose_title
from retrieval.model import Article, CorpusError

# pdfminer warns on stderr about what it repairs ("Refusing to execute circular reference
# to content stream"): its records stay at WARNING and go to whatever handler the
# application configured, never to Python's last-resort handler on the terminal.
_PDFMINER_LOG = logging.getLogger("pdfminer")
_PDFMINER_LOG.setLevel(logging.WARNING)
if not any(isinstance(h, logging.NullHandler) for h in _PDFMINER_LOG.handlers):
    _PDFMINER_LOG.addHandler(logging.NullHandler())

_CONTENTS = re.compile(r"^(?:table of )?contents$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PdfRead:
    """A PDF read into an article, and how much of it was read."""

    article: Article
    pages_read: int
    pages_total: int | None  # the page tree's count, when the file states it
    warnings: tuple[str, ...] = field(default=())

    @property
    def truncated(self) -> bool:
        """True when max_pages stopped the reading before the last page."""
        return self.pages_total is not None and self.pages_read < self.pages_total


def parse_pdf(data: bytes, info: ArticleInfo, *, max_pages: int | None = None) -> Article:
    """Parse a PDF into sections (see the module docstring); with ``max_pages``, only
    the first pages (:func:`read_pdf` says whether that cut anything)."""
    return read_pdf(data, info, max_pages=max_pages).article


def read_pdf(data: bytes, info: ArticleInfo, *, max_pages: int | None = None) -> PdfRead:
    """Parse a PDF, reading at most ``max_pages`` pages; the result says how many pages
    were read of how many, with a warning to show when the reading was cut."""
    name = info.name
    lines, metadata_title, pages, total = read_lines(data, name, max_pages)
    if not lines:
        raise CorpusError(
            f"{name}: no text layer (a scanned PDF?): there is no text to quote;"
            " run it through OCR first"
        )
    lines = without_glyph_codes(lines, name)
    body = body_size(lines)
    lines = without_furniture(lines, pages, body)
    blocks = to_blocks(lines, body)
    builder = SectionBuilder(info)
    title, blocks = choose_title(blocks, metadata_title, body)
    builder.stated_title = title
    _build(builder, blocks)
    warnings: tuple[str, ...] = ()
    if total is not None and pages < total:
        warnings = (f"{name}: {total:,} pages: only the first {pages:,} were read",)
    return PdfRead(builder.build(), pages, total, warnings)


def _build(builder: SectionBuilder, blocks: Iterable[Block]) -> None:
    """Feed headings and paragraphs to the builder; a table of contents is skipped."""
    in_contents = False
    for block in blocks:
        if block.heading:
            in_contents = bool(_CONTENTS.match(block.text))
            if not in_contents:
                builder.heading(block.text)
            continue
        if in_contents:
            continue
        if not builder.note_provenance(block.text):
            builder.paragraph(block.text)
