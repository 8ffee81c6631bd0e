"""The Discord bot: start-up and shutdown only.

Built with its settings and corpora (discord.py's ``advanced_startup`` shape); loads the
cogs in ``setup_hook`` and syncs to a dev guild when one is configured. What it says
lives in :mod:`bot.app.replies`, the corpora it serves in :mod:`bot.app.corpora`, process entry
in :mod:`bot.app.run`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.app.components import DYNAMIC_ITEMS
from bot.app.corpora import Corpora
from bot.app.errors import report_error
from bot.app.failures import UserFacingError
from bot.app.overload import DiploTree, ReplyTiming
from bot.app.replies import Replies
from bot.defaults import parse_limits
from bot.ratings.service import Ratings
from bot.settings import Settings
from retrieval.corpus_set import CorpusSet
from retrieval.library import Library
from retrieval.spelling import warm_up

log = logging.getLogger(__name__)

HTTP_CONNECTIONS = 32
EXTENSIONS = (
    "bot.app.cogs.briefing",
    "bot.app.cogs.cases",
    "bot.app.cogs.corpus",
    "bot.app.cogs.meta",
)
# Signals that cannot be handled here (no SIGHUP on Windows, no running loop in a thread).
_NO_SIGNALS = (NotImplementedError, AttributeError, RuntimeError, ValueError)


class DiploBot(commands.AutoShardedBot):
    """diplobrief: one shard by default, or SHARD_COUNT / SHARD_IDS."""

    def __init__(
        self,
        settings: Settings,
        corpora: CorpusSet | Library,
        *,
        reply_timing: ReplyTiming | None = None,
        **options: Any,
    ) -> None:
        corpus_set = corpora if isinstance(corpora, CorpusSet) else CorpusSet(corpora, {})
        defaults: dict[str, Any] = {
            "command_prefix": commands.when_mentioned,
            "intents": discord.Intents(guilds=True),
            "allowed_mentions": discord.AllowedMentions.none(),
            "help_command": None,
            "allowed_installs": app_commands.AppInstallationType(guild=True, user=True),
            "allowed_contexts": app_commands.AppCommandContext(
                guild=True, dm_channel=True, private_channel=True
            ),
            "tree_cls": DiploTree,
            "shard_count": settings.shard_count or 1,
            "shard_ids": settings.shard_ids,
        }
        if settings.owner_ids:
            defaults["owner_ids"] = set(settings.owner_ids)
        super().__init__(**{**defaults, **options})
        self.settings = settings
        self.serving = Corpora(corpus_set, settings.corpus_dir, limits=parse_limits(settings))
        self.ratings = Ratings(settings)
        self.replies = Replies(settings, self.serving, self.ratings, timing=reply_timing)
        self._background: set[asyncio.Task[Any]] = set()

    @property
    def corpora(self) -> CorpusSet:
        """The corpora being served now (swapped whole by a reload)."""
        return self.serving.current

    async def login(self, token: str) -> None:
        # A bounded pool lets a burst of replies reuse connections (keep-alive) instead
        # of opening one per reply, as discord.py's unlimited default does.
        if self.http.connector is discord.utils.MISSING:
            self.http.connector = aiohttp.TCPConnector(limit=HTTP_CONNECTIONS)
        await super().login(token)

    async def setup_hook(self) -> None:
        await asyncio.to_thread(warm_up)
        shared = self.corpora.shared
        if shared.uses_word_vectors:  # loaded now, not within a user's 3 seconds
            await asyncio.to_thread(shared.word_embeddings)
        with contextlib.suppress(*_NO_SIGNALS):
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._on_sighup)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        await self.ratings.open()
        self.tree.on_error = report_error  # type: ignore[method-assign]  # discord.py's documented way to set the tree's handler
        if self.settings.dev_guild_id:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to the dev guild %s", len(synced), guild.id)

    async def close(self) -> None:
        with contextlib.suppress(*_NO_SIGNALS):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
        await self.replies.drain()  # answers in flight are sent before the session closes
        self.replies.close()
        await self.ratings.close()
        await super().close()

    async def on_ready(self) -> None:
        log.info("ready as %s; %d sections loaded", self.user, len(self.corpora.shared.sections))

    def _on_sighup(self) -> None:
        task = asyncio.ensure_future(self._reload_quietly())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _reload_quietly(self) -> None:
        with contextlib.suppress(UserFacingError):  # already logged
            await self.serving.reload()


def create_bot(settings: Settings, corpora: CorpusSet | Library, **options: Any) -> DiploBot:
    """The bot for these settings (sharded as SHARD_COUNT / SHARD_IDS say)."""
    return DiploBot(settings, corpora, **options)
