"""From hits to a briefing: the sentences that best cover the query, quoted exactly,
without near-duplicates, each cited to its section."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

from retrieval.cases import Case
from retrieval.excerpts import MAX_KEPT_CHARS, select_sentences
from retrieval.library import Library, SearchResult
from retrieval.query import MAX_QUERY_CHARS, MAX_QUERY_TERMS
from retrieval.text import split_sentences, tokenize, word_terms, words

MAX_EXCERPTS = 5
MAX_EXCERPT_CHARS = 300
# A cut keeps this much after the first query word when it reaches past the usual limit
# (up to MAX_KEPT_CHARS).
MIN_AFTER_KEPT = 40
# A cut shorter than this loses the point of the sentence; cut at a word instead.
MIN_CLAUSE_CHARS = 120
# Sections considered for excerpts; enough for the first page and a few "More" pages.
CANDIDATE_SECTIONS = 10
ELLIPSIS = "…"
_CLAUSE_BREAKS = (", ", "; ", " — ", " – ", ": ", " (")


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A sentence quoted exactly from a section (a prefix of it, ending in an ellipsis,
    when it was too long), with the spans of query words to mark in bold."""

    text: str
    section_id: str
    citation_no: int
    highlights: tuple[tuple[int, int], ...] = ()
    facet: str | None = None  # the point it makes in a structured briefing
    case: str | None = None  # the case it introduces (a `Cases` point), for /cases

    @property
    def quoted(self) -> str:
        """The part of the text that is verbatim from the section."""
        return self.text.removesuffix(ELLIPSIS)


@dataclass(frozen=True, slots=True)
class Pick:
    """A sentence chosen for a briefing, before it is cut and cited."""

    section_id: str
    text: str
    facet: str | None = None
    case: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """A cited section: `[n] Article title › Section heading`."""

    citation_no: int
    section_id: str
    article_title: str
    heading: str
    source_file: str
    provenance: str | None = None

    @property
    def label(self) -> str:
        """`Article title › Section heading`."""
        return f"{self.article_title} › {self.heading}"


@dataclass(frozen=True, slots=True)
class Briefing:
    """Everything any renderer needs to show a briefing; renderers never search again."""

    query: str
    excerpts: tuple[Excerpt, ...]
    sources: tuple[Source, ...]
    notes: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    searched_for: str | None = None
    corpus_name: str = ""
    sections_searched: int = 0
    offset: int = 0
    has_more: bool = False
    title: str | None = None

    @property
    def found(self) -> bool:
        """True when the briefing has at least one excerpt."""
        return bool(self.excerpts)

    @property
    def structured(self) -> bool:
        """True for a policy-brief shaped briefing (its excerpts carry facet labels)."""
        return any(excerpt.facet for excerpt in self.excerpts)

    @property
    def caveats(self) -> tuple[str, ...]:
        """One provenance caveat per cited article that carries one."""
        seen: dict[str, list[int]] = {}
        notes: dict[str, str] = {}
        for source in self.sources:
            if source.provenance:
                seen.setdefault(source.article_title, []).append(source.citation_no)
                notes[source.article_title] = source.provenance
        return tuple(
            f"{', '.join(f'[{n}]' for n in numbers)} {title}: “{notes[title]}”"
            for title, numbers in seen.items()
        )


def build_briefing(
    library: Library,
    text: str,
    *,
    offset: int = 0,
    count: int = MAX_EXCERPTS,
) -> Briefing:
    """Search the library and build the ranked briefing for ``text`` (the best
    sentences, answer first). ``offset`` skips the excerpts already shown (More)."""

    def make() -> Briefing:
        result = library.search(text, top_k=CANDIDATE_SECTIONS)
        return briefing_from_result(library, result, offset=offset, count=count)

    return library.memoized(("ranked", text, offset, count), make)


def briefing_from_result(
    library: Library,
    result: SearchResult,
    *,
    offset: int = 0,
    count: int = MAX_EXCERPTS,
    shown: Sequence[Pick] = (),
) -> Briefing:
    """Pick, cut and cite the excerpts of a search result, leaving out ``shown`` ones
    (those a structured briefing already quoted)."""
    if not result.hits:
        return empty_briefing(library, result, offset=offset)
    already = {(pick.section_id, pick.text) for pick in shown}
    chosen = [
        c
        for c in select_sentences(library, result, limit=offset + count + 1 + len(already))
        if (c.section_id, c.text) not in already
    ]
    if not chosen and not offset:
        return empty_briefing(library, result)  # sections matched, but no sentence did
    page = [Pick(c.section_id, c.text) for c in chosen[offset : offset + count]]
    notes = _query_notes(result)
    if offset and not page:
        notes.append("No more excerpts for this query.")
    return finished_briefing(
        library,
        result,
        page,
        offset=offset + len(shown),
        has_more=len(chosen) > offset + count,
        notes=notes,
    )


def empty_briefing(library: Library, result: SearchResult, *, offset: int = 0) -> Briefing:
    """The briefing of a search that found nothing: why, and topics to try."""
    return Briefing(
        excerpts=(),
        sources=(),
        notes=tuple(_query_notes(result, found=False)),
        suggestions=library.suggested_topics(near=result.vector),
        **_common(library, result, offset),
    )


def finished_briefing(
    library: Library,
    result: SearchResult,
    picks: Sequence[Pick],
    *,
    offset: int = 0,
    has_more: bool = False,
    notes: Sequence[str] | None = None,
) -> Briefing:
    """Cite the picks and wrap them with the query's notes and the corpus footer."""
    excerpts, sources = cite(library, picks, result.query.highlight_terms)
    return Briefing(
        excerpts=excerpts,
        sources=sources,
        notes=tuple(_query_notes(result) if notes is None else notes),
        has_more=has_more,
        **_common(library, result, offset),
    )


class _Common(TypedDict):
    """The fields every briefing of a search result fills in the same way."""

    query: str
    corpus_name: str
    sections_searched: int
    offset: int
    searched_for: str | None


def _common(library: Library, result: SearchResult, offset: int) -> _Common:
    query = result.query
    return {
        "query": query.original,
        "corpus_name": library.name,
        "sections_searched": len(library.sections),
        "offset": offset,
        "searched_for": query.searched_for if query.corrections else None,
    }


def cite(
    library: Library, picked: Sequence[Pick], highlight_terms: frozenset[str]
) -> tuple[tuple[Excerpt, ...], tuple[Source, ...]]:
    """Quote picked sentences in order: each cut to length, its query words marked, and
    its section numbered as a source on first citation."""
    excerpts: list[Excerpt] = []
    sources: dict[str, Source] = {}
    for pick in picked:
        source = sources.get(pick.section_id)
        if source is None:
            source = sources[pick.section_id] = _source(library, pick.section_id, len(sources) + 1)
        # Two sentences quoted together (one pointing back to the other, or one listing
        # what the other announced) say one thing: they may run longer than one.
        limit = MAX_KEPT_CHARS if len(split_sentences(pick.text)) > 1 else MAX_EXCERPT_CHARS
        keeping = highlight_spans(pick.text, highlight_terms)
        text = cut_excerpt(pick.text, limit, keeping=keeping)
        highlights = highlight_spans(text, highlight_terms)
        excerpts.append(
            Excerpt(text, pick.section_id, source.citation_no, highlights, pick.facet, pick.case)
        )
    return tuple(excerpts), tuple(sources.values())


def _query_notes(result: SearchResult, *, found: bool = True) -> list[str]:
    query = result.query
    notes: list[str] = []
    if query.corrections:
        notes.append(f"Showing results for “{query.searched_for}”.")
    for short, long in query.expansions:
        notes.append(
            f"Also searched for {long} ({short})."
            if len(short) < len(long)
            else f"Also searched for {long}, the acronym of {short}."
        )
    if query.truncated:
        notes.append(
            f"Only the first {MAX_QUERY_CHARS} characters ({MAX_QUERY_TERMS} words)"
            " of the query were used."
        )
    missing = [*query.unknown, *query.absent_names]
    if result.hits and missing:
        notes.append("Not found in the corpus: " + ", ".join(missing) + ".")
    if query.is_empty:
        notes.append("The query has no words to search for.")
    elif not result.hits or not found:
        notes.append("The corpus has nothing on this topic.")
    return notes


def cut_excerpt(
    sentence: str,
    limit: int = MAX_EXCERPT_CHARS,
    *,
    keeping: Sequence[tuple[int, int]] = (),
) -> str:
    """Keep a sentence whole when it fits; otherwise cut it at the last clause break
    (or, failing that, word break) before the limit and end it with an ellipsis. A cut
    never removes every query word (``keeping``: their spans): the limit then reaches
    past the first of them, up to :data:`MAX_KEPT_CHARS`."""
    if keeping and keeping[0][1] > limit - MIN_AFTER_KEPT:
        limit = min(max(limit, keeping[0][1] + MIN_AFTER_KEPT), MAX_KEPT_CHARS)
    if len(sentence) <= limit:
        return sentence
    window = sentence[: limit - 1]
    kept = keeping[0][1] if keeping and keeping[0][1] < limit else 0
    cut = max(window.rfind(mark) for mark in _CLAUSE_BREAKS)
    if cut < max(MIN_CLAUSE_CHARS, kept):
        cut = window.rfind(" ")
    if cut <= 0:
        cut = limit - 1
    return sentence[:cut].rstrip(" ,;:—–(") + ELLIPSIS


def highlight_spans(text: str, terms: frozenset[str]) -> tuple[tuple[int, int], ...]:
    """Spans of the words of ``text`` whose terms are query terms, adjacent ones merged
    (so `military attachés` is one bold run, not two)."""
    spans: list[tuple[int, int]] = []
    for word in words(text):
        if not terms.intersection(word_terms(word)):
            continue
        if spans and text[spans[-1][1] : word.start].strip() == "":
            spans[-1] = (spans[-1][0], word.end)
        else:
            spans.append((word.start, word.end))
    return tuple(spans)


MAX_CASE_EXCERPTS = 8


def case_briefing(library: Library, case: Case) -> Briefing:
    """A case told from its sources: each source's introducing sentence, and for a case
    with few sources the sentences that support it, all quoted exactly and cited."""
    picked: list[tuple[str, str]] = []
    for source in case.sources:
        picked.append((source.section_id, source.intro))
    if len(case.sources) <= 2:
        for source in case.sources:
            picked.extend((source.section_id, sentence) for sentence in source.supporting[:2])
    order = {source.section_id: n for n, source in enumerate(case.sources)}
    picked.sort(key=lambda item: order[item[0]])
    highlight = frozenset(term for alias in case.aliases for term in tokenize(alias))
    picks = [Pick(section_id, sentence) for section_id, sentence in picked[:MAX_CASE_EXCERPTS]]
    excerpts, sources = cite(library, picks, highlight)
    places = len({source.section_id for source in case.sources})
    notes = (f"Told in {places} section{'s' if places != 1 else ''} of the corpus.",)
    return Briefing(
        query=case.name,
        title=f"{case.kind.capitalize()}: {case.name}",
        excerpts=excerpts,
        sources=sources,
        notes=notes,
        corpus_name=library.name,
        sections_searched=len(library.sections),
    )


def _source(library: Library, section_id: str, citation_no: int) -> Source:
    section = library.sections[section_id]
    article = library.article_of(section)
    return Source(
        citation_no=citation_no,
        section_id=section_id,
        article_title=article.title,
        heading=section.heading,
        source_file=article.source_file,
        provenance=article.provenance,
    )
