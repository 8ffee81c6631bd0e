"""Terminal text and JSON for briefings and search results (pure; no Discord)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.present.text import counted, plural, visible
from retrieval.briefing import Briefing, Excerpt
from retrieval.cases import Case
from retrieval.library import Library, SearchResult

ANSI_BOLD = ("\x1b[1m", "\x1b[0m")
MARKDOWN_BOLD = ("**", "**")

Escape = Callable[[str], str]


def _identity(text: str) -> str:
    return text


def mark_excerpt(
    excerpt: Excerpt, bold: tuple[str, str] = MARKDOWN_BOLD, escape: Escape = _identity
) -> str:
    """The excerpt text with its query words wrapped in ``bold`` markers; the text between
    them is passed through ``escape`` (Discord's markdown escaping, for instance)."""
    out: list[str] = []
    position = 0
    for start, end in excerpt.highlights:
        out.append(escape(excerpt.text[position:start]))
        out.append(f"{bold[0]}{escape(excerpt.text[start:end])}{bold[1]}")
        position = end
    out.append(escape(excerpt.text[position:]))
    return "".join(out)


def briefing_title(briefing: Briefing, *, question: bool = False) -> str:
    """`Briefing: <topic>` for a topic; the question itself for /ask; a case's own title."""
    if briefing.title:
        return briefing.title
    text = " ".join(briefing.query.split())
    return text if question else f"Briefing: {text}"


def excerpt_line(
    excerpt: Excerpt,
    number: int,
    marked: str,
    bold: tuple[str, str],
    escape: Escape = _identity,
) -> str:
    """One excerpt as a line: numbered, or led by its facet label in a structured
    briefing; a case points to its own /cases briefing."""
    lead = f"{bold[0]}{excerpt.facet}{bold[1]}: " if excerpt.facet else f"{number}. "
    tail = f" → /cases {escape(excerpt.case)}" if excerpt.case else ""
    return f"{lead}{marked} [{excerpt.citation_no}]{tail}"


def briefing_text(
    briefing: Briefing, *, question: bool = False, bold: tuple[str, str] = MARKDOWN_BOLD
) -> str:
    """The briefing as terminal text: title, notes, numbered excerpts with citations,
    sources, caveats and what was searched."""
    lines = [briefing_title(briefing, question=question), ""]
    lines.extend(briefing.notes)
    if briefing.notes:
        lines.append("")
    if not briefing.found and briefing.suggestions:
        lines.append("Try one of these topics instead:")
        lines.extend(f"  - {topic}" for topic in briefing.suggestions)
        lines.append("")
    for number, excerpt in enumerate(briefing.excerpts, start=briefing.offset + 1):
        lines.append(excerpt_line(excerpt, number, mark_excerpt(excerpt, bold), bold))
    if briefing.sources:
        lines.extend(["", "Sources"])
        lines.extend(f"[{s.citation_no}] {s.label}" for s in briefing.sources)
    for caveat in briefing.caveats:
        lines.extend(["", f"Caveat (AI-generated source): {caveat}"])
    lines.extend(["", f"Searched {briefing.sections_searched} sections of {briefing.corpus_name}."])
    return "\n".join(lines)


def briefing_json(library: Library, briefing: Briefing) -> dict[str, Any]:
    """The stable JSON form of a briefing (see the README)."""

    def located(section_id: str) -> dict[str, str]:
        section = library.sections[section_id]
        article = library.article_of(section)
        return {
            "section_id": section_id,
            "article": article.title,
            "source_file": article.source_file,
            "heading": section.heading,
        }

    return {
        "query": briefing.query,
        "mode": library.mode,
        "searched_for": briefing.searched_for,
        "bottom_line": _bottom_line(briefing),
        "excerpts": [
            {
                "text": e.text,
                "citation": e.citation_no,
                "facet": e.facet,
                **({"case": e.case} if e.case else {}),
                **located(e.section_id),
            }
            for e in briefing.excerpts
        ],
        "sources": [
            {"citation": s.citation_no, **located(s.section_id), "caveat": s.provenance}
            for s in briefing.sources
        ],
        "notes": list(briefing.notes),
        "suggestions": list(briefing.suggestions),
    }


def _bottom_line(briefing: Briefing) -> dict[str, Any] | None:
    for excerpt in briefing.excerpts:
        if excerpt.facet == "Bottom line":
            return {"text": excerpt.text, "citation": excerpt.citation_no}
    return None


def search_json(library: Library, result: SearchResult) -> list[dict[str, Any]]:
    """The stable JSON form of a search: one object per hit, best first."""
    rows = []
    for rank, hit in enumerate(result.hits, start=1):
        section = library.sections[hit.section_id]
        article = library.article_of(section)
        rows.append(
            {
                "rank": rank,
                "section_id": hit.section_id,
                "article": article.title,
                "source_file": article.source_file,
                "heading": section.heading,
                "score": round(hit.score, 4),
            }
        )
    return rows


def search_text(library: Library, result: SearchResult) -> str:
    """A search result as a terminal table."""
    if not result.hits:
        return "No section matches this query."
    lines = []
    for row in search_json(library, result):
        lines.append(f"{row['rank']:>2}. {row['score']:7.3f}  {row['article']} › {row['heading']}")
    return "\n".join(lines)


def sources_text(library: Library) -> str:
    """The articles of the corpus with their sections."""
    lines = [
        f"{counted(len(library.articles), 'article')}, {counted(len(library.sections), 'section')}"
        f" in {library.name}"
    ]
    for article in library.articles:
        lines.extend(
            [
                "",
                f"{visible(article.title)}  ({visible(article.source_file)},"
                f" {len(article.sections)} sections)",
            ]
        )
        if article.provenance:
            lines.append(f"  Caveat: {article.provenance}")
        lines.extend(f"  - {section.heading}" for section in article.sections)
    for skipped in library.skipped:
        lines.append(f"Skipped {visible(skipped.path)}: {visible(skipped.reason)}")
    return "\n".join(lines)


def sources_json(library: Library) -> list[dict[str, Any]]:
    """The articles of the corpus with their sections, as JSON."""
    return [
        {
            "article": article.title,
            "source_file": article.source_file,
            "caveat": article.provenance,
            "sections": [{"section_id": s.id, "heading": s.heading} for s in article.sections],
        }
        for article in library.articles
    ]


def case_row(library: Library, case: Case) -> dict[str, Any]:
    """One case as JSON: name, kind, aliases and its sources with the quoted sentences."""
    sources = []
    for source in case.sources:
        section = library.sections[source.section_id]
        article = library.article_of(section)
        sources.append(
            {
                "section_id": source.section_id,
                "article": article.title,
                "source_file": article.source_file,
                "heading": section.heading,
                "intro": source.intro,
                "supporting": list(source.supporting),
            }
        )
    return {"name": case.name, "kind": case.kind, "aliases": list(case.aliases), "sources": sources}


def cases_by_article(library: Library) -> dict[str, list[Case]]:
    """The cases grouped by the article that first tells them (corpus order)."""
    grouped: dict[str, list[Case]] = {article.title: [] for article in library.articles}
    for case in library.cases.cases:
        first = library.sections[case.sources[0].section_id]
        grouped[library.article_of(first).title].append(case)
    return {title: cases for title, cases in grouped.items() if cases}


def cases_text(library: Library) -> str:
    """The case catalogue grouped by article, case studies before examples."""
    lines = [f"{len(library.cases)} cases in {library.name}"]
    for title, cases in cases_by_article(library).items():
        lines.extend(["", title])
        for case in cases:
            others = len(case.sources) - 1
            more = f" (+{others} more {plural(others, 'source')})" if others else ""
            lines.append(f"  - {case.name} [{case.kind}]{more}")
    return "\n".join(lines)
