"""👍 / 👎 and **Discuss** under a briefing.

A vote's data is in its button's custom_id: the command, the search mode, the keys of
the cited sections and a reference to the query (the query itself when it fits, else a
key into the bot's query store). Nothing is read back from the rendered embed, so
rewording a briefing never changes what is stored. The message gives only its id and
whether it was private. The vote is stored before the presser is thanked, and the
message is never edited for everyone.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Literal

import discord

from bot.app import limits
from bot.app.components.briefing import QueryStore, ReplyKind
from bot.app.errors import answers_errors
from bot.app.failures import UserFacingError
from bot.present.text import truncate
from bot.ratings.store import Vote
from retrieval.briefing import Briefing
from retrieval.library import Library, section_key

log = logging.getLogger(__name__)

# Buttons sent before votes carried their data end after the mode.
VOTE_TEMPLATE = (
    r"db:vote:(?P<direction>[ud]):(?P<kind>[bfac]):(?P<mode>[lh])"
    r"(?::(?P<sections>[0-9a-f.]*):(?P<query>(?s:.*)))?"
)
DISCUSS_CUSTOM_ID = "db:discuss"
COMMANDS = {
    ReplyKind.BRIEF: "brief",
    ReplyKind.FLAT: "brief",
    ReplyKind.ASK: "ask",
    ReplyKind.CASE: "cases",
}
MODES = {"l": "lexical", "h": "hybrid"}
_ESCAPED = re.compile(r"\\(.)")  # a markdown escape in shown text
# The least room a vote's custom_id keeps for the query reference (a stored query's key
# takes 17).
MIN_QUERY_ROOM = 17
THREAD_ARCHIVE_MINUTES: Literal[1440] = 1440  # a study discussion stays open a day without messages
# Discord's code when a message already has its thread.
THREAD_ALREADY_CREATED = 160004
# Channels where a message can start a public thread: text and announcement channels.
THREAD_CHANNELS = (discord.ChannelType.text, discord.ChannelType.news)


@dataclass(frozen=True, slots=True)
class Rated:
    """What a vote button carries: the answer's kind, mode, cited sections (their
    short keys) and a reference to its query (see :class:`bot.app.components.briefing.QueryStore`)."""

    kind: ReplyKind
    mode: str
    section_keys: tuple[str, ...] = ()
    query_reference: str = ""


def vote_custom_id(up: bool, rated: Rated) -> str:
    """The custom_id of a 👍 or 👎 button."""
    keys = ".".join(rated.section_keys)
    head = f"db:vote:{'u' if up else 'd'}:{rated.kind}:{rated.mode[0]}:{keys}:"
    return head + rated.query_reference


def rated_answer(briefing: Briefing, kind: ReplyKind, mode: str, store: QueryStore) -> Rated:
    """What the vote buttons under ``briefing`` carry: as many cited sections as leave
    the query reference room in a custom_id."""
    keys = [section_key(source.section_id) for source in briefing.sources]
    while keys and len(vote_custom_id(True, Rated(kind, mode, tuple(keys)))) > (
        limits.CUSTOM_ID - MIN_QUERY_ROOM
    ):
        keys.pop()
    room = limits.CUSTOM_ID - len(vote_custom_id(True, Rated(kind, mode, tuple(keys))))
    return Rated(kind, mode, tuple(keys), store.reference(briefing.query, room))


def vote_from_press(interaction: discord.Interaction, *, up: bool, rated: Rated) -> Vote:
    """The vote a press stands for, from the button's data: the query from the bot's
    query store ("" when a long query was forgotten, e.g. after a restart), the cited
    sections as `Article › Section` from the library the answer came from."""
    message = interaction.message
    if message is None:
        raise UserFacingError("That answer can no longer be rated.")
    replies = interaction.client.replies  # type: ignore[attr-defined]  # the client is DiploBot; typing it here would import the client into this module (a cycle)
    query = replies.query_store.resolve(rated.query_reference) if rated.query_reference else None
    library = replies.library_for(interaction)
    return Vote(
        message_id=message.id,
        user_id=interaction.user.id,
        guild_id=interaction.guild_id,
        command=COMMANDS[rated.kind],
        mode=rated.mode,
        query=query or "",
        sections=tuple(_label(library, key) for key in rated.section_keys),
        up=up,
        private=message.flags.ephemeral,
    )


def _label(library: Library, key: str) -> str:
    """A cited section as `Article › Section`, or its key when it has left the corpus."""
    section = library.section_by_key(key)
    if section is None:
        return key
    return f"{library.article_of(section).title} › {section.heading}"


class VoteButton(discord.ui.DynamicItem[discord.ui.Button], template=VOTE_TEMPLATE):
    """👍 or 👎: one vote per user per answer, changeable."""

    stays_enabled = True  # a rating is welcome on an old message too

    def __init__(self, up: bool, rated: Rated) -> None:
        super().__init__(
            discord.ui.Button(
                emoji="👍" if up else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=vote_custom_id(up, rated),
            )
        )
        self.up = up
        self.rated = rated

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        keys = tuple(k for k in (match["sections"] or "").split(".") if k)
        rated = Rated(ReplyKind(match["kind"]), MODES[match["mode"]], keys, match["query"] or "")
        return cls(match["direction"] == "u", rated)

    @answers_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        vote = vote_from_press(interaction, up=self.up, rated=self.rated)
        ratings = interaction.client.ratings  # type: ignore[attr-defined]  # the client is DiploBot; typing it here would import the client into this module (a cycle)
        stored = await ratings.vote_in_time(vote)  # the reply within Discord's 3 s
        await interaction.response.send_message(thanks(vote.up, stored), ephemeral=True)


def thanks(up: bool, stored: bool) -> str:
    """The private reply to a vote."""
    if not stored:
        return "Your vote was not recorded: ratings cannot be stored right now. Please press it again later."
    other = "👎" if up else "👍"
    return (
        f"Thanks: your {'👍' if up else '👎'} is recorded. Press {other} to change it;"
        " your name is not stored."
    )


def can_discuss(interaction: discord.Interaction, *, private: bool) -> bool:
    """Whether a Discuss button belongs under a reply: a public reply in a server text
    channel where the bot may create public threads."""
    channel = interaction.channel
    return (
        not private
        and interaction.guild_id is not None
        and getattr(channel, "type", None) in THREAD_CHANNELS
        and interaction.app_permissions.create_public_threads
    )


def thread_name(message: discord.Message) -> str:
    """A thread's name: the briefing's title as shown (display text named after display
    text; nothing stored is read from an embed), without `Briefing: ` and escapes."""
    embed = message.embeds[0] if message.embeds else None
    title = _ESCAPED.sub(r"\1", embed.title or "") if embed else ""
    name = title.removeprefix("Briefing: ").strip() or "Discussion"
    return truncate(name, limits.THREAD_NAME)


class DiscussButton(
    discord.ui.DynamicItem[discord.ui.Button], template=re.escape(DISCUSS_CUSTOM_ID)
):
    """Opens a public thread on the briefing, named after its topic."""

    stays_enabled = True

    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label="Discuss", style=discord.ButtonStyle.secondary, custom_id=DISCUSS_CUSTOM_ID
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> DiscussButton:
        return cls()

    @answers_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await open_thread(interaction)


async def open_thread(interaction: discord.Interaction) -> None:
    """Start (or point to) the thread on the pressed message; say privately why not
    when the channel does not allow it."""
    message = interaction.message
    if message is None or interaction.guild_id is None:
        raise UserFacingError("A discussion thread can only be opened on a server message.")
    try:
        # The REST call itself, not Message.create_thread: that needs the server in the
        # cache, which a message from an interaction may not have.
        thread = await interaction.client.http.start_thread_with_message(
            message.channel.id,
            message.id,
            name=thread_name(message),
            auto_archive_duration=THREAD_ARCHIVE_MINUTES,
        )
    except discord.Forbidden as error:
        raise UserFacingError(
            "I may not open threads in this channel: ask a moderator to allow"
            " *Create Public Threads* for me, or start the thread yourself."
        ) from error
    except discord.HTTPException as error:
        if error.code != THREAD_ALREADY_CREATED:
            raise
        # A message's thread has the message's id.
        await interaction.response.send_message(
            f"This briefing already has its discussion: <#{message.id}>", ephemeral=True
        )
        return
    await interaction.response.send_message(
        f"Discussion opened: <#{thread['id']}>. `/ask` works there as anywhere.", ephemeral=True
    )


def feedback_items(rated: Rated, *, discuss: bool) -> list[discord.ui.Item[Any]]:
    """👍, 👎 and (where threads may be opened) Discuss, for one row."""
    items: list[discord.ui.Item[Any]] = [
        VoteButton(True, rated),
        VoteButton(False, rated),
    ]
    if discuss:
        items.append(DiscussButton())
    assert len(items) <= limits.BUTTONS_PER_ROW
    return items
