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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np

from retrieval.index import BM25Index
from retrieval.linear import LinearModel, load_models
from retrieval.model import Section
from retrieval.query import Query
from retrieval.sections import SentenceTerms
from retrieval.semantic import SectionVectors, SentenceVectors
from retrieval.text import tokenize_with_surfaces

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
# Sections whose words are read for the match signals.
MATCH_SECTIONS = 10


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


class Searched(Protocol):
    """What the evidence is read from: a library's index, sections, sentences and
    vectors (:class:`retrieval.library.Library`, which calls this module: a protocol
    keeps the import one way)."""

    @property
    def index(self) -> BM25Index: ...
    @property
    def sections(self) -> Mapping[str, Section]: ...
    @property
    def sentences(self) -> Mapping[str, Sequence[SentenceTerms]]: ...
    @property
    def embeddings(self) -> SectionVectors | None: ...
    @property
    def sentence_vectors(self) -> SentenceVectors | None: ...


def gather_evidence(library: Searched, query: Query, vector: np.ndarray | None = None) -> Evidence:
    """What the classifier reads of a query searched in a library."""
    index = library.index
    weights = query.weights()
    scores = index.scores(weights) if weights else np.zeros(1)
    top = float(scores.max()) if len(scores) else 0.0
    mass = sum(max(index.idf(t), 0.0) * w for t, w in weights.items())
    sentences = sections = None
    corpus = 0.0
    if vector is not None and library.sentence_vectors is not None:
        sentences = library.sentence_vectors.all @ vector
        corpus = float(library.sentence_vectors.centroid @ vector)
    if vector is not None and library.embeddings is not None:
        sections = library.embeddings.similarity(vector, index.size)
    share = top / mass if mass > 0 else 0.0
    in_section, in_sentence = _best_matches(library, query, scores)
    return Evidence(
        query, top, share, sentences, sections, corpus, in_section, in_sentence
    )  # fmt: skip


def _best_matches(library: Searched, query: Query, scores: np.ndarray) -> tuple[float, float]:
    """The largest share of the query's idf-weighted single words held by one of the
    best-scoring sections, and by one of their sentences."""
    index = library.index
    idf = {t: max(index.idf(t), 0.0) * w for t, w in query.weights().items() if "_" not in t}
    mass = sum(idf.values())
    if mass <= 0:
        return 0.0, 0.0
    best_section = best_sentence = 0.0
    for position in np.argsort(-scores, kind="stable")[:MATCH_SECTIONS]:
        section = library.sections[index.doc_ids[int(position)]]
        heading = set(tokenize_with_surfaces(section.indexed_heading)[0])
        held: set[str] = set(heading)
        for sentence in library.sentences[section.id]:
            words = set(sentence.unigrams)
            held |= words
            best_sentence = max(best_sentence, sum(v for t, v in idf.items() if t in words))
        best_section = max(best_section, sum(v for t, v in idf.items() if t in held))
    return best_section / mass, best_sentence / mass


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
