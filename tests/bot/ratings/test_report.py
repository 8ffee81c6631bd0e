"""The ratings report: `diplobrief report` on a store filled by real votes (SQLite and
PostgreSQL), and /report on the loopback Discord, one server's queries only."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app.client import DiploBot
from bot.cli.main import EXIT_OK, EXIT_USAGE, main
from bot.ratings.report import parse_since, word_groups
from bot.ratings.store import Store, Vote
from retrieval.library import Library
from testkit.discord_fakes import GUILD_ID, command_payload
from testkit.loopback import RemoteFake, loopback
from testkit.protocol import first_embed, is_ephemeral
from tests.bot.app.components.test_feedback import ask, press
from tests.bot.app.test_loopback import running_bot

MANAGE_GUILD = 1 << 5
OTHER_GUILD = GUILD_ID + 1


def fill(url: str) -> None:
    store = Store.open(url)
    for user in range(3):
        store.record_vote(
            Vote(1, user, GUILD_ID, "brief", "lexical", "cyber diplomacy", ("A › Cyber",), up=True)
        )
    store.record_vote(
        Vote(
            2,
            9,
            GUILD_ID,
            "ask",
            "hybrid",
            "who pays for NATO?",
            ("B › Budgets", "C › Burden"),
            up=False,
        )
    )
    store.record_vote(
        Vote(2, 8, GUILD_ID, "ask", "hybrid", "who pays for NATO?", ("B › Budgets",), up=False)
    )
    store.record_vote(
        Vote(3, 9, OTHER_GUILD, "ask", "lexical", "old", (), up=True),
        at=datetime.now(UTC) - timedelta(days=40),
    )
    for query in ("chess opening strategy", "chess for beginners", "yoga poses"):
        store.record_unanswered(
            guild_id=GUILD_ID, command="ask", mode="lexical", query=query, reason="abstained"
        )
    store.close()


def test_report_cli_text_json_since_and_forget(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(database_url)
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["report", "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["answers_rated"] == 3 and data["votes"] == 6
    shares = {(r["command"], r["mode"]): (r["up"], r["votes"]) for r in data["shares"]}
    assert shares == {
        ("brief", "lexical"): (3, 3),
        ("ask", "hybrid"): (0, 2),
        ("ask", "lexical"): (1, 1),
    }
    (worst,) = data["downvoted"]
    assert worst["query"] == "who pays for NATO?" and worst["down"] == 2
    assert worst["sections"][0] == "B › Budgets"
    assert data["unanswered_words"][0] == {
        "word": "chess",
        "queries": 2,
        "examples": ["chess opening strategy", "chess for beginners"],
    }

    assert main(["report", "--since", "7d"]) == EXIT_OK
    text = capsys.readouterr().out
    assert "Answers rated since" in text and ": 2 (5 votes)" in text
    assert "/ask (hybrid): 0% of 2" in text
    assert "chess (2): chess opening strategy; chess for beginners" in text

    cutoff = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
    assert main(["report", "--forget-before", cutoff]) == EXIT_OK
    assert "forgot 1 votes and queries" in capsys.readouterr().out
    assert main(["report", "--since", "yesterday-ish"]) == EXIT_USAGE


def test_since_and_word_groups() -> None:
    now = datetime(2026, 11, 29, tzinfo=UTC)
    assert parse_since("7d", now) == now - timedelta(days=7)
    assert parse_since("12h", now) == now - timedelta(hours=12)
    assert parse_since("2026-11-01") == datetime(2026, 11, 1, tzinfo=UTC)
    groups = word_groups(["the Arctic", "Arctic  ice", "ice"])
    assert [(g.word, g.queries) for g in groups] == [("arctic", 2), ("ice", 2)]


@pytest.fixture
async def fake() -> AsyncIterator[RemoteFake]:
    async with loopback(guilds=2) as started:
        yield started


@pytest.fixture
async def bot(fake: RemoteFake, library: Library, tmp_path: Path) -> AsyncIterator[DiploBot]:
    async with running_bot(fake, library, data_dir=tmp_path, record_unanswered=True) as client:
        yield client


async def test_slash_report_shows_one_servers_own_queries(fake: RemoteFake, bot: DiploBot) -> None:
    await fake.interact(command_payload("ask", question="yoga poses for back pain"))
    await fake.interact(
        command_payload("ask", question="wedding speech ideas", guild_id=OTHER_GUILD)
    )
    message = await ask(fake, "What is defense diplomacy?")
    await press(fake, message, "db:vote:d")
    answer = await fake.interact(command_payload("report", permissions=MANAGE_GUILD))
    report = first_embed(answer.final)["description"]
    assert is_ephemeral(answer.final)
    assert "yoga" in report and "What is defense diplomacy?" in report
    assert "wedding" not in report
    other = await fake.interact(
        command_payload("report", permissions=MANAGE_GUILD, guild_id=OTHER_GUILD)
    )
    other_report = first_embed(other.final)["description"]
    assert "wedding" in other_report and "yoga" not in other_report
    member = await fake.interact(command_payload("report"))
    assert "Manage Server" in first_embed(member.final)["description"]
