"""/corpus add, list and remove: a server's admins (Manage Server) keep their server's own
articles from Discord. The file logic is :mod:`bot.app.server_articles`; this is the glue.

Replace and Keep buttons (for an upload whose name is taken) keep their state in the
custom_id and the held file on disk, so they work after a restart too.
"""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import limits
from bot.app.checks import manages_this_server
from bot.app.embeds import list_embed, result_embed, upload_report
from bot.app.errors import report_error
from bot.app.failures import UserFacingError
from bot.app.server_articles import (
    CheckedUpload,
    NameTaken,
    UploadLimits,
    UploadRefused,
    check_size,
    check_upload,
    hold_pending,
    safe_article_name,
    stored_files,
    take_pending,
)
from bot.present.text import truncate
from retrieval.text import slugify

if TYPE_CHECKING:
    from bot.app.client import DiploBot

log = logging.getLogger(__name__)

REPLACE_TEMPLATE = r"db:corpus:(?P<action>replace|keep):(?P<token>[0-9a-f]{16})"
ADMINS_ONLY = (
    "Only members with Manage Server keep this server's own articles, and only in a server"
    " where the bot is installed."
)


def upload_limits(bot: DiploBot) -> UploadLimits:
    """The limits from the settings."""
    settings = bot.settings
    return UploadLimits(
        settings.upload_max_bytes, settings.server_max_files, settings.server_max_bytes
    )


def _admin_server(interaction: discord.Interaction) -> int:
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

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self._answer(interaction)
        except Exception as error:  # one handler maps every error to the user's text
            await report_error(interaction, error)

    async def _answer(self, interaction: discord.Interaction) -> None:
        bot: DiploBot = interaction.client  # type: ignore[assignment]  # Interaction's client is typed Client; here it is always DiploBot
        guild_id = _admin_server(interaction)
        folder = bot.serving.server_folder(guild_id)
        name, data = await asyncio.to_thread(take_pending, folder, self.token)
        if self.action == "keep":
            await interaction.response.edit_message(
                embed=result_embed("Nothing changed", f"`{name}` was kept as it was."), view=None
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        upload = await asyncio.to_thread(
            check_upload,
            name,
            data,
            _slug(guild_id, name),
            folder=folder,
            limits=bot.serving.limits,
        )
        summary = await bot.serving.change_server_file(
            guild_id, name, data, limits=upload_limits(bot)
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


def _slug(guild_id: int, name: str) -> str:
    return f"{guild_id}/{slugify(Path(name).stem)}"


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
        guild_id = _admin_server(interaction)
        folder = self.bot.serving.server_folder(guild_id)
        name = safe_article_name(file.filename)
        check_size(file.size, name, folder, upload_limits(self.bot))
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            data = await file.read()
        except discord.HTTPException as error:
            raise UserFacingError(
                "The attachment could not be downloaded from Discord; try again."
            ) from error
        check_size(len(data), name, folder, upload_limits(self.bot))
        upload = await asyncio.to_thread(
            check_upload,
            name,
            data,
            _slug(guild_id, name),
            folder=folder,
            limits=self.bot.serving.limits,
        )
        try:
            summary = await self.bot.serving.change_server_file(
                guild_id, name, data, replace=False, limits=upload_limits(self.bot)
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
        guild_id = _admin_server(interaction)
        library = self.bot.serving.library_for(guild_id)
        titles = {
            a.source_file: a.title for a in library.articles if a.slug.startswith(f"{guild_id}/")
        }
        files = [
            (f.name, f.size, titles.get(f.name))
            for f in stored_files(self.bot.serving.server_folder(guild_id))
        ]
        await interaction.response.send_message(
            embed=list_embed(files, upload_limits(self.bot)), ephemeral=True
        )

    @app_commands.command(name="remove", description="Remove one of this server's own articles")
    @app_commands.describe(name="The file to remove (see /corpus list)")
    async def remove(self, interaction: discord.Interaction, name: str) -> None:
        guild_id = _admin_server(interaction)
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
    bot.add_dynamic_items(ReplaceButton)
