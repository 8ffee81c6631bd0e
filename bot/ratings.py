"""The store as the bot uses it: opened at start, written off the event loop (one writer
thread, so SQLite never sees two writers from this process), and never in the way of an
answer. If the store cannot be opened or written, ratings are off: the log says so once,
the bot keeps answering, and the store is tried again a minute later.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from bot.settings import Settings
from bot.store import Store, StoreUnavailableError, Vote, database_url, redacted

log = logging.getLogger("diplobrief")

# How long after a failure the store is tried again.
RETRY_SECONDS = 60.0
# How long shutting down waits for writes still queued.
CLOSE_SECONDS = 10.0
T = TypeVar("T")


class Ratings:
    """Votes and unanswered queries, stored when the store is available."""

    def __init__(self, settings: Settings, *, retry_seconds: float = RETRY_SECONDS) -> None:
        given = settings.database_url.get_secret_value() if settings.database_url else None
        self.url = database_url(given, settings.data_dir)
        self.record_unanswered = settings.record_unanswered
        self.retry_seconds = retry_seconds
        self._store: Store | None = None
        self._retry_at = 0.0
        self._off_logged = False
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="store")
        self._background: set[asyncio.Task[Any]] = set()

    @property
    def available(self) -> bool:
        """Whether votes are being stored now."""
        return self._store is not None

    async def open(self) -> None:
        """Open the store at start; a failure turns ratings off (logged), never raises."""
        await self._ensure()

    async def vote(self, vote: Vote) -> bool:
        """Store a vote (committed when this returns True); False when ratings are off."""
        stored = await self._run(lambda store: store.record_vote(vote))
        if stored and not vote.up and self.record_unanswered:
            await self._run(
                lambda store: store.record_unanswered(
                    guild_id=vote.guild_id,
                    command=vote.command,
                    mode=vote.mode,
                    query=vote.query,
                    reason="downvoted",
                )
            )
        return stored

    def note_unanswered(self, *, guild_id: int | None, command: str, mode: str, query: str) -> None:
        """With RECORD_UNANSWERED, store a query the corpus did not answer, in the
        background (the answer never waits for it)."""
        if not self.record_unanswered:
            return
        task = asyncio.ensure_future(
            self._run(
                lambda store: store.record_unanswered(
                    guild_id=guild_id, command=command, mode=mode, query=query, reason="abstained"
                )
            )
        )
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def read(self, work: Callable[[Store], T]) -> T | None:
        """Run a read on the store (None when ratings are off)."""
        store = await self._ensure()
        if store is None:
            return None
        try:
            return await asyncio.get_running_loop().run_in_executor(None, work, store)
        except StoreUnavailableError as error:
            self._went_off(error)
            return None

    async def close(self) -> None:
        """Finish queued writes (waiting at most CLOSE_SECONDS, off the event loop) and
        release the store."""
        pending = [*self._background]
        try:
            if pending:
                await asyncio.wait_for(
                    asyncio.gather(*pending, return_exceptions=True), CLOSE_SECONDS
                )
            await asyncio.wait_for(
                asyncio.get_running_loop().run_in_executor(None, self._writer.shutdown),
                CLOSE_SECONDS,
            )
        except TimeoutError:
            log.warning("the ratings store did not finish its writes within %.0f s", CLOSE_SECONDS)
        if self._store is not None:
            self._store.close()

    async def _run(self, work: Callable[[Store], None]) -> bool:
        store = await self._ensure()
        if store is None:
            return False
        try:
            await asyncio.get_running_loop().run_in_executor(self._writer, work, store)
        except StoreUnavailableError as error:
            self._went_off(error)
            return False
        return True

    async def _ensure(self) -> Store | None:
        """The store, opening it if it is closed and a retry is due."""
        if self._store is not None or time.monotonic() < self._retry_at:
            return self._store
        try:
            store = await asyncio.get_running_loop().run_in_executor(
                self._writer, Store.open, self.url
            )
        except StoreUnavailableError as error:
            self._went_off(error)
            return None
        self._store = store
        if self._off_logged:
            log.warning("ratings are on again (%s)", redacted(self.url))
            self._off_logged = False
        return store

    def _went_off(self, error: StoreUnavailableError) -> None:
        if self._store is not None:
            self._store.close()
        self._store = None
        self._retry_at = time.monotonic() + self.retry_seconds
        if not self._off_logged:
            log.warning(
                "ratings are off: the store cannot be used (%s); the bot keeps answering"
                " and tries again every %.0f s",
                error,
                self.retry_seconds,
            )
            self._off_logged = True
