"""PDF articles (pdfminer.six, imported only when a PDF is read): the text layer's lines
with their font sizes, turned into headings and paragraphs.

- The body size is the size most of the text is set in; a line set larger, or a short
  line wholly in bold, is a heading.
- The title is the document's metadata title, else the largest text on page one.
- Running headers and footers (a line in the top or bottom margin that recurs on most
  pages) and page numbers are dropped.
- Lines join into paragraphs; a word hyphenated across a line break is joined again,
  unless the document writes it with a hyphen elsewhere (`confidence-building`).
- A PDF with no text layer (a scan) is refused with that reason: there is nothing to quote.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from retrieval.formats.builder import ArticleInfo, SectionBuilder, is_heading_line
from retrieval.model import Article, CorpusError
from retrieval.text import normalize_spaces

# A line this much larger than the body text is a heading.
HEADING_SIZE_RATIO = 1.15
# The top and bottom bands of a page where running headers, footers and numbers live.
MARGIN_SHARE = 0.1
# A margin line on at least this share of pages (and on two or more) is a running one.
RUNNING_SHARE = 0.5
# A vertical gap wider than this many line heights starts a new paragraph.
PARAGRAPH_GAP = 0.6
_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?[-–—]?\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
# Metadata titles that name the file or the program, not the article.
_NOT_A_TITLE = re.compile(r"^(?:untitled|microsoft word\b)|\.(?:docx?|pdf|odt|rtf)$", re.IGNORECASE)
_SENTENCE_END = (".", "!", "?", ":", "…", "”", '"', ")")


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

    @property
    def in_margin(self) -> bool:
        """In the top or bottom band of its page, where running lines are set."""
        band = self.page_height * MARGIN_SHARE
        return self.top < band or self.bottom > self.page_height - band


def parse_pdf(data: bytes, info: ArticleInfo) -> Article:
    """Parse a PDF into sections (see the module docstring)."""
    name = info.name
    lines, metadata_title, pages = _read_lines(data, name)
    if not lines:
        raise CorpusError(
            f"{name}: no text layer (a scanned PDF?): there is no text to quote;"
            " run it through OCR first"
        )
    body = _body_size(lines)
    lines = _without_running_lines(lines, pages, body)
    builder = SectionBuilder(info)
    title_lines = _title_lines(lines, body)
    builder.stated_title = metadata_title or " ".join(line.text for line in title_lines) or None
    _build(builder, [line for line in lines if line not in title_lines], body)
    return builder.build()


def _read_lines(data: bytes, name: str) -> tuple[list[PdfLine], str | None, int]:
    """Every text line in reading order, the metadata title, and the page count."""
    from pdfminer.high_level import extract_pages
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        title = _metadata_title(document)
        lines: list[PdfLine] = []
        pages = 0
        for page in extract_pages(io.BytesIO(data)):
            pages += 1
            lines.extend(_page_lines(page, pages, len(lines)))
    except Exception as error:
        # A damaged file trips pdfminer anywhere (its own syntax errors, but also struct,
        # zlib and index errors): whatever it is, the file is not read.
        raise CorpusError(
            f"{name}: not a readable PDF ({type(error).__name__}: {error})"
        ) from error
    return lines, title, pages


def _metadata_title(document: object) -> str | None:
    """The Title in the document information dictionary, when it says something."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    for info in getattr(document, "info", []):
        raw = resolve1(info.get("Title"))
        if isinstance(raw, bytes):
            raw = decode_text(raw)
        if isinstance(raw, str):
            title = normalize_spaces(raw).strip()
            if title and not _NOT_A_TITLE.search(title):
                return title
    return None


def _page_lines(page: object, number: int, first_box: int) -> Iterator[PdfLine]:
    """The text lines of one page, each with its box, size and weight."""
    from pdfminer.layout import LTChar, LTTextContainer, LTTextLine

    height = float(page.height)  # type: ignore[attr-defined]
    for box_number, box in enumerate(page, start=first_box):  # type: ignore[attr-defined]
        if not isinstance(box, LTTextContainer):
            continue
        for line in box:
            if not isinstance(line, LTTextLine):
                continue
            text = normalize_spaces(line.get_text()).strip()
            chars = [c for c in line if isinstance(c, LTChar) and not c.get_text().isspace()]
            if not text or not chars:
                continue
            yield PdfLine(
                page=number,
                box=box_number,
                text=text,
                size=round(statistics.median(c.size for c in chars), 1),
                bold=all(_BOLD_FONT.search(c.fontname) for c in chars),
                top=height - float(line.y1),
                bottom=height - float(line.y0),
                page_height=height,
            )


def _without_running_lines(lines: list[PdfLine], pages: int, body: float) -> list[PdfLine]:
    """The lines without page numbers and running headers and footers (a margin line
    that recurs on most pages, or is set smaller than the body text)."""

    def shape(line: PdfLine) -> str:
        return re.sub(r"\d+", "#", line.text.lower())

    pages_with: dict[str, set[int]] = {}
    for line in lines:
        if line.in_margin:
            pages_with.setdefault(shape(line), set()).add(line.page)
    running = {
        text for text, seen in pages_with.items() if len(seen) >= max(2, RUNNING_SHARE * pages)
    }
    return [
        line
        for line in lines
        if not (
            line.in_margin
            and (shape(line) in running or _PAGE_NUMBER.match(line.text) or line.size < body)
        )
    ]


def _body_size(lines: list[PdfLine]) -> float:
    """The size most characters are set in."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0]


def _title_lines(lines: list[PdfLine], body: float) -> list[PdfLine]:
    """The largest text on page one, when it is larger than the body text."""
    first_page = [line for line in lines if line.page == 1]
    largest = max((line.size for line in first_page), default=0.0)
    if largest < body * HEADING_SIZE_RATIO:
        return []
    first = next(line for line in first_page if line.size == largest)
    return [line for line in first_page if line.box == first.box and line.size == largest]


def _is_heading(line: PdfLine, body: float) -> bool:
    """Set larger than the body, or a short line wholly in bold; either way shaped like a
    heading (short, no closing punctuation)."""
    if not is_heading_line(line.text):
        return False
    return line.size >= body * HEADING_SIZE_RATIO or (line.bold and line.size >= body * 0.95)


def _build(builder: SectionBuilder, lines: list[PdfLine], body: float) -> None:
    """Feed headings and paragraphs to the builder."""
    paragraph: list[PdfLine] = []
    heading: list[PdfLine] = []
    hyphenated = _hyphenated_words(lines)

    def flush() -> None:
        if paragraph:
            text = _join_lines([line.text for line in paragraph], hyphenated)
            if not builder.note_provenance(text):
                builder.paragraph(text)
            paragraph.clear()

    for line in lines:
        if _is_heading(line, body):
            flush()
            if heading and heading[-1].box == line.box and heading[-1].size == line.size:
                heading.append(line)  # a heading wrapped over two lines
                continue
            _close_heading(builder, heading)
            heading[:] = [line]
            continue
        _close_heading(builder, heading)
        heading.clear()
        if paragraph and not _continues(paragraph[-1], line):
            flush()
        paragraph.append(line)
    flush()
    _close_heading(builder, heading)


def _close_heading(builder: SectionBuilder, heading: list[PdfLine]) -> None:
    if heading:
        builder.heading(" ".join(line.text for line in heading))
        heading.clear()


def _continues(previous: PdfLine, line: PdfLine) -> bool:
    """Whether a line goes on the paragraph of the line before: the same text box and no
    paragraph gap, or a page break in mid-sentence."""
    if line.page != previous.page:
        return not previous.text.endswith(_SENTENCE_END) and line.text[:1].islower()
    if line.box != previous.box:
        return False
    gap = line.top - previous.bottom
    return gap <= PARAGRAPH_GAP * max(line.size, previous.size)


def _hyphenated_words(lines: list[PdfLine]) -> frozenset[str]:
    """Words the document writes with a hyphen inside a line (`confidence-building`)."""
    found = set()
    for line in lines:
        found.update(word.lower() for word in re.findall(r"\b\w+-\w+\b", line.text))
    return frozenset(found)


def _join_lines(lines: list[str], hyphenated: frozenset[str]) -> str:
    """Lines of one paragraph as running text: a word broken with a hyphen at a line's
    end is joined again, unless the document writes it with a hyphen elsewhere."""
    text = lines[0]
    for line in lines[1:]:
        broken = re.search(r"(\w+)-$", text)
        following = re.match(r"[a-z]\w*", line)
        if broken and following:
            whole = f"{broken.group(1)}-{following.group(0)}".lower()
            if whole not in hyphenated:
                text = text[:-1] + line
                continue
            text += line
            continue
        text += " " + line
    return text
