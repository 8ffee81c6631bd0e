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
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from retrieval.formats.builder import ArticleInfo, SectionBuilder, is_heading_line
from retrieval.model import Article, CorpusError
from retrieval.text import normalize_spaces

if TYPE_CHECKING:
    from pdfminer.layout import LTChar, LTComponent, LTContainer, LTPage, LTTextLine
    from pdfminer.pdfdocument import PDFDocument

# pdfminer warns on stderr about what it repairs ("Refusing to execute circular reference
# to content stream"): its records stay at WARNING and go to whatever handler the
# application configured, never to Python's last-resort handler on the terminal.
_PDFMINER_LOG = logging.getLogger("pdfminer")
_PDFMINER_LOG.setLevel(logging.WARNING)
if not any(isinstance(h, logging.NullHandler) for h in _PDFMINER_LOG.handlers):
    _PDFMINER_LOG.addHandler(logging.NullHandler())

# A line this much larger than the body text is a heading.
HEADING_SIZE_RATIO = 1.15
# The top and bottom bands of a page where running headers, footers and numbers live.
MARGIN_SHARE = 0.1
# A margin line on at least this share of pages (and on two or more) is a running one.
RUNNING_SHARE = 0.5
# A vertical gap wider than this many line heights starts a new paragraph.
PARAGRAPH_GAP = 0.6
# A space pdfminer guesses between characters closer than this many ems is not a word
# break, in a line that has space glyphs of its own (justified UN text: 0.10-0.12 em
# inside a word, 0.25 em and more between words).
STRAY_SPACE_EM = 0.2
# Characters of one text at most this many ems apart are one character printed twice.
OVERPRINT_EM = 0.15
# A digit set at most this share of the line's size is a footnote reference.
SUPERSCRIPT_RATIO = 0.8
# A page with this many lines beside another is set in columns.
SIDE_BY_SIDE_LINES = 3
# A text layer with more than this share of glyph codes is not text.
GLYPH_CODE_SHARE = 0.3

_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?[-–—]?\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$",
    re.IGNORECASE,
)
# UN job numbers (23-15249 (E) 110823, 95-27467S (E)), barcodes (*2315249*), the "/..."
# that says a page goes on, and bare date or job digits in a margin.
_FURNITURE = re.compile(
    r"^(?:\d{2}-\d{5}[A-Z]?\b.*|\*\d{5,}\*|/\.\.\.|\d{5,8}|page\s+\d+(?:\s+of\s+\d+)?\b.*)$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^[_\-–—‐=.·\s]{5,}$")
_GLYPH_CODE = re.compile(r"\(cid:\d+\)")
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
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
_CONTENTS = re.compile(r"^(?:table of )?contents$", re.IGNORECASE)
# A paragraph number or list label set apart from its text: "3.", "(a)", "iv)", "12".
_LABEL = re.compile(
    r"^(?:\(?\d{1,3}[.)]|\d{1,3}|\([a-z]{1,5}\)|[a-z][.)]|[ivxlc]{1,6}[.)]|[•▪–-])$"
)
_LEADING_LABEL = re.compile(r"^(?:\(?\d{1,3}[.)]|\([a-z]{1,5}\)|[a-z]\)|[ivxlc]{1,6}\))\s")
_STRUCTURE = re.compile(
    r"^(?P<head>(?:article|part|chapter|section|annex|appendix)"
    r"(?:\s+(?:[0-9]{1,3}[a-z]?|[ivxlc]{1,7}|[a-z]))?)\.?(?:\s+(?P<rest>.+))?$",
    re.IGNORECASE,
)
_STRUCTURE_WORD = re.compile(r"^(?:article|part|chapter|section|annex|appendix)\b", re.IGNORECASE)
_SENTENCE_END = (".", "!", "?", ":", "…", "”", '"', ")")
_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_LTR_RUN = re.compile(
    r"[A-Za-z0-9\u00c0-\u024f\u0370-\u052f][^\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]*"
)


@dataclass(frozen=True, slots=True)
class PdfLine:
    """One line of a page's text layer, with what its typesetting says about it."""

    page: int
    box: int  # the text box (pdfminer's layout block) it belongs to
    text: str
    size: float
    bold: bool
    top: float  # distance from the top of the page
    bottom: float
    page_height: float
    left: float = 0.0
    right: float = 0.0

    @property
    def in_margin(self) -> bool:
        """In the top or bottom band of its page, where running lines are set."""
        band = self.page_height * MARGIN_SHARE
        return self.top < band or self.bottom > self.page_height - band


@dataclass(slots=True)
class _Block:
    """Lines that read as one heading or one paragraph."""

    lines: list[PdfLine]
    heading: bool = False
    text: str = ""

    @property
    def first(self) -> PdfLine:
        return self.lines[0]

    @property
    def last(self) -> PdfLine:
        return self.lines[-1]


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
    lines, metadata_title, pages, total = _read_lines(data, name, max_pages)
    if not lines:
        raise CorpusError(
            f"{name}: no text layer (a scanned PDF?): there is no text to quote;"
            " run it through OCR first"
        )
    lines = _without_glyph_codes(lines, name)
    body = _body_size(lines)
    lines = _without_furniture(lines, pages, body)
    blocks = _blocks(lines, body)
    builder = SectionBuilder(info)
    title, blocks = _title(blocks, metadata_title, body)
    builder.stated_title = title
    _build(builder, blocks)
    warnings: tuple[str, ...] = ()
    if total is not None and pages < total:
        warnings = (f"{name}: {total:,} pages: only the first {pages:,} were read",)
    return PdfRead(builder.build(), pages, total, warnings)


# Reading ------------------------------------------------------------------------------


def _read_lines(
    data: bytes, name: str, max_pages: int | None
) -> tuple[list[PdfLine], str | None, int, int | None]:
    """Every text line in reading order, the metadata title, the pages read and the
    pages the document says it has."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except PDFPasswordIncorrect as error:
        raise CorpusError(f"{name}: password-protected: it cannot be read without it") from error
    except Exception as error:
        raise _unreadable(name, error) from error
    try:
        title = _metadata_title(document)
        total = _page_count(document)
        resources = PDFResourceManager(caching=True)
        device = PDFPageAggregator(resources, laparams=LAParams(all_texts=True))
        interpreter = PDFPageInterpreter(resources, device)
        lines: list[PdfLine] = []
        pages = 0
        for page in PDFPage.create_pages(document):
            if max_pages is not None and pages >= max_pages:
                break
            pages += 1
            interpreter.process_page(page)
            lines.extend(_page_lines(device.get_result(), pages, len(lines)))
    except CorpusError:
        raise
    except Exception as error:
        # A damaged file trips pdfminer anywhere (its own syntax errors, but also struct,
        # zlib and index errors): whatever it is, the file is not read.
        raise _unreadable(name, error) from error
    return lines, title, pages, total


def _unreadable(name: str, error: Exception) -> CorpusError:
    if "password" in type(error).__name__.lower():
        return CorpusError(f"{name}: password-protected: it cannot be read without it")
    return CorpusError(f"{name}: not a readable PDF ({type(error).__name__}: {error})")


def _page_count(document: PDFDocument) -> int | None:
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(document.catalog["Pages"])["Count"])
    except Exception:
        return None
    return count if isinstance(count, int) and count >= 0 else None


def _metadata_title(document: PDFDocument) -> str | None:
    """The Title in the document information dictionary, when it says something."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    for info in getattr(document, "info", []):
        raw = resolve1(info.get("Title"))
        if isinstance(raw, bytes):
            raw = decode_text(raw)
        if isinstance(raw, str):
            title = _collapse(normalize_spaces(raw))
            if _citable_title(title) and not _NOT_A_TITLE.search(title):
                return title
    return None


def _citable_title(title: str) -> bool:
    """A title that names a document: more than three characters, a word of four letters
    or more ("XXI-10 CTC" is a filing code), not a masthead alone."""
    return (
        len(title) > 3
        and re.search(r"[^\W\d_]{4,}", title) is not None
        and not _GENERIC.match(title.rstrip(" .:"))
        and not _GLYPH_CODE.search(title)
    )


def _text_lines(container: LTPage) -> Iterator[tuple[int, LTTextLine]]:
    """The text lines of a page in pdfminer's reading order, looking into figures (forms),
    each with the index of its box on the page."""
    from pdfminer.layout import LTFigure, LTTextContainer, LTTextLine

    box = 0

    def walk(item: LTContainer[LTComponent]) -> Iterator[tuple[int, LTTextLine]]:
        nonlocal box
        for child in item:
            if isinstance(child, LTTextLine):
                yield box, child
            elif isinstance(child, LTTextContainer):
                box += 1
                for line in child:
                    if isinstance(line, LTTextLine):
                        yield box, line
            elif isinstance(child, LTFigure):
                yield from walk(child)

    yield from walk(container)


def _page_lines(page: LTPage, number: int, first_box: int) -> Iterator[PdfLine]:
    """The text lines of one page, each with its box, size and weight; a line printed
    twice at the same place (overprinted bold) is read once."""
    height = float(page.height)
    seen: list[PdfLine] = []
    for box, line in _text_lines(page):
        read = _line_text(line)
        if read is None:
            continue
        text, size, bold = read
        pdf_line = PdfLine(
            page=number,
            box=first_box + box,
            text=text,
            size=size,
            bold=bold,
            top=height - float(line.y1),
            bottom=height - float(line.y0),
            page_height=height,
            left=float(line.x0),
            right=float(line.x1),
        )
        if any(_same_place(pdf_line, other) for other in seen[-8:]):
            continue
        seen.append(pdf_line)
    yield from _in_reading_order(_one_line_per_baseline(seen))


def _in_reading_order(lines: list[PdfLine]) -> list[PdfLine]:
    """A page of one column top to bottom (pdfminer orders boxes, and a centred line may
    come before the one above it); a page with columns in pdfminer's order, which reads
    a column before the next."""
    ordered = sorted(lines, key=lambda line: line.top)
    side_by_side = sum(
        1
        for above, below in itertools.pairwise(ordered)
        if below.top < above.bottom - 0.3 * above.size
        and (below.left > above.right or above.left > below.right)
    )
    return lines if side_by_side >= SIDE_BY_SIDE_LINES else ordered


def _same_place(line: PdfLine, other: PdfLine) -> bool:
    tolerance = max(1.0, OVERPRINT_EM * line.size)
    return (
        line.text == other.text
        and abs(line.top - other.top) <= tolerance
        and abs(line.left - other.left) <= tolerance
    )


def _footnote_mark(char: LTChar, previous: LTChar, size: float) -> bool:
    """A raised, small digit after text: a footnote reference ("the Sea1", "session, 2")."""
    return (
        char.get_text().isdigit()
        and char.size <= SUPERSCRIPT_RATIO * size
        and char.y0 > previous.y0 + 0.15 * size
    )


def _line_text(line: LTTextLine) -> tuple[str, float, bool] | None:
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
    text = _collapse(normalize_spaces("".join(parts)).translate(_LIGATURES))
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


def _collapse(text: str) -> str:
    """Runs of spaces as one space, the ends stripped (justified text)."""
    return re.sub(r" {2,}", " ", text).strip()


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


def _one_line_per_baseline(lines: list[PdfLine]) -> list[PdfLine]:
    """Lines set on one baseline joined as one, left to right, where the leftmost piece
    was, when they are one line of text: pieces of the same box, a paragraph number with
    the text beside it, or a piece a sentence space away that does not start on a column
    edge (pdfminer leaves text shown out of order in boxes of its own). Lines of two
    columns stay apart."""
    count = len(lines)
    parent = list(range(count))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_baseline = sorted(range(count), key=lambda i: lines[i].bottom)
    for position, i in enumerate(by_baseline):
        for j in by_baseline[position + 1 :]:
            if lines[j].bottom - lines[i].bottom > 0.3 * max(lines[i].size, lines[j].size):
                break
            if _one_line(lines[i], lines[j], lines):
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(count):
        groups.setdefault(root(i), []).append(i)
    out: dict[int, PdfLine] = {}
    for members in groups.values():
        if len(members) == 1:
            out[members[0]] = lines[members[0]]
            continue
        pieces = sorted((lines[i] for i in members), key=lambda item: item.left)
        main = max(members, key=lambda i: len(lines[i].text))
        start = min(members, key=lambda i: lines[i].left)
        out[start] = replace(
            lines[main],
            text=" ".join(item.text for item in pieces),
            left=pieces[0].left,
            right=max(item.right for item in pieces),
            bold=all(item.bold for item in pieces),
        )
    return [out[i] for i in sorted(out)]


def _one_line(line: PdfLine, other: PdfLine, lines: list[PdfLine]) -> bool:
    if not _on_one_baseline(line, other):
        return False
    if other.box == line.box or _LABEL.match(other.text) or _LABEL.match(line.text):
        return True
    left, right = sorted((line, other), key=lambda item: item.left)
    gap = right.left - left.right
    if not -1 <= gap <= 3 * right.size:
        return False
    on_edge = sum(1 for item in lines if abs(item.left - right.left) <= 2 and item.box != right.box)
    return on_edge < 2


def _on_one_baseline(line: PdfLine, other: PdfLine) -> bool:
    size = max(line.size, other.size)
    return abs(line.bottom - other.bottom) <= 0.3 * size and abs(line.size - other.size) <= 1


# Refusals and furniture ----------------------------------------------------------------


def _without_glyph_codes(lines: list[PdfLine], name: str) -> list[PdfLine]:
    """Refuse a text layer of glyph codes; strip the odd unmapped glyph from a real one."""
    total = sum(len(line.text) for line in lines)
    codes = sum(len(m) for line in lines for m in _GLYPH_CODE.findall(line.text))
    private = sum(1 for line in lines for c in line.text if unicodedata.category(c) == "Co")
    if total and (codes + private) / total > GLYPH_CODE_SHARE:
        raise CorpusError(f"{name}: the text layer is glyph codes, not text (no ToUnicode map)")
    if not codes and not private:
        return lines
    cleaned = []
    for line in lines:
        text = _GLYPH_CODE.sub("", line.text)
        text = _collapse("".join(c for c in text if unicodedata.category(c) != "Co"))
        if text:
            cleaned.append(replace(line, text=text))
    return cleaned


def _without_furniture(lines: list[PdfLine], pages: int, body: float) -> list[PdfLine]:
    """The lines without page furniture: running headers and footers (a margin line that
    recurs on most pages, digits aside, or is set smaller than the body text), page and
    job numbers, barcodes, footnote rules and the footnotes below them."""

    def shape(line: PdfLine) -> str:
        return re.sub(r"\d+", "#", line.text.lower())

    margin = {id(line) for line in lines if line.in_margin} | _set_apart(lines)
    pages_with: dict[str, set[int]] = {}
    for line in lines:
        if id(line) in margin:
            pages_with.setdefault(shape(line), set()).add(line.page)
    running = {
        text for text, seen in pages_with.items() if len(seen) >= max(2, RUNNING_SHARE * pages)
    }
    rule_at: dict[int, float] = {}
    for line in lines:
        if _RULE.match(line.text) and "_" in line.text and line.top > line.page_height / 3:
            rule_at[line.page] = min(rule_at.get(line.page, line.top), line.top)
    kept = []
    for line in lines:
        if _RULE.match(line.text):
            continue
        if id(line) in margin and (
            shape(line) in running
            or _PAGE_NUMBER.match(line.text)
            or _FURNITURE.match(line.text)
            or line.size < body * 0.95
        ):
            continue
        if _FURNITURE.match(line.text) and re.match(r"^(?:\d{2}-\d{5}|\*\d+\*)", line.text):
            continue
        rule = rule_at.get(line.page)
        if rule is not None and line.top > rule and line.size < body * 0.95:
            continue  # a footnote under its rule
        kept.append(line)
    return kept


def _set_apart(lines: list[PdfLine]) -> set[int]:
    """The first and last lines of each page when a gap of more than a line sets them
    apart from the text (a footer above the bottom band of a tall page)."""
    by_page: dict[int, list[PdfLine]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).append(line)
    apart: set[int] = set()
    for page_lines in by_page.values():
        ordered = sorted(page_lines, key=lambda line: line.top)
        for edge, neighbour in ((ordered[0], ordered[1:2]), (ordered[-1], ordered[-2:-1])):
            if neighbour:
                gap = max(edge.top - neighbour[0].bottom, neighbour[0].top - edge.bottom)
                if gap > edge.size:
                    apart.add(id(edge))
    return apart


def _body_size(lines: list[PdfLine]) -> float:
    """The size most characters are set in."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0]


# Blocks -------------------------------------------------------------------------------


def _is_heading(line: PdfLine, body: float) -> bool:
    """Set larger than the body, or a short line wholly in bold; either way shaped like a
    heading (short, no closing punctuation)."""
    if not is_heading_line(line.text) or _LABEL.match(line.text):
        return False
    if line.size >= body * HEADING_SIZE_RATIO:
        return True
    return line.size >= body * 0.95 and (line.bold or _capitals(line.text))


def _capitals(text: str) -> bool:
    """A line in capitals, of two words or more (how a typescript sets a heading)."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 8 and len(text.split()) >= 2 and text.upper() == text


def _wraps_heading(previous: PdfLine, line: PdfLine) -> bool:
    """A heading's second line, set like the first, may start in lower case."""
    return (
        line.page == previous.page
        and line.size == previous.size
        and line.bold == previous.bold
        and (line.text.upper() == line.text or not _capitals(previous.text))
        and is_heading_line(line.text[:1].upper() + line.text[1:])
    )


def _blocks(lines: list[PdfLine], body: float) -> list[_Block]:
    """Lines grouped into headings and paragraphs by their type and spacing, paragraphs
    broken by a column or page in mid-sentence joined again, and "Article N" lines made
    headings with the title line that follows."""
    blocks: list[_Block] = []
    for line in lines:
        current = blocks[-1] if blocks else None
        heading = _is_heading(line, body) or (
            current is not None and current.heading and _wraps_heading(current.last, line)
        )
        if current is not None and current.heading == heading and _continues(current, line):
            current.lines.append(line)
            continue
        blocks.append(_Block([line], heading))
    hyphenated = _hyphenated_words(lines)
    for block in blocks:
        if block.heading:
            block.text = _collapse(" ".join(line.text for line in block.lines))
        else:
            block.text = _join_lines([line.text for line in block.lines], hyphenated)
    return _structure_headings(_rejoined(blocks, hyphenated))


def _continues(block: _Block, line: PdfLine) -> bool:
    """Whether a line goes on the block before it: the same page and column, no paragraph
    gap, and not the start of a numbered paragraph after a finished line."""
    previous = block.last
    if line.page != previous.page:
        return False
    if block.heading:
        if line.size != previous.size or (line.box != previous.box and line.bold != previous.bold):
            return False
    elif abs(line.size - previous.size) > 1:
        return False
    gap = line.top - previous.bottom
    if gap > PARAGRAPH_GAP * max(line.size, previous.size) or gap < -0.5 * line.size:
        return False
    if line.left > previous.right or previous.left > line.right:
        return False  # another column
    if _STRUCTURE.match(previous.text) and _is_structure_line(previous.text):
        return False
    if _is_structure_line(line.text):
        return False
    widest = max(item.right for item in block.lines)
    if (
        previous.text.endswith((".", "!", "?", ":"))
        and previous.right < widest - 2 * line.size
        and line.left > min(item.left for item in block.lines) + 0.8 * line.size
    ):
        return False  # a short last line, then an indented one: a new paragraph
    return not (_LEADING_LABEL.match(line.text) and previous.text.endswith((".", ";", ":")))


def _is_structure_line(text: str) -> bool:
    """An "Article 3", "PART II", "Annex" line (optionally with a short title after)."""
    match = _STRUCTURE.match(text)
    if not match:
        return False
    head_words = match.group("head").split()
    if len(head_words) == 1 and head_words[0].lower() not in ("annex", "appendix"):
        return False
    if head_words[0][0].islower():
        return False
    rest = match.group("rest")
    return rest is None or _title_like(rest)


def _title_like(text: str) -> bool:
    return is_heading_line(text) and not _LEADING_LABEL.match(text)


def _rejoined(blocks: list[_Block], hyphenated: frozenset[str]) -> list[_Block]:
    """Paragraphs split by a page or column break in mid-sentence, joined again."""
    out: list[_Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if (
            previous is not None
            and not previous.heading
            and not block.heading
            and _broken_across(previous, block)
        ):
            previous.lines.extend(block.lines)
            previous.text = _join_lines([previous.text, block.text], hyphenated)
            continue
        out.append(block)
    return out


def _broken_across(previous: _Block, block: _Block) -> bool:
    end, start = previous.text, block.text
    if _LEADING_LABEL.match(start) or _is_structure_line(start) or _is_structure_line(end):
        return False
    if end.endswith((*_SENTENCE_END, ";")):
        return False
    moved = block.first.page != previous.last.page or block.first.top < previous.last.top
    if moved:
        return True
    return start[:1].islower() and end[-1:].isalnum()


def _structure_headings(blocks: list[_Block]) -> list[_Block]:
    """ "Article N" / "Part N" / "Chapter N" / "Annex" blocks as headings, each with the
    title line that follows it: "Article 3. Breadth of the territorial sea"."""
    out: list[_Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        index += 1
        text = block.text
        if not _is_structure_line(text):
            out.append(block)
            continue
        match = _STRUCTURE.match(text)
        assert match is not None
        head, rest = match.group("head"), match.group("rest")
        if rest is None and index < len(blocks):
            following = blocks[index]
            if (
                len(following.lines) <= 4
                and _title_like(following.text)
                and not _is_structure_line(following.text)
            ):
                rest = following.text
                index += 1
        heading = f"{head}. {rest}" if rest else head
        out.append(_Block(block.lines, heading=True, text=heading))
    return out


# Title --------------------------------------------------------------------------------


def _title(
    blocks: list[_Block], metadata_title: str | None, body: float
) -> tuple[str | None, list[_Block]]:
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
        b for b in kept if b.heading and _capitals(b.text) and not _is_structure_line(b.text)
    ]
    chosen = None
    if larger:
        chosen = max(larger, key=lambda b: b.first.size)
    elif capitals:
        chosen = max(capitals, key=lambda b: len(b.text))
    if chosen is not None and not _citable_title(chosen.text):
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


# Building -----------------------------------------------------------------------------


def _build(builder: SectionBuilder, blocks: Iterable[_Block]) -> None:
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


def _hyphenated_words(lines: list[PdfLine]) -> frozenset[str]:
    """Words the document writes with a hyphen inside a line (`confidence-building`)."""
    found: set[str] = set()
    for line in lines:
        found.update(word.lower() for word in re.findall(r"\b\w+-\w+\b", line.text))
    return frozenset(found)


def _join_lines(lines: list[str], hyphenated: frozenset[str]) -> str:
    """Lines of one paragraph as running text: a word broken with a hyphen at a line's
    end is joined again, unless the document writes it with a hyphen elsewhere; a hyphen
    before a capitalised word is kept ("Asia-" + "Pacific")."""
    text = lines[0]
    for line in lines[1:]:
        broken = re.search(r"(\w+)-$", text)
        if broken:
            following = re.match(r"[^\W\d_]\w*", line)
            if following and following.group(0)[0].islower():
                whole = f"{broken.group(1)}-{following.group(0)}".lower()
                text = text[:-1] + line if whole not in hyphenated else text + line
                continue
            if following:
                text += line
                continue
        text += " " + line
    return _collapse(text)
