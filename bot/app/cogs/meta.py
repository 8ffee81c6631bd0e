"""/sources, /help, /reload and /report: what the bot knows, how to use it, re-reading
it, and what its ratings say."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.checks import by_server, is_bot_owner, manages_this_server, reload_cooldown
from bot.app.embeds import help_embed, report_embed, result_embed, sources_embed
from bot.app.failures import UserFacingError
from bot.ratings.report import build_report, parse_since

if TYPE_CHECKING:
    from bot.app.client import DiploBot


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
    """Corpus administration: the owner reloads everything, a server's admins their own
    folder."""

    def __init__(self, bot: DiploBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="reload", description="Re-read the articles: this server's own (Manage Server)"
    )
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.dynamic_cooldown(reload_cooldown, key=by_server)
    async def reload(self, interaction: discord.Interaction) -> None:
        if await is_bot_owner(interaction):
            work = self.bot.serving.reload
            title = "Corpus reloaded"
        elif manages_this_server(interaction):
            assert interaction.guild_id is not None
            work = partial(self.bot.serving.reload_server, interaction.guild_id)
            title = "This server's articles reloaded"
        else:
            raise UserFacingError(
                "Members with Manage Server reload their server's own articles; the shared"
                " corpus is reloaded by the bot's owner."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        summary = await work()
        await interaction.followup.send(embed=result_embed(title, summary), ephemeral=True)


class ReportCog(commands.Cog):
    """/report: the ratings of this server's answers, for its admins."""

    def __init__(self, bot: DiploBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="report", description="Ratings of this server's answers, and what the articles lack"
    )
    @app_commands.describe(
        since="How far back: 7d, 12h, 2w or a date like 2026-11-01 (default: all)"
    )
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def report(self, interaction: discord.Interaction, since: str | None = None) -> None:
        if not manages_this_server(interaction):
            raise UserFacingError("Members with Manage Server see this server's ratings report.")
        guild_id = interaction.guild_id
        try:
            start = parse_since(since) if since else None
        except ValueError as error:
            raise UserFacingError(str(error)) from error
        await interaction.response.defer(ephemeral=True, thinking=True)
        rows = await self.bot.ratings.read(
            lambda store: (
                store.votes_since(start, guild_id=guild_id),
                store.unanswered_since(start, guild_id=guild_id),
            )
        )
        if rows is None:
            raise UserFacingError(
                f"No report right now: {self.bot.ratings.health} (the bot keeps answering)."
            )
        await interaction.edit_original_response(embed=report_embed(build_report(*rows, start)))


async def setup(bot: DiploBot) -> None:
    """Load the cog (discord.py extension entry point)."""
    await bot.add_cog(MetaCog(bot))
    await bot.add_cog(AdminCog(bot))
    await bot.add_cog(ReportCog(bot))
