"""BM25 over sections: the index returns section ids and scores, never text.

rank-bm25's ``BM25Okapi`` is the scoring definition (its idf with the epsilon floor, k1,
b; a test holds the two equal on the real corpus); the index keeps per-term postings
with the BM25 term weight precomputed, so a query costs a few numpy operations per query
term instead of a Python loop over documents.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.config import DEFAULT_CONFIG

MIN_IDF = 1e-6


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked section: its id and BM25 score (always > 0)."""

    section_id: str
    score: float


class BM25Index:
    """BM25 over tokenized documents, scored exactly as rank-bm25's ``BM25Okapi`` (its
    idf with the epsilon floor, k1, b), built with numpy instead of a Python dict per
    document: one pass maps tokens to ids, then the (term, document) counts, document
    frequencies and per-posting BM25 weights are array operations."""

    def __init__(
        self,
        doc_ids: Sequence[str],
        documents: Sequence[Sequence[str]],
        *,
        k1: float = DEFAULT_CONFIG.k1,
        b: float = DEFAULT_CONFIG.b,
        epsilon: float = DEFAULT_CONFIG.epsilon,
    ) -> None:
        if not documents:
            raise ValueError("cannot index an empty corpus")
        self.doc_ids: tuple[str, ...] = tuple(doc_ids)
        self._positions = {doc_id: i for i, doc_id in enumerate(self.doc_ids)}
        n_docs = len(documents)
        vocabulary: dict[str, int] = {}
        term_ids: list[int] = []
        lengths = np.empty(n_docs, dtype=np.int64)
        for index, document in enumerate(documents):
            tokens = document or [""]  # as rank-bm25 is given an empty document
            lengths[index] = len(tokens)
            for token in set(tokens).difference(vocabulary):
                vocabulary[token] = len(vocabulary)
            term_ids.extend(map(vocabulary.__getitem__, tokens))
        n_terms = len(vocabulary)
        doc_of_token = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
        keys = np.asarray(term_ids, dtype=np.int64) * n_docs + doc_of_token
        pairs, tf = np.unique(keys, return_counts=True)  # sorted by term, then document
        terms_of, docs_of = np.divmod(pairs, n_docs)
        idf = _idf(np.bincount(terms_of, minlength=n_terms), n_docs, epsilon)
        avgdl = lengths.sum() / n_docs
        norm = k1 * (1 - b + b * lengths / avgdl)
        self._weights = idf[terms_of] * tf * (k1 + 1) / (tf + norm[docs_of])
        self._docs = docs_of.astype(np.int32)
        self._offsets = np.searchsorted(terms_of, np.arange(n_terms + 1))
        self._vocabulary = vocabulary
        self._idf = idf

    @property
    def size(self) -> int:
        """How many documents are indexed."""
        return len(self.doc_ids)

    def position(self, doc_id: str) -> int:
        """The row of a document in score vectors."""
        return self._positions[doc_id]

    def __contains__(self, term: object) -> bool:
        # object, as Collection[str] declares it: the index is the query's known terms
        return term in self._vocabulary

    def __iter__(self) -> Iterator[str]:
        """Every indexed term (including phrase and heading tokens)."""
        return iter(self._vocabulary)

    def __len__(self) -> int:
        return len(self._vocabulary)

    def idf(self, term: str) -> float:
        """The term's idf as BM25Okapi computes it (0 for an unknown term)."""
        position = self._vocabulary.get(term)
        return 0.0 if position is None else float(self._idf[position])

    def scores(self, weighted_terms: Mapping[str, float]) -> np.ndarray:
        """BM25 score of every document for a query of terms with weights (a term
        repeated n times in a plain query has weight n)."""
        total = np.zeros(len(self.doc_ids))
        for term, weight in weighted_terms.items():
            position = self._vocabulary.get(term)
            if position is None or not weight:
                continue
            start, end = self._offsets[position], self._offsets[position + 1]
            # a posting lists each document once, so plain fancy-index addition is exact
            total[self._docs[start:end]] += weight * self._weights[start:end]
        return total

    def top(self, weighted_terms: Mapping[str, float], k: int) -> list[Hit]:
        """The k best documents, best first, ties by corpus order; zero scores dropped."""
        return hits_from_scores(self.doc_ids, self.scores(weighted_terms), k)


def _idf(df: np.ndarray, n_docs: int, epsilon: float) -> np.ndarray:
    """rank-bm25's idf: negative ones floored at epsilon x the mean; and, for a corpus of
    one or two sections where every idf is zero or negative (so nothing would ever
    match), a tiny positive floor that keeps matches ranked by term frequency (it never
    changes a score where rank-bm25's floor is already positive)."""
    idf = np.log(n_docs - df + 0.5) - np.log(df + 0.5)
    idf[idf < 0] = epsilon * idf.mean()
    floored: np.ndarray = np.maximum(idf, MIN_IDF)
    return floored


def hits_from_scores(doc_ids: Sequence[str], scores: np.ndarray, k: int) -> list[Hit]:
    """Turn a score vector into the k best hits, best first (ties in corpus order),
    dropping zero scores. Only the candidates are sorted, not every document."""
    if k <= 0:
        return []
    if k < len(scores):
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        candidates = np.flatnonzero(scores >= kth)
    else:
        candidates = np.arange(len(scores))
    order = candidates[np.lexsort((candidates, -scores[candidates]))][:k]
    return [Hit(doc_ids[i], float(scores[i])) for i in order if scores[i] > 0]
