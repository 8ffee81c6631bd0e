"""PDF articles, from real PDFs made in the test run."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.corpus import read_article, scan_corpus
from retrieval.formats.builder import ArticleInfo
from retrieval.formats.pdf import parse_pdf
from retrieval.library import Library
from retrieval.model import CorpusError
from testkit.documents import (
    BLOCKS,
    HYPHENATED_SENTENCE,
    RUNNING_HEADER,
    TITLE,
    make_long_pdf,
    make_pdf,
    make_scanned_pdf,
)

INFO = ArticleInfo(slug="arctic", source_file="arctic.pdf")


def _text(article) -> str:
    return "\n".join(p for s in article.sections for p in s.paragraphs)


@pytest.mark.parametrize("title_in_metadata", [True, False])
def test_headings_paragraphs_and_title(title_in_metadata: bool) -> None:
    article = parse_pdf(make_pdf(pages=1, title_in_metadata=title_in_metadata), INFO)
    assert article.title == TITLE
    assert [s.heading for s in article.sections] == [heading for heading, _ in BLOCKS]
    for section, (_, paragraphs) in zip(article.sections, BLOCKS, strict=True):
        assert section.paragraphs[: len(paragraphs)] == paragraphs  # lines joined exactly


def test_a_word_hyphenated_across_lines_is_joined() -> None:
    article = parse_pdf(make_pdf(pages=1), INFO)
    assert article.sections[-1].paragraphs[-1] == HYPHENATED_SENTENCE


def test_running_headers_and_page_numbers_are_dropped() -> None:
    article = parse_pdf(make_pdf(pages=3), INFO)
    text = _text(article)
    assert RUNNING_HEADER not in text
    assert not any(p.strip().isdigit() for s in article.sections for p in s.paragraphs)
    assert [s.heading for s in article.sections][2:4] == [
        "Origins of the Arctic Council 2.1",
        "Search and Rescue Agreements 2.2",
    ]


def test_a_hyphen_the_document_uses_elsewhere_is_kept() -> None:
    blocks = (
        ("Confidence Building", ("Confidence-building measures matter.",)),
        ("Measures", ("States agreed to new confidence-\nbuilding steps.",)),
    )
    article = parse_pdf(make_pdf(pages=1, blocks=blocks), INFO)
    assert "new confidence-building steps." in _text(article)


def test_a_scanned_pdf_is_refused_with_the_reason() -> None:
    with pytest.raises(CorpusError, match="no text layer"):
        parse_pdf(make_scanned_pdf(), INFO)


def test_a_broken_pdf_is_refused_with_the_reason() -> None:
    data = make_pdf(pages=1)
    with pytest.raises(CorpusError, match="not a readable PDF"):
        parse_pdf(data[: len(data) // 3], INFO)


def test_a_folder_of_pdfs_is_searchable_and_check_names_the_format(tmp_path: Path) -> None:
    (tmp_path / "arctic.pdf").write_bytes(make_pdf(pages=2))
    (tmp_path / "scan.pdf").write_bytes(make_scanned_pdf())
    loaded = scan_corpus(tmp_path)
    (article,) = loaded.articles
    assert article.read_as == "PDF"
    assert [Path(s.path).name for s in loaded.skipped] == ["scan.pdf"]
    library = Library.load(tmp_path)
    hits = library.search("Arctic search and rescue agreement").hits
    assert library.sections[hits[0].section_id].heading.startswith("Search and Rescue")
    assert read_article(tmp_path / "arctic.pdf", slug="a").title == TITLE


def test_paragraphs_flowing_over_page_breaks_come_back_whole(library: Library) -> None:
    blocks = [(s.heading, s.paragraphs) for a in library.articles for s in a.sections][:12]
    article = parse_pdf(make_long_pdf(blocks, pages=6), INFO)
    written = {p for _, paragraphs in blocks for p in paragraphs}
    read = [p for s in article.sections for p in s.paragraphs]
    assert len(read) > 20
    assert all(p in written for p in read[:-1])  # the last one is cut by the last page
    assert {s.heading for s in article.sections[1:]} <= {h for h, _ in blocks}


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_damaged_pdfs_are_refused_never_crash(data: st.DataObject) -> None:
    original = bytearray(make_pdf(pages=1))
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(original) - 1))
        original[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(len(original) // 2, len(original)))
    try:
        article = parse_pdf(bytes(original[:cut]), INFO)
    except CorpusError:
        return
    assert article.title


def test_a_pdf_encrypted_with_an_empty_user_password_is_read() -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    encrypt = pdfencrypt.StandardEncryption("", ownerPassword="owner", canPrint=1)
    pdf = canvas.Canvas(buffer, encrypt=encrypt)
    pdf.setFont("Helvetica", 11)
    pdf.drawString(72, 700, "Sealed but open: anyone may read this sentence.")
    pdf.showPage()
    pdf.save()
    article = parse_pdf(buffer.getvalue(), INFO)
    assert _text(article) == "Sealed but open: anyone may read this sentence."


def test_a_page_limit_reads_only_the_first_pages() -> None:
    from retrieval.formats.pdf import read_pdf

    read = read_pdf(make_pdf(pages=3), INFO, max_pages=1)
    assert (read.pages_read, read.pages_total, read.truncated) == (1, 3, True)
    assert read.warnings == ("arctic.pdf: 3 pages: only the first 1 were read",)
    assert [s.heading for s in read.article.sections] == [heading for heading, _ in BLOCKS]
    assert parse_pdf(make_pdf(pages=3), INFO, max_pages=5).sections
