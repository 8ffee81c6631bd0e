"""The abstention classifier: its signals, its shipped weights, and decisions on queries
that are plainly on or off the corpus's subject."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.abstention import SIGNALS, answerable, answerable_probability, classifiers
from retrieval.library import Library


def test_the_shipped_classifiers_read_these_signals() -> None:
    for mode, model in classifiers().items():
        assert model.features == SIGNALS, f"{mode}: retrain with python3 -m retrieval.train"


def test_signals_are_finite_and_named(library: Library) -> None:
    result = library.search("confidence building measures", abstain=False)
    signals = library.evidence(result.query, result.vector).signals()
    assert signals.shape == (len(SIGNALS),)
    assert np.all(np.isfinite(signals))
    named = dict(zip(SIGNALS, signals, strict=True))
    assert named["coverage"] == 1.0
    assert named["best_sentence_match"] == 1.0  # one sentence holds every word
    assert 0.0 < named["best_sentence_cosine"] <= 1.0


@pytest.mark.parametrize(
    "text",
    [
        "cyber diplomacy",
        "why do countries hold joint military exercises?",
        "what is defense diplomacy?",
        "ISAF",
        "diplomacy " * 400,  # far outside what the classifier saw, clipped, not absurd
    ],
)
def test_on_topic_queries_are_answered(library: Library, text: str) -> None:
    assert library.search(text).hits, text


@pytest.mark.parametrize(
    "text",
    [
        "how to knit a scarf",
        "pizza dough hydration",
        "quantum chromodynamics",
        "how to repair a bicycle puncture",
    ],
)
def test_off_topic_queries_abstain(library: Library, text: str) -> None:
    assert library.search(text).hits == (), text


def test_an_empty_query_is_never_answered(library: Library) -> None:
    query = library.analyser.analyse("the of and")
    assert query.is_empty
    assert not answerable(library.evidence(query), library.mode)


def test_probabilities_are_probabilities(library: Library, lexical_library: Library) -> None:
    for found in (library, lexical_library):
        result = found.search("sanctions and military alliances", abstain=False)
        p = answerable_probability(found.evidence(result.query, result.vector), found.mode)
        assert 0.0 <= p <= 1.0


def test_a_number_says_which_not_what_about(library: Library) -> None:
    # A year the corpus lacks is named as missing; it does not make the topic unknown.
    assert library.analyse("soft power 2024").coverage == library.analyse("soft power").coverage
    result = library.search("soft power 2024")
    assert result.hits, "soft power is in the corpus"
    assert "2024" in result.query.unknown
