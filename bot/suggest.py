"""Autocomplete suggestions (pure): topics and case names matching what was typed."""

from __future__ import annotations

from collections.abc import Iterable

from bot import limits
from bot.text import truncate
from retrieval.library import Library
from retrieval.text import normalize


def _key(text: str) -> str:
    return " ".join(normalize(text).lower().split())


def known_topics(library: Library) -> list[str]:
    """Topics the corpus covers: section headings (shortest first) and the acronyms it
    defines, with their expansions."""
    headings = sorted(
        {s.heading for s in library.sections.values() if not s.lead},
        key=lambda h: (len(h), h),
    )
    acronyms = [f"{short} ({long})" for short, long in library.acronyms.items()]
    return [*headings, *acronyms]


def matching(
    candidates: Iterable[str], typed: str, limit: int = limits.AUTOCOMPLETE_CHOICES
) -> list[str]:
    """Up to ``limit`` candidates matching what was typed: those starting with it first,
    then those with every typed word somewhere; each cut to a valid choice length."""
    query = _key(typed)
    words = query.split()
    starts: list[str] = []
    contains: list[str] = []
    for candidate in dict.fromkeys(candidates):
        key = _key(candidate)
        if key.startswith(query):
            starts.append(candidate)
        elif all(word in key for word in words):
            contains.append(candidate)
    chosen = (starts + contains)[:limit]
    return [truncate(choice, min(limits.CHOICE_NAME, limits.CHOICE_VALUE)) for choice in chosen]
