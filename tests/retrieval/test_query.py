"""Query analysis: typos, acronyms, phrases, abstention."""

from __future__ import annotations

import pytest

from retrieval.acronyms import mine_acronyms
from retrieval.library import Library
from retrieval.query import MAX_QUERY_CHARS


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("diplomcy", "diplomacy"),
        ("milatary", "military"),
        ("assymetric", "asymmetric"),
        ("Shangai", "shanghai"),
        ("chalenges", "challenges"),
        ("stabilty", "stability"),
    ],
)
def test_typos_are_corrected_and_reported(library: Library, typed: str, meant: str) -> None:
    query = library.analyser.analyse(f"{typed} issues")
    assert (typed.lower(), meant) in query.corrections
    assert meant in query.searched_for


def test_known_words_and_short_words_are_not_corrected(library: Library) -> None:
    assert library.analyser.analyse("military diplomacy").corrections == ()
    assert library.analyser.analyse("xqz").corrections == ()


def test_acronyms_are_mined_from_the_corpus(library: Library) -> None:
    acronyms = mine_acronyms(p for s in library.sections.values() for p in s.paragraphs)
    assert acronyms["ADMM"] == "ASEAN Defense Ministers’ Meeting"
    assert acronyms["JCPOA"] == "Iran Nuclear Deal"
    assert acronyms["ISAF"] == "International Security Assistance Force"


def test_acronym_and_expansion_both_ways(library: Library) -> None:
    by_acronym = library.analyser.analyse("ISAF")
    assert ("ISAF", "International Security Assistance Force") in by_acronym.expansions
    by_name = library.analyser.analyse("Iran nuclear deal")
    assert "jcpoa" in by_name.weights()


def test_phrases_are_weighted(library: Library) -> None:
    weights = library.analyser.analyse("intelligence sharing").weights()
    assert "intellig_share" in weights


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("peace keeping", "peacekeeping"),
        ("peace keepers", "peacekeeping"),
        ("cyber security", "cybersecurity"),
        ("counter terrorism", "counter-terrorism"),
        ("policy makers", "policymakers"),
    ],
)
def test_words_the_corpus_writes_as_one_are_known(
    library: Library, typed: str, written: str
) -> None:
    # `keeping` alone is not in the corpus; `peace keeping` is its `peacekeeping`, so the
    # query is neither refused nor told that a word was not found.
    result = library.search(typed)
    assert result.query.unknown == ()
    assert result.query.coverage == 1.0
    assert result.hits
    best = [library.sections[hit.section_id] for hit in result.hits[:3]]
    assert any(written in " ".join((s.heading, *s.paragraphs)).lower() for s in best)


def test_a_stem_of_two_words_is_not_taken_for_one_word(library: Library) -> None:
    # The stemmer cuts `internationalshipping` to `internation` (a corpus term):
    # `shipping` is still a word the corpus lacks.
    query = library.analyser.analyse("international shipping rates for parcels")
    assert "shipping" in query.unknown
    assert library.search("international shipping rates for parcels").hits == ()


def test_huge_query_is_truncated_not_refused(library: Library) -> None:
    result = library.search("diplomacy " * 2000)
    assert result.query.truncated
    assert result.hits
    assert len(result.query.original) > MAX_QUERY_CHARS


@pytest.mark.parametrize(
    "text",
    ["pizza dough hydration", "quantum chromodynamics", "medieval castle architecture", "🍕🍕"],
)
def test_off_topic_queries_abstain(library: Library, text: str) -> None:
    assert library.search(text).hits == ()


@pytest.mark.parametrize("text", ["", "   ", "the of and", "@everyone", "**__~~||"])
def test_queries_without_words_return_nothing(library: Library, text: str) -> None:
    result = library.search(text)
    assert result.hits == ()
