"""The tunable knobs of search, in one frozen object, measured on the development set."""

from __future__ import annotations

from dataclasses import dataclass


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
    # Without the semantic extra: the word vectors of retrieval.wordvectors, fused as
    # above for the part of a query the corpus has no words for. Their share is
    # semantic_alpha x min(1, reach x the share of the query's information the corpus
    # lacks): nothing when it has every word, all of semantic_alpha once a third is
    # missing (reach measured on half A of the development set: 1, 1.5, 2, 3, 4).
    word_vectors: bool = True
    word_vector_reach: float = 3.0
    # Facet words added for the kind of question asked (`what stops …` -> challenges).
    facet_weight: float = 1.5
    # Excerpts (retrieval.excerpts): how much the section's rank counts against the
    # sentence's own match; what the sentence before it in the paragraph contributes;
    # the bonus for a sentence giving the kind of answer asked for, and for one whose
    # subject (first words) is what was asked about.
    # Abstention (Library.covers): a query is answered when the corpus knows this share
    # of its informative content, or this much of it in fully informative words.
    min_coverage: float = 0.6
    min_matched_information: float = 1.8
    # With embeddings: the cosine similarity of the closest corpus sentence below which
    # a lexically covered query is still not answered, and above which one the words
    # miss is answered after all.
    semantic_floor: float = 0.45
    semantic_rescue: float = 0.6
    # With embeddings, how much a sentence's similarity to the query adds to its score.
    sentence_semantic_weight: float = 0.5
    section_weight: float = 0.35
    context_weight: float = 0.5
    shape_bonus: float = 0.3
    subject_bonus: float = 0.2


DEFAULT_CONFIG = SearchConfig()
