"""BM25 over sections: the index returns section ids and scores, never text.

rank-bm25's ``BM25Okapi`` is the scoring definition (its idf with the epsilon floor, k1,
b); the index keeps per-term postings with the BM25 term weight precomputed, so a query
costs a few numpy operations per query term instead of a Python loop over documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from rank_bm25 import BM25Okapi

from retrieval.config import DEFAULT_CONFIG
from retrieval.corpus import Section
from retrieval.text import bigrams, split_sentences, tokenize


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked section: its id and BM25 score (always > 0)."""

    section_id: str
    score: float


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
    terms: frozenset[str]  # unigrams and phrase pairs


def section_sentences(section: Section) -> tuple[SentenceTerms, ...]:
    """Every sentence of a section with its terms."""
    out: list[SentenceTerms] = []
    for index, paragraph in enumerate(section.paragraphs):
        for start, end in split_sentences(paragraph):
            unigrams = tokenize(paragraph[start:end])
            terms = frozenset(unigrams) | frozenset(bigrams(unigrams))
            out.append(SentenceTerms(index, start, end, tuple(unigrams), terms))
    return tuple(out)


def section_tokens(
    section: Section,
    heading_weight: int = DEFAULT_CONFIG.heading_weight,
    sentences: tuple[SentenceTerms, ...] | None = None,
) -> list[str]:
    """The tokens a section is indexed under: heading terms and heading phrases weighted
    above the body, body terms, and body phrases (adjacent terms within a sentence)."""
    heading = tokenize(section.heading) if section.heading != "Introduction" else []
    tokens = (heading + bigrams(heading)) * heading_weight
    tokens.extend(heading_marker(term) for term in dict.fromkeys(heading))
    for sentence in sentences if sentences is not None else section_sentences(section):
        tokens.extend(sentence.unigrams)
        tokens.extend(bigrams(list(sentence.unigrams)))
    return tokens


class BM25Index:
    """A BM25Okapi index over tokenized documents with weighted-query scoring."""

    def __init__(
        self,
        doc_ids: Sequence[str],
        documents: Sequence[list[str]],
        *,
        k1: float = DEFAULT_CONFIG.k1,
        b: float = DEFAULT_CONFIG.b,
        epsilon: float = DEFAULT_CONFIG.epsilon,
    ) -> None:
        if not documents:
            raise ValueError("cannot index an empty corpus")
        self.doc_ids: tuple[str, ...] = tuple(doc_ids)
        model = BM25Okapi([list(doc) or [""] for doc in documents], k1=k1, b=b, epsilon=epsilon)
        self.idf: dict[str, float] = dict(model.idf)
        self.term_counts: tuple[dict[str, int], ...] = tuple(model.doc_freqs)
        self._position = {doc_id: i for i, doc_id in enumerate(self.doc_ids)}
        doc_len = np.asarray(model.doc_len, dtype=np.float64)
        norm = k1 * (1 - b + b * doc_len / model.avgdl)
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for doc_index, freqs in enumerate(model.doc_freqs):
            for term, tf in freqs.items():
                entry = postings.setdefault(term, ([], []))
                entry[0].append(doc_index)
                entry[1].append(tf * (k1 + 1) / (tf + norm[doc_index]))
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {
            term: (np.asarray(docs, dtype=np.int32), np.asarray(weights) * self.idf[term])
            for term, (docs, weights) in postings.items()
        }
        self.document_frequency: dict[str, int] = {
            term: len(docs) for term, (docs, _) in self._postings.items()
        }

    def counts_of(self, doc_id: str) -> dict[str, int]:
        """How often each term occurs in one document (headings counted with weight)."""
        return self.term_counts[self._position[doc_id]]

    @property
    def size(self) -> int:
        """How many documents are indexed."""
        return len(self.doc_ids)

    def __contains__(self, term: str) -> bool:
        return term in self._postings

    def scores(self, weighted_terms: Mapping[str, float]) -> np.ndarray:
        """BM25 score of every document for a query of terms with weights (a term
        repeated n times in a plain query has weight n)."""
        total = np.zeros(len(self.doc_ids))
        for term, weight in weighted_terms.items():
            posting = self._postings.get(term)
            if posting is not None and weight:
                total[posting[0]] += weight * posting[1]  # a posting lists each doc once
        return total

    def top(self, weighted_terms: Mapping[str, float], k: int) -> list[Hit]:
        """The k best documents, best first, ties by corpus order; zero scores dropped."""
        scores = self.scores(weighted_terms)
        return hits_from_scores(self.doc_ids, scores, k)


def hits_from_scores(doc_ids: Sequence[str], scores: np.ndarray, k: int) -> list[Hit]:
    """Turn a score vector into the k best hits, best first, dropping zero scores."""
    if k <= 0:
        return []
    order = np.argsort(-scores, kind="stable")[:k]
    return [Hit(doc_ids[i], float(scores[i])) for i in order if scores[i] > 0]
