"""The commands, invoked through the real command tree with real interaction payloads;
the assertions are on the payloads that would be sent to Discord."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.app import limits
from bot.app.client import DiploBot, create_bot
from testkit.discord_fakes import (
    RecordingAdapter,
    autocomplete_payload,
    command_payload,
    component_payload,
)
from testkit.protocol import Callback, first_embed, is_ephemeral
from tests.bot.conftest import deliver, make_settings, running


def only_response(recorder: RecordingAdapter) -> dict[str, Any]:
    callbacks = recorder.callbacks()
    assert len(callbacks) == 1, callbacks
    return callbacks[0]


def embed_total(embeds: list[dict[str, Any]]) -> int:
    total = 0
    for e in embeds:
        total += len(e.get("title", "")) + len(e.get("description", ""))
        total += len((e.get("footer") or {}).get("text", ""))
        total += sum(len(f["name"]) + len(f["value"]) for f in e.get("fields", []))
    return total


async def test_brief_posts_a_cited_briefing(bot: DiploBot, recorder: RecordingAdapter) -> None:
    await deliver(bot, command_payload("brief", topic="cyber diplomacy"))
    response = only_response(recorder)
    assert response["type"] == Callback.CHANNEL_MESSAGE
    data = response["data"]
    assert data["allowed_mentions"] == {"parse": []}
    assert not is_ephemeral(data)
    (embed,) = data["embeds"]
    assert embed["title"] == "Briefing: cyber diplomacy"
    assert embed["description"].startswith("**Bottom line**: ")
    assert "**cyber" in embed["description"].lower()
    sources = next(f for f in embed["fields"] if f["name"] == "Sources")
    assert sources["value"].startswith("[1] ")
    assert "83 sections searched" in embed["footer"]["text"]
    rows = data["components"]
    custom_ids = [c["custom_id"] for row in rows for c in row["components"]]
    assert any(cid.startswith("db:more:b:") for cid in custom_ids)
    assert "db:read" in custom_ids
    assert all(len(cid) <= limits.CUSTOM_ID for cid in custom_ids)


def points(description: str) -> int:
    """How many labelled points (bottom line included) a structured briefing shows."""
    return sum(1 for line in description.splitlines() if line.startswith("**"))


async def test_brief_flat_style_is_the_ranked_list(
    bot: DiploBot, recorder: RecordingAdapter
) -> None:
    await deliver(bot, command_payload("brief", topic="cyber diplomacy", style="flat"))
    embed = first_embed(only_response(recorder)["data"])
    assert embed["description"].startswith("1. ")
    assert "Bottom line" not in embed["description"]


async def test_brief_private_is_ephemeral(bot: DiploBot, recorder: RecordingAdapter) -> None:
    await deliver(bot, command_payload("brief", topic="peacekeeping", private=True))
    assert is_ephemeral(only_response(recorder)["data"])


async def test_ask_titles_the_embed_with_the_question(
    bot: DiploBot, recorder: RecordingAdapter
) -> None:
    question = "What do military attachés actually do?"
    await deliver(bot, command_payload("ask", question=question, dm=True))
    (embed,) = only_response(recorder)["data"]["embeds"]
    assert embed["title"] == question
    assert "The Role of Military Attachés" in embed["fields"][0]["value"]


async def test_miss_is_answered_privately_with_suggestions(
    bot: DiploBot, recorder: RecordingAdapter
) -> None:
    await deliver(bot, command_payload("brief", topic="pizza dough hydration"))
    data = only_response(recorder)["data"]
    assert is_ephemeral(data)
    (embed,) = data["embeds"]
    assert "nothing on this topic" in embed["description"]
    assert "Try one of these topics instead" in embed["description"]
    assert "components" not in data or data["components"] == []


async def test_everyone_is_echoed_but_pings_nobody(
    bot: DiploBot, recorder: RecordingAdapter
) -> None:
    await deliver(bot, command_payload("brief", topic="@everyone <@&123> **NATO**"))
    data = only_response(recorder)["data"]
    assert data["allowed_mentions"] == {"parse": []}
    title = first_embed(data)["title"]
    assert "@\u200beveryone" in title
    assert "\\*\\*NATO\\*\\*" in title


async def test_huge_and_odd_queries_get_valid_replies(
    bot: DiploBot, recorder: RecordingAdapter
) -> None:
    for topic in [
        "diplomacy " * 30,
        "\u200b\u200b",
        "ｃｙｂｅｒ ｄｉｐｌｏｍａｃｙ",
        "🛰️ satellites",
        "` ``` `",
    ]:
        await deliver(bot, command_payload("brief", topic=topic[:300]))
    callbacks = recorder.callbacks()
    assert len(callbacks) == 5
    for callback in callbacks:
        embeds = callback["data"]["embeds"]
        assert len(embeds[0]["title"]) <= limits.EMBED_TITLE
        assert embed_total(embeds) <= limits.MESSAGE_EMBEDS_TOTAL


async def test_more_edits_the_message_in_place(bot: DiploBot, recorder: RecordingAdapter) -> None:
    await deliver(bot, command_payload("brief", topic="military diplomacy"))
    message = recorder.messages["@original"]
    first = first_embed(message)["description"]
    more = next(
        c["custom_id"]
        for row in message["components"]
        for c in row["components"]
        if c["custom_id"].startswith("db:more:")
    )
    recorder.requests.clear()
    await deliver(bot, component_payload(message, more))
    response = only_response(recorder)
    assert response["type"] == Callback.UPDATE_MESSAGE
    second = first_embed(response["data"])["description"]
    assert second != first
    assert second.startswith(f"{points(first) + 1}. "), "numbered after the points shown"


async def test_read_section_replies_privately(bot: DiploBot, recorder: RecordingAdapter) -> None:
    await deliver(bot, command_payload("brief", topic="military attachés"))
    message = recorder.messages["@original"]
    select = next(
        c for row in message["components"] for c in row["components"] if c["custom_id"] == "db:read"
    )
    assert 1 <= len(select["options"]) <= limits.SELECT_OPTIONS
    recorder.requests.clear()
    value = select["options"][0]["value"]
    await deliver(bot, component_payload(message, "db:read", component_type=3, values=[value]))
    response = only_response(recorder)
    assert is_ephemeral(response["data"])
    embed = first_embed(response["data"])
    assert embed["title"].startswith("The Role of Military Attachés")
    assert "Military attachés serve as key representatives" in embed["description"]


async def test_stale_more_button_still_gets_an_answer(
    bot: DiploBot, recorder: RecordingAdapter
) -> None:
    message = {
        "id": "1",
        "channel_id": "2",
        "embeds": [],
        "components": [
            {
                "type": 1,
                "components": [
                    {"type": 2, "style": 2, "label": "More", "custom_id": "db:more:b:5:#deadbeef"}
                ],
            }
        ],
    }
    full = {**recorder._message({}, key=None), **message}
    await deliver(bot, component_payload(full, "db:more:b:5:#deadbeef"))
    response = only_response(recorder)
    assert is_ephemeral(response["data"])
    assert "too old" in first_embed(response["data"])["description"]


async def test_sources_and_help(bot: DiploBot, recorder: RecordingAdapter) -> None:
    await deliver(bot, command_payload("sources"))
    await deliver(bot, command_payload("help", dm=True))
    sources, help_ = recorder.callbacks()
    assert len(first_embed(sources["data"])["fields"]) == 5
    assert any(f["name"] == "/brief topic" for f in first_embed(help_["data"])["fields"])


async def test_cases_list_and_one_case(bot: DiploBot, recorder: RecordingAdapter) -> None:
    await deliver(bot, command_payload("cases"))
    await deliver(bot, command_payload("cases", name="iran deal", private=True))
    await deliver(bot, command_payload("cases", name="pizza"))
    await deliver(bot, autocomplete_payload("cases", "name", "isa"))
    listing, case, miss, complete = recorder.callbacks()
    fields = first_embed(listing["data"])["fields"]
    assert len(fields) == 5
    assert any("ISAF in Afghanistan" in f["value"] for f in fields)
    embed = first_embed(case["data"])
    assert embed["title"] == "Case study: Iran Nuclear Deal \\(JCPOA\\)" or embed[
        "title"
    ].startswith("Case study: Iran Nuclear Deal")
    assert "**Iran Nuclear Deal**" in embed["description"]
    assert is_ephemeral(case["data"])
    assert is_ephemeral(miss["data"])
    assert "No case matches" in first_embed(miss["data"])["description"]
    assert "ISAF in Afghanistan" in [c["name"] for c in complete["data"]["choices"]]


async def test_autocomplete_is_capped_and_relevant(
    bot: DiploBot, recorder: RecordingAdapter
) -> None:
    await deliver(bot, autocomplete_payload("brief", "topic", ""))
    await deliver(bot, autocomplete_payload("brief", "topic", "attach"))
    everything, attach = recorder.callbacks()
    assert everything["type"] == Callback.AUTOCOMPLETE_RESULT
    assert len(everything["data"]["choices"]) == limits.AUTOCOMPLETE_CHOICES
    assert [c["name"] for c in attach["data"]["choices"]] == ["The Role of Military Attachés"]


async def test_cooldown_reply_names_the_seconds(library, recorder: RecordingAdapter) -> None:
    client = create_bot(make_settings(cooldown_rate=1, cooldown_per=60), library)
    async with running(client):
        await deliver(client, command_payload("brief", topic="peacekeeping"))
        await deliver(client, command_payload("brief", topic="peacekeeping"))
    _first, second = recorder.callbacks()
    assert is_ephemeral(second["data"])
    assert "try again in 60 s" in first_embed(second["data"])["description"]


async def test_unexpected_error_gets_an_apology_with_an_id(
    bot: DiploBot, recorder: RecordingAdapter, monkeypatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("bot.app.replies.brief", broken)
    await deliver(bot, command_payload("brief", topic="peacekeeping"))
    response = only_response(recorder)
    assert is_ephemeral(response["data"])
    assert "error id" in first_embed(response["data"])["description"]
    # and the bot still answers the next one
    monkeypatch.undo()
    recorder.requests.clear()
    await deliver(bot, command_payload("brief", topic="peacekeeping"))
    assert first_embed(only_response(recorder)["data"])["title"] == "Briefing: peacekeeping"


class _Response:
    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        self.reason = reason


async def test_discord_api_errors_are_logged_and_the_bot_goes_on(
    bot: DiploBot, recorder: RecordingAdapter, caplog
) -> None:
    import discord

    recorder.fail_with = discord.NotFound(
        _Response(404, "Not Found"), {"code": 10062, "message": "Unknown interaction"}
    )
    await deliver(bot, command_payload("brief", topic="peacekeeping"))
    recorder.fail_with = discord.HTTPException(
        _Response(500, "Server Error"), {"code": 0, "message": "oops"}
    )
    await deliver(bot, command_payload("brief", topic="peacekeeping"))
    recorder.requests.clear()
    await deliver(bot, command_payload("brief", topic="deterrence"))
    assert first_embed(only_response(recorder)["data"])["title"] == "Briefing: deterrence"


async def test_view_timeout_disables_paging_but_not_ratings(
    bot: DiploBot, recorder: RecordingAdapter, monkeypatch
) -> None:
    import functools

    import bot.app.replies as client_module

    monkeypatch.setattr(
        client_module, "briefing_view", functools.partial(client_module.briefing_view, timeout=0.05)
    )
    await deliver(bot, command_payload("brief", topic="military diplomacy"))
    for _ in range(100):
        if any(r.method == "PATCH" for r in recorder.requests):
            break
        await asyncio.sleep(0.02)
    edit = next(r for r in recorder.requests if r.method == "PATCH")
    assert edit.path.endswith("/messages/@original")
    components = [c for row in edit.payload["components"] for c in row["components"]]
    paging = [c for c in components if c["custom_id"].startswith(("db:more", "db:read"))]
    ratings = [c for c in components if c["custom_id"].startswith("db:vote")]
    assert paging and all(c["disabled"] for c in paging)
    assert len(ratings) == 2 and not any(c.get("disabled") for c in ratings)


async def test_logs_one_line_per_command_without_query_or_token(
    bot: DiploBot, recorder: RecordingAdapter, caplog
) -> None:
    import logging

    with caplog.at_level(logging.INFO, logger="bot"):
        await deliver(bot, command_payload("brief", topic="secret topic about peacekeeping"))
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.app.replies"]
    assert len(lines) == 1
    assert lines[0].startswith("/brief query_len=31 hits=")
    assert "secret" not in lines[0]
    assert bot.settings.discord_token.get_secret_value() not in caplog.text


async def test_slow_more_defers_then_edits_in_place(
    bot: DiploBot, recorder: RecordingAdapter, monkeypatch
) -> None:
    import time as time_module

    import bot.app.replies as replies_module
    from bot.app.overload import ReplyTiming
    from retrieval.engine import brief

    await deliver(bot, command_payload("brief", topic="military diplomacy"))
    message = recorder.messages["@original"]
    more = next(
        c["custom_id"]
        for row in message["components"]
        for c in row["components"]
        if c["custom_id"].startswith("db:more:")
    )

    def slow(*args, **kwargs):
        time_module.sleep(0.3)
        return brief(*args, **kwargs)

    bot.replies.timing = ReplyTiming(defer_after=0.05)  # the policy, pinned for the test
    monkeypatch.setattr(replies_module, "brief", slow)
    recorder.requests.clear()
    await deliver(bot, component_payload(message, more))
    for _ in range(100):
        if any(r.method == "PATCH" for r in recorder.requests):
            break
        await asyncio.sleep(0.02)
    callback = only_response(recorder)
    assert callback["type"] == Callback.DEFERRED_UPDATE_MESSAGE
    edit = next(r for r in recorder.requests if r.method == "PATCH")
    assert edit.path.endswith("/messages/@original")
    shown = points(first_embed(message)["description"])
    assert first_embed(edit.payload)["description"].startswith(f"{shown + 1}. ")
