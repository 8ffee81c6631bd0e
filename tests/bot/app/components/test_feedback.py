"""The study-group workflow end to end on the loopback Discord: Ask diplobrief on a
message, Discuss threads, 👍/👎 stored (across a restart, in a burst, with the store
off)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app.client import DiploBot
from bot.ratings.store import Store, database_url, sections_of
from retrieval.library import Library
from testkit.discord_fakes import (
    APP_ID,
    CHANNEL_ID,
    GUILD_ID,
    command_payload,
    component_payload,
    member_message,
    message_command_payload,
)
from testkit.loopback import RemoteFake, loopback
from testkit.protocol import first_embed, is_ephemeral
from tests.bot.app.test_loopback import custom_ids, refused, running_bot

CREATE_PUBLIC_THREADS = 1 << 35


@pytest.fixture
async def fake() -> AsyncIterator[RemoteFake]:
    async with loopback() as started:
        yield started


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
async def bot(fake: RemoteFake, library: Library, data_dir: Path) -> AsyncIterator[DiploBot]:
    async with running_bot(fake, library, data_dir=data_dir) as client:
        yield client


def stored_votes(data_dir: Path) -> list[dict[str, Any]]:
    return Store.open(database_url(None, data_dir)).votes_since(None)


async def ask(fake: RemoteFake, question: str, **app: Any) -> dict[str, Any]:
    payload = command_payload("ask", question=question)
    payload.update(app)
    answer = await fake.interact(payload)
    assert answer.message is not None
    return answer.message


async def press(
    fake: RemoteFake, message: dict[str, Any], prefix: str, *, user_id: int = 900000000000000004
) -> dict[str, Any]:
    custom_id = next(c for c in custom_ids(message) if c.startswith(prefix))
    answer = await fake.interact(component_payload(message, custom_id, user_id=user_id))
    return answer.final


async def test_ask_from_a_message_answers_its_question_with_a_link(
    fake: RemoteFake, bot: DiploBot
) -> None:
    asked = member_message("hey all, what do military attachés do? need it for Tuesday")
    answer = await fake.interact(message_command_payload(asked))
    assert answer.final["content"] == (
        f"Asked about https://discord.com/channels/{GUILD_ID}/{CHANNEL_ID}/{asked['id']}"
    )
    assert "attach" in first_embed(answer.final)["description"].lower()
    assert not is_ephemeral(answer.final)


async def test_ask_from_an_image_only_message_says_so_privately(
    fake: RemoteFake, bot: DiploBot
) -> None:
    image = {
        "id": "1",
        "filename": "map.png",
        "size": 10,
        "url": "http://x/map.png",
        "proxy_url": "http://x/map.png",
    }
    answer = await fake.interact(message_command_payload(member_message("", attachments=[image])))
    assert is_ephemeral(answer.final)
    assert "no text to ask about" in first_embed(answer.final)["description"]


async def test_ask_from_a_4000_character_message_uses_its_first_question(
    fake: RemoteFake, bot: DiploBot
) -> None:
    long = (
        "Notes from the seminar. " * 60
        + "Why does cultural awareness matter for defense diplomacy? "
        + "More notes. " * 200
    )
    assert len(long) > 3500
    answer = await fake.interact(message_command_payload(member_message(long)))
    title = first_embed(answer.final)["title"]
    assert title == "Why does cultural awareness matter for defense diplomacy?"
    assert not await refused(fake)


async def test_votes_are_stored_changeable_and_private(
    fake: RemoteFake, bot: DiploBot, data_dir: Path
) -> None:
    message = await ask(fake, "What is defense diplomacy?")
    votes = [c for c in custom_ids(message) if c.startswith("db:vote")]
    assert [c.split(":")[:5] for c in votes] == [["db", "vote", d, "a", "h"] for d in "ud"]
    assert all(c.endswith(":=What is defense diplomacy?") and len(c) <= 100 for c in votes)
    # A slow host may defer the answer and then edit it: that PATCH is the answer's own.
    patched_before = await _patches(fake)
    reply = await press(fake, message, "db:vote:u")
    assert is_ephemeral(reply) and "your 👍 is recorded" in reply["content"]
    reply = await press(fake, message, "db:vote:d")
    assert "your 👎 is recorded" in reply["content"]
    await press(fake, message, "db:vote:u", user_id=900000000000000099)
    rows = stored_votes(data_dir)
    assert sorted(row["up"] for row in rows) == [False, True]  # one per user, changed
    row = next(r for r in rows if not r["up"])
    assert row["query"] == "", "without RECORD_UNANSWERED no query text is kept"
    assert row["command"] == "ask" and row["mode"] == "hybrid" and row["guild_id"] == GUILD_ID
    assert "›" in row["sections"]
    assert await _patches(fake) == patched_before, "nobody else's view changes"


async def _patches(fake: RemoteFake) -> int:
    state = await fake.state()
    return sum(r["method"] == "PATCH" for r in state["requests"])


async def test_a_vote_survives_an_embed_wording_change(
    fake: RemoteFake, library: Library, tmp_path: Path
) -> None:
    async with running_bot(fake, library, data_dir=tmp_path, record_unanswered=True):
        message = await ask(fake, "What is defense diplomacy?")
        cited = [
            line.split("] ", 1)[1]
            for field in message["embeds"][0]["fields"]
            if field["name"] == "Sources"
            for line in field["value"].splitlines()
        ]
        reworded = {**message, "embeds": [{"title": "Answer", "description": "reworded"}]}
        await press(fake, reworded, "db:vote:u")
        legacy = {**message, "components": [_legacy_vote_row()]}
        await press(fake, legacy, "db:vote:d", user_id=900000000000000077)
    rows = {r["up"]: r for r in stored_votes(tmp_path)}
    assert rows[True]["query"] == "What is defense diplomacy?"
    assert sections_of(rows[True]) == [c.replace("\\", "") for c in cited]
    assert rows[False]["query"] == "" and sections_of(rows[False]) == [], "an old button"


def _legacy_vote_row() -> dict[str, Any]:
    """A 👎 button as sent before votes carried their data."""
    button = {"type": 2, "style": 2, "custom_id": "db:vote:d:a:h", "emoji": {"name": "👎"}}
    return {"type": 1, "components": [button]}


async def test_a_vote_after_a_restart_is_stored(
    fake: RemoteFake, library: Library, data_dir: Path
) -> None:
    async with running_bot(fake, library, data_dir=data_dir):
        message = await ask(fake, "What is defense diplomacy?")
    async with running_bot(fake, library, data_dir=data_dir):
        reply = await press(fake, message, "db:vote:d")
    assert "recorded" in reply["content"]
    assert [row["up"] for row in stored_votes(data_dir)] == [False]


async def test_200_votes_from_20_users_in_a_burst_lose_none(
    fake: RemoteFake, bot: DiploBot, data_dir: Path
) -> None:
    message = await ask(fake, "cyber diplomacy")
    vote_id = next(c for c in custom_ids(message) if c.startswith("db:vote:u"))
    payloads = [
        component_payload({**message, "id": str(800000000000000000 + m)}, vote_id, user_id=u)
        for m in range(10)
        for u in range(900000000000001000, 900000000000001020)
    ]
    answers = await fake.wait_all(await fake.send_many(payloads), timeout=60)
    assert all("recorded" in a.final["content"] for a in answers)
    assert len(stored_votes(data_dir)) == 200


async def test_discuss_opens_a_thread_named_after_the_topic_once(
    fake: RemoteFake, bot: DiploBot
) -> None:
    message = await ask(
        fake, "What is defense diplomacy?", app_permissions=str(CREATE_PUBLIC_THREADS)
    )
    assert "db:discuss" in custom_ids(message)
    opened = await press(fake, message, "db:discuss")
    assert is_ephemeral(opened) and f"<#{message['id']}>" in opened["content"]
    threads = await fake.threads()
    assert threads[message["id"]]["name"] == "What is defense diplomacy?"
    again = await press(fake, message, "db:discuss")
    assert "already has its discussion" in again["content"]


async def test_no_discuss_button_where_threads_cannot_be_made(
    fake: RemoteFake, bot: DiploBot
) -> None:
    plain = await ask(fake, "What is defense diplomacy?")  # no Create Public Threads
    assert "db:discuss" not in custom_ids(plain)
    private = command_payload("ask", question="What is defense diplomacy?", private=True)
    private["app_permissions"] = str(CREATE_PUBLIC_THREADS)
    answer = await fake.interact(private)
    assert "db:discuss" not in custom_ids(answer.final)


async def test_a_channel_that_refuses_threads_gets_a_private_reason(
    fake: RemoteFake, bot: DiploBot
) -> None:
    message = await ask(
        fake, "What is defense diplomacy?", app_permissions=str(CREATE_PUBLIC_THREADS)
    )
    await fake.deny_threads(str(CHANNEL_ID))
    refused_reply = await press(fake, message, "db:discuss")
    assert is_ephemeral(refused_reply)
    assert "may not open threads" in first_embed(refused_reply)["description"]


async def test_with_an_unusable_data_dir_the_bot_answers_and_says_once_ratings_are_off(
    fake: RemoteFake, library: Library, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("a file where DATA_DIR should be")
    with caplog.at_level(logging.WARNING, logger="bot"):
        async with running_bot(fake, library, data_dir=not_a_folder):
            message = await ask(fake, "What is defense diplomacy?")
            assert first_embed(message)["title"] == "What is defense diplomacy?"
            for _ in range(2):
                reply = await press(fake, message, "db:vote:u")
                assert is_ephemeral(reply) and "not recorded" in reply["content"]
    off = [r for r in caplog.records if "ratings are off" in r.getMessage()]
    assert len(off) == 1


async def test_ask_inside_a_discussion_thread_works_as_anywhere(
    fake: RemoteFake, bot: DiploBot
) -> None:
    payload = command_payload("ask", question="What is defense diplomacy?")
    thread_id = "900000000000000777"
    payload["channel_id"] = thread_id
    payload["channel"] = {
        **payload["channel"],
        "id": thread_id,
        "type": 11,
        "parent_id": str(CHANNEL_ID),
        "name": "What is defense diplomacy?",
        "owner_id": str(APP_ID),
        "message_count": 3,
        "member_count": 2,
        "rate_limit_per_user": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": "2026-11-29T00:00:00+00:00",
            "locked": False,
        },
    }
    payload["app_permissions"] = str(CREATE_PUBLIC_THREADS)
    answer = await fake.interact(payload)
    assert first_embed(answer.final)["title"] == "What is defense diplomacy?"
    assert "db:discuss" not in custom_ids(answer.final)  # no thread inside a thread
    assert not await refused(fake)


async def test_query_text_is_kept_only_when_asked_and_never_for_a_private_answer(
    fake: RemoteFake, library: Library, tmp_path: Path
) -> None:
    async with running_bot(fake, library, data_dir=tmp_path, record_unanswered=True):
        public = await ask(fake, "What is defense diplomacy?")
        await press(fake, public, "db:vote:d")
        answer = await fake.interact(
            command_payload("ask", question="Why does cultural awareness matter?", private=True)
        )
        assert answer.message is not None
        await press(fake, answer.message, "db:vote:d")
    rows = stored_votes(tmp_path)
    assert sorted(r["query"] for r in rows) == ["", "What is defense diplomacy?"]
    kept = Store.open(database_url(None, tmp_path)).unanswered_since(None)
    assert [r["query"] for r in kept] == ["What is defense diplomacy?"]


async def test_debug_logs_of_every_command_and_button_hold_no_query_text(
    fake: RemoteFake, library: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.app.run import configure_logging

    configure_logging("DEBUG", log_queries=False)
    try:
        async with running_bot(fake, library, data_dir=tmp_path, record_unanswered=True):
            brief = await fake.interact(command_payload("brief", topic="Peacekeeping"))
            assert brief.message is not None
            pressed = [
                c
                for row in brief.message["components"]
                for c in row["components"]
                if c["custom_id"].startswith("db:")
            ]
            assert any(c["custom_id"].startswith("db:more") for c in pressed), pressed
            for component in pressed:
                # A button is pressed; a select (Read section) has its first option picked,
                # as Discord sends it: a select's interaction sent as a button's would be
                # no interaction the bot knows, and would only be waited for in vain.
                chosen = (
                    {"component_type": 3, "values": [component["options"][0]["value"]]}
                    if component["type"] == 3
                    else {}
                )
                answer = await fake.interact(
                    component_payload(brief.message, component["custom_id"], **chosen)
                )
                assert answer.callbacks, component["custom_id"]
            await fake.interact(command_payload("ask", question="Zanzibar pastry recipes"))
    finally:
        configure_logging("WARNING")
    err = capsys.readouterr().err
    assert "INTERACTION_CREATE" in err or "WebSocket Event" in err, "DEBUG logs were written"
    for typed in ("Peacekeeping", "Zanzibar"):
        assert typed not in err, typed


async def test_a_database_host_that_never_answers_does_not_stop_the_bot(
    fake: RemoteFake, library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from testkit.hosts import silent_host

    monkeypatch.setattr(
        "bot.ratings.store.CONNECT_SECONDS", 1
    )  # the policy, shortened for the test

    with silent_host() as port:
        url = f"postgresql://u:p@127.0.0.1:{port}/x"
        started = time.monotonic()
        async with running_bot(fake, library, data_dir=tmp_path, database_url=url):
            answer = await fake.interact(command_payload("brief", topic="peacekeeping"))
            assert answer.message is not None and first_embed(answer.message)["title"]
            assert time.monotonic() - started < 15
            reply = await press(fake, answer.message, "db:vote:u")
            assert "not recorded" in reply["content"]
