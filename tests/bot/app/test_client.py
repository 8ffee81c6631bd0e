"""Settings, the bot as built, and the error messages users see."""

from __future__ import annotations

import logging

import discord
import pytest
from discord import app_commands
from discord.ext import commands
from pydantic import ValidationError

from bot.app.client import create_bot
from bot.app.errors import describe_error
from bot.app.failures import UserFacingError
from bot.cli.main import main
from bot.settings import Settings
from retrieval.library import Library
from testkit.discord_fakes import RecordingAdapter
from tests.bot.conftest import make_settings, running
from tests.conftest import CORPUS_DIR


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "abc.def.ghi")
    monkeypatch.setenv("TOP_K", "4")
    monkeypatch.setenv("SHARD_IDS", "[0, 1]")
    settings = Settings(_env_file=None)
    assert settings.top_k == 4
    assert settings.shard_ids == [0, 1]
    assert "abc.def.ghi" not in repr(settings)
    assert "abc.def.ghi" not in str(settings.model_dump())


def test_invalid_setting_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TOP_K", "99")
    assert main(["sources"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("diplobrief: error: setting TOP_K is invalid")
    assert err.count("\n") == 1
    with pytest.raises(ValidationError):
        Settings(_env_file=None, log_level="LOUD")


def test_sharded_bot_when_shard_count_is_set(library: Library) -> None:
    bot = create_bot(Settings(_env_file=None, shard_count=2, shard_ids=[0, 1]), library)
    assert isinstance(bot, commands.AutoShardedBot)
    assert bot.shard_count == 2
    assert bot.allowed_mentions.to_dict() == {"parse": []}


def test_error_descriptions() -> None:
    cooldown = app_commands.CommandOnCooldown(app_commands.Cooldown(1, 30), 12.2)
    assert describe_error(cooldown) == ("You are going a bit fast: try again in 13 s.", False)
    assert describe_error(UserFacingError("Nope.")) == ("Nope.", False)
    message, unexpected = describe_error(RuntimeError("boom"))
    assert message is None and unexpected


def test_expired_interaction_is_not_an_unexpected_error(caplog: pytest.LogCaptureFixture) -> None:
    class Response:
        status = 404
        reason = "Not Found"

    error = discord.NotFound(Response(), {"code": 10062, "message": "Unknown interaction"})
    with caplog.at_level(logging.ERROR):
        assert describe_error(error) == (None, False)


async def test_start_up_loads_the_word_vectors_before_any_query(
    recorder: RecordingAdapter,
) -> None:
    # A fresh library (the session's may have loaded them in another test already).
    library = Library.load(CORPUS_DIR)
    assert library._word_embeddings is None
    async with running(create_bot(make_settings(), library)) as bot:
        assert bot.corpora.shared._word_embeddings is not None
