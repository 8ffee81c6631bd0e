"""Proper names typed in a query, and whether the corpus ever writes them.

`role of the African Union in Somalia` shares `African` and `Union` with a corpus that
never names the African Union: its words are known, the name is not. A name here is a
run of two or more capitalised words (or acronyms), with lower-case connectors inside it
(`Common Security and Defence Policy`); a query typed all in title case names nothing,
and question words opening a run are not part of the name.
"""

from __future__ import annotations

import re

from retrieval.text import normalize

_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_CONNECTORS = frozenset({"and", "of", "the", "for", "on", "in", "de", "du", "la", "&"})
_OPENERS = frozenset(
    "what how why when where who whom whose which is are was were does do did can could "
    "should would will the a an in on of for to and or but if tell explain describe "
    "compare list give".split()
)
# A query whose words are nearly all capitalised is typed in title case.
TITLE_CASE_SHARE = 0.75


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def name_runs(text: str) -> list[str]:
    """The multi-word proper names of a query, as typed."""
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(normalize(text))]
    content = [w for w, _, _ in words if w.lower() not in _CONNECTORS]
    if len(content) >= 3 and sum(map(_capitalised, content)) >= TITLE_CASE_SHARE * len(content):
        return []
    runs: list[list[tuple[str, int, int]]] = []
    current: list[tuple[str, int, int]] = []
    for word in words:
        if (_capitalised(word[0]) and not (not current and word[0].lower() in _OPENERS)) or (
            current and word[0].lower() in _CONNECTORS
        ):
            current.append(word)
        else:
            runs.append(current)
            current = []
    runs.append(current)
    names = []
    for run in runs:
        while run and run[-1][0].lower() in _CONNECTORS:
            run.pop()
        if sum(1 for w, _, _ in run if w.lower() not in _CONNECTORS) >= 2:
            names.append(normalize(text)[run[0][1] : run[-1][2]])
    return names


def phrase_key(text: str) -> str:
    """A text as a phrase to look for: lower case, words separated by single spaces,
    padded so that a match is a match of whole words."""
    return " " + " ".join(re.findall(r"\w+", normalize(text).lower())) + " "


def absent_names(text: str, corpus_phrases: str) -> tuple[str, ...]:
    """The names of a query that the corpus (``corpus_phrases``, see :func:`phrase_key`)
    never writes."""
    return tuple(name for name in name_runs(text) if phrase_key(name) not in corpus_phrases)
