"""A page's text lines in reading order: looking into forms, a line printed twice read
once, pieces of one line on one baseline joined, a one-column page top to bottom."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from retrieval.formats.pdf.characters import OVERPRINT_EM, line_text
from retrieval.formats.pdf.lines import LABEL, PdfLine

if TYPE_CHECKING:
    from pdfminer.layout import LTComponent, LTContainer, LTPage, LTTextLine

# A page with this many lines beside another is set in columns.
SIDE_BY_SIDE_LINES = 3


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


def page_lines(page: LTPage, number: int, first_box: int) -> Iterator[PdfLine]:
    """The text lines of one page, each with its box, size and weight; a line printed
    twice at the same place (overprinted bold) is read once."""
    height = float(page.height)
    seen: list[PdfLine] = []
    for box, line in _text_lines(page):
        read = line_text(line)
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


def _one_line_per_baseline(lines: list[PdfLine]) -> list[PdfLine]:
    """Lines set on one baseline joined as one, left to right, where the leftmost piece
    was, when they are one line of text: pieces of the same box, a paragraph number with
    the text beside it, or a piece a sentence space away that does not start on a column
    edge (pdfminer leaves text shown out of order in boxes of its own). Lines of two
    columns stay apart."""
    out: dict[int, PdfLine] = {}
    for members in _baseline_groups(lines):
        if len(members) == 1:
            out[members[0]] = lines[members[0]]
            continue
        start = min(members, key=lambda i: lines[i].left)
        out[start] = _joined([lines[i] for i in members])
    return [out[i] for i in sorted(out)]


def _baseline_groups(lines: list[PdfLine]) -> list[list[int]]:
    """The lines' indices (ascending) in groups that are one line of text each."""
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
    return list(groups.values())


def _joined(members: list[PdfLine]) -> PdfLine:
    """Pieces of one line (in the page's order) as one: the longest piece's place and
    type, the pieces' text left to right, bold when all of them are."""
    pieces = sorted(members, key=lambda item: item.left)
    main = max(members, key=lambda item: len(item.text))
    return replace(
        main,
        text=" ".join(item.text for item in pieces),
        left=pieces[0].left,
        right=max(item.right for item in pieces),
        bold=all(item.bold for item in pieces),
    )


def _one_line(line: PdfLine, other: PdfLine, lines: list[PdfLine]) -> bool:
    if not _on_one_baseline(line, other):
        return False
    if other.box == line.box or LABEL.match(other.text) or LABEL.match(line.text):
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
