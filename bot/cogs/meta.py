"""/sources, /help and /reload: what the bot knows, how to use it, and re-reading it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import may_reload
from bot.embeds import help_embed, sources_embed
from bot.errors import UserFacingError

if TYPE_CHECKING:
    from bot.client import DiploBot


class MetaCog(commands.Cog):
    """What the bot knows and how to use it."""

    def __init__(self, bot: DiploBot) -> None:
        self.bot = bot

    @app_commands.command(name="sources", description="The articles the bot quotes from")
    async def sources(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            embed=sources_embed(self.bot.replies.library_for(interaction)), ephemeral=True
        )

    @app_commands.command(name="help", description="What each command does, with examples")
    async def help(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            embed=help_embed(self.bot.replies.library_for(interaction).name), ephemeral=True
        )


class AdminCog(commands.Cog):
    """Corpus administration."""

    def __init__(self, bot: DiploBot) -> None:
        self.bot = bot

    @app_commands.command(name="reload", description="Re-read the articles (Manage Server only)")
    @app_commands.default_permissions(manage_guild=True)
    async def reload(self, interaction: discord.Interaction) -> None:
        if not await may_reload(interaction):
            raise UserFacingError("Only members with Manage Server (or the bot owner) can reload.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        summary = await self.bot.serving.reload()
        await interaction.followup.send(
            embed=discord.Embed(title="Corpus reloaded", description=summary), ephemeral=True
        )


async def setup(bot: DiploBot) -> None:
    """Load the cog (discord.py extension entry point)."""
    await bot.add_cog(MetaCog(bot))
    await bot.add_cog(AdminCog(bot))
