"""A briefing shaped like a policy brief: the bottom line first, then what the topic is,
why it matters, how it works, its challenges, its cases and its outlook.

Each point is one verbatim, cited sentence about the topic from a section about that
facet of it. A section's facet is read from its heading, in the words any article uses
for these parts ("Challenges in …", "Obstacles to …", "The Future of …", "Looking ahead",
"The Role of …", "Case Studies …"); no facet rule names a topic. A facet the corpus does
not cover for the topic is left out, so a thin topic gets a short briefing, not padding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum

from retrieval.briefing import (
    CANDIDATE_SECTIONS,
    Briefing,
    Pick,
    briefing_from_result,
    cut_excerpt,
    empty_briefing,
    finished_briefing,
)
from retrieval.excerpts import (
    DUPLICATE_OVERLAP,
    Candidate,
    clashes,
    overlap,
    points_back,
    rescored,
    scored_candidates,
)
from retrieval.library import Library, SearchResult, heading_key
from retrieval.model import Section
from retrieval.shapes import Shape
from retrieval.text import tokenize

# Sections looked at for a topic: more than a ranked briefing reads, so that each facet
# can find the topic's own section about it.
TOPIC_SECTIONS = 20
# A section this far below the best one is about something else.
MIN_SECTION_SHARE = 0.25
# A sentence is about the topic when it carries this share of the query weight that the
# most on-topic sentence of the topic's sections carries.
ABOUT_SHARE = 0.5
# The bottom line and up to four points: a briefing quotes at most five sentences.
MAX_QUOTES = 5


class Facet(StrEnum):
    """The parts of a policy brief, in reading order."""

    BOTTOM_LINE = "Bottom line"
    WHAT = "What it is"
    WHY = "Why it matters"
    HOW = "How it works"
    CHALLENGES = "Challenges"
    CASES = "Cases"
    OUTLOOK = "Outlook"


# Heading words of each facet, tried in this order (a heading about the challenges of a
# strategy is about challenges).
_HEADING_FACETS: tuple[tuple[Facet, re.Pattern[str]], ...] = tuple(
    (facet, re.compile(pattern, re.IGNORECASE))
    for facet, pattern in (
        (
            Facet.CHALLENGES,
            r"\b(?:challenges?|obstacles?|barriers?|limitations?|limits|pitfalls?|"
            r"difficult(?:y|ies)|problems?|constraints?|risks?|hurdles?|dilemmas?)\b",
        ),
        (
            Facet.OUTLOOK,
            r"\b(?:future|trends?|outlook|looking\s+ahead|prospects?|the\s+road\s+ahead|"
            r"next\s+steps|tomorrow)\b",
        ),
        (Facet.CASES, r"\b(?:case\s+stud(?:y|ies)|examples?|lessons|success\s+stor(?:y|ies))\b"),
        (
            Facet.WHAT,
            r"\b(?:understanding|definitions?|defining|concepts?|overview|introduction|"
            r"what\s+is|nature\s+of|elements\s+of|components\s+of|basics|fundamentals)\b",
        ),
        (
            Facet.WHY,
            r"\b(?:role|importance|significance|impact|benefits?|influence|value|why|"
            r"contributions?|purpose|matters)\b",
        ),
        (
            Facet.HOW,
            r"\b(?:mechanisms?|strateg(?:y|ies)|methods?|frameworks?|tools?|approach(?:es)?|"
            r"practices?|programs?|programmes?|process(?:es)?|channels?|platforms?|"
            r"instruments?|techniques?|how|enhancing|strengthening|building|integrating|"
            r"developing|implementing|facilitating)\b",
        ),
    )
)
# The kind of sentence that makes each facet's point.
_FACET_SHAPES: dict[Facet, Shape] = {
    Facet.WHAT: Shape.DEFINITION,
    Facet.WHY: Shape.WHY,
    Facet.HOW: Shape.HOW,
    Facet.CHALLENGES: Shape.PROBLEMS,
    Facet.OUTLOOK: Shape.TOPIC,
}
_POINT_ORDER = (Facet.WHAT, Facet.WHY, Facet.HOW, Facet.CHALLENGES, Facet.CASES, Facet.OUTLOOK)


def heading_facet(heading: str) -> Facet | None:
    """The facet a heading announces, if any."""
    for facet, pattern in _HEADING_FACETS:
        if pattern.search(heading):
            return facet
    return None


def section_facet(section: Section, topic: str) -> Facet | None:
    """The facet of a topic a section is about: its heading's; for a section headed with
    the topic itself, or the text before an article's first heading, what it is."""
    facet = heading_facet(section.indexed_heading)
    if facet is not None:
        return facet
    if section.lead or heading_key(topic) in heading_key(section.heading):
        return Facet.WHAT
    return None


def structured_briefing(library: Library, text: str) -> Briefing:
    """The policy-brief shaped briefing of a topic (or an honest abstention)."""
    return library.memoized(("structured", text), lambda: _structured(library, text))


def _structured(library: Library, text: str) -> Briefing:
    result = library.search(text, top_k=TOPIC_SECTIONS)
    if not result.hits:
        return empty_briefing(library, result)
    picks = structured_picks(library, result)
    more = briefing_from_result(library, _near(result), offset=0, count=1, shown=picks)
    return finished_briefing(library, result, picks, has_more=more.found)


def structured_more(library: Library, text: str, *, offset: int, count: int) -> Briefing:
    """Further excerpts after a structured briefing (More): the ranked ones it did not
    quote, numbered after its points."""
    result = library.search(text, top_k=TOPIC_SECTIONS)
    if not result.hits:
        return empty_briefing(library, result, offset=offset)
    picks = structured_picks(library, result)
    rest = max(offset - len(picks), 0)
    return briefing_from_result(library, _near(result), offset=rest, count=count, shown=picks)


def structured_picks(library: Library, result: SearchResult) -> list[Pick]:
    """The bottom line and up to four facet points, each a sentence about the topic."""
    relevant = _relevant(result)
    # A point stands alone in a brief: a sentence pointing back ("These initiatives …")
    # is quoted only with what it points to.
    everything = [
        c
        for c in scored_candidates(library, relevant, shape=Shape.DEFINITION)
        if not (points_back(c.text) and c.span is not None and c.span.first == c.span.last)
    ]
    about = ABOUT_SHARE * max((c.match for c in everything), default=0.0)
    facets = {
        hit.section_id: section_facet(library.sections[hit.section_id], result.query.original)
        for hit in relevant.hits
    }
    chosen: list[Candidate] = []
    picks: list[Pick] = []
    topic = frozenset(result.query.terms)
    bottom = _best(everything, about, chosen, topic)
    if bottom is not None:
        chosen.append(bottom)
        picks.append(Pick(bottom.section_id, bottom.text, Facet.BOTTOM_LINE))
    for facet in _POINT_ORDER:
        if len(picks) >= MAX_QUOTES:
            break
        if facet is Facet.CASES:
            pick = _case_point(library, relevant, picks)
            picks.extend([pick] if pick is not None else [])
            continue
        hits = tuple(hit for hit in relevant.hits if facets[hit.section_id] is facet)
        if not hits:
            continue  # the corpus says nothing on this facet of the topic
        of_facet = [c for c in everything if c.section_id in {h.section_id for h in hits}]
        candidates = rescored(library, relevant, of_facet, _FACET_SHAPES[facet])
        best = _best(candidates, about, chosen, topic)
        if best is not None:
            chosen.append(best)
            picks.append(Pick(best.section_id, best.text, facet))
    return picks


def _best(
    candidates: Sequence[Candidate],
    about: float,
    chosen: Sequence[Candidate],
    topic: frozenset[str],
) -> Candidate | None:
    """The best candidate about the topic, unlike those already chosen."""
    for candidate in candidates:
        if candidate.match <= 0 or candidate.match < about:
            continue
        if not any(clashes(candidate, c) or _restates(candidate, c, topic) for c in chosen):
            return candidate
    return None


def said(text: str, topic: frozenset[str]) -> frozenset[str]:
    """What a sentence says beyond naming the topic, as shown (cut to length)."""
    return frozenset(tokenize(cut_excerpt(text))) - topic


def _restates(one: Candidate, other: Candidate, topic: frozenset[str]) -> bool:
    """Whether two sentences say the same thing about the topic."""
    return overlap(said(one.text, topic), said(other.text, topic)) >= DUPLICATE_OVERLAP


def _case_point(library: Library, result: SearchResult, picks: Sequence[Pick]) -> Pick | None:
    """The case the topic's sections tell first: its introducing sentence, cited."""
    sections = {hit.section_id for hit in result.hits}
    terms = frozenset(result.query.terms)
    quoted = [said(pick.text, terms) for pick in picks]
    for case in library.cases.cases:
        # About the topic, not merely named like it: the words of the case's own name
        # (`International Security Assistance Force` for `humanitarian assistance`) do
        # not count.
        name_words = frozenset(tokenize(" ".join((case.name, *case.aliases))))
        for source in case.sources:
            if source.section_id not in sections or points_back(source.intro):
                continue
            words = frozenset(tokenize(source.intro)) - name_words
            shown = said(source.intro, terms)
            fresh = all(overlap(shown, other) < DUPLICATE_OVERLAP for other in quoted)
            if fresh and terms & words:
                return Pick(source.section_id, source.intro, Facet.CASES, case.name)
    return None


def _relevant(result: SearchResult) -> SearchResult:
    """The result without the sections far below the best one."""
    floor = MIN_SECTION_SHARE * result.hits[0].score
    hits = tuple(hit for hit in result.hits if hit.score >= floor)
    return SearchResult(result.query, hits, result.vector)


def _near(result: SearchResult) -> SearchResult:
    """The sections a ranked briefing reads, for More after a structured one."""
    return SearchResult(result.query, result.hits[:CANDIDATE_SECTIONS], result.vector)
