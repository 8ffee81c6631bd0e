"""/cases: the case studies the articles describe."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.briefing import MAX_QUERY_LENGTH, search_cooldown
from bot.embeds import case_sections_embed
from bot.suggest import matching

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
        if name is None:
            embed = case_sections_embed(self.bot.library)
            await interaction.response.send_message(embed=embed, ephemeral=private)
            return
        await self.bot.respond_briefing(interaction, name, kind="c", private=private)

    @cases.autocomplete("name")
    async def name_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = [s.heading for s in self.bot.library.case_sections()]
        return [app_commands.Choice(name=n, value=n) for n in matching(names, current)]


async def setup(bot: DiploBot) -> None:
    """Load the cog (discord.py extension entry point)."""
    await bot.add_cog(CasesCog(bot))
