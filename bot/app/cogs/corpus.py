"""/corpus add, list and remove: a server's admins (Manage Server) keep their server's own
articles from Discord. The file logic is :mod:`bot.app.server_articles`; this is the glue.

Its Replace and Keep buttons are in :mod:`bot.app.components.corpus`.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import limits
from bot.app.checks import manages_this_server
from bot.app.components.corpus import (
    admin_server,
    checked_upload,
    replace_view,
    upload_limits,
)
from bot.app.embeds import list_embed, result_embed, upload_report
from bot.app.failures import UserFacingError
from bot.app.server_articles import (
    CheckedUpload,
    NameTaken,
    UploadRefused,
    check_size,
    hold_pending,
    safe_article_name,
    stored_files,
)
from bot.present.text import truncate

if TYPE_CHECKING:
    from bot.app.client import DiploBot

log = logging.getLogger(__name__)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class CorpusCog(
    commands.GroupCog,
    group_name="corpus",
    group_description="This server's own articles (Manage Server)",
):
    """This server's own articles: add, list, remove."""

    def __init__(self, bot: DiploBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="add", description="Add an article file to this server's own")
    @app_commands.describe(file="The article: .pdf, .docx, .txt, .md or .html, up to 10 MB")
    async def add(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        guild_id = admin_server(interaction)
        folder = self.bot.serving.server_folder(guild_id)
        name = safe_article_name(file.filename)
        check_size(file.size, name, folder, upload_limits(self.bot.settings))
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            data = await file.read()
        except discord.HTTPException as error:
            raise UserFacingError(
                "The attachment could not be downloaded from Discord; try again."
            ) from error
        check_size(len(data), name, folder, upload_limits(self.bot.settings))
        upload = await checked_upload(guild_id, folder, name, data, self.bot.serving.limits)
        try:
            summary = await self.bot.serving.change_server_file(
                guild_id, name, data, replace=False, limits=upload_limits(self.bot.settings)
            )
        except NameTaken as taken:
            if taken.name != name:  # `arctic.md` beside `Arctic.md`: one article twice
                raise UploadRefused(
                    f"This server already has `{taken.name}`, the same name but for its"
                    " case; remove it first, or upload the file under that exact name."
                ) from taken
            await self._ask_to_replace(interaction, folder, upload)
            return
        await interaction.edit_original_response(
            embed=result_embed("Article added", upload_report(upload, summary))
        )

    async def _ask_to_replace(
        self, interaction: discord.Interaction, folder: Path, upload: CheckedUpload
    ) -> None:
        token = await asyncio.to_thread(hold_pending, folder, upload)
        report = upload_report(upload, "")
        await interaction.edit_original_response(
            embed=result_embed(
                "Replace the article of that name?",
                f"This server already has `{upload.name}`. The new file passed the check:\n"
                f"{report}\nReplace the old file with it?",
            ),
            view=replace_view(token),
        )

    @app_commands.command(name="list", description="This server's own articles and its limits")
    async def list_files(self, interaction: discord.Interaction) -> None:
        guild_id = admin_server(interaction)
        library = self.bot.serving.library_for(guild_id)
        titles = {
            a.source_file: a.title for a in library.articles if a.slug.startswith(f"{guild_id}/")
        }
        files = [
            (f.name, f.size, titles.get(f.name))
            for f in stored_files(self.bot.serving.server_folder(guild_id))
        ]
        await interaction.response.send_message(
            embed=list_embed(files, upload_limits(self.bot.settings)), ephemeral=True
        )

    @app_commands.command(name="remove", description="Remove one of this server's own articles")
    @app_commands.describe(name="The file to remove (see /corpus list)")
    async def remove(self, interaction: discord.Interaction, name: str) -> None:
        guild_id = admin_server(interaction)
        folder = self.bot.serving.server_folder(guild_id)
        if name not in {f.name for f in stored_files(folder)}:
            raise UploadRefused(
                f"This server has no article file named `{truncate(name, 100)}`; see"
                " `/corpus list`."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        summary = await self.bot.serving.change_server_file(guild_id, name, None)
        await interaction.edit_original_response(
            embed=result_embed("Article removed", f"`{name}` removed; {summary}")
        )

    @remove.autocomplete("name")
    async def _file_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if not manages_this_server(interaction):
            return []
        typed = current.lower()
        names = [
            f.name
            for f in stored_files(self.bot.serving.server_folder(interaction.guild_id or 0))
            if typed in f.name.lower()
        ]
        return [
            app_commands.Choice(name=n[: limits.CHOICE_NAME], value=n)
            for n in names[: limits.AUTOCOMPLETE_CHOICES]
            if len(n) <= limits.CHOICE_VALUE
        ]


async def setup(bot: DiploBot) -> None:
    """Load the cog (discord.py extension entry point)."""
    await bot.add_cog(CorpusCog(bot))
