"""The real bot, started against the loopback Discord (:mod:`testkit.loopback`)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from bot.app.client import DiploBot, create_bot
from bot.settings import Settings
from retrieval.library import Library

TOKEN = "MTAw.fake.token"


async def _noop_identify(shard_id: int | None, *, initial: bool = False) -> None:
    return None


@contextlib.asynccontextmanager
async def running_bot(library: Library, settings: Settings) -> AsyncIterator[DiploBot]:
    """The bot logged in and READY; closed on leaving. Start it inside
    :func:`testkit.loopback.loopback`, which points discord.py at the fake."""
    bot = create_bot(settings, library, guild_ready_timeout=0.05)
    bot.before_identify_hook = _noop_identify  # type: ignore[method-assign]
    ready = asyncio.Event()

    async def on_ready() -> None:
        ready.set()

    bot.add_listener(on_ready, "on_ready")
    task = asyncio.create_task(bot.start(TOKEN))
    try:
        await asyncio.wait_for(ready.wait(), timeout=10)
        yield bot
    finally:
        bot.replies.stop_views()
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, timeout=5)
