"""One module per article file format, all feeding one section builder.

Adding a text format is one module with a ``parse_<kind>(text, info) -> Article`` function
and one line in :data:`PARSERS`; a document format (PDF, Word) parses the file's bytes and
has its line in :data:`DOCUMENT_PARSERS`. Text files are decoded by
:mod:`retrieval.formats.encoding` first.
"""

from __future__ import annotations

from collections.abc import Callable

from retrieval.formats.builder import ArticleInfo, is_heading_line
from retrieval.formats.docx import parse_docx
from retrieval.formats.html import parse_html
from retrieval.formats.markdown import parse_markdown
from retrieval.formats.pdf import parse_pdf
from retrieval.formats.text import parse_text
from retrieval.model import Article

Parser = Callable[[str, ArticleInfo], Article]
DocumentParser = Callable[[bytes, ArticleInfo], Article]

PARSERS: dict[str, Parser] = {
    ".txt": parse_text,
    ".md": parse_markdown,
    ".markdown": parse_markdown,
    ".html": parse_html,
    ".htm": parse_html,
}

# Formats read from their bytes, and how `check` names them.
DOCUMENT_PARSERS: dict[str, tuple[DocumentParser, str]] = {
    ".pdf": (parse_pdf, "PDF"),
    ".docx": (parse_docx, "Word document"),
}

__all__ = [
    "DOCUMENT_PARSERS",
    "PARSERS",
    "ArticleInfo",
    "DocumentParser",
    "Parser",
    "is_heading_line",
    "parser_for",
]


def parser_for(suffix: str) -> Parser | None:
    """The parser of a file suffix (any case), or None for a format not read."""
    return PARSERS.get(suffix.lower())
