"""Query analysis: from what a user typed to weighted index terms.

Spelling variants are handled by the shared tokenizer; this module adds what needs the
corpus: typo correction against its vocabulary (:mod:`retrieval.spelling`), acronyms and
their expansions (:mod:`retrieval.acronyms`: mined from the corpus plus a short general
list), and phrases.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from retrieval.config import DEFAULT_CONFIG, SearchConfig
from retrieval.informativeness import informativeness
from retrieval.sections import heading_marker
from retrieval.shapes import Shape, question_shape
from retrieval.spelling import Speller
from retrieval.text import (
    STOP_WORDS,
    Word,
    bigrams,
    normalize,
    stem,
    term_root,
    word_terms,
    words,
)

# Longer input is cut here: no topic needs more, and scoring stays bounded.
MAX_QUERY_CHARS = 300
MAX_QUERY_TERMS = 40

# What a study-group question asks for, when it asks it in everyday words: the facet
# words the articles use in their headings for that kind of question. Keyed on the
# shape of a question, never on a topic.
QUESTION_FACETS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), facet)
    for pattern, facet in (
        (
            r"\b(?:stops?|prevents?|hinders?|hamper|obstacles?|barriers?|problems?|"
            r"difficult(?:y|ies)?|hard(?:er)?|troubles?|dangers?|risks?|go wrong|fail(?:s|ure)?|"
            r"limits?|limitations?|weakness(?:es)?|downsides?|struggle)\b",
            "challenges obstacles",
        ),
        (
            r"\b(?:(?:is|are) (?:\w+ )?working|does (?:\w+ )?work|works?|succeed(?:s|ed)?|"
            r"success(?:ful)?|how well|measured?|assess(?:ed)?|evaluated?|judged?|pay off|"
            r"tell (?:whether|if))\b",
            "effectiveness assessing",
        ),
        (
            r"\b(?:future|next|coming years|ahead|will change|going forward|trends?)\b",
            "future trends",
        ),
        (
            r"\b(?:examples?|instances?|cases?|real[- ]world|histor(?:y|ical)|precedents?)\b",
            "case studies examples",
        ),
        (
            r"\b(?:improve|better|best way|best practices?|tips|strengthen|make \w+ more)\b",
            "enhancing best practices strategies",
        ),
    )
)


@dataclass(frozen=True, slots=True)
class Query:
    """A query as the index sees it, and what was done to the words typed."""

    original: str
    terms: tuple[str, ...]
    weighted: tuple[tuple[str, float], ...]
    corrections: tuple[tuple[str, str], ...] = ()
    expansions: tuple[tuple[str, str], ...] = ()
    unknown: tuple[str, ...] = ()
    truncated: bool = False
    word_count: int = 0
    related: tuple[str, ...] = ()
    shape: Shape = Shape.TOPIC
    # The share of the query's informative content (retrieval.informativeness) that
    # the corpus has words for: 1.0 when every word is known.
    coverage: float = 1.0
    # The informative content matched, in fully informative words (1.0 each).
    matched_information: float = 0.0
    # Proper names typed (`African Union`) that the corpus never writes, though it may
    # have each of their words (set by the library, which knows the corpus's text).
    absent_names: tuple[str, ...] = ()

    @property
    def highlight_terms(self) -> frozenset[str]:
        """The terms to mark in excerpts: the query's and their derivations."""
        return frozenset(self.terms) | frozenset(self.related)

    @property
    def is_empty(self) -> bool:
        """True when nothing in the query can be searched for."""
        return not self.terms

    @property
    def searched_for(self) -> str:
        """The query text with typo corrections applied, for "Showing results for …"."""
        return _corrected(self.original[:MAX_QUERY_CHARS], self.corrections)

    def weights(self) -> dict[str, float]:
        """The weighted terms as a mapping for the index."""
        return dict(self.weighted)


def _corrected(text: str, corrections: Iterable[tuple[str, str]]) -> str:
    text = normalize(text)
    for typed, corrected in corrections:
        text = re.sub(rf"(?i)\b{re.escape(typed)}\b", corrected, text)
    return " ".join(text.split())


@dataclass(slots=True)
class _ReadWords:
    """The words of a query as read, before weighting."""

    per_word: list[list[str]] = field(default_factory=list)
    surfaces: list[str] = field(default_factory=list)
    corrections: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    closed_up: list[str] = field(default_factory=list)
    truncated: bool = False

    def information(self, *, known: bool | None = None) -> float:
        """The informative content of the words read (of those the corpus knows, or
        does not know); one-letter words say nothing, and neither do numbers about what
        a query is on ("soft power 2024" is on soft power; a number the corpus lacks is
        still named as missing)."""
        unknown = set(self.unknown)
        return sum(
            informativeness(surface)
            for surface in self.surfaces
            if len(surface) > 1
            and not surface.isdigit()
            and (known is None or (surface not in unknown) == known)
        )

    def coverage(self) -> float:
        """The informative share of the words read that the corpus knows."""
        total = self.information()
        return self.information(known=True) / total if total else 0.0


class QueryAnalyser:
    """Turns query text into a :class:`Query` against one corpus's vocabulary."""

    def __init__(
        self,
        vocabulary: Counter[str],
        known_terms: Collection[str],
        acronyms: Mapping[str, str],
        config: SearchConfig = DEFAULT_CONFIG,
    ) -> None:
        self._config = config
        self._speller = Speller(vocabulary)
        self._known = known_terms  # the index: membership tests only, never copied
        self._families: dict[str, list[str]] = {}
        for term in sorted(known_terms):
            if "_" not in term and ":" not in term:
                self._families.setdefault(term_root(term), []).append(term)
        self._acronyms = {key.lower(): value for key, value in acronyms.items()}
        # Each expansion as a term sequence, to find it in a query and add its acronym.
        self._expansion_terms = {
            acronym: _plain_terms(expansion) for acronym, expansion in self._acronyms.items()
        }

    def analyse(self, text: str) -> Query:
        """Analyse query text: terms, phrases, acronym expansions and typo corrections."""
        cut = text[:MAX_QUERY_CHARS]
        read = self._read_words(cut)
        sequence = [terms[0] if len(terms) == 1 else terms[-1] for terms in read.per_word]
        weighted: defaultdict[str, float] = defaultdict(float)
        for surface, surface_terms in zip(read.surfaces, read.per_word, strict=True):
            for term in surface_terms:
                weighted[term] += informativeness(surface)
        self._add_phrases(sequence, weighted)
        for closed_up in read.closed_up:
            if closed_up not in weighted:
                weighted[closed_up] += 1.0
        expansions = self._expand(read.surfaces, sequence, weighted)
        self._add_facets(cut, weighted)
        terms = tuple(
            dict.fromkeys([*(term for terms in read.per_word for term in terms), *read.closed_up])
        )
        related = self._add_relatives(terms, weighted)
        return Query(
            original=text,
            terms=terms,
            weighted=tuple(weighted.items()),
            corrections=tuple(read.corrections),
            expansions=tuple(expansions),
            unknown=tuple(read.unknown),
            truncated=len(text) > MAX_QUERY_CHARS or read.truncated,
            word_count=len(read.per_word),
            related=related,
            shape=question_shape(_corrected(cut, read.corrections)),
            coverage=read.coverage(),
            matched_information=read.information(known=True),
        )

    def _read_words(self, text: str) -> _ReadWords:
        """Each word's terms, typos corrected against the corpus vocabulary; words neither
        known nor correctable are listed as unknown."""
        read = _ReadWords()
        for word in words(normalize(text)):
            terms = word_terms(word)
            if not terms:
                continue
            fixed = self._fix_typos(word.surface)
            if fixed != word.surface:
                read.corrections.append((word.surface, fixed))
                terms = word_terms(Word(fixed, word.start, word.end, word.acronym))
            elif not any(term in self._known for term in terms):
                read.unknown.append(word.surface)
            read.surfaces.append(fixed)
            read.per_word.append(terms)
            if len(read.per_word) >= MAX_QUERY_TERMS:
                read.truncated = True
                break
        self._close_up(read)
        return read

    def _close_up(self, read: _ReadWords) -> None:
        """Two words the corpus writes as one (`peace keeping` for `peacekeeping`) are
        known words: the closed-up term is searched for, and neither word counts as
        missing (`keeping` alone may not be in the corpus)."""
        for first, second in itertools.pairwise(read.surfaces):
            closed_up = stem(first + second)
            if closed_up in read.closed_up or not self._writes_as_one(closed_up, first):
                continue
            read.closed_up.append(closed_up)
            read.unknown = [word for word in read.unknown if word not in (first, second)]

    def _writes_as_one(self, closed_up: str, first: str) -> bool:
        """Whether ``closed_up`` (the stem of two words written as one) is a corpus term
        that keeps part of the second word: the stemmer alone would take
        `international shipping` for `international`."""
        return closed_up in self._known and len(closed_up) > len(first)

    def _fix_typos(self, surface: str) -> str:
        """The word with each unknown part corrected (`militray-to-military` has one)."""
        parts = surface.split("-")
        fixed = []
        for part in parts:
            known = part in STOP_WORDS or any(t in self._known for t in word_terms(_plain(part)))
            corrected = None if known or not part.isalpha() else self._speller.correct(part)
            fixed.append(corrected or part)
        return "-".join(fixed)

    def _add_phrases(self, sequence: list[str], weighted: defaultdict[str, float]) -> None:
        """Adjacent words that also stand together in the corpus."""
        for phrase in bigrams(sequence):
            if phrase in self._known:
                weighted[phrase] += self._config.phrase_weight

    def _add_relatives(
        self, terms: tuple[str, ...], weighted: defaultdict[str, float]
    ) -> tuple[str, ...]:
        """Derivations of the query's terms (`diplomatic` for `diplomacy`), at a lower weight."""
        related: list[str] = []
        for term in terms:
            for relative in self._families.get(term_root(term), ()):
                if relative not in weighted:
                    related.append(relative)
        for relative in related:
            weighted[relative] += self._config.family_weight
        return tuple(dict.fromkeys(related))

    def _add_facets(self, text: str, weighted: defaultdict[str, float]) -> None:
        lowered = normalize(text).lower()
        for pattern, facet in QUESTION_FACETS:
            if pattern.search(lowered):
                for term in map(heading_marker, _plain_terms(facet)):
                    if term in self._known:
                        weighted[term] += self._config.facet_weight

    def _expand(
        self, surfaces: list[str], sequence: list[str], weighted: defaultdict[str, float]
    ) -> list[tuple[str, str]]:
        expansions: list[tuple[str, str]] = []
        for surface in dict.fromkeys(surfaces):
            expansion = self._acronyms.get(surface)
            if expansion is None:
                continue
            expansion_terms = self._expansion_terms[surface]
            phrase = [*expansion_terms, *bigrams(expansion_terms)]
            # Only an expansion the corpus itself uses helps; a general one it never
            # writes out (`North Atlantic Treaty Organization`) would only add noise.
            if not phrase or not all(term in self._known for term in phrase):
                continue
            for term in phrase:
                weighted[term] += self._config.expansion_weight
            expansions.append((surface.upper(), expansion))
        joined = " ".join(sequence)
        for acronym, expansion_terms in self._expansion_terms.items():
            if acronym in surfaces or not expansion_terms:
                continue
            if f" {' '.join(expansion_terms)} " in f" {joined} ":
                term = stem(acronym)
                if term in self._known:
                    weighted[term] += 1.0
                    expansions.append((self._acronyms[acronym], acronym.upper()))
        return expansions


def _plain(surface: str) -> Word:
    return Word(surface, 0, len(surface), acronym=False)


def _plain_terms(text: str) -> list[str]:
    terms: list[str] = []
    for word in words(normalize(text)):
        found = word_terms(word)
        if found:
            terms.append(found[0] if len(found) == 1 else found[-1])
    return terms
