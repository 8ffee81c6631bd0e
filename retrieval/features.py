"""What the sentence ranker knows about a candidate sentence, as numbers.

A candidate is a sentence of a section the search found, or one of the corpus sentences
closest in meaning to the query. Each gets one row of features: how close it is in
meaning (cosine), how much of the query's weighted words it and its section carry
(BM25), whether it gives the kind of answer the question asks for (the question's shape
crossed with the sentence's form), whether the query's words are its subject, and its
form (where it stands, whether it points back, whether it is a bullet fragment). No
feature names a topic; the weights that combine them are fitted on graded questions
(:mod:`retrieval.ranker`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from retrieval.formats.builder import is_bullet as is_list_item
from retrieval.formats.builder import is_heading_line
from retrieval.index import Hit
from retrieval.sections import SentenceTerms
from retrieval.shapes import CONNECTIVES, Shape, answers_shape, defines, is_gerund
from retrieval.text import word_terms
from retrieval.text import words as text_words

# A sentence this short is a fragment or a heading, never an answer.
MIN_SENTENCE_CHARS = 40
# Sentences closest to the query in meaning, from anywhere in the corpus, added to those
# of the sections the search found.
NEAREST_SENTENCES = 20
# The words a sentence's subject is looked for in.
SUBJECT_WORDS = 6
# A sentence opening with one of these refers to the one before it.
POINTS_BACK = re.compile(
    r"^(?:these|this|those|such|they|it|its|their|both|the latter|the former)\b", re.IGNORECASE
)
# How a finished sentence ends (a clause of a list or a preamble ends with "," or ";").
FINISHED = re.compile(r"[.?!…][\"'”’)\]]*\s*$")
# The shapes a question can ask for, each crossed with the sentence form that answers it.
_CUE_SHAPES = (Shape.WHY, Shape.HOW, Shape.LIST, Shape.PROBLEMS)

FEATURES: tuple[str, ...] = (
    "cosine",
    "cosine_before",
    "paragraph_cosine",
    "section_cosine",
    "section_bm25",
    "section_rank",
    "sentence_bm25",
    "context_bm25",
    "heading_bm25",
    "subject",
    "defines_for_definition",
    "defines_for_topic",
    *(f"cue_for_{shape.value}" for shape in _CUE_SHAPES),
    "cue_any",
    "paragraph_opening",
    "section_opening",
    "points_back",
    "dangling",
    "bullet",
    "unfinished",
    "log_length",
    # Relative to the query's other candidates (a query's cosines sit higher or lower as
    # a whole): the gap to the best, and the rank.
    "cosine_gap",
    "cosine_rank",
    "sentence_bm25_gap",
)
# The features that need the sentence model; zero in lexical mode.
SEMANTIC_FEATURES = frozenset(
    {"cosine", "cosine_before", "paragraph_cosine", "section_cosine", "cosine_gap", "cosine_rank"}
)


@dataclass(frozen=True, slots=True)
class Span:
    """A quotable candidate: sentences ``first``..``last`` (indices into the section's
    sentence list) of one paragraph. A sentence that points back ("These tools …") is
    quoted from the sentence it points to, so it never stands without its referent."""

    section_id: str
    first: int
    last: int
    section_rank: int  # place of its section among the search's hits (len(hits) if none)


@dataclass(frozen=True, slots=True)
class QueryView:
    """What features need from a query: its weighted terms with their idf, its shape,
    and (with the sentence model) its vector and, per section, the cosine of each of its
    sentences and of each of its paragraphs (as the section vectors encode them: heading
    and paragraph), computed once for all the candidates."""

    weights: dict[str, float]
    idf: dict[str, float]
    shape: Shape
    bm25: dict[str, float]  # section id -> BM25 score over the best score
    vector: np.ndarray | None
    sentence_cosines: dict[str, np.ndarray]
    paragraph_cosines: dict[str, np.ndarray]
    mass: float = 1.0  # the idf-weighted mass of the whole query (never zero)

    @classmethod
    def of(
        cls,
        weights: dict[str, float],
        idf: dict[str, float],
        shape: Shape,
        bm25: dict[str, float],
        vector: np.ndarray | None,
        cosines: tuple[dict[str, np.ndarray], dict[str, np.ndarray]] = ({}, {}),
    ) -> QueryView:
        """A view with its mass computed once."""
        mass = sum(idf[t] * w for t, w in weights.items()) or 1.0
        return cls(weights, idf, shape, bm25, vector, *cosines, mass)

    def section_cosine(self, section_id: str) -> float:
        """A section's closeness to the query: its closest paragraph's."""
        paragraphs = self.paragraph_cosines.get(section_id)
        return float(paragraphs.max()) if paragraphs is not None and len(paragraphs) else 0.0

    def match(self, terms: frozenset[str]) -> float:
        """The share of the query's idf-weighted mass these terms carry."""
        return sum(self.idf[t] * w for t, w in self.weights.items() if t in terms) / self.mass


def eligible(text: str, paragraph: str) -> bool:
    """Whether a sentence can be quoted as an excerpt at all: long enough to say
    something, not a lead-in to a list (`… include:`), and not a paragraph that reads as
    a heading (one short line without closing punctuation: a sub-heading, a masthead or a
    reference that the document's layout did not mark as one)."""
    if len(text) < MIN_SENTENCE_CHARS or text.rstrip().endswith(":"):
        return False
    return not (text == paragraph.strip() and is_heading_line(paragraph))


def span_for(
    sentences: Sequence[SentenceTerms], paragraphs: Sequence[str], index: int
) -> int | None:
    """The first sentence of the span quoting sentence ``index``: itself, or the
    sentence it points back to in the same paragraph; None when its referent is
    outside the paragraph (it cannot be quoted alone)."""
    first = index
    while _opens_back(sentences, paragraphs, first):
        if first == 0 or sentences[first - 1].paragraph != sentences[first].paragraph:
            return None
        first -= 1
    return first


def _opens_back(sentences: Sequence[SentenceTerms], paragraphs: Sequence[str], i: int) -> bool:
    sentence = sentences[i]
    return bool(POINTS_BACK.match(paragraphs[sentence.paragraph][sentence.start : sentence.end]))


def is_bullet(paragraph: str, text: str) -> bool:
    """A bullet item or list fragment rather than a sentence of prose (its paragraph, or
    the sentence itself, is a list item line)."""
    return is_list_item(paragraph.lstrip()) or is_list_item(text.lstrip())


@lru_cache(maxsize=50_000)
def subject_words(sentence: str) -> tuple[tuple[frozenset[str], int], ...]:
    """The terms and end offsets of the words in a sentence's subject position: its first
    few words after a connective; none when it opens with a gerund (it is then about an
    activity). Cached: sentences recur across queries."""
    opening = text_words(sentence[: SUBJECT_WORDS * 24])[:SUBJECT_WORDS]
    start = 1 if opening and opening[0].surface in CONNECTIVES else 0
    if len(opening) > start and is_gerund(opening[start].surface):
        return ()
    return tuple((frozenset(word_terms(word)), word.end) for word in opening[start:])


def subject_end(sentence: str, view: QueryView) -> int | None:
    """Where the query's words end in the sentence's subject position, or None when its
    subject is something else."""
    end = None
    for terms, word_end in subject_words(sentence):
        if view.match(terms) > 0:
            end = word_end
    return end


@dataclass(frozen=True, slots=True)
class SpanText:
    """The text facts of a span that features read."""

    text: str
    paragraph: str
    own_terms: frozenset[str]
    before_terms: frozenset[str]
    heading_terms: frozenset[str]
    paragraph_opening: bool
    section_opening: bool
    cosine: float
    cosine_before: float
    paragraph_cosine: float


def sentence_forms(text: str, view: QueryView) -> tuple[bool, ...]:
    """What kinds of answer a sentence gives, whatever the question asks: whether it
    defines its subject (when the query's words are its subject), and whether it has
    the cue of each answer shape in :data:`_CUE_SHAPES`."""
    end = subject_end(text, view)
    defining = end is not None and defines(text, end)
    return (end is not None, defining, *(answers_shape(text, cue) for cue in _CUE_SHAPES))


def shape_columns(shape: Shape, forms: tuple[bool, ...]) -> list[float]:
    """The question's shape crossed with the sentence's forms (see :func:`sentence_forms`):
    `defines_for_definition`, `defines_for_topic` and each `cue_for_<shape>`."""
    cues = forms[2:]
    return [
        float(shape is Shape.DEFINITION and forms[1]),
        float(shape is Shape.TOPIC and forms[1]),
        *(float(shape is cue and has) for cue, has in zip(_CUE_SHAPES, cues, strict=True)),
    ]


# Where the shape-crossed columns sit in a row.
SHAPE_COLUMNS = slice(FEATURES.index("defines_for_definition"), FEATURES.index("cue_any"))


def feature_row(
    span: Span, facts: SpanText, view: QueryView, hits: int, forms: tuple[bool, ...]
) -> list[float]:
    """The features of one candidate, in the order of :data:`FEATURES`."""
    text = facts.text
    return [
        facts.cosine,
        facts.cosine_before,
        facts.paragraph_cosine,
        view.section_cosine(span.section_id),
        view.bm25.get(span.section_id, 0.0),
        1.0 / (1 + span.section_rank) if span.section_rank < hits else 0.0,
        view.match(facts.own_terms),
        view.match(facts.before_terms - facts.own_terms),
        view.match(facts.heading_terms),
        float(forms[0]),
        *shape_columns(view.shape, forms),
        float(any(forms[2:])),
        float(facts.paragraph_opening),
        float(facts.section_opening),
        float(span.first != span.last),
        float(span.first == span.last and bool(POINTS_BACK.match(text))),
        float(is_bullet(facts.paragraph, text)),
        float(not FINISHED.search(text)),
        math.log(max(len(text), 1)),
        0.0,  # the relative features are filled in by relative_columns
        0.0,
        0.0,
    ]


def relative_columns(table: np.ndarray) -> None:
    """Fill in the features that compare a candidate with the query's others."""
    if not len(table):
        return
    cosine = table[:, FEATURES.index("cosine")]
    table[:, FEATURES.index("cosine_gap")] = cosine - cosine.max()
    ranks = np.empty(len(cosine))
    ranks[np.argsort(-cosine, kind="stable")] = np.arange(len(cosine))
    table[:, FEATURES.index("cosine_rank")] = 1.0 / (1.0 + ranks)
    bm25 = table[:, FEATURES.index("sentence_bm25")]
    table[:, FEATURES.index("sentence_bm25_gap")] = bm25 - bm25.max()


def section_ranks(hits: Sequence[Hit]) -> dict[str, int]:
    """Each hit section's place in the ranking."""
    return {hit.section_id: rank for rank, hit in enumerate(hits)}
