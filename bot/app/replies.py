"""The one reply flow every briefing takes: /brief, /ask, /cases and the More button.

The briefing is built in a worker thread; if it is not ready within
:data:`bot.app.overload.DEFER_AFTER_SECONDS` the interaction is deferred first, so Discord's 3-second
window is never missed. The reply carries its components (More, Read section), whose
views are tracked so a timeout can disable them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import discord

from bot.app import limits
from bot.app.components.briefing import BriefingView, QueryStore, ReplyKind, briefing_view
from bot.app.components.feedback import COMMANDS, can_discuss, feedback_items, rated_answer
from bot.app.corpora import Corpora
from bot.app.embeds import briefing_embed, error_embed, section_embeds
from bot.app.errors import answers_errors
from bot.app.failures import Busy, UserFacingError
from bot.app.overload import (
    TURNED_AWAY,
    MovingAverage,
    Pace,
    ReplyTiming,
    ShedCounter,
    age,
    too_late,
)
from bot.present.text import truncate
from bot.ratings.service import Ratings
from bot.settings import Settings
from retrieval.briefing import Briefing
from retrieval.engine import Style, brief
from retrieval.library import Library

log = logging.getLogger(__name__)

# First responses in flight at once (the HTTP pool has room for more: edits and
# follow-ups are not in a hurry).
RESPONSES_IN_FLIGHT = 16
BRIEFING_WORKERS = 2
# Edits of deferred responses in flight at once (they have 15 minutes).
EDITS_IN_FLIGHT = 4
# Views kept in memory so their timeout can grey out the components; older ones are
# stopped (their buttons still work: their state is in the custom_id).
MAX_LIVE_VIEWS = 1000


BriefingMaker = Callable[[Library], Briefing]


class TooLate(Exception):
    """The answer is not ready and the interaction is too old to defer: give it up."""


def briefing_maker(kind: ReplyKind, text: str, *, offset: int = 0, count: int) -> BriefingMaker:
    """What builds a reply of this kind: /brief's policy-brief style (More: the ranked
    excerpts it did not quote), or the ranked excerpts of /brief style:flat and /ask."""
    style = Style.POLICY if kind is ReplyKind.BRIEF else Style.RANKED
    return lambda library: brief(library, text, style, offset=offset, count=count)


class Replies:
    """Builds and sends briefing replies for the cogs and the components."""

    def __init__(
        self,
        settings: Settings,
        corpora: Corpora,
        ratings: Ratings,
        *,
        timing: ReplyTiming | None = None,
    ) -> None:
        self.settings = settings
        self.timing = timing or ReplyTiming()
        self.corpora = corpora
        self.ratings = ratings
        self.query_store = QueryStore()
        self.live_views: dict[int, BriefingView] = {}
        self.shed = ShedCounter()
        self.turned_away = ShedCounter(TURNED_AWAY)
        self._responding = asyncio.Semaphore(RESPONSES_IN_FLIGHT)
        self._round_trips = MovingAverage()
        self._pace = Pace(initial=0.01 / BRIEFING_WORKERS)  # seconds a briefing takes
        self._editing = asyncio.Semaphore(EDITS_IN_FLIGHT)
        # Briefings are CPU work under the GIL: more threads would only take CPU from the
        # event loop, which must keep answering.
        self._workers = ThreadPoolExecutor(BRIEFING_WORKERS, thread_name_prefix="briefing")
        self._queued = 0
        self._in_flight = 0  # briefings being built or sent
        self._idle = asyncio.Event()
        self._idle.set()
        self._closing = False

    def library_for(self, interaction: discord.Interaction) -> Library:
        """The library this interaction may search: its server's, else the shared one."""
        return self.corpora.library_for(interaction.guild_id)

    async def search(
        self,
        interaction: discord.Interaction,
        text: str,
        *,
        kind: ReplyKind,
        private: bool,
        preface: str | None = None,
    ) -> None:
        """Answer /brief or /ask: the briefing, or a private "nothing found";
        ``preface`` is a line of text above it (the message a context menu asked about)."""
        await self.send_briefing(
            interaction,
            briefing_maker(kind, text, count=self.settings.top_k),
            kind=kind,
            private=private,
            logged_query=text,
            preface=preface,
        )

    async def send_briefing(
        self,
        interaction: discord.Interaction,
        make: BriefingMaker,
        *,
        kind: ReplyKind,
        private: bool,
        logged_query: str,
        in_place: bool = False,
        preface: str | None = None,
    ) -> None:
        """Build a briefing off the event loop (deferring if it is slow) and send it with
        its components; ``in_place`` edits the message a component was pressed on."""
        started = time.perf_counter()
        library = self.library_for(interaction)  # a reload meanwhile does not affect this
        async with self._answering(interaction):
            briefing = await self._off_loop(
                interaction, lambda: make(library), private=private, in_place=in_place
            )
            if in_place and not briefing.found:
                raise UserFacingError("There are no more excerpts for this query.")
            embed = briefing_embed(briefing, question=kind is ReplyKind.ASK)
            view = self._view(interaction, briefing, kind, library.mode, private=private)
            if not briefing.found and not in_place and not private:  # private stays private
                self._note_unanswered(interaction, kind, library.mode, logged_query)
            await self._send(
                interaction,
                embed,
                view,
                ephemeral=private or not briefing.found,
                in_place=in_place,
                content=preface,
            )
            self.log_command(interaction, logged_query, len(briefing.sources), started)

    @contextlib.asynccontextmanager
    async def _answering(self, interaction: discord.Interaction) -> AsyncIterator[None]:
        """Count an answer in flight while it is built and sent (for :meth:`drain`); one
        too late to send is shed, and one the bot is too busy for is told so."""
        self._in_flight += 1
        self._idle.clear()
        try:
            yield
        except TooLate:
            self.shed.shed(interaction)
        except Busy as busy:
            await self._turn_away(interaction, busy)
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()

    async def _turn_away(self, interaction: discord.Interaction, busy: Busy) -> None:
        """Tell the user, privately and at once, that the bot is busy (shed instead when
        even that could no longer reach Discord in time)."""
        try:
            await self._respond(
                interaction,
                lambda: interaction.response.send_message(
                    embed=error_embed(str(busy)), ephemeral=True
                ),
            )
        except TooLate:
            self.shed.shed(interaction)
            return
        self.turned_away.shed(interaction)

    def _note_unanswered(
        self, interaction: discord.Interaction, kind: ReplyKind, mode: str, query: str
    ) -> None:
        self.ratings.note_unanswered(
            guild_id=interaction.guild_id, command=COMMANDS[kind], mode=mode, query=query
        )

    def _view(
        self,
        interaction: discord.Interaction,
        briefing: Briefing,
        kind: ReplyKind,
        mode: str,
        *,
        private: bool,
    ) -> BriefingView | None:
        """More and Read section, then 👍 / 👎 and (where threads may be opened) Discuss."""
        view = briefing_view(briefing, kind=kind, store=self.query_store)
        if view is not None:
            pressed = interaction.message
            private = private or bool(pressed and pressed.flags.ephemeral)
            rated = rated_answer(briefing, kind, mode, self.query_store)
            for item in feedback_items(rated, discuss=can_discuss(interaction, private=private)):
                view.add_item(item)
        return view

    @answers_errors
    async def more(
        self, interaction: discord.Interaction, kind: ReplyKind, offset: int, reference: str
    ) -> None:
        """The More button: the next excerpts of the same query, in place."""
        query = self.query_store.resolve(reference)
        if query is None:
            raise UserFacingError("This briefing is too old to continue: run the command again.")
        await self.send_briefing(
            interaction,
            briefing_maker(kind, query, offset=offset, count=self.settings.top_k),
            kind=kind,
            private=False,
            logged_query=query,
            in_place=True,
        )

    @answers_errors
    async def read_section(self, interaction: discord.Interaction, key: str) -> None:
        """The Read section select: the full section, to the presser only."""
        library = self.library_for(interaction)
        section = library.section_by_key(key)
        if section is None:
            raise UserFacingError("That section is no longer in the corpus.")
        messages = section_embeds(library.article_of(section), section)
        await interaction.response.send_message(embeds=messages[0], ephemeral=True)
        for embeds in messages[1:]:
            await interaction.followup.send(embeds=embeds, ephemeral=True)

    async def _off_loop(
        self,
        interaction: discord.Interaction,
        work: Callable[[], Briefing],
        *,
        private: bool,
        in_place: bool,
    ) -> Briefing:
        loop = asyncio.get_running_loop()
        if self._closing or self._pace.wait(self._queued + 1) > self.timing.max_wait:
            raise Busy  # before any work is queued: cheap, and honest about the wait
        self._queued += 1
        try:
            if self._pace.wait(self._queued) > self.timing.backlog:
                # More queued than the workers clear in time: defer first, work after.
                # Deferring is one cheap request, and briefing threads would take the
                # CPU the event loop needs to send it.
                await self._defer(interaction, private=private, in_place=in_place)
                return await self._worked(loop.run_in_executor(self._workers, work))
            task = loop.run_in_executor(self._workers, work)
            # Defer after timing.defer_after, sooner if the interaction already waited.
            defer_after = self.timing.defer_after
            wait = max(0.0, min(defer_after, self.timing.defer_by - age(interaction)))
            done, _ = await asyncio.wait({task}, timeout=wait)
            if not done:
                await self._defer(interaction, private=private, in_place=in_place)
            return await self._worked(task)
        finally:
            self._queued -= 1

    async def _worked(self, job: Awaitable[Briefing]) -> Briefing:
        """The job's briefing, its completion counted in the pace."""
        try:
            return await job
        finally:
            self._pace.done(saturated=self._queued > BRIEFING_WORKERS)

    async def _defer(
        self, interaction: discord.Interaction, *, private: bool, in_place: bool
    ) -> None:
        if interaction.response.is_done():
            return
        if in_place:  # "updating…" on the pressed message
            await self._respond(interaction, interaction.response.defer)
        else:
            await self._respond(
                interaction, lambda: interaction.response.defer(ephemeral=private, thinking=True)
            )

    async def _respond(
        self, interaction: discord.Interaction, respond: Callable[[], Awaitable[Any]]
    ) -> None:
        """Send a first response, a few at a time and in arrival order, so that a burst
        queues here, where its age is known, rather than in the HTTP pool: one whose
        turn comes too late is given up (TooLate) instead of sent late."""
        async with self._responding:
            if too_late(interaction, self._round_trips.expected):
                raise TooLate
            started = time.perf_counter()
            await respond()
            self._round_trips.record(time.perf_counter() - started)

    async def _send(
        self,
        interaction: discord.Interaction,
        embed: discord.Embed,
        view: BriefingView | None,
        *,
        ephemeral: bool,
        in_place: bool,
        content: str | None = None,
    ) -> None:
        kwargs: dict[str, Any] = {"embed": embed}
        if content:
            kwargs["content"] = truncate(content, limits.MESSAGE_CONTENT)
        if view is not None:
            kwargs["view"] = view
        elif in_place:
            kwargs["view"] = None  # the last page: remove the spent components
        message: discord.Message | None = None
        if interaction.response.is_done():
            async with self._editing:  # not in a hurry: first responses come first
                message = await interaction.edit_original_response(**kwargs)
        elif in_place:
            await self._respond(interaction, lambda: interaction.response.edit_message(**kwargs))
        else:
            await self._respond(
                interaction,
                lambda: interaction.response.send_message(**kwargs, ephemeral=ephemeral),
            )
        if view is not None:
            view.interaction = interaction
            pressed_on = interaction.message if in_place else None
            message_id = getattr(message or pressed_on, "id", None)
            if message_id is not None:
                self._track(message_id, view)

    def _track(self, message_id: int, view: BriefingView) -> None:
        old = self.live_views.pop(message_id, None)
        if old is not None and old is not view:
            old.stop()  # superseded: its timeout must not disable the new components
        self.live_views[message_id] = view
        while len(self.live_views) > MAX_LIVE_VIEWS:
            self.live_views.pop(next(iter(self.live_views))).stop()

    def stop_views(self) -> None:
        """Stop every live view (their timeouts must not outlive the bot)."""
        for view in list(self.live_views.values()):
            view.stop()

    async def drain(self) -> int:
        """At shutdown: take no new work (the user is told the bot is busy) and give the
        answers in flight ``timing.drain`` seconds to finish; how many did not."""
        self._closing = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), self.timing.drain)
        if self._in_flight:
            log.warning("shutting down with %d answer(s) unfinished", self._in_flight)
        return self._in_flight

    def close(self) -> None:
        """At shutdown: stop the views and the briefing workers."""
        self.stop_views()
        self._workers.shutdown(wait=False, cancel_futures=True)

    def log_command(
        self, interaction: discord.Interaction, query: str, hits: int, started: float
    ) -> None:
        """One line per command: name, query length, hits, time; the text only when
        LOG_QUERIES is on."""
        command = interaction.command.qualified_name if interaction.command else "more"
        elapsed = (time.perf_counter() - started) * 1000
        extra = f" query={query!r}" if self.settings.log_queries else ""
        log.info("/%s query_len=%d hits=%d ms=%.1f%s", command, len(query), hits, elapsed, extra)
