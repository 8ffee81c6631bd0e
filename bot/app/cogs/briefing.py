"""/brief and /ask."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.asking import message_question
from bot.app.checks import MAX_QUERY_LENGTH, by_user, search_cooldown
from bot.app.components.briefing import ReplyKind
from bot.app.failures import UserFacingError
from bot.app.suggest import cached_topics, topic_suggestions

if TYPE_CHECKING:
    from bot.app.client import DiploBot


class BriefingCog(commands.Cog):
    """Cited briefings on a topic or a question."""

    def __init__(self, bot: DiploBot) -> None:
        self.bot = bot
        # Context menus cannot be declared in a cog's body: made here, removed on unload.
        self.ask_menu = app_commands.ContextMenu(name="Ask diplobrief", callback=self.ask_message)
        self.bot.tree.add_command(self.ask_menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.ask_menu.name, type=self.ask_menu.type)

    @app_commands.checks.dynamic_cooldown(search_cooldown, key=by_user)
    async def ask_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Apps → Ask diplobrief on a message: its question answered as /ask would."""
        question = message_question(message.content)
        if question is None:
            raise UserFacingError(
                "That message has no text to ask about (only images, files or embeds)."
            )
        await self.bot.replies.search(
            interaction,
            question,
            kind=ReplyKind.ASK,
            private=False,
            preface=f"Asked about {message.jump_url}",
        )

    @app_commands.command(
        name="brief", description="A cited briefing on a topic, quoted from the articles"
    )
    @app_commands.describe(
        topic="What to brief on, e.g. cyber diplomacy",
        style="brief: bottom line, then what, why, how, challenges, cases, outlook; flat: ranked",
        private="Show the briefing to you only",
    )
    @app_commands.checks.dynamic_cooldown(search_cooldown, key=by_user)
    async def brief(
        self,
        interaction: discord.Interaction,
        topic: app_commands.Range[str, 1, MAX_QUERY_LENGTH],
        style: Literal["brief", "flat"] = "brief",
        private: bool = False,
    ) -> None:
        kind = ReplyKind.FLAT if style == "flat" else ReplyKind.BRIEF
        await self.bot.replies.search(interaction, topic, kind=kind, private=private)

    @brief.autocomplete("topic")
    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        library = self.bot.replies.library_for(interaction)
        # Indexed once per library, off the event loop; then each keystroke is cheap.
        topics = cached_topics(library)
        if topics is None:
            topics = await asyncio.to_thread(topic_suggestions, library)
        return [app_commands.Choice(name=t, value=t) for t in topics.matching(current)]

    @app_commands.command(
        name="ask", description="Ask a question; the answer is quoted from the articles"
    )
    @app_commands.describe(
        question="Your question, e.g. what do military attachés do?",
        private="Show the answer to you only",
    )
    @app_commands.checks.dynamic_cooldown(search_cooldown, key=by_user)
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, MAX_QUERY_LENGTH],
        private: bool = False,
    ) -> None:
        await self.bot.replies.search(interaction, question, kind=ReplyKind.ASK, private=private)


async def setup(bot: DiploBot) -> None:
    """Load the cog (discord.py extension entry point)."""
    await bot.add_cog(BriefingCog(bot))
