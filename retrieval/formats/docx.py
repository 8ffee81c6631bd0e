"""Word articles (.docx, python-docx, imported only when one is read): headings from the
heading styles, paragraphs in document order, the title from the core properties or a
Title-style paragraph. Tables, headers and footers are not article text and are left out.
"""

from __future__ import annotations

import io
import re

from retrieval.formats.builder import ArticleInfo, SectionBuilder
from retrieval.model import Article, CorpusError
from retrieval.text import normalize_spaces

_HEADING_STYLE = re.compile(r"^heading\s*\d$", re.IGNORECASE)
_TITLE_STYLE = re.compile(r"^title$", re.IGNORECASE)


def parse_docx(data: bytes, info: ArticleInfo) -> Article:
    """Parse a Word document into sections (see the module docstring)."""
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    name = info.name
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile) as error:
        raise CorpusError(f"{name}: not a readable Word document ({error})") from error
    except Exception as error:
        # A damaged package trips lxml or python-docx anywhere (XML syntax, missing
        # parts, bad relationships): whatever it is, the file is not read.
        raise CorpusError(
            f"{name}: not a readable Word document ({type(error).__name__}: {error})"
        ) from error
    builder = SectionBuilder(info)
    builder.stated_title = normalize_spaces(document.core_properties.title or "").strip() or None
    for paragraph in document.paragraphs:
        text = normalize_spaces(paragraph.text).strip()
        if not text:
            continue
        style = paragraph.style.name if paragraph.style is not None else ""
        if _TITLE_STYLE.match(style):
            builder.stated_title = builder.stated_title or text
        elif _HEADING_STYLE.match(style):
            builder.heading(text)
        elif not builder.note_provenance(text):
            builder.paragraph(text)
    return builder.build()
