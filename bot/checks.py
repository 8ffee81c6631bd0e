"""Checks shared by the commands: the per-user cooldown on search, the one limit on
query length, and who may reload a corpus."""

from __future__ import annotations

import discord
from discord import app_commands

from retrieval.query import MAX_QUERY_CHARS

# The longest query a command option takes; the engine reads no more than this either.
MAX_QUERY_LENGTH = MAX_QUERY_CHARS


def search_cooldown(interaction: discord.Interaction) -> app_commands.Cooldown:
    """Per-user cooldown on the search commands, from the settings."""
    settings = interaction.client.settings  # type: ignore[attr-defined]
    return app_commands.Cooldown(settings.cooldown_rate, settings.cooldown_per)


def by_user(interaction: discord.Interaction) -> int:
    """The cooldown bucket: one per user, wherever they ask."""
    return interaction.user.id


async def may_reload(interaction: discord.Interaction) -> bool:
    """Members with Manage Server (in a server), or the bot's owner anywhere."""
    if interaction.guild_id is not None and interaction.permissions.manage_guild:
        return True
    try:
        return await interaction.client.is_owner(interaction.user)  # type: ignore[attr-defined]
    except discord.HTTPException:
        return False
