"""DEBUG logs of whole payloads keep no token and, unless LOG_QUERIES, no user text."""

from __future__ import annotations

import logging

import pytest

from bot.app.run import configure_logging
from testkit.discord_fakes import command_payload

TOKEN = "MTA4NzY1NDMyMTA5ODc2NTQzMg.GhIjKl.abcdefghijklmnopqrstuvwxyz012345"


def _log_like_discord(payload: dict) -> None:
    gateway = logging.getLogger("discord.gateway")
    gateway.debug(
        "For Shard ID %s: WebSocket Event: %s",
        0,
        {"op": 0, "t": "INTERACTION_CREATE", "d": payload},
    )
    http = logging.getLogger("discord.http")
    route = f"https://discord.com/api/v10/interactions/{payload['id']}/{payload['token']}/callback"
    http.debug(
        "POST %s with %s has returned 204", route, {"type": 4, "data": {"content": "secret answer"}}
    )
    http.debug("Authorization: Bot %s", TOKEN)


@pytest.mark.parametrize("keep_queries", [False, True])
def test_debug_logs_are_redacted(capsys: pytest.CaptureFixture[str], keep_queries: bool) -> None:
    payload = command_payload("ask", question="my private question about the zanzibar accord")
    configure_logging("DEBUG", log_queries=keep_queries)
    try:
        _log_like_discord(payload)
    finally:
        configure_logging("WARNING")
    err = capsys.readouterr().err
    assert "WebSocket Event" in err and "has returned 204" in err
    assert payload["token"] not in err and TOKEN not in err
    assert ("zanzibar" in err) is keep_queries
    assert ("secret answer" in err) is keep_queries
