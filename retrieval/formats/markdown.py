"""Markdown articles: ATX `#` headings, blank-line paragraphs, optional front matter
(`title`, `source`/`url`). A first-level heading before any text is the title.

The Markdown is parsed by markdown-it-py (CommonMark, with GitHub's tables) and rendered
to the text a reader sees: what is quoted never holds markup."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from retrieval.formats.builder import SEE_ALSO, ArticleInfo, SectionBuilder
from retrieval.model import Article
from retrieval.text import normalize_spaces

if TYPE_CHECKING:
    from markdown_it.token import Token

_TAG = re.compile(r"<[^>]*>")

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
    """Parse a Markdown article into sections, rendered to plain text: no emphasis marks,
    link syntax, images, HTML tags, code blocks or table pipes (a table's rows become
    `Header: cell; …` lines), and no table of contents."""
    from markdown_it import MarkdownIt

    meta, body = parse_front_matter(text)
    builder = SectionBuilder(info)
    builder.stated_title = meta.get("title")
    builder.source_url = meta.get("source") or meta.get("url")
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(body)
    skip_level = 0  # inside a "Contents" section: skipped up to the next heading this high
    last: int | None = None  # the line after the last block (a list right under its lead-in)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            level = int(token.tag[1])
            heading = _inline_text(tokens[index + 1])
            index += 3
            if skip_level and level > skip_level:
                continue
            skip_level = level if _CONTENTS.match(heading) else 0
            if heading and not skip_level:
                _heading(builder, "#" * level, heading)
            continue
        end = _block_end(tokens, index)
        if not skip_level:
            _block(
                builder, tokens[index:end], adjacent=token.map is not None and token.map[0] == last
            )
        last = token.map[1] if token.map else None
        index = end
    return builder.build()


_CONTENTS = re.compile(r"^(?:table\s+of\s+)?contents:?$", re.IGNORECASE)
_LIST_OPEN = ("bullet_list_open", "ordered_list_open")


def _block_end(tokens: list[Token], index: int) -> int:
    """The index after the top-level block starting at ``index``."""
    depth = 0
    for end in range(index, len(tokens)):
        depth += tokens[end].nesting
        if depth <= 0:
            return end + 1
    return len(tokens)


def _block(builder: SectionBuilder, tokens: list[Token], *, adjacent: bool) -> None:
    """One top-level block: a paragraph, a list, a table, a quote; code blocks and rules
    give no text, an HTML block its text without tags. A list right under a lead-in line
    ending in `:` (``adjacent``) joins it."""
    first = tokens[0]
    if first.type in _LIST_OPEN:
        items = _list_items(tokens)
        if items and not _is_contents_list(tokens):
            lead_in = builder.paragraphs and builder.paragraphs[-1].endswith(":")
            joined = "\n".join(items)
            if lead_in and adjacent:
                builder.extend_paragraph(joined)
            else:
                builder.paragraph(joined)
    elif first.type == "table_open":
        rows = _table_rows(tokens)
        if rows:
            builder.paragraph("\n".join(rows))
    elif first.type in ("paragraph_open", "blockquote_open"):
        for token in tokens:
            if token.type == "inline":
                _paragraph(builder, token)
    elif first.type == "html_block":
        text = " ".join(_TAG.sub(" ", html.unescape(first.content)).split())
        if text and not first.content.lstrip().startswith("<!--"):
            builder.paragraph(text)


def _paragraph(builder: SectionBuilder, token: Token) -> None:
    """A paragraph's text, less "See also" and provenance lines."""
    lines = [
        line
        for line in (" ".join(line.split()) for line in _inline_text(token, "\n").split("\n"))
        if line and not SEE_ALSO.match(line) and not builder.note_provenance(line)
    ]
    if lines:
        builder.paragraph(" ".join(lines))


def _list_items(tokens: list[Token]) -> list[str]:
    """A list's items, each a `- ` line (`1. ` in an ordered list), nested ones too."""
    items: list[str] = []
    markers: list[str] = []
    for token in tokens:
        if token.type in _LIST_OPEN:
            markers.append("-" if token.type == "bullet_list_open" else ".")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            markers.pop()
        elif token.type == "list_item_open":
            marker = "-" if markers[-1] == "-" else f"{token.info or 1}{token.markup or '.'}"
            items.append(marker + " ")
        elif token.type == "inline" and items:
            text = " ".join(_inline_text(token).split())
            items[-1] += ("" if items[-1].endswith(" ") else " ") + text
    return [item.rstrip() for item in items if item.split(maxsplit=1)[1:]]


def _is_contents_list(tokens: list[Token]) -> bool:
    """A table of contents: every item is a link into the document (`](#anchor)`)."""
    inlines = [token for token in tokens if token.type == "inline"]
    return bool(inlines) and all(
        any(
            child.type == "link_open" and str(child.attrs.get("href", "")).startswith("#")
            for child in token.children or []
        )
        for token in inlines
    )


def _table_rows(tokens: list[Token]) -> list[str]:
    """A table as `- Header: cell; Header: cell` lines, one a row."""
    headers: list[str] = []
    rows: list[list[str]] = []
    in_head = False
    for token in tokens:
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open" and not in_head:
            rows.append([])
        elif token.type == "inline":
            cell = " ".join(_inline_text(token).split())
            (headers if in_head else rows[-1]).append(cell)
    lines = []
    for row in rows:
        cells = [
            f"{header}: {cell}" if header else cell
            for header, cell in zip([*headers, *[""] * len(row)], row, strict=False)
            if cell
        ]
        if cells:
            lines.append("- " + "; ".join(cells))
    return lines


def _inline_text(token: Token, softbreak: str = " ") -> str:
    """An inline token as plain text: link text without its address, no emphasis marks,
    no images or HTML tags; code spans keep their text."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(softbreak)
    return normalize_spaces("".join(parts)).strip()


def _heading(builder: SectionBuilder, level: str, text: str) -> None:
    if level == "#" and builder.stated_title is None and not builder.has_content:
        builder.stated_title = text
    else:
        builder.heading(text)
