"""Lines grouped into headings and paragraphs: by type and spacing, across a column or
page break in mid-sentence, hyphenated words joined again, "Article N" lines made headings
with their title line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.formats.builder import is_heading_line
from retrieval.formats.pdf.lines import LABEL, PdfLine, collapse

# A line this much larger than the body text is a heading.
HEADING_SIZE_RATIO = 1.15
# A vertical gap wider than this many line heights starts a new paragraph.
PARAGRAPH_GAP = 0.6

_LEADING_LABEL = re.compile(r"^(?:\(?\d{1,3}[.)]|\([a-z]{1,5}\)|[a-z]\)|[ivxlc]{1,6}\))\s")
_STRUCTURE = re.compile(
    r"^(?P<head>(?:article|part|chapter|section|rule|annex|appendix)"
    r"(?:\s+(?:[0-9]{1,3}[a-z]?|[ivxlc]{1,7}|[a-z]))?)\.?(?:\s+(?P<rest>.+))?$",
    re.IGNORECASE,
)
_STRUCTURE_WORD = re.compile(
    r"^(?:article|part|chapter|section|rule|annex|appendix)\b", re.IGNORECASE
)
_SENTENCE_END = (".", "!", "?", ":", "…", "”", '"', ")")


@dataclass(slots=True)
class Block:
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


def _is_heading(line: PdfLine, body: float) -> bool:
    """Set larger than the body, or a short line wholly in bold; either way shaped like a
    heading (short, no closing punctuation)."""
    if not is_heading_line(line.text) or LABEL.match(line.text):
        return False
    if line.size >= body * HEADING_SIZE_RATIO:
        return True
    return line.size >= body * 0.95 and (line.bold or in_capitals(line.text))


def in_capitals(text: str) -> bool:
    """A line in capitals, of two words or more (how a typescript sets a heading)."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 8 and len(text.split()) >= 2 and text.upper() == text


def _wraps_heading(previous: PdfLine, line: PdfLine) -> bool:
    """A heading's second line, set like the first, may start in lower case."""
    return (
        line.page == previous.page
        and line.size == previous.size
        and line.bold == previous.bold
        and (line.text.upper() == line.text or not in_capitals(previous.text))
        and is_heading_line(line.text[:1].upper() + line.text[1:])
    )


def to_blocks(lines: list[PdfLine], body: float) -> list[Block]:
    """Lines grouped into headings and paragraphs by their type and spacing, paragraphs
    broken by a column or page in mid-sentence joined again, and "Article N" lines made
    headings with the title line that follows."""
    blocks: list[Block] = []
    for line in lines:
        current = blocks[-1] if blocks else None
        heading = _is_heading(line, body) or (
            current is not None and current.heading and _wraps_heading(current.last, line)
        )
        if current is not None and current.heading == heading and _continues(current, line):
            current.lines.append(line)
            continue
        blocks.append(Block([line], heading))
    hyphenated = _hyphenated_words(lines)
    for block in blocks:
        if block.heading:
            block.text = collapse(" ".join(line.text for line in block.lines))
        else:
            block.text = _join_lines([line.text for line in block.lines], hyphenated)
    return _structure_headings(_rejoined(blocks, hyphenated))


def _continues(block: Block, line: PdfLine) -> bool:
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
    if _STRUCTURE.match(previous.text) and is_structure_line(previous.text):
        return False
    if is_structure_line(line.text):
        return False
    widest = max(item.right for item in block.lines)
    if (
        previous.text.endswith((".", "!", "?", ":"))
        and previous.right < widest - 2 * line.size
        and line.left > min(item.left for item in block.lines) + 0.8 * line.size
    ):
        return False  # a short last line, then an indented one: a new paragraph
    return not (_LEADING_LABEL.match(line.text) and previous.text.endswith((".", ";", ":")))


def is_structure_line(text: str) -> bool:
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


def _rejoined(blocks: list[Block], hyphenated: frozenset[str]) -> list[Block]:
    """Paragraphs split by a page or column break in mid-sentence, joined again."""
    out: list[Block] = []
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


def _broken_across(previous: Block, block: Block) -> bool:
    end, start = previous.text, block.text
    if _LEADING_LABEL.match(start) or is_structure_line(start) or is_structure_line(end):
        return False
    if end.endswith((*_SENTENCE_END, ";")):
        return False
    moved = block.first.page != previous.last.page or block.first.top < previous.last.top
    if moved:
        return True
    return start[:1].islower() and end[-1:].isalnum()


def _structure_headings(blocks: list[Block]) -> list[Block]:
    """ "Article N" / "Part N" / "Chapter N" / "Annex" blocks as headings, each with the
    title line that follows it: "Article 3. Breadth of the territorial sea"."""
    out: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        index += 1
        text = block.text
        if not is_structure_line(text):
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
                and not is_structure_line(following.text)
            ):
                rest = following.text
                index += 1
        heading = f"{head}. {rest}" if rest else head
        out.append(Block(block.lines, heading=True, text=heading))
    return out


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
    return collapse(text)
