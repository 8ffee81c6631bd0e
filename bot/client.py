"""The Discord bot: built with its settings and library, loads cogs in setup_hook,
answers interactions within Discord's limits and never pings anyone."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.embeds import briefing_embed, section_embeds
from bot.errors import UserFacingError, report_error
from bot.settings import Settings, make_encoder
from bot.views import BriefingView, MoreButton, QueryStore, ReadSectionSelect, briefing_view
from retrieval.briefing import Briefing, build_briefing
from retrieval.library import CorpusSet, Library
from retrieval.model import CorpusError
from retrieval.query import warm_up
from retrieval.semantic import SemanticUnavailableError

log = logging.getLogger("diplobrief")

# Answer directly when the work is done by then; otherwise defer first, well inside
# Discord's 3-second window.
DEFER_AFTER_SECONDS = 1.0
HTTP_CONNECTIONS = 32
EXTENSIONS = ("bot.cogs.briefing", "bot.cogs.cases", "bot.cogs.meta")
KIND_BRIEF, KIND_ASK, KIND_CASE = "b", "a", "c"


class DiploBotMixin:
    """The behaviour shared by the single-process and the sharded bot."""

    settings: Settings
    corpora: CorpusSet
    query_store: QueryStore
    tree: app_commands.CommandTree

    def _init_diplobrief(self, settings: Settings, corpora: CorpusSet | Library) -> None:
        self.settings = settings
        self.corpora = corpora if isinstance(corpora, CorpusSet) else CorpusSet(corpora, {})
        self.query_store = QueryStore()
        self._live_views: dict[int, BriefingView] = {}
        self._reload_lock = asyncio.Lock()
        self._background: set[asyncio.Task[Any]] = set()

    @property
    def library(self) -> Library:
        """The shared library (what DMs and servers without their own folder search)."""
        return self.corpora.shared

    def library_for(self, interaction: discord.Interaction) -> Library:
        """The library this interaction may search: its server's, else the shared one."""
        return self.corpora.for_guild(interaction.guild_id)

    async def reload_corpus(self) -> str:
        """Re-read the corpus off the event loop and swap it in whole; requests already
        running finish on the old one. A failed reload keeps serving the old corpus."""
        async with self._reload_lock:
            before = self.corpora
            try:
                after = await asyncio.to_thread(
                    CorpusSet.load,
                    self.settings.corpus_dir,
                    name=before.shared.name,
                    encoder=before.shared.encoder,
                )
            except CorpusError as error:
                log.warning("reload failed, keeping the old corpus: %s", error)
                raise UserFacingError(
                    f"Reload failed; still serving the previous corpus. {error}"
                ) from error
            self.corpora = after
        summary = describe_reload(before, after)
        log.info("corpus reloaded: %s", summary)
        return summary

    def _on_sighup(self) -> None:
        task = asyncio.ensure_future(self._reload_quietly())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _reload_quietly(self) -> None:
        with contextlib.suppress(UserFacingError):  # already logged
            await self.reload_corpus()

    async def login(self, token: str) -> None:
        # A bounded pool lets a burst of replies reuse connections (keep-alive) instead
        # of opening one per reply, as discord.py's unlimited default does.
        if self.http.connector is discord.utils.MISSING:  # type: ignore[attr-defined]
            self.http.connector = aiohttp.TCPConnector(limit=HTTP_CONNECTIONS)  # type: ignore[attr-defined]
        await super().login(token)  # type: ignore[misc]

    async def setup_hook(self) -> None:
        await asyncio.to_thread(warm_up)
        with contextlib.suppress(NotImplementedError, AttributeError, RuntimeError, ValueError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._on_sighup)
        for extension in EXTENSIONS:
            await self.load_extension(extension)  # type: ignore[attr-defined]
        self.add_dynamic_items(MoreButton, ReadSectionSelect)  # type: ignore[attr-defined]
        self.tree.on_error = report_error  # type: ignore[method-assign]
        if self.settings.dev_guild_id:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to the dev guild %s", len(synced), guild.id)

    async def close(self) -> None:
        with contextlib.suppress(NotImplementedError, AttributeError, RuntimeError, ValueError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
        for view in list(self._live_views.values()):
            view.stop()
        await super().close()  # type: ignore[misc]

    async def on_ready(self) -> None:
        user = getattr(self, "user", None)
        log.info("ready as %s; %d sections loaded", user, len(self.library.sections))

    # -- flows the cogs and components hand over to ---------------------------------

    async def run_off_loop(
        self, interaction: discord.Interaction, work: Callable[[], Any], *, ephemeral: bool
    ) -> Any:
        """Run CPU work in a worker thread; defer the interaction if it is not done
        quickly, so Discord's 3-second window is never missed."""
        task = asyncio.ensure_future(asyncio.to_thread(work))
        done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER_SECONDS)
        if not done and not interaction.response.is_done():
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        return await task

    async def respond_briefing(
        self, interaction: discord.Interaction, text: str, *, kind: str, private: bool
    ) -> None:
        """Answer /brief or /ask: the briefing embed with More and Read section; a miss is
        answered to the caller only."""
        started = time.perf_counter()
        library = self.library_for(interaction)  # a reload meanwhile does not affect this
        briefing: Briefing = await self.run_off_loop(
            interaction,
            lambda: build_briefing(library, text, count=self.settings.top_k),
            ephemeral=private,
        )
        embed = briefing_embed(briefing, question=kind == KIND_ASK)
        view = briefing_view(briefing, kind=kind, store=self.query_store)
        await self.send_reply(interaction, embed, view, ephemeral=private or not briefing.found)
        self.log_command(interaction, text, len(briefing.sources), started)

    async def send_reply(
        self,
        interaction: discord.Interaction,
        embed: discord.Embed,
        view: BriefingView | None,
        *,
        ephemeral: bool,
    ) -> None:
        """Send (or, after a defer, edit in) an embed with its components, and keep the
        view so its timeout can disable them."""
        kwargs: dict[str, Any] = {"embed": embed}
        if view is not None:
            kwargs["view"] = view
        if interaction.response.is_done():
            message = await interaction.edit_original_response(**kwargs)
        else:
            await interaction.response.send_message(**kwargs, ephemeral=ephemeral)
            message = None
        if view is not None:
            view.interaction = interaction
            message_id = message.id if message else getattr(interaction.message, "id", None)
            if message_id is not None:
                self._track(message_id, view)

    def _track(self, message_id: int, view: BriefingView) -> None:
        old = self._live_views.pop(message_id, None)
        if old is not None and old is not view:
            old.stop()  # superseded: its timeout must not disable the new components
        self._live_views[message_id] = view
        while len(self._live_views) > 1000:
            self._live_views.pop(next(iter(self._live_views))).stop()

    async def on_more(
        self, interaction: discord.Interaction, kind: str, offset: int, reference: str
    ) -> None:
        """The More button: the next excerpts of the same query, in place."""
        try:
            query = self.query_store.resolve(reference)
            if query is None:
                raise UserFacingError(
                    "This briefing is too old to continue: run the command again."
                )
            started = time.perf_counter()
            briefing = await asyncio.to_thread(
                build_briefing,
                self.library_for(interaction),
                query,
                offset=offset,
                count=self.settings.top_k,
            )
            if not briefing.found:
                raise UserFacingError("There are no more excerpts for this query.")
            embed = briefing_embed(briefing, question=kind == KIND_ASK)
            view = briefing_view(briefing, kind=kind, store=self.query_store)
            await interaction.response.edit_message(embed=embed, view=view)
            if view is not None and interaction.message is not None:
                view.interaction = interaction
                self._track(interaction.message.id, view)
            self.log_command(interaction, query, len(briefing.sources), started, name="more")
        except Exception as error:  # one bad press never takes the bot down
            await report_error(interaction, error)

    async def on_read_section(self, interaction: discord.Interaction, key: str) -> None:
        """The Read section select: the full section, to the presser only."""
        try:
            library = self.library_for(interaction)
            section = library.section_by_key(key)
            if section is None:
                raise UserFacingError("That section is no longer in the corpus.")
            messages = section_embeds(library.article_of(section), section)
            await interaction.response.send_message(embeds=messages[0], ephemeral=True)
            for embeds in messages[1:]:
                await interaction.followup.send(embeds=embeds, ephemeral=True)
        except Exception as error:
            await report_error(interaction, error)

    def log_command(
        self,
        interaction: discord.Interaction,
        query: str,
        hits: int,
        started: float,
        *,
        name: str | None = None,
    ) -> None:
        """One line per command: name, query length, hits, time; the text only when
        LOG_QUERIES is on."""
        command = name or (interaction.command.qualified_name if interaction.command else "?")
        elapsed = (time.perf_counter() - started) * 1000
        extra = f" query={query!r}" if self.settings.log_queries else ""
        log.info("/%s query_len=%d hits=%d ms=%.1f%s", command, len(query), hits, elapsed, extra)


def _bot_options(settings: Settings) -> dict[str, Any]:
    return {
        "command_prefix": commands.when_mentioned,
        "intents": discord.Intents(guilds=True),
        "allowed_mentions": discord.AllowedMentions.none(),
        "help_command": None,
        "allowed_installs": app_commands.AppInstallationType(guild=True, user=True),
        "allowed_contexts": app_commands.AppCommandContext(
            guild=True, dm_channel=True, private_channel=True
        ),
    }


class DiploBot(DiploBotMixin, commands.Bot):
    """diplobrief in one process."""

    def __init__(self, settings: Settings, corpora: CorpusSet | Library, **options: Any) -> None:
        super().__init__(**{**_bot_options(settings), **options})
        self._init_diplobrief(settings, corpora)


class ShardedDiploBot(DiploBotMixin, commands.AutoShardedBot):
    """diplobrief across shards (SHARD_COUNT / SHARD_IDS)."""

    def __init__(self, settings: Settings, corpora: CorpusSet | Library, **options: Any) -> None:
        sharding = {"shard_count": settings.shard_count, "shard_ids": settings.shard_ids}
        super().__init__(**{**_bot_options(settings), **sharding, **options})
        self._init_diplobrief(settings, corpora)


def create_bot(
    settings: Settings, corpora: CorpusSet | Library, **options: Any
) -> DiploBot | ShardedDiploBot:
    """The bot for these settings: sharded when SHARD_COUNT is set."""
    if settings.shard_count:
        return ShardedDiploBot(settings, corpora, **options)
    return DiploBot(settings, corpora, **options)


def describe_reload(before: CorpusSet, after: CorpusSet) -> str:
    """What a reload changed: articles added and removed, sections before and after."""
    old = {a.title for a in before.shared.articles}
    new = {a.title for a in after.shared.articles}
    parts = []
    if new - old:
        parts.append("added: " + ", ".join(sorted(new - old)))
    if old - new:
        parts.append("removed: " + ", ".join(sorted(old - new)))
    if set(before.guilds) != set(after.guilds):
        parts.append(f"servers with their own articles: {len(before.guilds)} → {len(after.guilds)}")
    parts.append(f"sections: {before.total_sections} → {after.total_sections}")
    return "; ".join(parts)


def token_problem(settings: Settings) -> str | None:
    """Why the token cannot be used, in one line naming the setting, or None."""
    if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
        return "DISCORD_TOKEN is not set: put the bot token in .env (see .env.example)"
    token = settings.discord_token.get_secret_value().strip()
    if token.count(".") != 2 or any(c.isspace() for c in token):
        return "DISCORD_TOKEN is malformed: copy the whole token from the Discord developer portal"
    return None


def run_bot(settings: Settings, *, sync_only: bool = False) -> int:
    """`diplobrief run` / `diplobrief sync`: check the token, load the corpus before
    connecting, then run (or sync the commands globally and exit)."""
    problem = token_problem(settings)
    if problem:
        print(f"diplobrief: error: {problem}", file=sys.stderr)
        return 2
    discord.utils.setup_logging(level=getattr(logging, settings.log_level))
    try:
        corpora = CorpusSet.load(settings.corpus_dir, encoder=make_encoder(settings))
    except (CorpusError, SemanticUnavailableError) as error:
        print(f"diplobrief: error: {error}", file=sys.stderr)
        return 2
    for skipped in corpora.shared.skipped:
        log.warning("skipped %s: %s", skipped.path, skipped.reason)
    token = settings.discord_token.get_secret_value().strip()  # type: ignore[union-attr]
    bot = create_bot(settings, corpora)
    try:
        if sync_only:
            asyncio.run(_sync_globally(bot, token))
        else:
            bot.run(token, log_handler=None)
    except discord.LoginFailure:
        print("diplobrief: error: DISCORD_TOKEN was rejected by Discord", file=sys.stderr)
        return 2
    return 0


async def _sync_globally(bot: commands.Bot, token: str) -> None:
    async with bot:
        await bot.login(token)  # runs setup_hook, which loads the commands
        synced = await bot.tree.sync()
        print(f"synced {len(synced)} commands globally")
