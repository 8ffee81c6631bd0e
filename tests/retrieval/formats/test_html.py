"""Saved web pages: linear however deep they nest, and bounded per file."""

from __future__ import annotations

import time

import pytest

from retrieval.formats import ArticleInfo
from retrieval.formats.html import MAX_HTML_TAGS, parse_html
from retrieval.model import CorpusError
from tests.conftest import SHARED_DIR


def _nested(levels: int) -> str:
    return (
        "<html><body>" + "<div>" * levels + "<h2>Deep</h2><p>Text deep inside the page about"
        " treaties.</p>" + "</div>" * levels + "</body></html>"
    )


def test_deep_nesting_parses_in_bounded_time() -> None:
    started = time.perf_counter()
    article = parse_html(_nested(20_000), ArticleInfo("deep", "deep.html"))
    elapsed = time.perf_counter() - started
    assert [s.heading for s in article.sections] == ["Deep"]
    # 20,000 levels took 60 s when parsing was quadratic; linear, it is a fraction of one.
    assert elapsed < 10, elapsed


def test_a_page_of_too_many_tags_is_refused_without_parsing() -> None:
    page = "<p>x</p>" * (MAX_HTML_TAGS // 2 + 1)
    started = time.perf_counter()
    with pytest.raises(CorpusError, match="tags is more than an article"):
        parse_html(page, ArticleInfo("huge", "huge.html", path="huge.html"))
    assert time.perf_counter() - started < 1


def test_nested_lists_and_quotes_are_read_once() -> None:
    page = (
        "<article><h2>Parts</h2><p>Key points:</p><ul><li>Outer point<ul><li>Inner point</li>"
        "</ul></li></ul><blockquote><p>A quoted line.</p></blockquote>"
        "<nav><p>Home</p></nav><div class='sidebar'><p>Subscribe</p></div></article>"
    )
    article = parse_html(page, ArticleInfo("p", "p.html"))
    text = article.sections[0].text
    assert text.count("Inner point") == 1 and text.count("A quoted line.") == 1
    assert "Home" not in text and "Subscribe" not in text


def test_a_page_of_divs_without_paragraphs_is_read() -> None:
    page = (
        "<html><head><title>Resolution 78/272</title></head><body>"
        '<div class="nav"><a href="/">Home</a> | <a href="/about">About</a></div>'
        '<div id="content"><div class="heading"><b>Preamble</b></div>'
        "<div>The General Assembly, <i>recalling</i> its resolution 72/249,<br>"
        "decides to convene an intergovernmental conference.</div>"
        "<div><div>Nested text is a paragraph.</div><div>So is this.</div></div></div>"
        "</body></html>"
    )
    article = parse_html(page, ArticleInfo(slug="r", source_file="r.html"))
    assert article.title == "Resolution 78/272"
    assert article.sections[0].paragraphs == (
        "Preamble",
        "The General Assembly, recalling its resolution 72/249,"
        " decides to convene an intergovernmental conference.",
        "Nested text is a paragraph.",
        "So is this.",
    )


def test_deep_divs_without_paragraphs_parse_in_bounded_time() -> None:
    page = "<html><body>" + "<div>x " * 20_000 + "</div>" * 20_000 + "</body></html>"
    started = time.perf_counter()
    article = parse_html(page, ArticleInfo("deep", "deep.html"))
    assert time.perf_counter() - started < 10
    assert article.sections[0].paragraphs == ("x",)  # the innermost div holds no block


def test_divs_are_not_paragraphs_beside_real_paragraphs() -> None:
    page = "<body><div>Byline and date</div><p>The article's text.</p></body>"
    article = parse_html(page, ArticleInfo(slug="r", source_file="r.html"))
    assert article.sections[0].paragraphs == ("The article's text.",)


def test_real_resolution_page_gives_its_article_text() -> None:
    path = SHARED_DIR / "realdocs" / "site_A-RES-78-272.html"
    if not path.is_file():
        pytest.skip(f"{path} is not beside this checkout")
    article = parse_html(path.read_text(), ArticleInfo(slug="r", source_file=path.name))
    assert article.title.startswith("General Assembly resolution 78/272: Agreement under")
    text = {s.heading: s.paragraphs for s in article.sections}["Authoritative text"]
    assert len(text) > 10
    assert any(
        p.startswith("Resolution adopted by the General Assembly on 24 April 2024") for p in text
    )
    assert not any("Home /" in p for s in article.sections for p in s.paragraphs)  # breadcrumbs
