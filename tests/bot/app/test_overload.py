"""Overload: interactions too old to answer in Discord's 3 s are shed, not answered late;
those that waited in a queue are deferred at once."""

from __future__ import annotations

import datetime
import logging

import discord
import pytest

from bot.app.client import DiploBot
from testkit.discord_fakes import RecordingAdapter, command_payload
from testkit.protocol import Callback
from tests.bot.conftest import deliver


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
