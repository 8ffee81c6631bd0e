"""The ranker's features, on the real corpus: one row per candidate, in the order the
fitted weights expect, each reading what its name says."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.excerpts import (
    candidate_table,
    choose,
    rankers,
    scored_candidates,
)
from retrieval.features import FEATURES, SEMANTIC_FEATURES, eligible, is_bullet
from retrieval.library import Library


def column(table: np.ndarray, name: str) -> np.ndarray:
    return table[:, FEATURES.index(name)]


def test_the_shipped_rankers_read_these_features() -> None:
    for mode, model in rankers().items():
        assert model.features == FEATURES, f"{mode}: retrain with python3 -m retrieval.train"
        assert np.all(np.isfinite(model.weights))


def test_every_candidate_gets_one_full_row(library: Library) -> None:
    result = library.search("why do countries hold joint military exercises?", top_k=10)
    candidates, table = candidate_table(library, result)
    assert table.shape == (len(candidates), len(FEATURES))
    assert np.all(np.isfinite(table))
    cosine = column(table, "cosine")
    assert np.all((cosine >= -1) & (cosine <= 1))
    assert column(table, "cosine_gap").max() == 0.0
    assert column(table, "cosine_rank").max() == 1.0
    assert set(np.unique(column(table, "bullet"))) <= {0.0, 1.0}


def test_lexical_mode_has_no_semantic_features(lexical_library: Library) -> None:
    result = lexical_library.search("joint military exercises", top_k=10)
    _, table = candidate_table(lexical_library, result)
    for name in SEMANTIC_FEATURES:
        assert not column(table, name).any(), name


def test_a_sentence_pointing_back_is_a_candidate_alone_and_with_its_referent(
    library: Library,
) -> None:
    result = library.search("joint military exercises build trust", top_k=10)
    candidates, table = candidate_table(library, result)
    alone = [c for c, row in zip(candidates, table, strict=True) if row[FEATURES.index("dangling")]]
    assert alone, "some sentence of these sections opens with These/This/Such"
    for candidate in alone:
        assert candidate.text.split()[0].lower() in {"these", "this", "such", "they", "it"} | {
            "its",
            "their",
            "those",
            "both",
            "the",
        }
    joined = [
        (one, other)
        for one in candidates
        for other in alone
        if one.paragraph is other.paragraph and one.end == other.end and one.start < other.start
    ]
    assert joined, "the same sentence quoted from the one it points back to"
    for one, other in joined:
        assert one.text.endswith(other.text)


def test_the_chosen_never_overlap_and_keep_three_per_section_at_most(library: Library) -> None:
    result = library.search("how do military alliances make member countries safer?", top_k=10)
    chosen = choose(scored_candidates(library, result), 8)
    per_section: dict[str, int] = {}
    for n, one in enumerate(chosen):
        per_section[one.section_id] = per_section.get(one.section_id, 0) + 1
        for other in chosen[n + 1 :]:
            if one.paragraph is other.paragraph:
                assert one.end <= other.start or other.end <= one.start
    assert max(per_section.values()) <= 3


def test_bullets_are_told_from_prose() -> None:
    assert is_bullet("- Perceptions of external threats or benefits", "- Perceptions of")
    assert is_bullet("1. First item of a list", "1. First item")
    assert not is_bullet("Bilateral agreements - often secret - matter.", "Bilateral")


@pytest.mark.parametrize(
    ("text", "paragraph", "quotable"),
    [
        # A sub-heading, a masthead and a reference the layout left as paragraphs.
        ("Programme of work of the Preparatory Commission",) * 2 + (False,),
        (
            "Resolution adopted by the General Assembly on 24 April 2024 [without reference"
            " to a Main Committee (A/78/L.41)]",
        )
        * 2
        + (False,),
        # The same words as a sentence, or as part of a longer paragraph, are quotable.
        ("The Commission adopted its programme of work at its first meeting.",) * 2 + (True,),
        (
            "Programme of work of the Preparatory Commission",
            "Programme of work of the Preparatory Commission\nIt met twice.",
            True,
        ),
        ("These measures include:", "These measures include:", False),
        ("Too short to say anything.", "Too short to say anything.", False),
    ],
)
def test_only_sentences_are_quotable(text: str, paragraph: str, quotable: bool) -> None:
    assert eligible(text, paragraph) is quotable
