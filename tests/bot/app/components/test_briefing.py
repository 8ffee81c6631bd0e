"""The components under a briefing: real discord.ui objects, within the limits."""

from __future__ import annotations

import discord

from bot.app import limits
from bot.app.components.briefing import (
    INLINE,
    STORED,
    BriefingView,
    MoreButton,
    QueryStore,
    ReadSectionSelect,
    ReplyKind,
    briefing_view,
    section_key,
)
from retrieval.briefing import build_briefing
from retrieval.library import Library


def test_view_has_more_and_read_section(library: Library) -> None:
    briefing = build_briefing(library, "military diplomacy")
    view = briefing_view(briefing, kind=ReplyKind.BRIEF, store=QueryStore(), timeout=None)
    assert isinstance(view, BriefingView)
    more, read = view.children
    assert isinstance(more, MoreButton) and isinstance(read, ReadSectionSelect)
    assert more.item.custom_id == f"db:more:b:5:{INLINE}military diplomacy"
    options = read.item.options
    assert [o.value for o in options] == [section_key(s.section_id) for s in briefing.sources]
    assert all(len(o.label) <= limits.SELECT_OPTION_LABEL for o in options)
    payload = view.to_components()
    assert len(payload) <= limits.ACTION_ROWS


def test_long_query_is_stored_and_custom_id_fits(library: Library) -> None:
    store = QueryStore()
    query = "military diplomacy " * 20
    briefing = build_briefing(library, query)
    view = briefing_view(briefing, kind=ReplyKind.ASK, store=store, timeout=None)
    more = view.children[0]
    custom_id = more.item.custom_id
    assert len(custom_id) <= limits.CUSTOM_ID
    reference = custom_id.split(":", 4)[4]
    assert reference.startswith(STORED)
    assert store.resolve(reference) == query


def test_store_forgets_the_oldest() -> None:
    store = QueryStore(capacity=2)
    refs = [store.reference(f"query number {i} " * 10, 20) for i in range(3)]
    assert store.resolve(refs[0]) is None
    assert store.resolve(refs[2]) == "query number 2 " * 10


def test_no_view_for_a_miss(library: Library) -> None:
    assert (
        briefing_view(build_briefing(library, "pizza"), kind=ReplyKind.BRIEF, store=QueryStore())
        is None
    )


async def test_timeout_disables_every_component(library: Library) -> None:
    view = briefing_view(
        build_briefing(library, "military diplomacy"), kind=ReplyKind.BRIEF, store=QueryStore()
    )
    view.disable_all()
    for row in view.to_components():
        for component in row["components"]:
            assert component["disabled"] is True
    assert isinstance(view.children[0].item, discord.ui.Button)
