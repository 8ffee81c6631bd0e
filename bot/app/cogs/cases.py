"""/cases: the case studies the articles describe, listed and one by one."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.checks import MAX_QUERY_LENGTH, by_user, search_cooldown
from bot.app.components.briefing import ReplyKind
from bot.app.embeds import cases_embed, no_case_embed
from bot.app.suggest import case_suggestions
from retrieval.briefing import case_briefing

if TYPE_CHECKING:
    from bot.app.client import DiploBot


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
    @app_commands.checks.dynamic_cooldown(search_cooldown, key=by_user)
    async def cases(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, MAX_QUERY_LENGTH] | None = None,
        private: bool = False,
    ) -> None:
        replies = self.bot.replies
        library = replies.library_for(interaction)
        if name is None:
            await interaction.response.send_message(embed=cases_embed(library), ephemeral=private)
            return
        match = library.cases.find(name)
        if match.case is None:
            suggestions = [case.name for case in match.suggestions]
            await interaction.response.send_message(
                embed=no_case_embed(name, suggestions), ephemeral=True
            )
            replies.log_command(interaction, name, 0, time.perf_counter())
            return
        case = match.case
        await replies.send_briefing(
            interaction,
            lambda lib: case_briefing(lib, case),
            kind=ReplyKind.CASE,
            private=private,
            logged_query=name,
        )

    @cases.autocomplete("name")
    async def name_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        labels = case_suggestions(self.bot.replies.library_for(interaction))
        return [app_commands.Choice(name=n, value=n) for n in labels.matching(current)]


async def setup(bot: DiploBot) -> None:
    """Load the cog (discord.py extension entry point)."""
    await bot.add_cog(CasesCog(bot))
