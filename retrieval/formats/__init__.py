"""One module per article file format, all feeding one section builder.

Adding a format is one module with a ``parse_<kind>(text, info) -> Article`` function and
one line in :data:`PARSERS`.
"""

from __future__ import annotations

from collections.abc import Callable

from retrieval.formats.builder import ArticleInfo, is_heading_line
from retrieval.formats.html import parse_html
from retrieval.formats.markdown import parse_markdown
from retrieval.formats.text import parse_text
from retrieval.model import Article

Parser = Callable[[str, ArticleInfo], Article]

PARSERS: dict[str, Parser] = {
    ".txt": parse_text,
    ".md": parse_markdown,
    ".markdown": parse_markdown,
    ".html": parse_html,
    ".htm": parse_html,
}

__all__ = ["PARSERS", "ArticleInfo", "Parser", "is_heading_line", "parser_for"]


def parser_for(suffix: str) -> Parser | None:
    """The parser of a file suffix (any case), or None for a format not read."""
    return PARSERS.get(suffix.lower())
