"""**Replace it** / **Keep the old one**, under a `/corpus add` whose name is taken: the
state is in the custom_id and the held file on disk (``.pending/``), so the buttons work
after a restart too. With the helpers the `/corpus` commands share."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import discord

from bot.app.checks import manages_this_server
from bot.app.embeds import result_embed, upload_report
from bot.app.errors import answers_errors
from bot.app.failures import UserFacingError
from bot.app.server_articles import CheckedUpload, UploadLimits, check_upload, take_pending
from bot.settings import Settings
from retrieval.parsing import ParseLimits
from retrieval.text import slugify

REPLACE_TEMPLATE = r"db:corpus:(?P<action>replace|keep):(?P<token>[0-9a-f]{16})"
ADMINS_ONLY = (
    "Only members with Manage Server keep this server's own articles, and only in a server"
    " where the bot is installed."
)


def upload_limits(settings: Settings) -> UploadLimits:
    """The limits from the settings."""
    return UploadLimits(
        settings.upload_max_bytes, settings.server_max_files, settings.server_max_bytes
    )


def admin_server(interaction: discord.Interaction) -> int:
    """The server whose articles are being kept; raises for anyone without Manage Server."""
    if not manages_this_server(interaction):
        raise UserFacingError(ADMINS_ONLY)
    assert interaction.guild_id is not None
    return interaction.guild_id


class ReplaceButton(discord.ui.DynamicItem[discord.ui.Button], template=REPLACE_TEMPLATE):
    """Replace (or keep) an article whose name an upload took."""

    def __init__(self, action: str, token: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Replace it" if action == "replace" else "Keep the old one",
                style=discord.ButtonStyle.danger
                if action == "replace"
                else discord.ButtonStyle.secondary,
                custom_id=f"db:corpus:{action}:{token}",
            )
        )
        self.action = action
        self.token = token

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ReplaceButton:
        return cls(match["action"], match["token"])

    @answers_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        # The client is the DiploBot; naming its type here would import the client (a cycle).
        bot: Any = interaction.client
        guild_id = admin_server(interaction)
        folder = bot.serving.server_folder(guild_id)
        name, data = await asyncio.to_thread(take_pending, folder, self.token)
        if self.action == "keep":
            await interaction.response.edit_message(
                embed=result_embed("Nothing changed", f"`{name}` was kept as it was."), view=None
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        upload = await checked_upload(guild_id, folder, name, data, bot.serving.limits)
        summary = await bot.serving.change_server_file(
            guild_id, name, data, limits=upload_limits(bot.settings)
        )
        await interaction.edit_original_response(
            embed=result_embed("Article replaced", upload_report(upload, summary))
        )


def replace_view(token: str) -> discord.ui.View:
    """Replace it / Keep the old one."""
    view = discord.ui.View(timeout=None)
    view.add_item(ReplaceButton("replace", token))
    view.add_item(ReplaceButton("keep", token))
    return view


async def checked_upload(
    guild_id: int, folder: Path, name: str, data: bytes, limits: ParseLimits | None
) -> CheckedUpload:
    """The upload parsed as `check` would (off the event loop, in the parse worker),
    described as the file it will be in the server's folder; raises UploadRefused."""
    slug = article_slug(guild_id, name)
    return await asyncio.to_thread(check_upload, name, data, slug, folder=folder, limits=limits)


def article_slug(guild_id: int, name: str) -> str:
    """The identity a server's article file gets (as its folder's scan gives it)."""
    return f"{guild_id}/{slugify(Path(name).stem)}"
