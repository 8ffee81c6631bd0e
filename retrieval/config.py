"""The search modes, and the tunable knobs of search in one frozen object, measured on
the development set."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

# The search modes (SEARCH_MODE), each with what it fuses with BM25. A mode's name is what
# a briefing's JSON, a vote and `diplobrief eval` report, and it names the weights fitted
# for it (retrieval/data/sentence-ranker.json and abstention.json).
SearchMode = Literal["hybrid", "lexical"]
SEARCH_MODES: Final[Mapping[SearchMode, str]] = MappingProxyType(
    {
        "hybrid": "BM25 fused with the sentence model, all-MiniLM-L6-v2 on ONNX Runtime",
        "lexical": (
            "BM25 fused with the bundled word vectors for the words a query has and the"
            " corpus lacks; no sentence model"
        ),
    }
)
DEFAULT_SEARCH_MODE: Final[SearchMode] = "hybrid"


@dataclass(frozen=True, slots=True)
class SearchConfig:
    """How sections are indexed and queries weighted. The defaults are the measured best
    (see the README's evaluation table); the evaluation varies them to compare levers."""

    # A heading says what a section is about in a few words: its terms count this many
    # times, so a heading match outweighs a passing mention in the body.
    heading_weight: int = 3
    k1: float = 1.5
    b: float = 0.5
    # rank-bm25 floors the idf of terms found in over half the sections at epsilon x
    # the mean idf. Phrase tokens are rare and raise that mean, so the default 0.25 let
    # `diplomacy` (in 79 of 83 sections) weigh nearly as much as `cyber`.
    epsilon: float = 0.05
    # Adjacent query words that also stand together in the corpus.
    phrase_weight: float = 0.25
    # A derivation of a query word (`diplomatic` for `diplomacy`) counts, but less.
    family_weight: float = 0.5
    # An acronym's expansion (or the reverse) is evidence, weaker than the words typed.
    expansion_weight: float = 0.5
    # Hybrid search (the semantic extra): BM25 scores (scaled to the best) and embedding
    # similarities (scaled min-max) summed with weight semantic_alpha on the embeddings;
    # measured on the development set against reciprocal-rank fusion ("rrf": weight
    # semantic_weight, constant rrf_k), which scored lower on paraphrases.
    fusion: str = "sum"
    semantic_alpha: float = 0.7
    semantic_weight: float = 1.0
    rrf_k: float = 10.0
    fusion_depth: int = 30
    # The lexical mode (no sentence model): the word vectors of retrieval.wordvectors,
    # fused as above for the part of a query the corpus has no words for. Their share is
    # semantic_alpha x min(1, reach x the share of the query's information the corpus
    # lacks): nothing when it has every word, all of semantic_alpha once a third is
    # missing (reach measured on half A of the development set: 1, 1.5, 2, 3, 4).
    # They are part of that mode, not a setting: off only to measure what they add, and
    # a library says so (Library.mode_description).
    word_vectors: bool = True
    word_vector_reach: float = 3.0
    # Facet words added for the kind of question asked (`what stops …` -> challenges).
    facet_weight: float = 1.5


DEFAULT_CONFIG = SearchConfig()
