"""Acronyms and their expansions: a short general list, and those a corpus defines as
`Long Name (ACRONYM)`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from retrieval.text import PAREN_ACRONYM, STOP_WORDS

GENERAL_ACRONYMS: Mapping[str, str] = {
    "UN": "United Nations",
    "NATO": "North Atlantic Treaty Organization",
    "US": "United States",
    "USA": "United States of America",
    "UK": "United Kingdom",
    "EU": "European Union",
    "AI": "artificial intelligence",
}
_BEFORE_CHARS = 120


def mine_acronyms(texts: Iterable[str]) -> dict[str, str]:
    """Acronyms defined in the text as `Long Name (ACRONYM)`.

    The expansion is the run of words before the parenthesis whose initials spell the
    acronym (`ASEAN Defense Ministers’ Meeting (ADMM)`); failing that, the run of
    capitalised words just before it (`the Iran Nuclear Deal (JCPOA)`).
    """
    found: dict[str, str] = {}
    for text in texts:
        for match in PAREN_ACRONYM.finditer(text):
            acronym = match["acronym"]
            if sum(c.isupper() for c in acronym) < 2:
                continue
            before = text[max(0, match.start() - _BEFORE_CHARS) : match.start()]
            before = before.rsplit("(", 1)[-1].rsplit(")", 1)[-1].rstrip()
            expansion = _expansion_before(before, acronym)
            if expansion and acronym not in found:
                found[acronym] = expansion
    return found


def _expansion_before(before: str, acronym: str) -> str | None:
    tokens = re.findall(r"[^\s]+", before)
    target = acronym.upper()
    initials = ""
    chosen: list[str] = []
    for token in reversed(tokens):
        core = token.strip(',;:"“”')
        if not core:
            break
        if core.lower() in STOP_WORDS and chosen:
            chosen.append(core)
            continue
        first = core.split("-")[-1][:1].upper()
        initials = first + initials
        chosen.append(core)
        if initials == target:
            return " ".join(reversed(chosen))
        if not target.endswith(initials):
            break
    capitalised: list[str] = []
    for token in reversed(tokens):
        core = token.strip(',;:"“”')
        if not core or not core[0].isupper() or len(capitalised) >= 6:
            break
        capitalised.append(core)
    if len(capitalised) >= 2:
        return " ".join(reversed(capitalised))
    return None
