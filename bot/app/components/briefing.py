"""The components under a briefing: **More** and **Read section**.

Both are dynamic items: their state lives in the custom_id, so a press on an old
message (after the view timed out in memory, or after a restart) still gets an answer.
The builders are pure; the callbacks hand over to the bot's handlers.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import OrderedDict
from enum import StrEnum
from typing import Any, Protocol

import discord

from bot.app import limits
from bot.present.text import truncate
from retrieval.briefing import Briefing
from retrieval.library import section_key

log = logging.getLogger(__name__)

# Inside the 15-minute life of the interaction token, which the timeout edit needs.
VIEW_TIMEOUT_SECONDS = 10 * 60
assert VIEW_TIMEOUT_SECONDS < limits.INTERACTION_TOKEN_SECONDS


class ReplyKind(StrEnum):
    """What a reply answers; a pageable kind is stored in the More button's custom_id."""

    BRIEF = "b"  # /brief: shaped like a policy brief
    FLAT = "f"  # /brief style:flat: the ranked excerpts
    ASK = "a"
    CASE = "c"


# Only search briefings page: a case briefing shows its whole case at once.
PAGEABLE_KINDS: tuple[ReplyKind, ...] = (ReplyKind.BRIEF, ReplyKind.FLAT, ReplyKind.ASK)
MORE_TEMPLATE = (
    rf"db:more:(?P<kind>[{''.join(PAGEABLE_KINDS)}]):(?P<offset>\d{{1,3}}):(?P<ref>[=#].*)"
)
READ_CUSTOM_ID = "db:read"
INLINE = "="
STORED = "#"


class QueryStore:
    """Remembers queries too long to fit in a custom_id, by a short key (bounded LRU)."""

    def __init__(self, capacity: int = 5000) -> None:
        self._items: OrderedDict[str, str] = OrderedDict()
        self._capacity = capacity

    def reference(self, query: str, room: int) -> str:
        """A custom_id-safe reference to ``query`` using at most ``room`` characters: the
        query itself when it fits, else a key into this store."""
        if len(query) + 1 <= room:
            return INLINE + query
        key = hashlib.sha1(query.encode("utf-8")).hexdigest()[:16]
        self._items[key] = query
        self._items.move_to_end(key)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)
        return STORED + key

    def resolve(self, reference: str) -> str | None:
        """The query behind a reference, or None when it has been forgotten."""
        if reference.startswith(INLINE):
            return reference[1:]
        return self._items.get(reference[1:])


class ReplyFlow(Protocol):
    """What the components need from the bot's reply flow (:class:`bot.app.replies.Replies`)."""

    async def more(
        self, interaction: discord.Interaction, kind: ReplyKind, offset: int, reference: str
    ) -> None: ...

    async def read_section(self, interaction: discord.Interaction, key: str) -> None: ...


def _flow(interaction: discord.Interaction) -> ReplyFlow:
    return interaction.client.replies  # type: ignore[attr-defined]  # the client is DiploBot; typing it here would import the client into this module (a cycle)


def more_custom_id(kind: ReplyKind, offset: int, reference: str) -> str:
    """The custom_id of a More button."""
    return f"db:more:{kind}:{offset}:{reference}"


class MoreButton(discord.ui.DynamicItem[discord.ui.Button], template=MORE_TEMPLATE):
    """Shows the next excerpts of the same query, editing the message in place."""

    def __init__(
        self, kind: ReplyKind, offset: int, reference: str, *, disabled: bool = False
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label="More",
                style=discord.ButtonStyle.secondary,
                custom_id=more_custom_id(kind, offset, reference),
                disabled=disabled,
            )
        )
        self.kind = kind
        self.offset = offset
        self.reference = reference

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> MoreButton:
        return cls(ReplyKind(match["kind"]), int(match["offset"]), match["ref"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await _flow(interaction).more(interaction, self.kind, self.offset, self.reference)


class ReadSectionSelect(
    discord.ui.DynamicItem[discord.ui.Select], template=re.escape(READ_CUSTOM_ID)
):
    """Shows the full text of a cited section, to the presser only."""

    def __init__(self, options: list[discord.SelectOption] | None = None) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=READ_CUSTOM_ID,
                placeholder="Read section",
                options=options or [discord.SelectOption(label="-", value="-")],
                min_values=1,
                max_values=1,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ReadSectionSelect:
        return cls(list(getattr(item, "options", [])) or None)

    async def callback(self, interaction: discord.Interaction) -> None:
        data: dict[str, Any] = dict(interaction.data or {})
        values = data.get("values") or ["-"]
        await _flow(interaction).read_section(interaction, str(values[0]))


class BriefingView(discord.ui.View):
    """More + Read section under a briefing; disabled when it times out."""

    def __init__(self, *, timeout: float | None = VIEW_TIMEOUT_SECONDS) -> None:
        super().__init__(timeout=timeout)
        self.interaction: discord.Interaction | None = None

    def disable_all(self) -> None:
        """Grey out every component but those that keep working on an old message
        (ratings and Discuss)."""
        for child in self.children:
            if getattr(child, "stays_enabled", False):
                continue
            target = child.item if isinstance(child, discord.ui.DynamicItem) else child
            if hasattr(target, "disabled"):
                target.disabled = True  # type: ignore[union-attr]  # only buttons and selects are kept, both have it

    async def on_timeout(self) -> None:
        self.disable_all()
        if self.interaction is None:
            return
        try:
            await self.interaction.edit_original_response(view=self)
        except discord.HTTPException as error:
            # The message may be gone or the token expired: nothing left to disable.
            log.info("could not disable an expired view: %s", error)


def briefing_view(
    briefing: Briefing,
    *,
    kind: ReplyKind,
    store: QueryStore,
    timeout: float | None = VIEW_TIMEOUT_SECONDS,
) -> BriefingView | None:
    """The components for a briefing, or None when it has nothing to page or read."""
    if not briefing.found:
        return None
    view = BriefingView(timeout=timeout)
    if briefing.has_more and kind in PAGEABLE_KINDS:
        offset = briefing.offset + len(briefing.excerpts)
        room = limits.CUSTOM_ID - len(more_custom_id(kind, offset, ""))
        view.add_item(MoreButton(kind, offset, store.reference(briefing.query, room)))
    options = [
        discord.SelectOption(
            label=truncate(f"[{source.citation_no}] {source.heading}", limits.SELECT_OPTION_LABEL),
            description=truncate(source.article_title, limits.SELECT_OPTION_DESCRIPTION),
            value=section_key(source.section_id),
        )
        for source in briefing.sources[: limits.SELECT_OPTIONS]
    ]
    view.add_item(ReadSectionSelect(options))
    return view
