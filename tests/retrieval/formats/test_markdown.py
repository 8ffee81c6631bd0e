"""Markdown articles: front matter, headings, soft-wrapped paragraphs."""

from __future__ import annotations

from retrieval.formats import ArticleInfo
from retrieval.formats.markdown import parse_markdown


def test_markdown_article_with_front_matter() -> None:
    text = (
        "---\ntitle: Arctic Security\nsource: https://example.org/arctic\n---\n"
        "Opening words of the article.\n\n"
        "## Shipping Routes\nIce is melting\nacross the north.\n\n- a point\n- another\n\n"
        "## Military Posture\nBases are reopening.\n"
    )
    article = parse_markdown(text, ArticleInfo(slug="arctic", source_file="arctic.md"))
    assert article.title == "Arctic Security"
    assert article.source_url == "https://example.org/arctic"
    assert [s.heading for s in article.sections] == [
        "Introduction",
        "Shipping Routes",
        "Military Posture",
    ]
    assert article.sections[1].paragraphs == (
        "Ice is melting across the north.",
        "- a point\n- another",
    )


def test_markdown_h1_is_the_title() -> None:
    article = parse_markdown(
        "# Title Here\n\n## Part\nText.", ArticleInfo(slug="t", source_file="t.md")
    )
    assert article.title == "Title Here"
    assert [s.heading for s in article.sections] == ["Part"]
