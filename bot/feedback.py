"""👍 / 👎 and **Discuss** under a briefing.

Their state is in the custom_id (the command and the search mode) and in the message
they sit under (its id, the query in its title, the cited sections in its Sources
field), so a press works on an old message and after a restart. The vote is stored
before the presser is thanked, and the message is never edited for everyone.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot import limits
from bot.errors import UserFacingError, report_error
from bot.store import Vote
from bot.text import truncate
from bot.views import ReplyKind

log = logging.getLogger(__name__)

VOTE_TEMPLATE = r"db:vote:(?P<direction>[ud]):(?P<kind>[bfac]):(?P<mode>[lh])"
DISCUSS_CUSTOM_ID = "db:discuss"
COMMANDS = {
    ReplyKind.BRIEF: "brief",
    ReplyKind.FLAT: "brief",
    ReplyKind.ASK: "ask",
    ReplyKind.CASE: "cases",
}
MODES = {"l": "lexical", "h": "hybrid"}
THREAD_NAME = 100  # Discord's limit on a thread's name
THREAD_ARCHIVE_MINUTES = 1440  # a study discussion stays open a day without messages
# Discord's code when a message already has its thread.
THREAD_ALREADY_CREATED = 160004
_TITLE_PREFIX = "Briefing: "
_CITATION = re.compile(r"^\[\d+\]\s*")
_ESCAPED = re.compile(r"\\(.)")
# Channels where a message can start a public thread: text and announcement channels.
THREAD_CHANNELS = (discord.ChannelType.text, discord.ChannelType.news)


def vote_custom_id(up: bool, kind: ReplyKind, mode: str) -> str:
    """The custom_id of a 👍 or 👎 button."""
    return f"db:vote:{'u' if up else 'd'}:{kind}:{mode[0]}"


def _plain(text: str) -> str:
    """Markdown escapes taken back out (the message shows user text escaped)."""
    return _ESCAPED.sub(r"\1", text)


def rated_query(message: discord.Message) -> str:
    """The query a briefing message answers: its title without `Briefing: `."""
    embed = message.embeds[0] if message.embeds else None
    title = _plain(embed.title or "") if embed else ""
    return title.removeprefix(_TITLE_PREFIX)


def cited_sections(message: discord.Message) -> tuple[str, ...]:
    """The `Article › Section` labels in a briefing message's Sources field."""
    for embed in message.embeds[:1]:
        for field in embed.fields:
            if field.name == "Sources" and field.value:
                return tuple(
                    _CITATION.sub("", _plain(line))
                    for line in field.value.splitlines()
                    if _CITATION.match(line)
                )
    return ()


def vote_from_press(
    interaction: discord.Interaction, *, up: bool, kind: ReplyKind, mode: str
) -> Vote:
    """The vote a press on a briefing message stands for."""
    message = interaction.message
    if message is None:
        raise UserFacingError("That answer can no longer be rated.")
    return Vote(
        message_id=message.id,
        user_id=interaction.user.id,
        guild_id=interaction.guild_id,
        command=COMMANDS[kind],
        mode=mode,
        query=rated_query(message),
        sections=cited_sections(message),
        up=up,
        private=message.flags.ephemeral,
    )


class VoteButton(discord.ui.DynamicItem[discord.ui.Button], template=VOTE_TEMPLATE):
    """👍 or 👎: one vote per user per answer, changeable."""

    stays_enabled = True  # a rating is welcome on an old message too

    def __init__(self, up: bool, kind: ReplyKind, mode: str) -> None:
        super().__init__(
            discord.ui.Button(
                emoji="👍" if up else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=vote_custom_id(up, kind, mode),
            )
        )
        self.up = up
        self.kind = kind
        self.mode = mode

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        return cls(match["direction"] == "u", ReplyKind(match["kind"]), MODES[match["mode"]])

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            vote = vote_from_press(interaction, up=self.up, kind=self.kind, mode=self.mode)
            ratings = interaction.client.ratings  # type: ignore[attr-defined]
            stored = await ratings.vote_in_time(vote)  # the reply within Discord's 3 s
            await interaction.response.send_message(thanks(vote.up, stored), ephemeral=True)
        except Exception as error:  # one bad press never takes the bot down
            await report_error(interaction, error)


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
    """A thread's name: the topic the briefing is about."""
    name = rated_query(message).strip() or "Discussion"
    return truncate(name, THREAD_NAME)


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

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await open_thread(interaction)
        except Exception as error:
            await report_error(interaction, error)


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


def feedback_items(
    kind: ReplyKind, mode: str, *, discuss: bool
) -> list[discord.ui.Item[discord.ui.View]]:
    """👍, 👎 and (where threads may be opened) Discuss, for one row."""
    items: list[discord.ui.Item[discord.ui.View]] = [
        VoteButton(True, kind, mode),
        VoteButton(False, kind, mode),
    ]
    if discuss:
        items.append(DiscussButton())
    assert len(items) <= limits.BUTTONS_PER_ROW
    return items
