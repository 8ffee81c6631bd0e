"""/sources and /help."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.embeds import help_embed, sources_embed

if TYPE_CHECKING:
    from bot.client import DiploBot


class MetaCog(commands.Cog):
    """What the bot knows and how to use it."""

    def __init__(self, bot: DiploBot) -> None:
        self.bot = bot

    @app_commands.command(name="sources", description="The articles the bot quotes from")
    async def sources(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            embed=sources_embed(self.bot.library), ephemeral=True
        )

    @app_commands.command(name="help", description="What each command does, with examples")
    async def help(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            embed=help_embed(self.bot.library.name), ephemeral=True
        )


async def setup(bot: DiploBot) -> None:
    """Load the cog (discord.py extension entry point)."""
    await bot.add_cog(MetaCog(bot))
