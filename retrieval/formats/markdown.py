"""Markdown articles: ATX `#` headings, blank-line paragraphs, optional front matter
(`title`, `source`/`url`). A first-level heading before any text is the title."""

from __future__ import annotations

import re

from retrieval.formats.builder import SEE_ALSO, ArticleInfo, SectionBuilder, clean_line, is_bullet
from retrieval.model import Article

_FRONT_MATTER = re.compile(r"\A---\s*\n(?P<body>.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
_ATX_HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split simple `key: value` front matter off a Markdown text."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta: dict[str, str] = {}
    for line in match["body"].splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, text[match.end() :]


def parse_markdown(text: str, info: ArticleInfo) -> Article:
    """Parse a Markdown article into sections."""
    meta, body = parse_front_matter(text)
    builder = SectionBuilder(info)
    builder.stated_title = meta.get("title")
    builder.source_url = meta.get("source") or meta.get("url")
    paragraph: list[str] = []  # the lines of the paragraph being read
    for line in map(clean_line, body.splitlines()):
        heading = _ATX_HEADING.match(line)
        if heading or not line:
            _flush(builder, paragraph)
        if heading:
            _heading(builder, heading["level"], heading["text"].strip())
        elif not line or SEE_ALSO.match(line) or builder.note_provenance(line):
            continue
        elif paragraph and not is_bullet(line) and not paragraph[-1].endswith(":"):
            paragraph[-1] += " " + line  # a soft-wrapped paragraph line
        else:
            paragraph.append(line)
    _flush(builder, paragraph)
    return builder.build()


def _heading(builder: SectionBuilder, level: str, text: str) -> None:
    if level == "#" and builder.stated_title is None and not builder.has_content:
        builder.stated_title = text
    else:
        builder.heading(text)


def _flush(builder: SectionBuilder, lines: list[str]) -> None:
    if lines:
        builder.paragraph("\n".join(lines))
        lines.clear()
