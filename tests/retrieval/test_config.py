"""The search modes: each named once, with what it fuses with BM25."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import get_args

from retrieval.config import DEFAULT_CONFIG, DEFAULT_SEARCH_MODE, SEARCH_MODES, SearchMode
from retrieval.library import Library


def test_every_mode_is_named_once_with_what_it_uses() -> None:
    assert set(SEARCH_MODES) == set(get_args(SearchMode)) == {"hybrid", "lexical"}
    assert DEFAULT_SEARCH_MODE in SEARCH_MODES
    assert "sentence model" in SEARCH_MODES["hybrid"]
    # The lexical mode is BM25 and the word vectors, and says so.
    assert "word vectors" in SEARCH_MODES["lexical"]


def test_a_library_says_which_mode_it_searches_in(
    library: Library, lexical_library: Library, tmp_path: Path
) -> None:
    assert (library.mode, library.mode_description) == ("hybrid", SEARCH_MODES["hybrid"])
    assert lexical_library.uses_word_vectors
    assert lexical_library.mode_description == SEARCH_MODES["lexical"]
    (tmp_path / "a.txt").write_text("Arctic Shipping\nIce is melting across the north.\n")
    plain = Library.load(tmp_path, config=dataclasses.replace(DEFAULT_CONFIG, word_vectors=False))
    # Without its word vectors the library is no longer what `lexical` names.
    assert plain.mode == "lexical"
    assert plain.mode_description.startswith("BM25 alone")
