"""Autocomplete suggestions (pure, no discord): topics and case names matching what was
typed.

A keystroke must cost little whatever the corpus size, so the candidates are indexed
once per library (:class:`Suggestions`, built off the event loop and kept): labels that
start with what was typed come from a bisect over the sorted keys, labels with every
typed word (as the start of one of their words) from a sorted word index; either way a
keystroke reads at most :data:`MAX_SCANNED` entries.
"""

from __future__ import annotations

import bisect
import weakref
from collections.abc import Iterable

from bot.app import limits
from bot.present.text import truncate
from retrieval.library import Library
from retrieval.text import normalize

# The most index entries one keystroke reads.
MAX_SCANNED = 2000
_CHOICE = min(limits.CHOICE_NAME, limits.CHOICE_VALUE)


def _key(text: str) -> str:
    return " ".join(normalize(text).lower().split())


class Suggestions:
    """Candidate labels in order of preference, indexed for bounded look-up."""

    def __init__(self, labels: Iterable[str]) -> None:
        self.labels: tuple[str, ...] = tuple(dict.fromkeys(labels))
        keys = [_key(label) for label in self.labels]
        self._by_key = sorted((key, n) for n, key in enumerate(keys))
        self._by_word = sorted(
            (word, n) for n, key in enumerate(keys) for word in dict.fromkeys(key.split())
        )

    def matching(self, typed: str, limit: int = limits.AUTOCOMPLETE_CHOICES) -> list[str]:
        """Up to ``limit`` labels: those starting with what was typed first, then those
        with every typed word; in preference order, each cut to a valid choice length."""
        query = _key(typed)
        if not query:
            chosen = list(range(min(limit, len(self.labels))))
        else:
            starts = _prefixed(self._by_key, query)
            chosen = sorted(starts)[:limit]
            if len(chosen) < limit:
                chosen += [n for n in self._with_words(query.split()) if n not in starts]
        return [truncate(self.labels[n], _CHOICE) for n in chosen[:limit]]

    def _with_words(self, words: list[str]) -> list[int]:
        found: set[int] | None = None
        for word in sorted(words, key=len, reverse=True):  # the longest word narrows most
            labels = _prefixed(self._by_word, word)
            found = labels if found is None else found & labels
            if not found:
                return []
        return sorted(found or ())


def _prefixed(index: list[tuple[str, int]], prefix: str) -> set[int]:
    """The label numbers of index entries starting with ``prefix`` (at most MAX_SCANNED)."""
    start = bisect.bisect_left(index, (prefix, -1))
    found: set[int] = set()
    for key, number in index[start : start + MAX_SCANNED]:
        if not key.startswith(prefix):
            break
        found.add(number)
    return found


_TOPICS: weakref.WeakKeyDictionary[Library, Suggestions] = weakref.WeakKeyDictionary()
_CASES: weakref.WeakKeyDictionary[Library, Suggestions] = weakref.WeakKeyDictionary()


def cached_topics(library: Library) -> Suggestions | None:
    """The library's topic suggestions if already built (cheap: for the event loop)."""
    return _TOPICS.get(library)


def topic_suggestions(library: Library) -> Suggestions:
    """Topics the corpus covers: section headings (shortest first) and the acronyms it
    defines, with their expansions. Built once per library (slow at 100k sections: call
    it off the event loop)."""
    found = _TOPICS.get(library)
    if found is None:
        headings = sorted(
            {s.heading for s in library.sections.values() if not s.lead},
            key=lambda h: (len(h), h),
        )
        acronyms = [f"{short} ({long})" for short, long in library.acronyms.items()]
        found = _TOPICS[library] = Suggestions([*headings, *acronyms])
    return found


def case_suggestions(library: Library) -> Suggestions:
    """The case names and aliases of the library's catalogue, indexed once."""
    found = _CASES.get(library)
    if found is None:
        found = _CASES[library] = Suggestions(library.cases.labels())
    return found
