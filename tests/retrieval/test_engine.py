"""The one entry that builds a briefing: the style decides the builder."""

from __future__ import annotations

from retrieval.briefing import build_briefing
from retrieval.engine import Style, brief
from retrieval.library import Library
from retrieval.structured import structured_briefing, structured_more


def test_the_policy_style_is_the_structured_brief_and_its_more(library: Library) -> None:
    first = brief(library, "cyber diplomacy")
    assert first == structured_briefing(library, "cyber diplomacy")
    assert first.structured, "a policy brief has its facets"
    more = brief(library, "cyber diplomacy", Style.POLICY, offset=5, count=3)
    assert more == structured_more(library, "cyber diplomacy", offset=5, count=3)
    shown = {e.text for e in first.excerpts}
    assert not shown & {e.text for e in more.excerpts}, "More never repeats what was quoted"


def test_the_ranked_style_is_the_answer_first_briefing(library: Library) -> None:
    text = "why do armies hold joint exercises?"
    assert brief(library, text, Style.RANKED) == build_briefing(library, text)
    assert brief(library, text, Style.RANKED, offset=2, count=2) == build_briefing(
        library, text, offset=2, count=2
    )
