"""Word articles, from real .docx files made in the test run."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.corpus import read_article
from retrieval.formats.builder import ArticleInfo
from retrieval.formats.docx import parse_docx
from retrieval.model import CorpusError
from testkit.documents import BLOCKS, TITLE, make_docx

INFO = ArticleInfo(slug="arctic", source_file="arctic.docx")


def test_heading_styles_make_sections_and_paragraphs_are_kept() -> None:
    article = parse_docx(make_docx(), INFO)
    assert article.title == TITLE
    assert [s.heading for s in article.sections] == [
        "Introduction",
        *(heading for heading, _ in BLOCKS),
    ]
    assert article.sections[0].lead
    assert article.sections[0].paragraphs == ("Polar affairs are no longer a regional matter.",)
    for section, (_, paragraphs) in zip(article.sections[1:], BLOCKS, strict=True):
        assert section.paragraphs == paragraphs


def test_a_title_style_paragraph_is_the_title_when_the_properties_have_none() -> None:
    article = parse_docx(make_docx(title_in_properties=False, title_paragraph=True), INFO)
    assert article.title == TITLE
    assert TITLE not in [s.heading for s in article.sections]
    assert all(TITLE not in p for s in article.sections for p in s.paragraphs)


def test_without_any_title_the_file_name_is_the_title(tmp_path: Path) -> None:
    path = tmp_path / "polar_notes.docx"
    path.write_bytes(make_docx(title_in_properties=False))
    article = read_article(path, slug="polar-notes")
    assert article.title == "Polar notes"
    assert article.read_as == "Word document"


def test_a_file_that_is_not_a_word_document_is_refused() -> None:
    with pytest.raises(CorpusError, match="not a readable Word document"):
        parse_docx(b"PK\x03\x04 not really a zip", INFO)


def test_a_word_document_with_damaged_xml_is_refused() -> None:
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(make_docx()))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "word/document.xml":
                body = body[: len(body) // 2]
            target.writestr(item, body)
    with pytest.raises(CorpusError, match="not a readable Word document"):
        parse_docx(damaged.getvalue(), INFO)
