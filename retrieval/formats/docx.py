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


# A member inflating more than this many times its size, and past MAX_RATIO_BYTES, is a
# compression bomb (Word's XML compresses about 5-20 times).
MAX_RATIO = 100
MAX_RATIO_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_INFLATED_MB = 256


def parse_docx(
    data: bytes, info: ArticleInfo, *, max_inflated_mb: int = DEFAULT_MAX_INFLATED_MB
) -> Article:
    """Parse a Word document into sections (see the module docstring). A file whose zip
    directory says it inflates past ``max_inflated_mb`` (PARSE_MAX_MB), or holds a part
    compressed past all reason, is refused before anything is inflated."""
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    name = info.name
    check_inflated_size(data, name, max_inflated_mb)
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


def check_inflated_size(data: bytes, name: str, max_inflated_mb: int) -> None:
    """Refuse a Word file from its zip directory: what its parts inflate to in all, and
    any one part's compression ratio. (Python's zipfile never inflates a part past the
    size the directory gives, so the directory bounds what is read.)"""
    import zipfile

    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise CorpusError(f"{name}: not a readable Word document ({error})") from error
    total = sum(member.file_size for member in members)
    if total > max_inflated_mb * 1024 * 1024:
        raise CorpusError(f"{name}: inflates past {max_inflated_mb:,} MB (PARSE_MAX_MB)")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > MAX_RATIO and member.file_size > MAX_RATIO_BYTES:
            raise CorpusError(
                f"{name}: a compression bomb ({member.filename} inflates {ratio:,.0f} times,"
                f" to {member.file_size / 1048576:,.0f} MB)"
            )
