"""Checks shared by the commands: the per-user cooldown on search, the one limit on
query length, and who may reload what (and how often)."""

from __future__ import annotations

import discord
from discord import app_commands

from retrieval.query import MAX_QUERY_CHARS

# The longest query a command option takes; the engine reads no more than this either.
MAX_QUERY_LENGTH = MAX_QUERY_CHARS


def search_cooldown(interaction: discord.Interaction) -> app_commands.Cooldown:
    """Per-user cooldown on the search commands, from the settings."""
    settings = interaction.client.settings  # type: ignore[attr-defined]  # the client is DiploBot; typing it here would import the client into this module (a cycle)
    return app_commands.Cooldown(settings.cooldown_rate, settings.cooldown_per)


def by_user(interaction: discord.Interaction) -> int:
    """The cooldown bucket: one per user, wherever they ask."""
    return interaction.user.id


async def is_bot_owner(interaction: discord.Interaction) -> bool:
    """The application's owner, or one of OWNER_IDS."""
    try:
        return await interaction.client.is_owner(interaction.user)  # type: ignore[attr-defined]  # Client has is_owner only as commands.Bot
    except discord.HTTPException:
        return False


def manages_this_server(interaction: discord.Interaction) -> bool:
    """A member with Manage Server, in a server where the bot is installed (not through
    a user install, where a server's admin is not the bot's)."""
    return (
        interaction.guild_id is not None
        and interaction.is_guild_integration()
        and interaction.permissions.manage_guild
    )


def reload_cooldown(interaction: discord.Interaction) -> app_commands.Cooldown | None:
    """One /reload per RELOAD_COOLDOWN seconds, per server (per user in DMs)."""
    seconds = interaction.client.settings.reload_cooldown  # type: ignore[attr-defined]  # the client is DiploBot; typing it here would import the client into this module (a cycle)
    return app_commands.Cooldown(1, seconds) if seconds > 0 else None


def by_server(interaction: discord.Interaction) -> int:
    """The cooldown bucket of an administrative command: the server, else the user."""
    return interaction.guild_id or interaction.user.id
