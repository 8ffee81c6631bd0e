"""Process entry for `diplobrief run` and `diplobrief sync`: check the token, load the
corpus before connecting, then run the bot (or sync its commands globally and exit)."""

from __future__ import annotations

import asyncio
import logging
import sys

import discord

from bot.client import create_bot
from bot.settings import Settings
from retrieval.library import CorpusSet
from retrieval.model import CorpusError
from retrieval.semantic import SemanticUnavailableError, encoder_for

log = logging.getLogger("diplobrief")


def token_problem(settings: Settings) -> str | None:
    """Why the token cannot be used, in one line naming the setting, or None."""
    if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
        return "DISCORD_TOKEN is not set: put the bot token in .env (see .env.example)"
    token = settings.discord_token.get_secret_value().strip()
    if token.count(".") != 2 or any(c.isspace() for c in token):
        return "DISCORD_TOKEN is malformed: copy the whole token from the Discord developer portal"
    return None


def run_bot(settings: Settings, *, sync_only: bool = False) -> int:
    """`diplobrief run` / `diplobrief sync`; returns the exit status."""
    problem = token_problem(settings)
    if problem or settings.discord_token is None:
        print(f"diplobrief: error: {problem}", file=sys.stderr)
        return 2
    discord.utils.setup_logging(level=getattr(logging, settings.log_level))
    try:
        corpora = CorpusSet.load(settings.corpus_dir, encoder=encoder_for(settings.search_mode))
    except (CorpusError, SemanticUnavailableError) as error:
        print(f"diplobrief: error: {error}", file=sys.stderr)
        return 2
    for skipped in corpora.shared.skipped:
        log.warning("skipped %s: %s", skipped.path, skipped.reason)
    token = settings.discord_token.get_secret_value().strip()
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


async def _sync_globally(bot: discord.Client, token: str) -> None:
    async with bot:
        await bot.login(token)  # runs setup_hook, which loads the commands
        synced = await bot.tree.sync()  # type: ignore[attr-defined]
        print(f"synced {len(synced)} commands globally")
