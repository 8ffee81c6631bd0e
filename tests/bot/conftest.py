"""Fixtures for the bot: the real bot, built with real settings and the real corpus,
its interaction HTTP recorded instead of sent."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import discord
import pytest
from discord.webhook.async_ import async_context

from bot.app.client import DiploBot, create_bot
from bot.settings import Settings
from retrieval.library import Library
from testkit.discord_fakes import APP_ID, RecordingAdapter, install, settle, user_payload

# Where make_settings makes each bot's DATA_DIR: under pytest's own temporary folder
# (set for the session below), which pytest prunes, so runs leave nothing in /tmp.
_data_root: Path | None = None


@pytest.fixture(autouse=True, scope="session")
def _data_dirs(tmp_path_factory: pytest.TempPathFactory) -> None:
    global _data_root
    _data_root = tmp_path_factory.mktemp("data")


def make_settings(**overrides: Any) -> Settings:
    """Settings for tests: never read from a .env file; ratings stored in a fresh
    temporary folder unless DATA_DIR or DATABASE_URL is given."""
    overrides.setdefault("data_dir", Path(tempfile.mkdtemp(prefix="diplobrief-", dir=_data_root)))
    return Settings(_env_file=None, discord_token="x.y.z", **overrides)


@pytest.fixture
async def recorder() -> AsyncIterator[RecordingAdapter]:
    adapter = RecordingAdapter()
    token = install(adapter)
    yield adapter
    async_context.reset(token)


@asynccontextmanager
async def running(client: DiploBot) -> AsyncIterator[DiploBot]:
    """The bot as after READY (its user and application known), commands loaded."""
    async with client:
        state = client._connection
        state.application_id = APP_ID
        state.user = discord.ClientUser(state=state, data={**user_payload(APP_ID), "bot": True})
        await client.setup_hook()
        try:
            yield client
        finally:
            client.replies.stop_views()


@pytest.fixture
async def bot(library: Library, recorder: RecordingAdapter) -> AsyncIterator[DiploBot]:
    async with running(create_bot(make_settings(cooldown_rate=1000), library)) as client:
        yield client  # type: ignore[misc]


async def deliver(bot: DiploBot, payload: dict[str, Any]) -> None:
    """Hand an INTERACTION_CREATE payload to the bot as the gateway would, and wait
    until it has been handled."""
    bot._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
    await settle()
