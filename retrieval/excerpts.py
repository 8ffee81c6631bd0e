"""Which sentences answer a query, best first.

A sentence is scored by the query words it contains (idf-weighted, as BM25 weighs
them), by the words its paragraph has just said (a sentence that follows "Cultural
awareness is vital." answers a question about cultural awareness without repeating it),
by whether its subject is what was asked about, by whether it gives the kind of answer
the question asks for (:mod:`retrieval.shapes`), and by its section's rank. A sentence
that opens by pointing back ("These tools …", "Such discussions …") is quoted with the
sentence it points to, so it never stands without its referent. Near-duplicates are
dropped and at most two sentences come from one section.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from retrieval.config import SearchConfig
from retrieval.index import Hit
from retrieval.library import Library, SearchResult
from retrieval.sections import SentenceTerms
from retrieval.shapes import CONNECTIVES, Shape, answers_shape, defines, is_gerund
from retrieval.text import word_terms
from retrieval.text import words as text_words

MIN_EXCERPTS = 3
MIN_SENTENCE_CHARS = 40
MAX_PER_SECTION = 2
# Two sentences sharing this fraction of their terms say the same thing.
DUPLICATE_OVERLAP = 0.5
# The words a sentence's subject is looked for in.
SUBJECT_WORDS = 6
# A sentence opening with one of these refers to the one before it.
_POINTS_BACK = re.compile(
    r"^(?:these|this|those|such|they|it|its|their|both|the latter|the former)\b", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence (or a sentence with the one it points back to) and its score."""

    score: float
    match: float
    section_rank: int
    start: int
    end: int
    paragraph: str
    section_id: str
    terms: frozenset[str]
    # What the score is made of beyond the sentence's own match, to score it again for
    # another kind of answer (rescored).
    context: float = 0.0
    section_part: float = 0.0
    semantic: float = 0.0

    @property
    def text(self) -> str:
        """The quoted span, verbatim."""
        return self.paragraph[self.start : self.end]


@dataclass(frozen=True, slots=True)
class _Scorer:
    """What scoring a sentence needs from the query and the index."""

    weights: dict[str, float]
    idf: dict[str, float]
    mass: float
    shape: Shape
    config: SearchConfig

    @classmethod
    def of(cls, library: Library, result: SearchResult, shape: Shape | None = None) -> _Scorer:
        weights = result.query.weights()
        idf = {term: max(library.index.idf(term), 0.0) for term in weights}
        mass = sum(idf[t] * w for t, w in weights.items()) or 1.0
        return cls(weights, idf, mass, shape or result.query.shape, library.config)

    def match(self, terms: frozenset[str]) -> float:
        """The idf-weighted query mass these terms carry."""
        return sum(self.idf[t] * w for t, w in self.weights.items() if t in terms)

    def score(
        self,
        text: str,
        own: float,
        context: float,
        section_part: float,
        shape: Shape | None = None,
    ) -> float:
        """The sentence's score: its match, its paragraph's, its subject and its shape."""
        config = self.config
        shape = shape or self.shape
        # An explanation follows the statement it explains: for why and how, what the
        # sentence before said counts as fully as the sentence's own words.
        explains = shape in (Shape.WHY, Shape.HOW)
        relevance = (own + (1.0 if explains else config.context_weight) * context) / self.mass
        score = (1 - config.section_weight) * relevance + section_part
        subject = self.subject_end(text)
        if subject is not None:
            score += config.subject_bonus
        if shape is Shape.DEFINITION:
            if subject is not None and defines(text, subject):
                score += config.shape_bonus
        elif shape is not Shape.TOPIC and answers_shape(text, shape):
            score += config.shape_bonus
        return score

    def subject_end(self, text: str) -> int | None:
        """Where the query's words end in the sentence's subject position (its first few
        words, after a connective), or None when the subject is something else. A
        sentence opening with a gerund (`Addressing X …`) is about the activity."""
        end = None
        for terms, word_end in subject_words(text):
            if self.match(terms) > 0:
                end = word_end
        return end


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


def scored_candidates(
    library: Library, result: SearchResult, *, shape: Shape | None = None
) -> list[Candidate]:
    """Every sentence of the result's sections scored for the query (as answering
    ``shape``, default the question's own), best first."""
    scorer = _Scorer.of(library, result, shape)
    top_score = result.hits[0].score
    candidates: list[Candidate] = []
    for rank, hit in enumerate(result.hits):
        candidates.extend(_section_candidates(library, scorer, hit, rank, top_score, result.vector))
    candidates.sort(key=lambda c: (-c.score, c.section_rank, c.start))
    return candidates


def rescored(
    library: Library, result: SearchResult, candidates: list[Candidate], shape: Shape
) -> list[Candidate]:
    """The same candidates scored as answering ``shape`` instead, best first (cheaper
    than scoring the sections again)."""
    scorer = _Scorer.of(library, result, shape)
    again = [
        dataclasses.replace(
            c,
            score=scorer.score(c.text, c.match, c.context, c.section_part) + c.semantic,
        )
        for c in candidates
    ]
    again.sort(key=lambda c: (-c.score, c.section_rank, c.start))
    return again


def select_sentences(library: Library, result: SearchResult, *, limit: int) -> list[Candidate]:
    """The best sentences of the top sections, best first, without near-duplicates and
    at most two per section; padded with the best remaining sentences of the top
    sections so a briefing has at least three excerpts when the sections allow."""
    candidates = scored_candidates(library, result)
    chosen: list[Candidate] = []
    per_section: dict[str, int] = {}
    for require_match in (True, False):
        for candidate in candidates:
            if len(chosen) >= limit or (not require_match and len(chosen) >= MIN_EXCERPTS):
                break
            if require_match and candidate.match <= 0:
                continue
            if candidate in chosen or per_section.get(candidate.section_id, 0) >= MAX_PER_SECTION:
                continue
            if any(clashes(candidate, other) for other in chosen):
                continue
            chosen.append(candidate)
            per_section[candidate.section_id] = per_section.get(candidate.section_id, 0) + 1
    return chosen


def _section_candidates(
    library: Library,
    scorer: _Scorer,
    hit: Hit,
    rank: int,
    top_score: float,
    vector: np.ndarray | None,
) -> list[Candidate]:
    section = library.sections[hit.section_id]
    place = _Place(
        section.id,
        library.sentences[section.id],
        rank,
        scorer.config.section_weight * hit.score / top_score,
        _closeness(library, section.id, vector),
    )
    out: list[Candidate] = []
    for index, sentence in enumerate(place.sentences):
        paragraph = section.paragraphs[sentence.paragraph]
        text = paragraph[sentence.start : sentence.end]
        if len(text) < MIN_SENTENCE_CHARS or text.endswith(":"):
            continue
        if _POINTS_BACK.match(text) and not _has_referent(paragraph, place.sentences, index - 1):
            continue  # "Such exercises …" opening a paragraph: its referent is elsewhere
        out.append(_candidate(scorer, place, paragraph, index))
    return out


@dataclass(frozen=True, slots=True)
class _Place:
    """Where candidates come from: a section's sentences, rank and score share."""

    section_id: str
    sentences: tuple[SentenceTerms, ...]
    rank: int
    section_part: float
    closeness: np.ndarray | None


def _candidate(scorer: _Scorer, place: _Place, paragraph: str, index: int) -> Candidate:
    """One sentence scored: quoted back to its referent if it points back, else with
    the sentence before it as context."""
    sentences = place.sentences
    sentence, before = sentences[index], _before(sentences, index)
    own_terms, context_terms = sentence.terms, frozenset[str]()
    first = index
    while _POINTS_BACK.match(paragraph[sentences[first].start : sentences[first].end]):
        first -= 1  # quote back to the sentence that names what it points to
    for earlier in sentences[first:index]:
        own_terms |= earlier.terms
    if first == index and before is not None:
        context_terms = before.terms - own_terms
    start = sentences[first].start
    own, context = scorer.match(own_terms), scorer.match(context_terms)
    score = scorer.score(paragraph[start : sentence.end], own, context, place.section_part)
    semantic = 0.0
    if place.closeness is not None:
        near = place.closeness[first : index + 1]
        semantic = scorer.config.sentence_semantic_weight * float(np.max(near))
    unigrams = frozenset(u for earlier in sentences[first : index + 1] for u in earlier.unigrams)
    return Candidate(
        score + semantic, own, place.rank, start, sentence.end, paragraph, place.section_id,
        unigrams, context, place.section_part, semantic,
    )  # fmt: skip


def _closeness(library: Library, section_id: str, vector: np.ndarray | None) -> np.ndarray | None:
    """Each sentence's cosine similarity to the query (hybrid mode), else None."""
    if vector is None or library.sentence_vectors is None:
        return None
    return library.sentence_vectors.by_section[section_id] @ vector


def points_back(sentence: str) -> bool:
    """Whether a sentence opens by pointing back ("These tools …", "Such alliances …")."""
    return bool(_POINTS_BACK.match(sentence))


def _has_referent(paragraph: str, sentences: tuple[SentenceTerms, ...], index: int) -> bool:
    """Whether the sentence at ``index`` (the one pointed back to) exists in the same
    paragraph and does not itself point back past the paragraph's start."""
    if index < 0 or sentences[index].paragraph != sentences[index + 1].paragraph:
        return False
    before = sentences[index]
    text = paragraph[before.start : before.end]
    return not _POINTS_BACK.match(text) or _has_referent(paragraph, sentences, index - 1)


def _before(sentences: tuple[SentenceTerms, ...], index: int) -> SentenceTerms | None:
    """The sentence before this one in the same paragraph, if any."""
    if index == 0 or sentences[index - 1].paragraph != sentences[index].paragraph:
        return None
    return sentences[index - 1]


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
