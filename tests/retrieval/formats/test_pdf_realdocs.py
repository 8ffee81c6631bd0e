"""PDF articles from real documents nobody here wrote (../shared/realdocs): UN treaties,
resolutions and reports, LaTeX papers, hostile samples."""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path

import pytest

from retrieval.formats.builder import ArticleInfo
from retrieval.formats.pdf import PdfRead, parse_pdf, read_pdf
from retrieval.model import Article, CorpusError
from tests.conftest import SHARED_DIR

REALDOCS = SHARED_DIR / "realdocs"
pytestmark = pytest.mark.skipif(
    not REALDOCS.is_dir(), reason=f"{REALDOCS} (real sample documents) is not beside this checkout"
)

READABLE = (
    "A-RES-77-321.pdf",
    "fish-stocks-1995.pdf",
    "prepcom-report-2026-3.pdf",
    "multicolumn.pdf",
    "pdflatex-outline.pdf",
    "multilang.pdf",
    "contrib__issue-1113-evil-xobjects.pdf",
)
# The prepcom report has 81 pages: its first 22 hold every kind of furniture it has and
# the first of its draft rules of procedure.
MAX_PAGES = {"prepcom-report-2026-3.pdf": 22}
FURNITURE = {
    "UN job number": re.compile(r"\b\d{2}-\d{5}[A-Z]?\b(?:\s*\([A-Z]\))?"),
    "barcode": re.compile(r"\*\d{5,}\*"),
    "dashed page number": re.compile(r"(?:^|\s)[-–] ?\d{1,3} ?[-–](?:\s|$)"),
    "Page N of M": re.compile(r"\bPage \d+ of \d+", re.IGNORECASE),
    "footnote rule": re.compile(r"_{4,}"),
    "glyph code": re.compile(r"\(cid:\d+\)"),
    "doubled capitals (overprinting)": re.compile(r"\b([A-Z]{3,}) \1\b"),
}


def _info(name: str) -> ArticleInfo:
    return ArticleInfo(slug=Path(name).stem.lower(), source_file=name)


@cache
def _read(name: str) -> PdfRead:
    return read_pdf((REALDOCS / name).read_bytes(), _info(name), max_pages=MAX_PAGES.get(name))


def _article(name: str) -> Article:
    return _read(name).article


def _texts(article: Article) -> list[str]:
    return [s.heading for s in article.sections] + [
        p for s in article.sections for p in s.paragraphs
    ]


@pytest.mark.parametrize("name", READABLE)
def test_no_page_furniture_in_any_section(name: str) -> None:
    for text in _texts(_article(name)):
        for what, pattern in FURNITURE.items():
            assert not pattern.search(text), f"{what} in {text[:200]!r}"


@pytest.mark.parametrize("name", READABLE)
def test_titles_are_citable(name: str) -> None:
    title = _article(name).title
    assert len(title) > 3
    assert title.casefold() not in {"general assembly", "united nations", "contents", "a"}


def test_a_resolution_is_titled_by_its_own_title_not_the_masthead() -> None:
    article = _article("A-RES-77-321.pdf")
    assert article.title.startswith("77/321. Agreement under the United Nations Convention")
    assert article.title.endswith("Areas beyond National Jurisdiction")
    headings = [s.heading for s in article.sections]
    assert "General Assembly" not in headings and "United Nations" not in headings


def test_a_latex_paper_without_a_metadata_title_falls_back_to_its_file_name() -> None:
    # Its metadata title is empty and the largest text on page one is "Contents".
    article = _article("pdflatex-outline.pdf")
    assert article.title == "Pdflatex outline"
    assert [s.heading for s in article.sections][:3] == ["1 Foo", "2 Bar", "3 Baz"]


def test_a_uniform_type_treaty_is_titled_and_has_its_article_headings() -> None:
    article = _article("fish-stocks-1995.pdf")
    assert article.title.startswith("AGREEMENT FOR THE IMPLEMENTATION OF THE PROVISIONS")
    headings = [s.heading for s in article.sections]
    assert "Article 2. Objective" in headings
    assert "PART I. GENERAL PROVISIONS" in headings
    assert (
        "Article 16. Areas of high seas surrounded entirely by an area under the national"
        " jurisdiction of a single State" in headings
    )
    assert sum(h.startswith("Article ") for h in headings) >= 55
    assert any(h.startswith("ANNEX I. STANDARD REQUIREMENTS") for h in headings)
    (objective,) = [s for s in article.sections if s.heading == "Article 2. Objective"]
    assert objective.paragraphs[0].startswith("The objective of this Agreement is to ensure")


def test_rules_of_procedure_are_headed_by_number_and_title() -> None:
    # "Rule 30" then its italic title line: one heading, and the title is no paragraph.
    article = _article("prepcom-report-2026-3.pdf")  # its draft rules begin on page 17
    rules = [s for s in article.sections if s.heading.startswith("Rule ")]
    assert len(rules) >= 10
    assert "Rule 1. Scope" in [s.heading for s in rules]
    titled = [s for s in rules if re.fullmatch(r"Rule \d+\. \S.*", s.heading)]
    assert len(titled) >= 0.9 * len(rules)
    for section in titled:
        title = section.heading.split(". ", 1)[1]
        assert section.paragraphs[0] != title, section.heading


def test_article_headings_are_never_body_text() -> None:
    article = _article("fish-stocks-1995.pdf")
    for paragraph in (p for s in article.sections for p in s.paragraphs):
        assert not re.match(
            r"^(?:Article|PART|ANNEX)\s+[0-9IVX]+\b\s*(?:$|[A-Z][a-z]+ )", paragraph
        )


def test_text_shown_out_of_order_is_put_back_in_its_line() -> None:
    # "In the event that they are exceeded," and "Such measures ..." are drawn after
    # the rest of their paragraph, in boxes of their own, on the same baselines.
    text = "\n".join(_texts(_article("fish-stocks-1995.pdf")))
    assert (
        "they will not be exceeded. In the event that they are exceeded, States shall,"
        " without delay" in text
    )
    assert "catch limits and effort limits. Such measures shall remain in force" in text


def test_paragraph_numbers_open_their_paragraph_never_mid_sentence() -> None:
    for name in ("prepcom-report-2026-3.pdf", "A-RES-77-321.pdf"):
        paragraphs = [p for s in _article(name).sections for p in s.paragraphs]
        for paragraph in paragraphs:
            assert not re.search(r"[a-z,] \d{1,3}\. [a-z]", paragraph), paragraph[:200]
    paragraphs = [p for s in _article("prepcom-report-2026-3.pdf").sections for p in s.paragraphs]
    assert any(
        p.startswith(
            "3. Pursuant to General Assembly resolution 78/272, a three-day"
            " organizational meeting of the Preparatory Commission"
        )
        for p in paragraphs
    )
    resolution = [p for s in _article("A-RES-77-321.pdf").sections for p in s.paragraphs]
    assert any(
        p.startswith("2. Approves the assumption by the Secretary-General") for p in resolution
    )


def test_justified_spacing_and_stray_spaces_are_undone_and_footnote_marks_dropped() -> None:
    text = "\n".join(_texts(_article("A-RES-77-321.pdf")))
    assert "  " not in text
    assert "confer ence" not in text and "Secretary -General" not in text
    assert "resumed fifth session of the conference on 19 and 20 June 2023" in text
    assert "requested the Secretary-General to convene" in text
    assert "Law of the Sea on the conservation" in text  # not "Sea1 on"
    assert "United Nations, Treaty Series" not in text  # the footnote under its rule


def test_paragraphs_run_across_page_breaks_in_mid_sentence() -> None:
    text = "\n".join(_texts(_article("prepcom-report-2026-3.pdf")))
    assert (
        "In advance of the third substantive session of the Commission, the Co-Chairs were"
        " informed that Japan" in text
    )


def test_two_columns_are_read_a_column_at_a_time() -> None:
    article = _article("multicolumn.pdf")
    paragraphs = [p for s in article.sections for p in s.paragraphs]
    assert (
        paragraphs[0] == "This is a sample document with two columns filled with Lorem Ipsum text."
    )
    text = "\n".join(paragraphs)
    # The first column ends mid-sentence and the second goes on with it.
    assert "Vivamus viverra fermentum felis. Donec nonummy pellentesque ante." in text
    assert "filled" in text and "ﬁ" not in text  # ligatures spelt out


def test_text_in_forms_is_read() -> None:
    article = _article("contrib__issue-1113-evil-xobjects.pdf")
    assert "Hello world" in _texts(article)


def test_right_to_left_text_is_in_logical_order() -> None:
    text = "\n".join(_texts(_article("multilang.pdf")))
    assert "Arabic: مرحبا بالعالم" in text
    assert "Russian: Привет, мир" in text


def test_glyph_codes_are_refused_as_not_text() -> None:
    name = "bbnj-agreement-2023-ru.pdf"
    with pytest.raises(CorpusError, match=r"the text layer is glyph codes, not text"):
        parse_pdf((REALDOCS / name).read_bytes(), _info(name), max_pages=3)


@pytest.mark.parametrize("name", ["libreoffice-writer-password.pdf", "encryption__aes-256.pdf"])
def test_a_pdf_that_needs_a_password_is_refused_saying_so(name: str) -> None:
    # Both need a user password: neither opens with the empty one.
    with pytest.raises(CorpusError, match=rf"^{re.escape(name)}: password-protected") as caught:
        parse_pdf((REALDOCS / name).read_bytes(), _info(name))
    assert "PDFPasswordIncorrect" not in str(caught.value)


def test_a_page_limit_reads_the_first_pages_and_says_so() -> None:
    read = _read("prepcom-report-2026-3.pdf")
    assert (read.pages_read, read.pages_total, read.truncated) == (22, 81, True)
    assert read.warnings == ("prepcom-report-2026-3.pdf: 81 pages: only the first 22 were read",)
    whole = _read("A-RES-77-321.pdf")
    assert (whole.pages_read, whole.pages_total, whole.truncated, whole.warnings) == (
        2,
        2,
        False,
        (),
    )


def test_pdfminer_warnings_never_reach_the_terminal(capfd: pytest.CaptureFixture[str]) -> None:
    # This file makes pdfminer warn ("Refusing to execute circular reference ...").
    # Run as the CLI runs: a fresh process whose logging no other test configured.
    import subprocess
    import sys

    name = "contrib__issue-1113-evil-xobjects.pdf"
    script = (
        "import sys, logging\n"
        "from pathlib import Path\n"
        "from retrieval.formats.builder import ArticleInfo\n"
        "from retrieval.formats.pdf import read_pdf\n"
        f"read_pdf(Path({str(REALDOCS / name)!r}).read_bytes(),"
        f" ArticleInfo(slug='x', source_file={name!r}))\n"
        "print(logging.getLogger('pdfminer').getEffectiveLevel())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.strip() == str(logging.WARNING)
