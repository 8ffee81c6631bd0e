"""Overload: interactions too old to answer in Discord's 3 s are shed, not answered late;
those that waited in a queue are deferred at once."""

from __future__ import annotations

import datetime
import logging

import discord
import pytest

from bot.app.client import DiploBot, create_bot
from retrieval.library import Library
from testkit.discord_fakes import RecordingAdapter, command_payload
from testkit.protocol import Callback, first_embed, is_ephemeral
from tests.bot.conftest import deliver, make_settings, running


def _aged(payload: dict, seconds: float) -> dict:
    """The payload of an interaction Discord created ``seconds`` ago."""
    created = discord.utils.utcnow() - datetime.timedelta(seconds=seconds)
    return {**payload, "id": str(discord.utils.time_snowflake(created))}


async def test_an_interaction_too_old_to_answer_is_shed_quietly(
    bot: DiploBot, recorder: RecordingAdapter, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot"):
        await deliver(bot, _aged(command_payload("brief", topic="peacekeeping"), 2.8))
    assert recorder.callbacks() == [], "no late response (it would only earn a 10062)"
    assert bot.tree.shed.total == 1
    assert "overloaded: shed 1 interaction(s)" in caplog.text
    await deliver(bot, command_payload("brief", topic="peacekeeping"))
    assert len(recorder.callbacks()) == 1, "a fresh one is answered"


async def test_one_that_waited_is_deferred_at_once(
    bot: DiploBot, recorder: RecordingAdapter, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    import bot.app.replies as replies_module
    from retrieval.engine import brief

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return brief(*args, **kwargs)

    monkeypatch.setattr(replies_module, "brief", slow)
    await deliver(bot, _aged(command_payload("brief", topic="peacekeeping"), 2.1))
    (callback,) = recorder.callbacks()
    assert callback["type"] == Callback.DEFERRED_CHANNEL_MESSAGE


async def test_past_the_longest_wait_the_user_is_told_busy_at_once_privately(
    bot: DiploBot,
    recorder: RecordingAdapter,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import bot.app.replies as replies_module
    from bot.app.overload import ReplyTiming

    worked: list[str] = []
    monkeypatch.setattr(replies_module, "brief", lambda *args, **kwargs: worked.append("brief"))
    # No queued work is short enough: the policy, pinned for the test.
    bot.replies.timing = ReplyTiming(max_wait=0.0)
    with caplog.at_level(logging.WARNING, logger="bot"):
        await deliver(bot, command_payload("brief", topic="peacekeeping"))
    (callback,) = recorder.callbacks()
    assert callback["type"] == Callback.CHANNEL_MESSAGE
    assert is_ephemeral(callback["data"])
    assert "busy" in callback["data"]["embeds"][0]["description"]
    assert worked == [], "no work is queued for an answer that would come too late"
    assert bot.replies.turned_away.total == 1 and bot.replies.shed.total == 0
    assert "the bot is busy" in caplog.text


async def test_within_the_longest_wait_the_user_gets_the_briefing(
    bot: DiploBot, recorder: RecordingAdapter
) -> None:
    from bot.app.overload import ReplyTiming

    bot.replies.timing = ReplyTiming(max_wait=60.0)
    await deliver(bot, command_payload("brief", topic="peacekeeping"))
    (callback,) = recorder.callbacks()
    assert callback["type"] == Callback.CHANNEL_MESSAGE
    assert not is_ephemeral(callback["data"])
    assert bot.replies.turned_away.total == 0


def test_the_pace_counts_only_completions_while_every_worker_was_busy() -> None:
    from bot.app.overload import Pace

    now = [100.0]
    pace = Pace(initial=0.01, clock=lambda: now[0])
    pace.done(saturated=False)
    now[0] += 5.0  # idle for 5 s: not a measure of how fast the queue clears
    pace.done(saturated=False)
    assert pace.wait(10) == pytest.approx(0.1)
    for _ in range(50):
        now[0] += 0.5
        pace.done(saturated=True)
    assert pace.wait(10) == pytest.approx(5.0, rel=0.01)


async def test_closing_sends_the_answers_in_flight_and_tells_newcomers_the_bot_is_busy(
    library: Library,
    recorder: RecordingAdapter,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import asyncio
    import time

    import bot.app.replies as replies_module
    from bot.app.overload import ReplyTiming
    from retrieval.engine import brief

    def slow(*args, **kwargs):
        time.sleep(0.5)
        return brief(*args, **kwargs)

    monkeypatch.setattr(replies_module, "brief", slow)
    async with running(create_bot(make_settings(), library)) as client:
        # The policy, pinned: defer at once; a drain long enough for the slow answer.
        client.replies.timing = ReplyTiming(defer_after=0.0, backlog=0.0, drain=30.0)
        client._connection.parse_interaction_create(command_payload("brief", topic="peacekeeping"))  # type: ignore[arg-type]  # a payload as the gateway sends it
        while not recorder.callbacks():
            await asyncio.sleep(0.01)
        closing = asyncio.ensure_future(client.close())
        await asyncio.sleep(0)
        await deliver(client, command_payload("brief", topic="soft power"))
        with caplog.at_level(logging.WARNING, logger="bot"):
            await closing
    first, newcomer = recorder.callbacks()
    assert first["type"] == Callback.DEFERRED_CHANNEL_MESSAGE
    edits = [r for r in recorder.requests if r.method == "PATCH"]
    assert len(edits) == 1, "the deferred answer was sent before the session closed"
    assert first_embed(edits[0].payload)["title"]
    assert is_ephemeral(newcomer["data"]) and "busy" in first_embed(newcomer["data"])["description"]
    assert "unfinished" not in caplog.text


async def test_closing_gives_up_on_answers_past_the_drain_saying_how_many(
    library: Library,
    recorder: RecordingAdapter,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import asyncio
    import threading

    import bot.app.replies as replies_module
    from bot.app.overload import ReplyTiming

    release = threading.Event()
    monkeypatch.setattr(replies_module, "brief", lambda *args, **kwargs: release.wait(5))
    async with running(create_bot(make_settings(), library)) as client:
        client.replies.timing = ReplyTiming(defer_after=0.0, backlog=0.0, drain=0.05)
        client._connection.parse_interaction_create(command_payload("brief", topic="peacekeeping"))  # type: ignore[arg-type]  # a payload as the gateway sends it
        while not recorder.callbacks():
            await asyncio.sleep(0.01)
        with caplog.at_level(logging.WARNING, logger="bot"):
            assert await client.replies.drain() == 1
        release.set()
    assert "shutting down with 1 answer(s) unfinished" in caplog.text
