"""Hot reload and per-server corpora: swaps are atomic, failures keep serving, and no
server ever sees another server's articles."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
from pathlib import Path

import pytest

from bot.app.client import create_bot
from retrieval.corpus_set import CorpusSet
from testkit.discord_fakes import GUILD_ID, USER_ID, RecordingAdapter, command_payload, settle
from testkit.protocol import first_embed, is_ephemeral
from tests.bot.conftest import make_settings, running
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
        await settle(timeout=60.0)  # 40 briefings on a busy 2-core machine
        assert bot.corpora is not old
        assert "added: Peace Operations in the Sahel" in summary
        assert "sections: 83 → 86" in summary
        # Every one is answered, at once or (on a busy machine) deferred and then edited.
        answered = {title for title in titles(recorder) if title.startswith("Briefing: ")}
        assert answered == {f"Briefing: peacekeeping {n}" for n in range(40)}
        recorder.requests.clear()
        bot._connection.parse_interaction_create(command_payload("brief", topic="mission mandates"))
        await settle(timeout=60.0)
        final = [m for m in recorder.sent_messages() if m.get("embeds")][-1]
        assert "Mission Mandates" in first_embed(final)["fields"][0]["value"]


async def test_failed_reload_keeps_serving(corpus_dir: Path, recorder: RecordingAdapter) -> None:
    settings = make_settings(corpus_dir=corpus_dir, cooldown_rate=1000)
    async with running(create_bot(settings, CorpusSet.load(corpus_dir))) as bot:
        bot.owner_id = USER_ID  # the shared corpus is the owner's to reload
        old = bot.corpora
        for path in corpus_dir.glob("*.txt"):
            path.write_text("")  # every article now empty
        bot._connection.parse_interaction_create(
            command_payload("reload", permissions=MANAGE_GUILD)
        )
        await settle()
        assert bot.corpora is old
        (failure,) = [b for b in recorder.sent_messages() if b.get("embeds")]
        message = first_embed(failure)["description"]
        assert "Reload failed; still serving the previous corpus" in message
        assert str(corpus_dir) not in message, "paths relative to CORPUS_DIR only"
        recorder.requests.clear()
        bot._connection.parse_interaction_create(command_payload("brief", topic="peacekeeping"))
        await settle()
        assert titles(recorder) == ["Briefing: peacekeeping"]


async def test_reload_command_needs_manage_server(
    corpus_dir: Path, recorder: RecordingAdapter
) -> None:
    settings = make_settings(corpus_dir=corpus_dir, reload_cooldown=0)
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
        assert (
            "has no folder of its own" in first_embed(recorder.sent_messages()[-1])["description"]
        )
        assert bot.tree.get_command("reload").default_permissions.manage_guild


async def test_a_server_admin_reloads_only_their_own_articles(
    corpus_dir: Path, recorder: RecordingAdapter
) -> None:
    (corpus_dir / str(GUILD_ID)).mkdir()
    (corpus_dir / str(OTHER_GUILD)).mkdir()
    (corpus_dir / str(OTHER_GUILD) / "other.md").write_text(
        "# Other\n\nOther server notes on drills.\n"
    )
    settings = make_settings(corpus_dir=corpus_dir, reload_cooldown=0)
    async with running(create_bot(settings, CorpusSet.load(corpus_dir))) as bot:
        bot.owner_id = 1  # somebody else
        shared, other = bot.corpora.shared, bot.corpora.guilds[OTHER_GUILD]
        (corpus_dir / str(GUILD_ID) / "own.md").write_text(
            "# Lagoon Notes\n\n## The Lagoon Accord\n\nThe lagoon accord settled the dispute.\n"
        )
        (corpus_dir / "new-shared.md").write_text("# New\n\nA new shared article on drills.\n")
        bot._connection.parse_interaction_create(
            command_payload("reload", permissions=MANAGE_GUILD)
        )
        await settle()
        reply = first_embed(recorder.sent_messages()[-1])
        assert reply["title"] == "This server's articles reloaded"
        assert reply["description"] == "added: Lagoon Notes; this server's own articles: 0 → 1"
        assert bot.corpora.shared is shared, "the shared corpus is the owner's"
        assert bot.corpora.guilds[OTHER_GUILD] is other, "another server is untouched"
        assert "New" not in {a.title for a in bot.corpora.for_guild(GUILD_ID).articles}


async def test_no_reload_through_a_user_install_and_a_cooldown(
    corpus_dir: Path, recorder: RecordingAdapter
) -> None:
    (corpus_dir / str(GUILD_ID)).mkdir()
    settings = make_settings(corpus_dir=corpus_dir, reload_cooldown=60)
    async with running(create_bot(settings, CorpusSet.load(corpus_dir))) as bot:
        bot.owner_id = 1  # somebody else
        bot._connection.parse_interaction_create(
            command_payload("reload", permissions=MANAGE_GUILD, user_install=True)
        )
        await settle()
        assert "Manage Server" in first_embed(recorder.callbacks()[-1]["data"])["description"]
        for _ in range(2):
            bot._connection.parse_interaction_create(
                command_payload("reload", permissions=MANAGE_GUILD)
            )
            await settle()
        assert "try again in" in first_embed(recorder.callbacks()[-1]["data"])["description"]


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


async def test_a_long_reload_summary_fits_one_embed(
    corpus_dir: Path, recorder: RecordingAdapter, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(corpus_dir=corpus_dir, reload_cooldown=0)
    async with running(create_bot(settings, CorpusSet.load(corpus_dir))) as bot:
        bot.owner_id = USER_ID

        async def long_summary() -> str:
            return "\n".join(f"added article-{n}.md" for n in range(1000))  # ~20,000 chars

        monkeypatch.setattr(bot.serving, "reload", long_summary)
        bot._connection.parse_interaction_create(command_payload("reload"))
        await settle()
        embed = first_embed(recorder.sent_messages()[-1])
        assert embed["title"] == "Corpus reloaded"
        assert 4000 < len(embed["description"]) <= 4096
