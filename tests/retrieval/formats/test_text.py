"""Plain-text articles: headings, bullets, lead sections."""

from __future__ import annotations

import pytest

from retrieval.formats import ArticleInfo, is_heading_line
from retrieval.formats.text import parse_text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Strengthening conflict prevention mechanisms", True),
        ("Case Studies: Successful Diplomacy in International Security Cooperation", True),
        ("Multilateral Security Organizations (e.g., NATO, UN peacekeeping)", True),
        ("The U.S.-India Defense Cooperation in Multilateral Forums", True),
        ("Key steps include:", False),
        ("- Joint planning and training exercises", False),
        ("A sentence that ends with a period.", False),
        ("lower-case start is not a heading", False),
        (" ".join(["Word"] * 25), False),
    ],
)
def test_heading_detection(line: str, expected: bool) -> None:
    assert is_heading_line(line) is expected


def test_text_without_headings_is_one_introduction() -> None:
    article = parse_text(
        "Just one paragraph of text.\nAnd another one here.",
        ArticleInfo(slug="a", source_file="a.txt"),
    )
    assert [s.heading for s in article.sections] == ["Introduction"]
    assert article.sections[0].paragraphs == (
        "Just one paragraph of text.",
        "And another one here.",
    )


def test_bullets_without_lead_in_and_crlf() -> None:
    text = (
        "Heading One\r\nBody text here.\r\n- first point\r\n- second point\r\nNext Heading\r\nMore."
    )
    article = parse_text(text, ArticleInfo(slug="b", source_file="b.txt"))
    assert [s.heading for s in article.sections] == ["Heading One", "Next Heading"]
    assert article.sections[0].paragraphs == ("Body text here.\n- first point\n- second point",)


def test_a_real_introduction_heading_is_not_the_lead_section() -> None:
    article = parse_text(
        "Opening words before any heading.\nIntroduction\nThe author's own introduction.",
        ArticleInfo(slug="a", source_file="a.txt"),
    )
    lead, written = article.sections
    assert (lead.heading, lead.lead, lead.indexed_heading) == ("Introduction", True, "")
    assert (written.heading, written.lead) == ("Introduction", False)
    assert written.indexed_heading == "Introduction"
    assert lead.id != written.id
