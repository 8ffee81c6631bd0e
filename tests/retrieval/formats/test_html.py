"""Saved web pages: linear however deep they nest, and bounded per file."""

from __future__ import annotations

import time

import pytest

from retrieval.formats import ArticleInfo
from retrieval.formats.html import MAX_HTML_TAGS, parse_html
from retrieval.model import CorpusError


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
