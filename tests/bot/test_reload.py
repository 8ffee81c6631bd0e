"""Hot reload and per-server corpora: swaps are atomic, failures keep serving, and no
server ever sees another server's articles."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
from pathlib import Path

import pytest

from bot.client import create_bot
from retrieval.library import CorpusSet
from tests.bot.conftest import make_settings, running
from tests.bot.discord_fakes import GUILD_ID, RecordingAdapter, command_payload, settle
from tests.bot.protocol import first_embed, is_ephemeral
from tests.conftest import CORPUS_DIR, DATA_DIR

MANAGE_GUILD = 1 << 5
OTHER_GUILD = GUILD_ID + 1


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, target)
    return target


def titles(recorder: RecordingAdapter) -> list[str]:
    out = []
    for body in recorder.sent_messages():
        for embed in body.get("embeds", []):
            out.append(embed.get("title", ""))
    return out


async def test_reload_while_queries_run(corpus_dir: Path, recorder: RecordingAdapter) -> None:
    settings = make_settings(corpus_dir=corpus_dir, cooldown_rate=1000)
    async with running(create_bot(settings, CorpusSet.load(corpus_dir))) as bot:
        old = bot.corpora
        shutil.copy(DATA_DIR / "articles" / "sahel-missions.md", corpus_dir)
        for n in range(40):
            bot._connection.parse_interaction_create(
                command_payload("brief", topic=f"peacekeeping {n}", user_id=700 + n)
            )
        summary = await bot.serving.reload()
        await settle()
        assert bot.corpora is not old
        assert "added: Peace Operations in the Sahel" in summary
        assert "sections: 83 → 86" in summary
        answered = recorder.callbacks()
        assert len(answered) == 40
        assert all(
            first_embed(c["data"])["title"].startswith("Briefing: peacekeeping") for c in answered
        )
        recorder.requests.clear()
        bot._connection.parse_interaction_create(command_payload("brief", topic="mission mandates"))
        await settle()
        assert (
            "Mission Mandates" in first_embed(recorder.callbacks()[0]["data"])["fields"][0]["value"]
        )


async def test_failed_reload_keeps_serving(corpus_dir: Path, recorder: RecordingAdapter) -> None:
    settings = make_settings(corpus_dir=corpus_dir, cooldown_rate=1000)
    async with running(create_bot(settings, CorpusSet.load(corpus_dir))) as bot:
        old = bot.corpora
        for path in corpus_dir.glob("*.txt"):
            path.write_text("")  # every article now empty
        bot._connection.parse_interaction_create(
            command_payload("reload", permissions=MANAGE_GUILD)
        )
        await settle()
        assert bot.corpora is old
        (failure,) = [b for b in recorder.sent_messages() if b.get("embeds")]
        assert (
            "Reload failed; still serving the previous corpus"
            in first_embed(failure)["description"]
        )
        recorder.requests.clear()
        bot._connection.parse_interaction_create(command_payload("brief", topic="peacekeeping"))
        await settle()
        assert titles(recorder) == ["Briefing: peacekeeping"]


async def test_reload_command_needs_manage_server(
    corpus_dir: Path, recorder: RecordingAdapter
) -> None:
    settings = make_settings(corpus_dir=corpus_dir)
    async with running(create_bot(settings, CorpusSet.load(corpus_dir))) as bot:
        bot.owner_id = 1  # somebody else
        bot._connection.parse_interaction_create(command_payload("reload"))
        await settle()
        refusal = recorder.callbacks()[0]["data"]
        assert is_ephemeral(refusal)
        assert "Manage Server" in first_embed(refusal)["description"]
        recorder.requests.clear()
        bot._connection.parse_interaction_create(
            command_payload("reload", permissions=MANAGE_GUILD)
        )
        await settle()
        assert "Corpus reloaded" in titles(recorder)
        assert bot.tree.get_command("reload").default_permissions.manage_guild


async def test_sighup_reloads(corpus_dir: Path, recorder: RecordingAdapter) -> None:
    settings = make_settings(corpus_dir=corpus_dir)
    async with running(create_bot(settings, CorpusSet.load(corpus_dir))) as bot:
        old = bot.corpora
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(200):
            if bot.corpora is not old:
                break
            await asyncio.sleep(0.01)
        assert bot.corpora is not old


async def test_guild_corpora_are_isolated(corpus_dir: Path, recorder: RecordingAdapter) -> None:
    own = corpus_dir / str(GUILD_ID)
    own.mkdir()
    (own / "secret.md").write_text(
        "# Zanzibar Accord Notes\n\n## The Zanzibar Accord\n\nThe Zanzibar accord settled the lagoon dispute.\n"
    )
    corpora = CorpusSet.load(corpus_dir)
    assert set(corpora.guilds) == {GUILD_ID}
    assert len(corpora.shared.sections) == 83
    async with running(
        create_bot(make_settings(corpus_dir=corpus_dir, cooldown_rate=1000), corpora)
    ) as bot:
        for payload in (
            command_payload("brief", topic="zanzibar accord"),
            command_payload("brief", topic="zanzibar accord", guild_id=OTHER_GUILD),
            command_payload("brief", topic="zanzibar accord", dm=True),
            command_payload("sources", guild_id=OTHER_GUILD),
            command_payload("sources"),
        ):
            bot._connection.parse_interaction_create(payload)
            await settle()
    own_guild, other_guild, dm, other_sources, own_sources = recorder.callbacks()
    assert "The Zanzibar Accord" in first_embed(own_guild["data"])["fields"][0]["value"]
    for refused in (other_guild, dm):
        assert "nothing on this topic" in first_embed(refused["data"])["description"]
    assert len(first_embed(other_sources["data"])["fields"]) == 5
    assert len(first_embed(own_sources["data"])["fields"]) == 6
