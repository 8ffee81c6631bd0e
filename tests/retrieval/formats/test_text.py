"""Plain-text articles: headings, bullets, lead sections."""

from __future__ import annotations

import re

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


def _wrapped(paragraph: str, width: int = 72) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(paragraph, width))


def test_a_hard_wrapped_text_is_reflowed_into_paragraphs() -> None:
    body = (
        "The Arctic Council brings together eight states and the peoples of the north to"
        " cooperate on environmental protection, search and rescue, and the conditions of"
        " shipping through waters that are opening as the ice retreats each summer."
    )
    text = "\n\n".join(
        [
            "Arctic Cooperation",
            _wrapped(body),
            _wrapped(body.replace("cooperate", "work together")),
            "Military Posture",
            # a word hyphenated at a line's end, and a compound that stays whole
            "Bases are reopening along the coast, and long-\nterm plans for their conser-\n"
            "vation are being drawn up by the ministries of defence in each of the states.",
        ]
    )
    article = parse_text(text * 2, ArticleInfo(slug="w", source_file="w.txt"))
    first = article.sections[0]
    assert first.heading == "Arctic Cooperation"
    assert first.paragraphs[0] == body
    assert [s.heading for s in article.sections][:2] == ["Arctic Cooperation", "Military Posture"]
    last = article.sections[1].paragraphs[0]
    assert "long-term plans for their conservation are being drawn up" in last


def test_a_short_last_line_of_a_wrapped_paragraph_is_not_a_heading() -> None:
    lines = [
        _wrapped(
            "Sanctions relief was negotiated over many months by the parties to the agreement,"
            f" in round {n} of the talks held in Vienna between the delegations of the states."
        )
        for n in range(6)
    ]
    article = parse_text("\n".join(lines), ArticleInfo(slug="w", source_file="w.txt"))
    assert [s.heading for s in article.sections] == ["Introduction"]
    assert len(article.sections[0].paragraphs) == 6


def test_the_bundled_corpus_is_not_taken_for_wrapped_text() -> None:
    from retrieval.formats.text import wrap_width
    from tests.conftest import CORPUS_DIR

    for path in sorted(CORPUS_DIR.glob("*.txt")):
        assert wrap_width(path.read_text().splitlines()) is None, path.name


def test_real_hard_wrapped_agreement_reads_as_articles_not_lines() -> None:
    from retrieval.corpus import article_warnings, read_article
    from tests.conftest import SHARED_DIR

    path = SHARED_DIR / "realdocs" / "hard-wrapped-1995.txt"
    if not path.is_file():
        pytest.skip(f"{path} is not beside this checkout")
    article = read_article(path, slug="fish-stocks")
    # Every line was a heading before: 353 sections and 339 warnings.
    assert 40 <= len(article.sections) <= 80
    assert article_warnings(article) == []
    assert article.title.startswith("AGREEMENT FOR THE IMPLEMENTATION OF THE PROVISIONS OF THE")
    assert article.title.count("AGREEMENT") == 1
    objective = {s.heading: s for s in article.sections}["Article 2 — Objective"]
    assert objective.paragraphs == (
        "The objective of this Agreement is to ensure the long-term conservation and"
        " sustainable use of straddling fish stocks and highly migratory fish stocks through"
        " effective implementation of the relevant provisions of the Convention.",
    )
    headings = [s.heading for s in article.sections]
    # A part's heading, then its first article's: two headings, the article with its title.
    assert "PART VII — REQUIREMENTS OF DEVELOPING STATES" in headings
    assert "Article 24 — Recognition of the special requirements of developing States" in headings
    assert any(h.startswith("Article 12 — Transparency in activities") for h in headings)
    text = "\n".join(p for s in article.sections for p in s.paragraphs)
    # Each lettered item is its own paragraph, also after "…; and".
    assert not re.search(r"[;,] (?:and|or) \([a-z]{1,4}\) ", text)
    for furniture in ("A/CONF.164/37", "/...", "Page 3", "(E) 271095"):
        assert furniture not in text
    # A page break inside a sentence (a form feed, then the next page's header) does not
    # cut it in two: no paragraph starts in lower case.
    assert "applicable solely to the relations between them" in text
    assert not [p for s in article.sections for p in s.paragraphs if p[:1].islower()]
