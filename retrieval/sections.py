"""Sections as the index and excerpt selection see them: sentences with their terms,
and the tokens a section is indexed under (heading weighted above the body).

Computed once per corpus; :mod:`retrieval.index` scores the tokens and never sees text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from retrieval.config import DEFAULT_CONFIG
from retrieval.model import Section
from retrieval.text import bigrams, split_sentences, tokenize, tokenize_with_surfaces

HEADING_MARK = "h:"


def heading_marker(term: str) -> str:
    """The token saying "this term is in the heading", for query parts that should match
    what a section is about and not what it mentions (question facets)."""
    return HEADING_MARK + term


@dataclass(frozen=True, slots=True)
class SentenceTerms:
    """One sentence of a section, where it is, and its terms (computed once per corpus,
    for the index and for excerpt selection alike)."""

    paragraph: int
    start: int
    end: int
    unigrams: tuple[str, ...]
    surfaces: tuple[str, ...]  # the words as written (normalised), for the vocabulary

    @property
    def terms(self) -> frozenset[str]:
        """Unigrams and phrase pairs (computed on demand: only excerpt selection needs
        them, for the few sections a query ranks; then kept)."""
        return _terms(self.unigrams)


@lru_cache(maxsize=50_000)
def _terms(unigrams: tuple[str, ...]) -> frozenset[str]:
    return frozenset(unigrams + tuple(bigrams(list(unigrams))))


def section_sentences(section: Section) -> tuple[SentenceTerms, ...]:
    """Every sentence of a section with its terms."""
    out: list[SentenceTerms] = []
    for index, paragraph in enumerate(section.paragraphs):
        for start, end in split_sentences(paragraph):
            unigrams, surfaces = tokenize_with_surfaces(paragraph[start:end])
            out.append(SentenceTerms(index, start, end, tuple(unigrams), tuple(surfaces)))
    return tuple(out)


def section_tokens(
    section: Section,
    heading_weight: int = DEFAULT_CONFIG.heading_weight,
    sentences: tuple[SentenceTerms, ...] | None = None,
) -> list[str]:
    """The tokens a section is indexed under: heading terms and heading phrases weighted
    above the body, body terms, and body phrases (adjacent terms within a sentence)."""
    heading = tokenize(section.indexed_heading)
    tokens = (heading + bigrams(heading)) * heading_weight
    tokens.extend(heading_marker(term) for term in dict.fromkeys(heading))
    for sentence in sentences if sentences is not None else section_sentences(section):
        tokens.extend(sentence.unigrams)
        tokens.extend(bigrams(list(sentence.unigrams)))
    return tokens
