"""Briefings shaped like a policy brief, on every heading-derived topic of the corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from retrieval.briefing import ELLIPSIS
from retrieval.excerpts import overlap
from retrieval.library import Library
from retrieval.structured import (
    MAX_QUOTES,
    Facet,
    heading_facet,
    section_facet,
    structured_briefing,
    structured_more,
)
from retrieval.text import tokenize
from tests.conftest import CORPUS_DIR


def _topics(library: Library) -> list[str]:
    return sorted({s.heading for s in library.sections.values() if not s.lead})


@pytest.mark.parametrize(
    ("heading", "facet"),
    [
        ("Challenges in Aligning Military Diplomacy", Facet.CHALLENGES),
        ("Obstacles to Arctic Cooperation", Facet.CHALLENGES),
        ("Looking ahead", Facet.OUTLOOK),
        ("The Future of Military Diplomacy", Facet.OUTLOOK),
        ("Case Studies of Successful Defense Diplomacy Initiatives", Facet.CASES),
        ("Understanding Military Diplomacy", Facet.WHAT),
        ("The Role of Military Attachés", Facet.WHY),
        ("Strategies for Effective Defense Diplomacy in Global Forums", Facet.HOW),
        ("Geopolitical Shifts", None),
    ],
)
def test_facets_come_from_heading_words(heading: str, facet: Facet | None) -> None:
    assert heading_facet(heading) is facet


def test_every_heading_topic_gets_a_brief_a_careful_analyst_would_sign(library: Library) -> None:
    topics = _topics(library)
    assert len(topics) >= 70
    for topic in topics:
        briefing = structured_briefing(library, topic)
        assert briefing.found, topic
        excerpts = briefing.excerpts
        assert 1 <= len(excerpts) <= MAX_QUOTES
        assert excerpts[0].facet == Facet.BOTTOM_LINE, topic
        topic_terms = set(tokenize(topic))
        labels = [e.facet for e in excerpts]
        assert len(labels) == len(set(labels)), f"{topic}: one point per facet"
        for excerpt in excerpts:
            section = library.sections[excerpt.section_id]
            assert excerpt.text.removesuffix(ELLIPSIS) in section.text, "quoted verbatim"
            assert topic_terms & set(tokenize(excerpt.text)), f"{topic}: {excerpt.text}"
            if excerpt.facet not in (Facet.BOTTOM_LINE, Facet.CASES):
                assert section_facet(section, topic) == excerpt.facet, (topic, section.heading)
            if excerpt.facet == Facet.CASES:
                assert excerpt.case and any(
                    excerpt.section_id == source.section_id
                    for case in library.cases.cases
                    for source in case.sources
                    if case.name == excerpt.case
                )
        for n, one in enumerate(excerpts):
            for other in excerpts[n + 1 :]:
                # the same thing said twice, not the topic named twice
                a = frozenset(tokenize(one.text)) - topic_terms
                b = frozenset(tokenize(other.text)) - topic_terms
                assert overlap(a, b) < 0.5, f"{topic}: near-duplicate points"


def test_a_facet_the_corpus_lacks_is_left_out(library: Library) -> None:
    briefing = structured_briefing(library, "ASEAN")
    assert [e.facet for e in briefing.excerpts] == [Facet.BOTTOM_LINE]
    assert "ASEAN" in briefing.excerpts[0].text


def test_more_continues_with_excerpts_not_yet_quoted(library: Library) -> None:
    first = structured_briefing(library, "cyber diplomacy")
    assert first.has_more
    shown = len(first.excerpts)
    more = structured_more(library, "cyber diplomacy", offset=shown, count=5)
    assert more.found and more.offset == shown
    assert {e.text for e in more.excerpts}.isdisjoint({e.text for e in first.excerpts})
    assert all(e.facet is None for e in more.excerpts)


def test_off_topic_abstains(library: Library) -> None:
    briefing = structured_briefing(library, "how to knit a scarf")
    assert not briefing.found and briefing.suggestions


def test_facets_of_an_added_article_are_read_from_its_headings(tmp_path: Path) -> None:
    shutil.copytree(CORPUS_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / "arctic.md").write_text(
        "# Arctic Security\n\n"
        "## Understanding Arctic Security\n\n"
        "Arctic security is the protection of states' interests in the polar north.\n\n"
        "## Obstacles to Arctic Cooperation\n\n"
        "Arctic cooperation is hindered by competing territorial claims and mistrust.\n\n"
        "## Looking ahead\n\n"
        "Arctic security will depend on new shipping routes opening as the ice melts.\n",
        encoding="utf-8",
    )
    library = Library.load(tmp_path)
    briefing = structured_briefing(library, "Arctic security")
    labels = [e.facet for e in briefing.excerpts]
    assert labels[0] == Facet.BOTTOM_LINE
    assert Facet.CHALLENGES in labels and Facet.OUTLOOK in labels
