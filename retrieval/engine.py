"""The one entry that builds a briefing: both faces (the CLI and the Discord bot) say
which style they want; the engine picks how to build it.
"""

from __future__ import annotations

from enum import StrEnum

from retrieval.briefing import MAX_EXCERPTS, Briefing, build_briefing
from retrieval.library import Library
from retrieval.structured import structured_briefing, structured_more


class Style(StrEnum):
    """How a briefing is laid out."""

    # A policy brief: a bottom line, then points by facet (/brief, `diplobrief brief`).
    POLICY = "policy"
    # The best sentences, answer first (/ask, /brief style:flat, `brief --flat`).
    RANKED = "ranked"


def brief(
    library: Library,
    text: str,
    style: Style = Style.POLICY,
    *,
    offset: int = 0,
    count: int = MAX_EXCERPTS,
) -> Briefing:
    """The briefing on ``text`` in ``style``; with ``offset``, the next ``count``
    excerpts (More) after the ``offset`` already shown in that style."""
    if style is Style.RANKED:
        return build_briefing(library, text, offset=offset, count=count)
    if offset:
        return structured_more(library, text, offset=offset, count=count)
    return structured_briefing(library, text)
