"""The default install's word vectors: the shipped table, texts as vectors, and search
using them only for the part of a query the corpus has no words for."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from retrieval.config import DEFAULT_CONFIG
from retrieval.library import Library
from retrieval.text import normalize, words
from retrieval.wordvectors import (
    DIMENSIONS,
    ENGLISH_WORDS,
    WordVectors,
    bundled_word_vectors,
    reduce,
    table_words,
    write_table,
)
from tests.conftest import CORPUS_DIR


@pytest.fixture(scope="module")
def vectors() -> WordVectors:
    return bundled_word_vectors()


@pytest.fixture(scope="module")
def plain_library() -> Library:
    """The bundled corpus searched by BM25 alone."""
    return Library.load(CORPUS_DIR, config=dataclasses.replace(DEFAULT_CONFIG, word_vectors=False))


def test_the_table_holds_every_word_of_the_bundled_corpus(
    vectors: WordVectors, library: Library
) -> None:
    corpus_words = {
        word.surface.lower()
        for section in library.sections.values()
        for text in (section.heading, *section.paragraphs)
        for word in words(normalize(text))
    }
    missing = sorted(corpus_words - vectors.index.keys())
    assert not missing, f"rebuild with python3 -m retrieval.build_wordvectors: {missing[:10]}"
    assert len(vectors.index) > ENGLISH_WORDS
    assert vectors.vectors.shape == (len(vectors.index), DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors.vectors, axis=1), 1.0, atol=1e-5)


def test_a_text_is_its_informative_words(vectors: WordVectors) -> None:
    assert np.allclose(vectors.vector("the troops"), vectors.vector("troops"))
    assert np.linalg.norm(vectors.vector("Troops!")) == pytest.approx(1.0, abs=1e-5)
    # Nothing the table knows: a zero vector, close to nothing.
    assert not vectors.vector("the of and").any()
    assert not vectors.vector("xqzzv 🍕").any()
    assert vectors.encode([]).shape == (0, DIMENSIONS)


def test_a_compound_the_table_lacks_means_what_its_parts_do(vectors: WordVectors) -> None:
    assert "army-to-navy" not in vectors.index
    assert float(vectors.vector("army-to-navy") @ vectors.vector("army navy")) > 0.99


@pytest.mark.parametrize(
    ("text", "near", "far"),
    [
        ("troops", "military forces", "trade agreements"),
        ("hackers and online spying", "cyber threats", "peacekeeping missions"),
        ("charities and universities", "non-governmental organizations", "nuclear weapons"),
    ],
)
def test_everyday_words_are_near_the_articles_words_for_them(
    vectors: WordVectors, text: str, near: str, far: str
) -> None:
    closeness = vectors.vector(text) @ vectors.vector(near)
    assert closeness > vectors.vector(text) @ vectors.vector(far) + 0.2


def test_the_table_is_written_and_read_back(tmp_path) -> None:
    rng = np.random.default_rng(0)
    full = rng.normal(size=(300, 384)).astype(np.float32)
    vocabulary = [f"word{i}" for i in range(300)]
    write_table(tmp_path / "table.npz", vocabulary, full)
    read = WordVectors.load(tmp_path / "table.npz")
    assert list(read.index) == vocabulary
    codes, scales = reduce(full)
    assert codes.dtype == np.int8 and codes.shape == (300, DIMENSIONS)
    exact = codes.astype(np.float32) * scales[:, None]
    exact /= np.linalg.norm(exact, axis=1, keepdims=True)
    assert np.allclose(read.vectors, exact, atol=1e-6)
    # Centred: the direction every word shares is gone.
    assert np.linalg.norm(read.vectors.mean(axis=0)) < 0.1


def test_the_table_words_are_common_english_and_the_corpus() -> None:
    def fake(number: int) -> str:  # a distinct all-letter word per number
        return "w" + "".join(chr(ord("a") + int(digit)) for digit in f"{number:05d}")

    english = {fake(i): 100_000 - i for i in range(ENGLISH_WORDS + 50)}
    english["2nd"] = 10**9  # not a word: digits
    chosen = table_words(english, ["Envoys met; the ADMM convened."])
    assert fake(0) in chosen and fake(ENGLISH_WORDS - 1) in chosen
    assert fake(ENGLISH_WORDS + 10) not in chosen
    assert "2nd" not in chosen
    assert {"envoys", "admm", "convened"} <= set(chosen)


def test_a_query_whose_words_the_corpus_has_is_ranked_by_bm25_alone(
    lexical_library: Library, plain_library: Library
) -> None:
    for text in ("cyber diplomacy", "confidence building measures", "ISAF"):
        found = lexical_library.search(text, abstain=False)
        assert found.query.coverage == 1.0
        assert found.hits == plain_library.search(text, abstain=False).hits, text


def test_word_vectors_find_what_a_query_says_in_other_words(
    lexical_library: Library, plain_library: Library
) -> None:
    text = "Are hackers a danger to military cooperation?"
    assert {"hackers", "danger"} <= set(lexical_library.search(text).query.unknown)

    def cyber_rank(found: Library) -> int:
        hits = found.search(text, abstain=False).hits
        headings = [found.sections[hit.section_id].heading for hit in hits]
        return next(i for i, h in enumerate([*headings, "cyber"]) if "cyber" in h.lower())

    assert cyber_rank(lexical_library) == 0
    assert cyber_rank(plain_library) > 0


def test_word_vectors_do_not_decide_what_is_answered(lexical_library: Library) -> None:
    # Abstention still counts words: meaning from single words is too loose to tell a
    # subject the corpus has from one that only sounds like it.
    for text in ("how to knit a scarf", "pizza dough hydration", "yoga poses for back pain"):
        assert lexical_library.search(text).hits == ()


def test_the_word_vectors_are_loaded_only_when_a_query_needs_them(
    plain_library: Library,
) -> None:
    fresh = Library.load(CORPUS_DIR)  # the session's library may have loaded them already
    assert fresh.uses_word_vectors
    assert fresh.search("cyber diplomacy").hits
    assert fresh._word_embeddings is None  # every word known: BM25 alone
    assert fresh.search("Are hackers a danger to military cooperation?", abstain=False).hits
    assert fresh._word_embeddings is not None
    # Switched off, they are never loaded.
    assert not plain_library.uses_word_vectors
    assert plain_library.search("Are hackers a danger to military cooperation?", abstain=False).hits
    assert plain_library._word_embeddings is None
