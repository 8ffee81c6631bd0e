"""Which sentences answer a query, best first.

Candidates are the sentences of the sections the search found and, with the sentence
model, the corpus sentences closest to the query in meaning. Each is described by the
features of :mod:`retrieval.features` and scored by a linear ranker whose weights were
fitted on graded questions (:mod:`retrieval.train`; ``retrieval/data/sentence-ranker.json``),
one for each search mode. A sentence that opens by pointing back ("These tools …") is a
candidate twice: with the sentence it points to, and alone (graders accept many such
sentences as answers; the ranker weighs the two forms from data). Near-duplicates are
dropped and at most three sentences come from one section (a list question's answers
often stand together there).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np

from retrieval.features import (
    FEATURES,
    NEAREST_SENTENCES,
    POINTS_BACK,
    SEMANTIC_FEATURES,
    SHAPE_COLUMNS,
    QueryView,
    Span,
    SpanText,
    eligible,
    feature_row,
    relative_columns,
    section_ranks,
    sentence_forms,
    shape_columns,
    span_for,
)
from retrieval.library import Library, SearchResult
from retrieval.linear import LinearModel, load_models
from retrieval.shapes import Shape
from retrieval.text import tokenize

MIN_EXCERPTS = 3
# A sentence whose query words come late (or one quoted with the sentence it points back
# to, or with the one listing what it announced) may run this long.
MAX_KEPT_CHARS = 600
MAX_PER_SECTION = 3
# Two sentences sharing this fraction of their terms say the same thing.
DUPLICATE_OVERLAP = 0.5
RANKER_FILE = Path(__file__).resolve().parent / "data" / "sentence-ranker.json"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence (or a sentence with the one it points back to) and its score."""

    score: float
    match: float  # the share of the query's weighted words it carries
    section_rank: int
    start: int
    end: int
    paragraph: str
    section_id: str
    terms: frozenset[str]
    span: Span | None = None
    # Its features (for scoring it again as another kind of answer) and its forms.
    row: tuple[float, ...] = ()
    forms: tuple[bool, ...] = ()

    @property
    def text(self) -> str:
        """The quoted span, verbatim."""
        return self.paragraph[self.start : self.end]


@cache
def rankers() -> dict[str, LinearModel]:
    """The fitted sentence rankers, by search mode (read once)."""
    return load_models(RANKER_FILE)


def ranker_for(library: Library) -> LinearModel:
    """The ranker fitted for the library's search mode."""
    return rankers()[library.mode]


def query_view(library: Library, result: SearchResult, shape: Shape | None = None) -> QueryView:
    """What the features need from the query: weighted terms, idf, shape, each
    section's BM25 share and (with the sentence model) cosine."""
    query = result.query
    weights = query.weights()
    idf = {term: max(library.index.idf(term), 0.0) for term in weights}
    scores = library.index.scores(weights)
    top = float(scores.max()) if len(scores) and scores.max() > 0 else 1.0
    ids = library.index.doc_ids
    bm25 = {ids[i]: float(scores[i]) / top for i in range(len(ids))}
    cosines = _cosines(library, result.vector)
    return QueryView.of(weights, idf, shape or query.shape, bm25, result.vector, cosines)


def _cosines(
    library: Library, vector: np.ndarray | None
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per section, the query's cosine with each of its sentences and each of its
    paragraphs (empty without the sentence model)."""
    sentences, embeddings = library.sentence_vectors, library.embeddings
    if vector is None or sentences is None or embeddings is None:
        return {}, {}
    per_sentence = {sid: rows @ vector for sid, rows in sentences.by_section.items()}
    units = embeddings.vectors @ vector
    # A section's paragraphs are consecutive rows (owners ascend with the section order).
    ids = library.index.doc_ids
    bounds = np.searchsorted(embeddings.owners, np.arange(len(ids) + 1))
    per_paragraph = {ids[i]: units[bounds[i] : bounds[i + 1]] for i in range(len(ids))}
    return per_sentence, per_paragraph


def candidate_spans(library: Library, result: SearchResult, view: QueryView) -> list[Span]:
    """Every quotable sentence of the hit sections, then the corpus sentences nearest the
    query in meaning (with the sentence model), each once."""
    ranks = section_ranks(result.hits)
    seen: set[tuple[str, int]] = set()
    spans: list[Span] = []

    def add(section_id: str, index: int) -> None:
        if (section_id, index) in seen:
            return
        seen.add((section_id, index))
        section = library.sections[section_id]
        sentences = library.sentences[section_id]
        sentence = sentences[index]
        paragraph = section.paragraphs[sentence.paragraph]
        if not eligible(paragraph[sentence.start : sentence.end], paragraph):
            return
        rank = ranks.get(section_id, len(result.hits))
        first = span_for(sentences, section.paragraphs, index)
        if first is not None and first != index:
            spans.append(Span(section_id, first, index, rank))  # with what it points to
        spans.append(Span(section_id, index, index, rank))

    for hit in result.hits:
        for index in range(len(library.sentences[hit.section_id])):
            add(hit.section_id, index)
    for section_id, index in _nearest(view):
        add(section_id, index)
    return spans


def _nearest(view: QueryView) -> list[tuple[str, int]]:
    """The corpus sentences closest to the query, as (section id, index)."""
    places = [(sid, i) for sid, rows in view.sentence_cosines.items() for i in range(len(rows))]
    if not places:
        return []
    closeness = np.concatenate(list(view.sentence_cosines.values()))
    return [places[int(row)] for row in np.argsort(-closeness, kind="stable")[:NEAREST_SENTENCES]]


def span_text(library: Library, span: Span, view: QueryView) -> SpanText:
    """The text facts of a span that its features read."""
    section = library.sections[span.section_id]
    sentences = library.sentences[span.section_id]
    first, last = sentences[span.first], sentences[span.last]
    paragraph = section.paragraphs[last.paragraph]
    own = frozenset().union(*(s.terms for s in sentences[span.first : span.last + 1]))
    has_before = span.first > 0 and sentences[span.first - 1].paragraph == last.paragraph
    before = sentences[span.first - 1].terms if has_before else frozenset()
    cosine = cosine_before = paragraph_cosine = 0.0
    rows = view.sentence_cosines.get(span.section_id)
    if rows is not None:
        cosine = float(rows[span.first : span.last + 1].max())
        cosine_before = float(rows[span.first - 1]) if has_before else 0.0
        paragraphs = view.paragraph_cosines[span.section_id]
        if last.paragraph < len(paragraphs):
            paragraph_cosine = float(paragraphs[last.paragraph])
    return SpanText(
        text=paragraph[first.start : last.end],
        paragraph=paragraph,
        own_terms=own,
        before_terms=before,
        heading_terms=_heading_terms(library, span.section_id),
        paragraph_opening=not has_before,
        section_opening=span.first == 0,
        cosine=cosine,
        cosine_before=cosine_before,
        paragraph_cosine=paragraph_cosine,
    )


def _heading_terms(library: Library, section_id: str) -> frozenset[str]:
    return heading_terms(library.sections[section_id].indexed_heading)


@lru_cache(maxsize=50_000)
def heading_terms(heading: str) -> frozenset[str]:
    """A heading's terms (cached: headings recur across queries)."""
    return frozenset(tokenize(heading))


def candidate_table(
    library: Library, result: SearchResult, shape: Shape | None = None
) -> tuple[list[Candidate], np.ndarray]:
    """The query's candidates (unscored) and their feature rows, for scoring or fitting."""
    view = query_view(library, result, shape)
    candidates: list[Candidate] = []
    rows: list[list[float]] = []
    for span in candidate_spans(library, result, view):
        facts = span_text(library, span, view)
        forms = sentence_forms(facts.text, view)
        rows.append(feature_row(span, facts, view, len(result.hits), forms))
        sentences = library.sentences[span.section_id]
        start = sentences[span.first].start
        unigrams = frozenset(u for s in sentences[span.first : span.last + 1] for u in s.unigrams)
        candidates.append(
            Candidate(
                0.0,
                view.match(facts.own_terms),
                span.section_rank,
                start,
                start + len(facts.text),
                facts.paragraph,
                span.section_id,
                unigrams,
                span,
                forms=forms,
            )
        )
    table = np.asarray(rows, dtype=float).reshape(len(rows), len(FEATURES))
    relative_columns(table)
    if view.vector is None:
        table[:, [FEATURES.index(name) for name in SEMANTIC_FEATURES]] = 0.0
    candidates = [
        dataclasses.replace(c, row=tuple(r)) for c, r in zip(candidates, table, strict=True)
    ]
    return candidates, table


def scored_candidates(
    library: Library,
    result: SearchResult,
    *,
    shape: Shape | None = None,
    model: LinearModel | None = None,
) -> list[Candidate]:
    """Every candidate sentence scored for the query (as answering ``shape``, default
    the question's own) by the fitted ranker, best first."""
    candidates, table = candidate_table(library, result, shape)
    return ranked(candidates, (model or ranker_for(library)).score(table))


def ranked(candidates: list[Candidate], scores: np.ndarray) -> list[Candidate]:
    """The candidates with their scores, best first (ties: the higher section, then the
    earlier sentence)."""
    scored = [
        dataclasses.replace(c, score=float(s)) for c, s in zip(candidates, scores, strict=True)
    ]
    scored.sort(key=lambda c: (-c.score, c.section_rank, c.start))
    return scored


def rescored(
    library: Library, result: SearchResult, candidates: list[Candidate], shape: Shape
) -> list[Candidate]:
    """The same candidates scored as answering ``shape`` instead, best first (only the
    columns crossing the question's shape with the sentence's form change)."""
    if not candidates:
        return []
    table = np.asarray([c.row for c in candidates], dtype=float)
    table[:, SHAPE_COLUMNS] = [shape_columns(shape, c.forms) for c in candidates]
    return ranked(candidates, ranker_for(library).score(table))


def select_sentences(library: Library, result: SearchResult, *, limit: int) -> list[Candidate]:
    """The best sentences for the query, best first (see :func:`choose`); the first one
    with the sentence after it when that one lists what it announced."""
    chosen = choose(scored_candidates(library, result), limit)
    if chosen:
        chosen[0] = with_enumeration(library, chosen[0])
    return chosen


# A sentence that spells out what the one before it announced ("… three pillars.
# These include …").
_ENUMERATES = re.compile(
    r"^(?:these|they|those|this|key\s+\w+|examples)\s+(?:include|includes|are|involve|involves|"
    r"comprise|comprises|encompass|encompasses|range\s+from)\b",
    re.IGNORECASE,
)


def with_enumeration(library: Library, candidate: Candidate) -> Candidate:
    """The candidate with the next sentence of its paragraph when that sentence lists
    what the candidate announced, and the two still fit an excerpt."""
    span = candidate.span
    if span is None:
        return candidate
    sentences = library.sentences[span.section_id]
    following = span.last + 1
    if (
        following >= len(sentences)
        or sentences[following].paragraph != sentences[span.last].paragraph
    ):
        return candidate
    nxt = sentences[following]
    text = candidate.paragraph[nxt.start : nxt.end]
    if not _ENUMERATES.match(text) or nxt.end - candidate.start > MAX_KEPT_CHARS:
        return candidate
    longer = Span(span.section_id, span.first, following, span.section_rank)
    return dataclasses.replace(
        candidate, end=nxt.end, terms=candidate.terms | frozenset(nxt.unigrams), span=longer
    )


def choose(candidates: list[Candidate], limit: int) -> list[Candidate]:
    """Up to ``limit`` of the scored candidates, best first, none restating one already
    chosen and at most three from one section."""
    chosen: list[Candidate] = []
    per_section: dict[str, int] = {}
    for candidate in candidates:
        if len(chosen) >= limit:
            break
        if per_section.get(candidate.section_id, 0) >= MAX_PER_SECTION:
            continue
        if any(clashes(candidate, other) for other in chosen):
            continue
        chosen.append(candidate)
        per_section[candidate.section_id] = per_section.get(candidate.section_id, 0) + 1
    return chosen


def points_back(sentence: str) -> bool:
    """Whether a sentence opens by pointing back ("These tools …", "Such alliances …")."""
    return bool(POINTS_BACK.match(sentence))


def clashes(candidate: Candidate, other: Candidate) -> bool:
    """Two candidates that overlap in the text, or say the same thing."""
    same_paragraph = candidate.paragraph is other.paragraph
    if same_paragraph and candidate.start < other.end and other.start < candidate.end:
        return True
    return overlap(candidate.terms, other.terms) >= DUPLICATE_OVERLAP


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    # Containment, not Jaccard: a short sentence restating part of a long one is a duplicate.
    return len(a & b) / min(len(a), len(b))
