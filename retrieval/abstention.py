"""Whether the corpus can answer a query: a logistic classifier over query-level signals,
fitted on the development sets (:mod:`retrieval.train`; ``data/abstention.json``).

The signals are how much of the query's information the corpus has words for, how
strongly BM25 matches, and (with the sentence model) how close in meaning the nearest
sentences and sections are. Off-topic queries (`how to knit a scarf`) and answerable
study-group questions are its two classes; the weights come from data, one set per
search mode, and the decision is the calibrated probability's side of one half.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from retrieval.linear import LinearModel, load_models
from retrieval.query import Query

ABSTENTION_FILE = Path(__file__).resolve().parent / "data" / "abstention.json"
# A /brief topic is a few words: such a query sits far from any one sentence in meaning
# however well the corpus covers it, so the classifier is told a query is that short.
FEW_WORDS = 3
SIGNALS: tuple[str, ...] = (
    "few_words",
    "coverage",
    "matched_information",
    "unknown_words",
    "absent_names",
    "log_top_bm25",
    "top_bm25_share",
    "best_section_match",
    "best_sentence_match",
    "best_sentence_cosine",
    "mean_top5_sentence_cosine",
    "best_section_cosine",
    "corpus_cosine",
)
SEMANTIC_SIGNALS = frozenset(
    {"best_sentence_cosine", "mean_top5_sentence_cosine", "best_section_cosine", "corpus_cosine"}
)
# The probability of being answerable at and above which a query is answered.
DECISION = 0.5


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the search saw of a query before deciding to answer it."""

    query: Query
    top_bm25: float
    top_bm25_share: float  # the best section's BM25 over the query's idf mass
    sentence_cosines: np.ndarray | None  # every corpus sentence's cosine to the query
    section_cosines: np.ndarray | None
    corpus_cosine: float = 0.0  # cosine with the mean of the corpus's sentence vectors
    # The largest share of the query's idf-weighted words that one section (one
    # sentence) of the corpus holds, whatever their counts.
    section_match: float = 0.0
    sentence_match: float = 0.0

    def signals(self) -> np.ndarray:
        """The classifier's inputs, in the order of :data:`SIGNALS`."""
        query = self.query
        sentences = self.sentence_cosines
        best = mean5 = section = 0.0
        if sentences is not None and len(sentences):
            top = np.sort(sentences)[::-1]
            best, mean5 = float(top[0]), float(top[:5].mean())
        if self.section_cosines is not None and len(self.section_cosines):
            section = float(self.section_cosines.max())
        return np.asarray(
            [
                float(query.word_count <= FEW_WORDS),
                query.coverage,
                query.matched_information,
                float(len(query.unknown)),
                float(len(query.absent_names)),
                math.log1p(max(self.top_bm25, 0.0)),
                self.top_bm25_share,
                self.section_match,
                self.sentence_match,
                best,
                mean5,
                section,
                self.corpus_cosine,
            ]
        )


@cache
def classifiers() -> dict[str, LinearModel]:
    """The fitted classifiers, by search mode (read once)."""
    return load_models(ABSTENTION_FILE)


def answerable_probability(evidence: Evidence, mode: str) -> float:
    """The fitted probability that the corpus answers the query."""
    return float(classifiers()[mode].probability(evidence.signals()[None, :])[0])


def answerable(evidence: Evidence, mode: str) -> bool:
    """Whether to answer: the query has words to search for, the corpus knows some of
    them or is close in meaning, and the classifier says answerable."""
    query = evidence.query
    if query.is_empty:
        return False
    return answerable_probability(evidence, mode) >= DECISION
