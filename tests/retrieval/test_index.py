"""BM25 over sections: scoring matches rank-bm25 and real queries rank sensibly."""

from __future__ import annotations

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from retrieval.config import DEFAULT_CONFIG
from retrieval.index import BM25Index
from retrieval.library import Library
from retrieval.sections import section_tokens
from tests.conftest import needs_shared


def test_scores_equal_rank_bm25_on_the_same_tokens(library: Library) -> None:
    sections = list(library.sections.values())
    documents = [section_tokens(s) for s in sections]
    index = BM25Index([s.id for s in sections], documents)
    config = DEFAULT_CONFIG
    plain = BM25Okapi(documents, k1=config.k1, b=config.b, epsilon=config.epsilon)
    for query in (["militari", "attach"], ["cyber", "diplomaci", "cyber_diplomaci"], ["zzz"]):
        weights = {term: float(query.count(term)) for term in query}
        assert np.allclose(index.scores(weights), plain.get_scores(query))


def test_no_zero_scores_and_best_first(library: Library) -> None:
    result = library.search("humanitarian assistance", top_k=83)
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert all(score > 0 for score in scores)
    assert len(scores) < 83


@pytest.mark.parametrize(
    ("query", "heading"),
    [
        ("military attachés", "The Role of Military Attachés"),
        ("military attaches", "The Role of Military Attachés"),
        ("humanitarian assistance", "Humanitarian Assistance"),
        ("bilateral defence agreements", "Bilateral Defense Agreements"),
        ("intelligence sharing", "Intelligence Sharing and Information Exchange"),
        ("JCPOA", "Case Studies: Successful Diplomacy in International Security Cooperation"),
    ],
)
def test_ranking_cases(library: Library, query: str, heading: str) -> None:
    first = library.search(query).hits[0]
    assert library.sections[first.section_id].heading == heading


def test_cyber_diplomacy_finds_the_cyber_sections(library: Library) -> None:
    headings = [
        library.sections[h.section_id].heading for h in library.search("cyber diplomacy").hits
    ]
    assert "Cybersecurity and Diplomatic Strategies for Digital Security" in headings
    assert "Increasing role of cyber capabilities and technological cooperation" in headings


def test_empty_index_is_refused() -> None:
    with pytest.raises(ValueError):
        BM25Index([], [])


@needs_shared
def test_fast_path_ranks_like_plain_rank_bm25_on_the_dev_queries(library: Library) -> None:
    from retrieval.evaluation import load_qrels
    from tests.conftest import DEV_QRELS

    sections = list(library.sections.values())
    documents = [section_tokens(s, library.config.heading_weight) for s in sections]
    config = library.config
    plain = BM25Okapi(documents, k1=config.k1, b=config.b, epsilon=config.epsilon)
    checked = 0
    for judged in load_qrels(DEV_QRELS):
        terms = [t for t, _ in library.analyser.analyse(judged.query).weighted]
        if not terms:
            continue
        ours = [h.section_id for h in library.index.top(dict.fromkeys(terms, 1.0), 10)]
        scores = plain.get_scores(terms)
        order = np.argsort(-scores, kind="stable")[:10]
        theirs = [sections[i].id for i in order if scores[i] > 0]
        assert ours == theirs, judged.query
        checked += 1
    assert checked >= 28


def test_a_heading_typed_as_the_query_ranks_its_section_first(library: Library) -> None:
    from retrieval.library import heading_key

    headings = [s for s in library.sections.values() if not s.lead]
    assert len(headings) == 78
    for section in headings:
        for typed in (section.heading, section.heading.upper().replace(",", "")):
            first = library.search(typed).hits[0]
            assert heading_key(library.sections[first.section_id].heading) == heading_key(
                section.heading
            ), typed


def _singular_or_plural(heading: str) -> str:
    """The heading with its last word's number changed (`Trends` -> `Trend`)."""
    head, _, last = heading.rpartition(" ")
    changed = last[:-1] if last.endswith("s") and not last.endswith("ss") else last + "s"
    return f"{head} {changed}".strip()


def test_a_heading_typed_another_way_still_ranks_its_section_first(library: Library) -> None:
    from retrieval.library import heading_key

    for section in (s for s in library.sections.values() if not s.lead):
        variants = (
            _singular_or_plural(section.heading).lower(),
            section.heading.replace("Defense", "Defence").replace("ization", "isation"),
        )
        for typed in variants:
            first = library.search(typed).hits[0]
            assert heading_key(library.sections[first.section_id].heading) == heading_key(
                section.heading
            ), typed


@pytest.mark.parametrize(
    ("typed", "heading"),
    [
        ("The Future of Militry Diplomacy", "The Future of Military Diplomacy"),
        ("emeging trends", "Emerging Trends"),
    ],
)
def test_a_heading_with_a_typo_ranks_its_section_first(
    library: Library, typed: str, heading: str
) -> None:
    assert library.sections[library.search(typed).hits[0].section_id].heading == heading


def test_a_corpus_of_two_sections_still_answers(tmp_path) -> None:
    (tmp_path / "arctic.txt").write_text(
        "Arctic Shipping\nIce is melting and new routes open for shipping across the north.\n"
        "Arctic Bases\nStates reopen military bases along the arctic coast.\n",
        encoding="utf-8",
    )
    library = Library.load(tmp_path)
    assert len(library.sections) == 2
    hits = library.search("shipping routes").hits
    assert [library.sections[h.section_id].heading for h in hits][:1] == ["Arctic Shipping"]
    from retrieval.briefing import build_briefing

    briefing = build_briefing(library, "military bases")
    assert briefing.found and "bases" in briefing.excerpts[0].text
