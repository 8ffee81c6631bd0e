"""A PDF's pages read with pdfminer (imported only here, when a PDF is read); a PDF that
needs a password or that pdfminer cannot read is refused."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from retrieval.formats.pdf.layout import page_lines
from retrieval.formats.pdf.lines import PdfLine
from retrieval.formats.pdf.title import title_in_metadata
from retrieval.model import CorpusError

if TYPE_CHECKING:
    from pdfminer.pdfdocument import PDFDocument


def read_lines(
    data: bytes, name: str, max_pages: int | None
) -> tuple[list[PdfLine], str | None, int, int | None]:
    """Every text line in reading order, the metadata title, the pages read and the
    pages the document says it has."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except PDFPasswordIncorrect as error:
        raise CorpusError(f"{name}: password-protected: it cannot be read without it") from error
    except Exception as error:
        raise _unreadable(name, error) from error
    try:
        title = title_in_metadata(document)
        total = _page_count(document)
        resources = PDFResourceManager(caching=True)
        device = PDFPageAggregator(resources, laparams=LAParams(all_texts=True))
        interpreter = PDFPageInterpreter(resources, device)
        lines: list[PdfLine] = []
        pages = 0
        for page in PDFPage.create_pages(document):
            if max_pages is not None and pages >= max_pages:
                break
            pages += 1
            interpreter.process_page(page)
            lines.extend(page_lines(device.get_result(), pages, len(lines)))
    except CorpusError:
        raise
    except Exception as error:
        # A damaged file trips pdfminer anywhere (its own syntax errors, but also struct,
        # zlib and index errors): whatever it is, the file is not read.
        raise _unreadable(name, error) from error
    return lines, title, pages, total


def _unreadable(name: str, error: Exception) -> CorpusError:
    if "password" in type(error).__name__.lower():
        return CorpusError(f"{name}: password-protected: it cannot be read without it")
    return CorpusError(f"{name}: not a readable PDF ({type(error).__name__}: {error})")


def _page_count(document: PDFDocument) -> int | None:
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(document.catalog["Pages"])["Count"])
    except Exception:
        return None
    return count if isinstance(count, int) and count >= 0 else None
