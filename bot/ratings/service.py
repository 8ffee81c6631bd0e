"""The store as the bot uses it: opened at start, written off the event loop (one writer
thread, so SQLite never sees two writers from this process), and never in the way of an
answer. If the store cannot be opened or written, ratings are off: the log says so once,
the bot keeps answering, and the store is tried again after a second, then after longer
waits (doubling, at most half a minute). A row the database refuses (bad input) fails
that one request only. A vote waits at most VOTE_WAIT_SECONDS for its write, so its
reply comes within Discord's 3 s whatever the store does.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from bot.ratings.store import (
    SALT_FILE,
    Store,
    StoreInputError,
    StoreUnavailableError,
    Vote,
    database_url,
    redacted,
)
from bot.settings import Settings

log = logging.getLogger(__name__)

# How long after a failure the store is tried again: the first wait, doubled after each
# failure up to the last.
RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 30.0
# How long a vote's reply waits for its write (Discord allows 3 s for the reply).
VOTE_WAIT_SECONDS = 2.0
# How long shutting down waits for writes still queued.
CLOSE_SECONDS = 10.0
T = TypeVar("T")


class Ratings:
    """Votes and unanswered queries, stored when the store is available."""

    def __init__(
        self,
        settings: Settings,
        *,
        retry_seconds: float = RETRY_SECONDS,
        vote_wait: float = VOTE_WAIT_SECONDS,
    ) -> None:
        given = settings.database_url.get_secret_value() if settings.database_url else None
        self.url = database_url(given, settings.data_dir)
        self.salt_file = settings.data_dir / SALT_FILE
        self.record_unanswered = settings.record_unanswered
        self.retry_seconds = retry_seconds
        self.vote_wait = vote_wait
        self._store: Store | None = None
        self._retry_at = 0.0
        self._failures = 0
        self._off_logged = False
        self.last_error: str | None = None
        self.off_since: float | None = None
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="store")
        self._background: set[asyncio.Task[Any]] = set()

    @property
    def available(self) -> bool:
        """Whether votes are being stored now."""
        return self._store is not None

    async def open(self) -> None:
        """Open the store at start; a failure turns ratings off (logged), never raises."""
        await self._ensure()

    @property
    def health(self) -> str:
        """One line for /report and the log: on, or off since when and why."""
        if self._store is not None or self.off_since is None:
            return "ratings are on" if self._store is not None else "ratings are not open yet"
        ago = time.monotonic() - self.off_since
        return f"ratings are off for {ago:.0f} s ({self.last_error}); retrying"

    async def vote_in_time(self, vote: Vote) -> bool:
        """:meth:`vote`, waiting at most ``vote_wait`` seconds: False when the write is not
        committed by then (it may still be, later; the voter is told to press again)."""
        task = asyncio.ensure_future(self.vote(vote))
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        try:
            return await asyncio.wait_for(asyncio.shield(task), self.vote_wait)
        except TimeoutError:
            return False

    async def vote(self, vote: Vote) -> bool:
        """Store a vote (committed when this returns True); False when ratings are off.
        The query's text is kept only with RECORD_UNANSWERED, and never for an answer
        shown to the asker alone: otherwise the vote is stored with what it cited."""
        if vote.private or not self.record_unanswered:
            vote = dataclasses.replace(vote, query="")
        stored = await self._run(lambda store: store.record_vote(vote))
        if stored and not vote.up and self.record_unanswered and not vote.private:
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
        except StoreInputError as error:  # this request's data: the store is fine
            log.info("a rating was not stored: the database refused its data (%s)", error)
            return False
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
                self._writer, lambda: Store.open(self.url, salt_file=self.salt_file)
            )
        except StoreUnavailableError as error:
            self._went_off(error)
            return None
        self._store = store
        self._failures = 0
        self.off_since = None
        if self._off_logged:
            log.warning("ratings are on again (%s)", redacted(self.url))
            self._off_logged = False
        return store

    def _went_off(self, error: StoreUnavailableError) -> None:
        if self._store is not None:
            self._store.close()
        self._store = None
        wait = min(self.retry_seconds * 2**self._failures, MAX_RETRY_SECONDS)
        self._failures += 1
        self._retry_at = time.monotonic() + wait
        self.last_error = str(error)
        if self.off_since is None:
            self.off_since = time.monotonic()
        if not self._off_logged:
            log.warning(
                "ratings are off: the store cannot be used (%s); the bot keeps answering"
                " and tries again in %.0f s, then less often (at most every %.0f s)",
                error,
                wait,
                MAX_RETRY_SECONDS,
            )
            self._off_logged = True
