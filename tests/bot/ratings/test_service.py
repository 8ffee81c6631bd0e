"""Ratings as the bot uses them: off when the store cannot be used, said once, and on
again by itself when it can."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.ratings.service import Ratings
from bot.ratings.store import Vote
from tests.bot.conftest import make_settings


async def test_off_said_once_then_on_again_when_the_store_can_be_used(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "data"
    data_dir.write_text("a file where the folder should be")
    ratings = Ratings(make_settings(data_dir=data_dir), retry_seconds=0)
    vote = Vote(1, 2, 3, "ask", "lexical", "q", (), up=True)
    with caplog.at_level(logging.WARNING, logger="bot"):
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


def _settings_for(url: str, tmp_path: Path, **more: object):
    from pydantic import SecretStr

    settings = make_settings(data_dir=tmp_path / "data", **more)
    if url.startswith("postgresql"):
        settings = settings.model_copy(update={"database_url": SecretStr(url)})
    return settings


async def test_a_nul_in_a_query_is_stored_without_it_and_ratings_stay_on(
    database_url: str, tmp_path: Path
) -> None:
    ratings = Ratings(_settings_for(database_url, tmp_path, record_unanswered=True))
    await ratings.open()
    assert await ratings.vote(Vote(1, 2, 3, "ask", "hybrid", "nul\x00here", (), up=False))
    ratings.note_unanswered(guild_id=3, command="ask", mode="hybrid", query="a\x00b")
    assert ratings.available
    stored = await ratings.read(lambda store: [r["query"] for r in store.votes_since(None)])
    assert stored == ["nulhere"]
    await ratings.close()


async def test_a_locked_store_answers_the_vote_in_time_and_retries_soon(tmp_path: Path) -> None:
    import sqlite3
    import time

    ratings = Ratings(make_settings(data_dir=tmp_path), vote_wait=0.5)
    await ratings.open()
    holder = sqlite3.connect(tmp_path / "diplobrief.sqlite3", timeout=0)
    holder.execute("BEGIN EXCLUSIVE")  # another process holds the file
    try:
        started = time.monotonic()
        assert not await ratings.vote_in_time(Vote(9, 2, 3, "ask", "hybrid", "q", (), up=True))
        assert time.monotonic() - started < 1.5, "answered within the vote's wait"
    finally:
        holder.rollback()
        holder.close()
    await ratings.close()  # the write still queued finishes (or fails) before closing


async def test_an_unresponsive_database_host_fails_fast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from pydantic import SecretStr

    from testkit.hosts import silent_host

    monkeypatch.setattr(
        "bot.ratings.store.CONNECT_SECONDS", 1
    )  # the policy, shortened for the test

    with silent_host() as port:
        settings = make_settings(data_dir=tmp_path).model_copy(
            update={"database_url": SecretStr(f"postgresql://u:p@127.0.0.1:{port}/x")}
        )
        ratings = Ratings(settings)
        started = time.monotonic()
        await ratings.open()
        assert not ratings.available
        assert time.monotonic() - started < 8, "connecting is bounded"
        assert "ratings are off" in ratings.health
        await ratings.close()
