"""/brief and /ask."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.suggest import known_topics, matching

if TYPE_CHECKING:
    from bot.client import DiploBot

MAX_QUERY_LENGTH = 300


def search_cooldown(interaction: discord.Interaction) -> app_commands.Cooldown:
    """Per-user cooldown on the search commands, from the settings."""
    settings = interaction.client.settings  # type: ignore[attr-defined]
    return app_commands.Cooldown(settings.cooldown_rate, settings.cooldown_per)


class BriefingCog(commands.Cog):
    """Cited briefings on a topic or a question."""

    def __init__(self, bot: DiploBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="brief", description="A cited briefing on a topic, quoted from the articles"
    )
    @app_commands.describe(
        topic="What to brief on, e.g. cyber diplomacy",
        private="Show the briefing to you only",
    )
    @app_commands.checks.dynamic_cooldown(search_cooldown, key=lambda i: i.user.id)
    async def brief(
        self,
        interaction: discord.Interaction,
        topic: app_commands.Range[str, 1, MAX_QUERY_LENGTH],
        private: bool = False,
    ) -> None:
        await self.bot.respond_briefing(interaction, topic, kind="b", private=private)

    @brief.autocomplete("topic")
    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        topics = known_topics(self.bot.library_for(interaction))
        return [app_commands.Choice(name=t, value=t) for t in matching(topics, current)]

    @app_commands.command(
        name="ask", description="Ask a question; the answer is quoted from the articles"
    )
    @app_commands.describe(
        question="Your question, e.g. what do military attachés do?",
        private="Show the answer to you only",
    )
    @app_commands.checks.dynamic_cooldown(search_cooldown, key=lambda i: i.user.id)
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, MAX_QUERY_LENGTH],
        private: bool = False,
    ) -> None:
        await self.bot.respond_briefing(interaction, question, kind="a", private=private)


async def setup(bot: DiploBot) -> None:
    """Load the cog (discord.py extension entry point)."""
    await bot.add_cog(BriefingCog(bot))
