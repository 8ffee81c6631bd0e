"""Ratings as the bot uses them: off when the store cannot be used, said once, and on
again by itself when it can."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.ratings import Ratings
from bot.store import Vote
from tests.bot.conftest import make_settings


async def test_off_said_once_then_on_again_when_the_store_can_be_used(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "data"
    data_dir.write_text("a file where the folder should be")
    ratings = Ratings(make_settings(data_dir=data_dir), retry_seconds=0)
    vote = Vote(1, 2, 3, "ask", "lexical", "q", (), up=True)
    with caplog.at_level(logging.WARNING, logger="diplobrief"):
        await ratings.open()
        assert not ratings.available
        assert not await ratings.vote(vote)
        assert not await ratings.vote(vote)
        data_dir.unlink()  # the folder can be made now
        assert await ratings.vote(vote)
        assert ratings.available
    messages = [r.getMessage() for r in caplog.records]
    assert sum("ratings are off" in m for m in messages) == 1
    assert sum("ratings are on again" in m for m in messages) == 1
    await ratings.close()


async def test_unanswered_queries_are_kept_only_when_asked_to(tmp_path: Path) -> None:
    for record, expected in ((False, []), (True, ["chess openings"])):
        ratings = Ratings(make_settings(data_dir=tmp_path / str(record), record_unanswered=record))
        await ratings.open()
        ratings.note_unanswered(guild_id=1, command="ask", mode="lexical", query="chess openings")
        await ratings.close()
        stored = await Ratings(make_settings(data_dir=tmp_path / str(record))).read(
            lambda store: [r["query"] for r in store.unanswered_since(None)]
        )
        assert stored == expected
