"""Process entry for `diplobrief run` and `diplobrief sync`: check the token, load the
corpus before connecting, then run the bot (or sync its commands globally and exit)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Iterator
from typing import Any

import aiohttp
import discord

from bot.app.client import create_bot
from bot.app.redact import RedactingFilter
from bot.defaults import parse_limits
from bot.settings import Settings
from retrieval.corpus_set import CorpusSet
from retrieval.model import CorpusError
from retrieval.parsing import use_limits
from retrieval.semantic import SemanticUnavailableError, encoder_for

log = logging.getLogger(__name__)


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
    configure_logging(settings.log_level, log_queries=settings.log_queries)
    try:
        limits = parse_limits(settings)
        use_limits(limits)  # for what is read without them
        corpora = CorpusSet.load(
            settings.corpus_dir, encoder=encoder_for(settings.search_mode), limits=limits
        )
    except (CorpusError, SemanticUnavailableError) as error:
        print(f"diplobrief: error: {error}", file=sys.stderr)
        return 2
    for skipped in corpora.shared.skipped:
        log.warning("skipped %s: %s", skipped.path, skipped.reason)
    token = settings.discord_token.get_secret_value().strip()
    bot = create_bot(settings, corpora)
    try:
        asyncio.run(_sync_globally(bot, token) if sync_only else _serve(bot, token))
    except KeyboardInterrupt:
        return 0
    except discord.LoginFailure:
        return _fail("DISCORD_TOKEN was rejected by Discord")
    except TimeoutError:
        return _fail(f"Discord did not answer within {STARTUP_TIMEOUT_SECONDS:g} s; try again")
    except (aiohttp.ClientError, discord.GatewayNotFound, discord.HTTPException, OSError) as error:
        return _fail(f"cannot reach Discord: {_first_line(error)}")
    return 0


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]  # its stream is whatever sys.stderr is at each write
    """A handler writing to whatever ``sys.stderr`` is when it writes."""

    @property  # type: ignore[override]  # a read-only view of sys.stderr replaces the attribute
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def configure_logging(level: str, *, log_queries: bool = False) -> None:
    """One handler on the root logger (a second run in the same process replaces it),
    in discord.py's format, redacting tokens and (unless LOG_QUERIES) users' text; no
    warning about voice support the bot does not use."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _CurrentStderr)]:
        root.removeHandler(handler)
    handler = _CurrentStderr()
    # Plain text, never discord.py's colour codes: the CLI's terminal-safe stderr shows
    # escape sequences literally, and redirected logs (Docker, files) want none.
    handler.setFormatter(
        logging.Formatter(
            "[{asctime}] [{levelname:<8}] {name}: {message}", "%Y-%m-%d %H:%M:%S", style="{"
        )
    )
    handler.addFilter(RedactingFilter(keep_queries=log_queries))
    root.addHandler(handler)
    root.setLevel(getattr(logging, level))
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False


# Logging in must finish within this time (a REST endpoint that never answers would
# otherwise hang the start for minutes).
STARTUP_TIMEOUT_SECONDS = 30.0


async def _serve(bot: discord.Client, token: str) -> None:
    async with bot:
        with _closed_on_sigterm(bot):
            await asyncio.wait_for(bot.login(token), STARTUP_TIMEOUT_SECONDS)
            await bot.connect()


@contextlib.contextmanager
def _closed_on_sigterm(bot: discord.Client) -> Iterator[None]:
    """SIGTERM (`docker stop`, systemd) closes the bot as Ctrl-C does: the answers in
    flight are sent first (:meth:`bot.app.replies.Replies.drain`)."""
    loop = asyncio.get_running_loop()
    closing: set[asyncio.Future[None]] = set()  # a reference, so the task is not collected
    try:
        loop.add_signal_handler(
            signal.SIGTERM, lambda: closing.add(asyncio.ensure_future(bot.close()))
        )
    except (NotImplementedError, RuntimeError):  # no signals here (Windows, another thread)
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGTERM)


async def _sync_globally(bot: discord.Client, token: str) -> None:
    async with bot:
        # Logging in runs setup_hook, which loads the commands.
        await asyncio.wait_for(bot.login(token), STARTUP_TIMEOUT_SECONDS)
        synced = await bot.tree.sync()  # type: ignore[attr-defined]  # bot is a DiploBot, typed Client where it is made
        print(f"synced {len(synced)} commands globally")


def _fail(message: str) -> int:
    print(f"diplobrief: error: {message}", file=sys.stderr)
    return 2


def _first_line(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text.splitlines()[0]
