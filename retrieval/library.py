"""The Library: loaded articles, their index and query analyser, built once and immutable."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

import numpy as np

from retrieval.abstention import Evidence, answerable, gather_evidence
from retrieval.acronyms import GENERAL_ACRONYMS, mine_acronyms
from retrieval.cases import CaseCatalogue, Curation, extract_cases, read_curation
from retrieval.config import DEFAULT_CONFIG, SEARCH_MODES, SearchConfig, SearchMode
from retrieval.corpus import LoadedCorpus, load_corpus
from retrieval.folders import SkippedFile
from retrieval.index import BM25Index, Hit, hits_from_scores
from retrieval.memo import Memo
from retrieval.model import Article, CorpusError, Section
from retrieval.names import absent_names, phrase_key
from retrieval.parsing import ParseLimits
from retrieval.query import MAX_QUERY_CHARS, Query, QueryAnalyser
from retrieval.sections import section_sentences, section_tokens
from retrieval.semantic import (
    Encoder,
    SectionVectors,
    SentenceVectors,
    reciprocal_rank_fusion,
    section_embeddings,
    sentence_embeddings,
)
from retrieval.spelling import vocabulary_of
from retrieval.text import normalize, tokenize_with_surfaces
from retrieval.wordvectors import WordVectors, bundled_word_vectors

DEFAULT_TOP_K = 5
# Briefings kept per library (see Library.memoized).
MEMO_SIZE = 512
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What a search found: the analysed query and the hits, best first (none when the
    query was too far from the corpus)."""

    query: Query
    hits: tuple[Hit, ...]
    vector: np.ndarray | None = None  # the query's embedding, in hybrid mode


class Library:
    """Everything a search needs, built once from a corpus and never changed."""

    def __init__(
        self,
        corpus: LoadedCorpus,
        *,
        name: str = "corpus",
        config: SearchConfig = DEFAULT_CONFIG,
        curation: Curation | None = None,
        encoder: Encoder | None = None,
        corpus_dir: Path | None = None,
        progress: bool = False,
    ) -> None:
        self.name = name
        self._memo = Memo(MEMO_SIZE)
        self.directory = corpus_dir  # the folder the articles were read from, if any
        self.config = config
        self._section_keys: dict[str, str] | None = None
        self.articles: tuple[Article, ...] = corpus.articles
        self.skipped: tuple[SkippedFile, ...] = corpus.skipped
        self.articles_by_slug = _by_slug(self.articles)
        self.sections = _sections_by_id(self.articles)
        ordered = list(self.sections.values())
        self.sentences = MappingProxyType({s.id: section_sentences(s) for s in ordered})
        self.index = self._build_index(ordered)
        texts = [text for s in ordered for text in (s.heading, *s.paragraphs)]
        self.acronyms = MappingProxyType(mine_acronyms(texts))
        acronyms = {**GENERAL_ACRONYMS, **self.acronyms}
        self.encoder = encoder
        self.embeddings, self.sentence_vectors = self._embed(ordered, encoder, corpus_dir, progress)
        # Without the sentence model (SEARCH_MODE=lexical), word vectors (see
        # retrieval.wordvectors) stand in for the part of a query the corpus lacks words
        # for; loaded on the first query that needs them.
        self.uses_word_vectors = encoder is None and config.word_vectors
        self._word_embeddings: tuple[WordVectors, SectionVectors] | None = None
        self.curation = curation or Curation()
        self.cases = CaseCatalogue(extract_cases(ordered, acronyms, self.curation))
        self.analyser = QueryAnalyser(self._vocabulary(ordered), self.index, acronyms, config)
        self._phrases = phrase_key(" \n ".join(texts))
        self._expansions = {key.lower(): value for key, value in acronyms.items()}
        self._by_heading = self._headings_by_terms(ordered)

    def _headings_by_terms(self, ordered: list[Section]) -> dict[frozenset[str], list[str]]:
        """The sections under each heading, by the terms the heading is read as."""
        by_heading: dict[frozenset[str], list[str]] = {}
        for section in (s for s in ordered if not s.lead):
            # A numbered provision is named by its title too ("Article 3. Breadth of the
            # territorial sea" is what "breadth of the territorial sea" asks for).
            titles = {section.heading, heading_title(section.heading)}
            for key in {self._heading_terms(title) for title in titles}:
                if key:
                    by_heading.setdefault(key, []).append(section.id)
        return by_heading

    def _embed(
        self,
        ordered: list[Section],
        encoder: Encoder | None,
        corpus_dir: Path | None,
        progress: bool,
    ) -> tuple[SectionVectors | None, SentenceVectors | None]:
        """The sections and their sentences encoded with the sentence model, if any."""
        if encoder is None:
            return None, None
        embeddings = section_embeddings(ordered, encoder, corpus_dir=corpus_dir, progress=progress)
        sentence_vectors = sentence_embeddings(
            self._sentence_texts(ordered), encoder, corpus_dir=corpus_dir, progress=progress
        )
        return embeddings, sentence_vectors

    def _build_index(self, ordered: list[Section]) -> BM25Index:
        config = self.config
        return BM25Index(
            [s.id for s in ordered],
            [section_tokens(s, config.heading_weight, self.sentences[s.id]) for s in ordered],
            k1=config.k1,
            b=config.b,
            epsilon=config.epsilon,
        )

    def _sentence_texts(self, ordered: list[Section]) -> dict[str, list[str]]:
        return {
            s.id: [s.paragraphs[t.paragraph][t.start : t.end] for t in self.sentences[s.id]]
            for s in ordered
        }

    def _vocabulary(self, ordered: list[Section]) -> Counter[str]:
        surfaces = [
            *(tokenize_with_surfaces(s.heading)[1] for s in ordered),
            *(sentence.surfaces for s in ordered for sentence in self.sentences[s.id]),
        ]
        return vocabulary_of(surfaces)

    @classmethod
    def load(
        cls,
        directory: Path | str,
        *,
        name: str | None = None,
        config: SearchConfig = DEFAULT_CONFIG,
        encoder: Encoder | None = None,
        progress: bool = False,
        limits: ParseLimits | None = None,
    ) -> Library:
        """Load and index a corpus folder (raises CorpusError when nothing is usable);
        documents are read within ``limits`` (:mod:`retrieval.parsing`)."""
        return cls(
            load_corpus(directory, limits=limits),
            name=name or Path(directory).name,
            config=config,
            curation=read_curation(Path(directory)),
            encoder=encoder,
            corpus_dir=Path(directory),
            progress=progress,
        )

    def suggested_topics(self, count: int = 5, near: np.ndarray | None = None) -> tuple[str, ...]:
        """A few topics the corpus covers, for a query that found nothing: with the
        query's vector, the headings of the sections closest to it in meaning; else the
        shortest headings, taken from different articles in turn."""
        if near is not None and self.embeddings is not None:
            closeness = self.embeddings.similarity(near, self.index.size)
            headings: list[str] = []
            for position in np.argsort(-closeness, kind="stable"):
                section = self.sections[self.index.doc_ids[int(position)]]
                if section.position > 0 and section.heading not in headings:
                    headings.append(section.heading)
                if len(headings) >= count:
                    break
            return tuple(headings)
        per_article = [
            sorted(
                (s.heading for s in article.sections if s.paragraphs and s.position > 0),
                key=lambda h: (len(h.split()), h),
            )
            for article in self.articles
        ]
        topics: list[str] = []
        for round_ in range(max((len(h) for h in per_article), default=0)):
            for headings in per_article:
                if round_ < len(headings) and headings[round_] not in topics:
                    topics.append(headings[round_])
                if len(topics) >= count:
                    return tuple(topics)
        return tuple(topics)

    def section_by_key(self, key: str) -> Section | None:
        """The section with this short key (see :func:`section_key`), if any."""
        if self._section_keys is None:
            self._section_keys = {section_key(sid): sid for sid in self.sections}
        section_id = self._section_keys.get(key)
        return self.sections[section_id] if section_id else None

    def article_of(self, section: Section) -> Article:
        """The article a section belongs to."""
        return self.articles_by_slug[section.article]

    def search_query(
        self, query: Query, top_k: int = DEFAULT_TOP_K, *, abstain: bool = True
    ) -> SearchResult:
        """Rank sections for an analysed query, or abstain when it is off-topic (unless
        ``abstain`` is false: fitting the sentence ranker reads every question's hits)."""
        if query.is_empty:
            return SearchResult(query, ())
        vector = None if self.encoder is None else self.encoder.encode([query.searched_for])[0]
        if abstain and not self.covers(query, vector):
            return SearchResult(query, (), vector)
        if vector is not None:
            assert self.embeddings is not None
            similarity = self.embeddings.similarity(vector, self.index.size)
            hits = self._fused(query, similarity, self.config.semantic_alpha, top_k)
        elif self.uses_word_vectors and query.coverage < 1.0:
            hits = self._fused(query, self._word_similarity(query), self._word_share(query), top_k)
        else:
            hits = self.index.top(query.weights(), top_k)
        return SearchResult(query, self._headed_first(query, hits, top_k), vector)

    def _word_similarity(self, query: Query) -> np.ndarray:
        """Each section's closeness to the query by word vectors."""
        word_vectors, sections = self.word_embeddings()
        vector = word_vectors.vector(query.searched_for)
        return sections.similarity(vector, self.index.size)

    def word_embeddings(self) -> tuple[WordVectors, SectionVectors]:
        """The word vectors and every section's paragraphs encoded with them, made on the
        first call (two threads racing make the same thing twice, harmlessly)."""
        if self._word_embeddings is None:
            word_vectors = bundled_word_vectors()
            sections = section_embeddings(list(self.sections.values()), word_vectors, cached=False)
            self._word_embeddings = (word_vectors, sections)
        return self._word_embeddings

    def _word_share(self, query: Query) -> float:
        """How much the word vectors weigh against BM25: nothing for a query whose words
        the corpus all has, growing with the share of its information the corpus lacks,
        up to the share the sentence model gets (see SearchConfig.word_vector_reach)."""
        missing = 1.0 - query.coverage
        return self.config.semantic_alpha * min(1.0, missing * self.config.word_vector_reach)

    def _heading_terms(self, text: str) -> frozenset[str]:
        """The terms a heading (or a query compared with headings) is read as, in lower
        case: `THE FUTURE` is a heading typed in capitals, not two acronyms."""
        return frozenset(self.analyser.analyse(text.lower()).terms)

    def _headed_first(self, query: Query, hits: list[Hit], top_k: int) -> tuple[Hit, ...]:
        """A query that is a section's heading asks for that section: it comes first,
        whatever else scores high. "Is" means the same words as the analyser reads them,
        so case, punctuation, stop words, inflection, British spelling and corrected
        typos aside (`emerging trend`, `The Future of Militry Diplomacy`)."""
        named = self._by_heading.get(self._heading_terms(query.original), [])
        if not named:
            return tuple(hits)
        best = hits[0].score if hits else 1.0
        scores = {hit.section_id: hit.score for hit in hits}
        first = [Hit(sid, max(scores.get(sid, 0.0), best)) for sid in named]
        rest = [hit for hit in hits if hit.section_id not in set(named)]
        return tuple([*first, *rest][:top_k])

    def covers(self, query: Query, vector: np.ndarray | None = None) -> bool:
        """Whether the corpus has enough of what the query is about to answer it: the
        fitted abstention classifier's decision (retrieval.abstention) on how much of the
        query's information the corpus has words for, how strongly BM25 matches and, with
        the sentence model, how close in meaning the nearest sentences are."""
        return answerable(self.evidence(query, vector), self.mode)

    def evidence(self, query: Query, vector: np.ndarray | None = None) -> Evidence:
        """What the abstention classifier reads of a query (:func:`gather_evidence`)."""
        return gather_evidence(self, query, vector)

    @property
    def mode(self) -> SearchMode:
        """`hybrid` when an embedding model is attached, else `lexical` (BM25 and the word
        vectors: see :data:`retrieval.config.SEARCH_MODES`)."""
        return "hybrid" if self.encoder is not None else "lexical"

    @property
    def mode_description(self) -> str:
        """What this library fuses with BM25: its mode's, or BM25 alone when the
        evaluation turned the lexical mode's word vectors off."""
        if self.encoder is None and not self.uses_word_vectors:
            return "BM25 alone: the lexical mode without its word vectors"
        return SEARCH_MODES[self.mode]

    def _fused(self, query: Query, similarity: np.ndarray, alpha: float, top_k: int) -> list[Hit]:
        """BM25 scores and embedding similarities fused (see SearchConfig.fusion), the
        similarities weighing ``alpha`` in a sum."""
        depth = self.config.fusion_depth
        scores = self.index.scores(query.weights())
        if self.config.fusion == "sum":
            lex = scores / scores.max() if scores.max() > 0 else scores
            sem = (similarity - similarity.min()) / max(float(np.ptp(similarity)), 1e-9)
            mixed = (1 - alpha) * lex + alpha * sem
            fused = {int(i): float(mixed[i]) for i in np.argsort(-mixed, kind="stable")[:depth]}
        else:
            lexical = [
                self.index.position(hit.section_id)
                for hit in hits_from_scores(self.index.doc_ids, scores, depth)
            ]
            semantic = list(np.argsort(-similarity, kind="stable")[:depth])
            fused = reciprocal_rank_fusion(
                [lexical, semantic], [1.0, self.config.semantic_weight], self.config.rrf_k
            )
        best = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:top_k]
        return [Hit(self.index.doc_ids[position], score) for position, score in best]

    def search(
        self, text: str, top_k: int = DEFAULT_TOP_K, *, abstain: bool = True
    ) -> SearchResult:
        """Analyse query text and rank sections for it."""
        return self.search_query(self.analyse(text), top_k, abstain=abstain)

    def memoized(self, key: Hashable, make: Callable[[], T]) -> T:
        """What ``make`` returns for ``key``, made once and kept for the library's life
        (the last :data:`MEMO_SIZE` keys): briefings, which depend on nothing but what was
        asked and the library, which never changes."""
        return self._memo.get(key, make)

    def analyse(self, text: str) -> Query:
        """A query as the index reads it, with the proper names it types that the corpus
        never writes (as typed, or with an acronym spelled out)."""
        query = self.analyser.analyse(text)
        absent = [
            name
            for name in absent_names(query.original[:MAX_QUERY_CHARS], self._phrases)
            if phrase_key(self._spelled_out(name)) not in self._phrases
        ]
        return dataclasses.replace(query, absent_names=tuple(absent)) if absent else query

    def _spelled_out(self, name: str) -> str:
        return " ".join(self._expansions.get(word.lower(), word) for word in name.split())


def _by_slug(articles: tuple[Article, ...]) -> MappingProxyType[str, Article]:
    """The articles by their identity, which each needs its own."""
    by_slug = MappingProxyType({a.slug: a for a in articles})
    if len(by_slug) != len(articles):
        raise CorpusError("two articles have one identity (slug); each needs its own")
    return by_slug


def _sections_by_id(articles: tuple[Article, ...]) -> MappingProxyType[str, Section]:
    """Every article's sections by id, in the articles' order."""
    return MappingProxyType({s.id: s for article in articles for s in article.sections})


_ARTICLES = frozenset({"the", "a", "an"})


# The label a numbered heading opens with: "Article 3.", "PART X.", "III.", "Rule 4 —".
_HEADING_LABEL = re.compile(
    r"^(?:(?:article|part|chapter|section|annex|appendix|rule)\s+)?"
    r"(?:\d{1,3}[a-z]?|[ivxlc]{1,7}|[a-z])\s*[.:\u2013\u2014-]\s+(?=\w)",
    re.IGNORECASE,
)


def heading_title(heading: str) -> str:
    """A heading without the label numbering it ("Article 3. Breadth of the territorial
    sea" -> "Breadth of the territorial sea"); a heading without one, unchanged."""
    return _HEADING_LABEL.sub("", heading.strip(), count=1)


def heading_key(text: str) -> str:
    """A heading (or a query) with case, punctuation and articles set aside."""
    words_ = re.findall(r"\w+", normalize(text).lower())
    return " ".join(word for word in words_ if word not in _ARTICLES)


def section_key(section_id: str) -> str:
    """A short, stable key for a section (fits a Discord select option value)."""
    return hashlib.sha1(section_id.encode("utf-8")).hexdigest()[:12]
