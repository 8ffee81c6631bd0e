"""Markdown articles: front matter, headings, soft-wrapped paragraphs."""

from __future__ import annotations

import re

import pytest

from retrieval.formats import ArticleInfo
from retrieval.formats.markdown import parse_markdown
from tests.conftest import SHARED_DIR


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


MARKUP = re.compile(r"\||\*\*|__|\]\(|!\[|<[a-zA-Z/!]|```|^#|\\[.~=*_]|:?-{3,}:?", re.MULTILINE)


def test_markdown_is_rendered_to_text_without_markup() -> None:
    text = (
        "# Sanctions Policy\n\n"
        "## Table of Contents\n\n"
        "1. [Overview](#overview)\n2. [Targets](#targets)\n\n"
        "## Overview\n\n"
        "- [Overview](#overview)\n- [Targets](#targets)\n\n"
        "Sanctions are **economic** measures, see [the list](https://example.org/list)"
        " and ![a chart](chart.png) <span>adopted</span> by the *Council*.\n\n"
        "| Year | Measure |\n| :---- | ---: |\n| 2014 | Asset **freezes** |\n"
        "| 2022 | [Export bans](https://example.org/bans) |\n\n"
        "```\nSCI = (E * I) + M\n```\n\n"
        "<div align='center'>Centred <b>note</b></div>\n\n"
        "## 2\\. Targets\n\nBanks \\~ and `oligarchs` are targeted.\n"
    )
    article = parse_markdown(text, ArticleInfo(slug="s", source_file="s.md"))
    assert article.title == "Sanctions Policy"
    assert [s.heading for s in article.sections] == ["Overview", "2. Targets"]
    overview, targets = article.sections
    assert overview.paragraphs == (
        "Sanctions are economic measures, see the list and adopted by the Council.",
        "- Year: 2014; Measure: Asset freezes\n- Year: 2022; Measure: Export bans",
        "Centred note",
    )
    assert targets.paragraphs == ("Banks ~ and oligarchs are targeted.",)
    assert not any(MARKUP.search(p) for s in article.sections for p in s.paragraphs)


def test_real_white_paper_quotes_no_markup() -> None:
    path = SHARED_DIR / "realdocs" / "sci-and-the-eu-ai-act.md"
    if not path.is_file():
        pytest.skip(f"{path} is not beside this checkout")
    article = parse_markdown(path.read_text(), ArticleInfo(slug="sci", source_file=path.name))
    assert (
        article.title == "Software Carbon Intensity for AI and EU AI Act Environmental Compliance"
    )
    paragraphs = [p for s in article.sections for p in s.paragraphs]
    assert len(paragraphs) > 100
    assert [p for p in paragraphs if MARKUP.search(p)] == []
    timeline = {s.heading: s for s in article.sections}["1.1 Overview and Timeline"]
    assert (
        "- Date: August 1, 2024; Milestone: Regulation enters into force" in timeline.paragraphs[1]
    )
    assert any(
        p.startswith("Software Carbon Intensity for AI (SCI for AI) offers a more comprehensive")
        for p in paragraphs
    )
