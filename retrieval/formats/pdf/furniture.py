"""What is not the article's text: a text layer of glyph codes (refused), the odd
unmapped glyph, and page furniture (running headers and footers, page and job numbers,
barcodes, footnote rules and the footnotes below them); and the body text's size."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import replace

from retrieval.formats.pdf.lines import PdfLine, collapse
from retrieval.model import CorpusError

# A margin line on at least this share of pages (and on two or more) is a running one.
RUNNING_SHARE = 0.5
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
GLYPH_CODE = re.compile(r"\(cid:\d+\)")


def without_glyph_codes(lines: list[PdfLine], name: str) -> list[PdfLine]:
    """Refuse a text layer of glyph codes; strip the odd unmapped glyph from a real one."""
    total = sum(len(line.text) for line in lines)
    codes = sum(len(m) for line in lines for m in GLYPH_CODE.findall(line.text))
    private = sum(1 for line in lines for c in line.text if unicodedata.category(c) == "Co")
    if total and (codes + private) / total > GLYPH_CODE_SHARE:
        raise CorpusError(f"{name}: the text layer is glyph codes, not text (no ToUnicode map)")
    if not codes and not private:
        return lines
    cleaned = []
    for line in lines:
        text = GLYPH_CODE.sub("", line.text)
        text = collapse("".join(c for c in text if unicodedata.category(c) != "Co"))
        if text:
            cleaned.append(replace(line, text=text))
    return cleaned


def without_furniture(lines: list[PdfLine], pages: int, body: float) -> list[PdfLine]:
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


def body_size(lines: list[PdfLine]) -> float:
    """The size most characters are set in."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0]
