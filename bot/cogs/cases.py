"""/cases: the case studies the articles describe, listed and one by one."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.briefing import MAX_QUERY_LENGTH, search_cooldown
from bot.embeds import briefing_embed, cases_embed, no_case_embed
from bot.suggest import matching
from bot.views import briefing_view
from retrieval.briefing import case_briefing

if TYPE_CHECKING:
    from bot.client import DiploBot


class CasesCog(commands.Cog):
    """Case studies, listed and one by one."""

    def __init__(self, bot: DiploBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="cases", description="The case studies in the articles, or one of them"
    )
    @app_commands.describe(
        name="A case study, e.g. JCPOA or ISAF (leave empty for the list)",
        private="Show the answer to you only",
    )
    @app_commands.checks.dynamic_cooldown(search_cooldown, key=lambda i: i.user.id)
    async def cases(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, MAX_QUERY_LENGTH] | None = None,
        private: bool = False,
    ) -> None:
        library = self.bot.library_for(interaction)
        if name is None:
            await interaction.response.send_message(embed=cases_embed(library), ephemeral=private)
            return
        started = time.perf_counter()
        match = library.cases.find(name)
        if match.case is None:
            suggestions = [case.name for case in match.suggestions]
            await interaction.response.send_message(
                embed=no_case_embed(name, suggestions), ephemeral=True
            )
            self.bot.log_command(interaction, name, 0, started)
            return
        briefing = case_briefing(library, match.case)
        view = briefing_view(briefing, kind="c", store=self.bot.query_store)
        await self.bot.send_reply(interaction, briefing_embed(briefing), view, ephemeral=private)
        self.bot.log_command(interaction, name, len(briefing.sources), started)

    @cases.autocomplete("name")
    async def name_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        labels = self.bot.library_for(interaction).cases.labels()
        return [app_commands.Choice(name=n, value=n) for n in matching(labels, current)]


async def setup(bot: DiploBot) -> None:
    """Load the cog (discord.py extension entry point)."""
    await bot.add_cog(CasesCog(bot))
