"""/corpus add, list and remove end to end: the real bot on the loopback Discord,
attachments downloaded from the fake's CDN, files made in the test run."""

from __future__ import annotations

import base64
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app.client import DiploBot
from retrieval.corpus_set import CorpusSet
from testkit.discord_fakes import (
    GUILD_ID,
    autocomplete_payload,
    command_payload,
    component_payload,
    message_payload,
)
from testkit.documents import make_docx, make_pdf, make_scanned_pdf
from testkit.loopback import RemoteFake, loopback
from testkit.loopback.control import Answer
from testkit.protocol import first_embed, is_ephemeral
from tests.bot.app.test_loopback import custom_ids, running_bot
from tests.conftest import CORPUS_DIR

MANAGE_GUILD = 1 << 5
OTHER_GUILD = GUILD_ID + 1
CP1252_TEXT = (
    "Sahel Security Notes\n\n"
    "The “Liptako-Gourma” authority’s rôle in border policing grew after 2017; Niger’s"
    " gendarmerie trained with the café-owners’ militia was the claim.\n"
).encode("cp1252")
HTML_PAGE = (
    "<html><head><title>Svalbard</title></head><body><nav>Home · News</nav><article>"
    "<h1>Svalbard</h1><h2>The Svalbard Treaty</h2><p>The 1920 treaty keeps the archipelago"
    " demilitarised while Norway holds sovereignty.</p></article></body></html>"
).encode()
UTF16_TEXT = (
    "Baltic Sea Cables\n\nUndersea cables between Finland and Estonia were guarded by"
    " joint naval patrols after the 2023 damage.\n"
).encode("utf-16")


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, target)
    return target


@pytest.fixture
async def fake() -> AsyncIterator[RemoteFake]:
    async with loopback(guilds=2) as started:
        yield started


@pytest.fixture
async def bot(fake: RemoteFake, corpus_dir: Path) -> AsyncIterator[DiploBot]:
    corpora = CorpusSet.load(corpus_dir)
    async with running_bot(
        fake, corpora, corpus_dir=corpus_dir, upload_max_bytes=200_000, server_max_files=3
    ) as client:
        yield client


async def add_answer(fake: RemoteFake, filename: str, content: bytes, **overrides: Any) -> Answer:
    """Upload a file with /corpus add (as a member with Manage Server unless told)."""
    attachment = await fake.attach(filename, base64.b64encode(content).decode())
    overrides.setdefault("permissions", MANAGE_GUILD)
    return await fake.interact(command_payload("corpus add", file=attachment, **overrides))


async def add(fake: RemoteFake, filename: str, content: bytes, **overrides: Any) -> dict[str, Any]:
    """The reply to /corpus add as the user sees it."""
    return seen(await add_answer(fake, filename, content, **overrides))


def seen(answer: Answer) -> dict[str, Any]:
    """The message the user sees: the response as edited, or, after a deferral that was
    never edited, the first follow-up (Discord shows it in place of "thinking…")."""
    if "embeds" not in answer.final and answer.followups:
        return {**answer.final, **answer.followups[0]}
    return answer.final


def text_of(message: dict[str, Any]) -> str:
    """The title and description of a reply's embed."""
    embed = first_embed(message)
    return f"{embed.get('title', '')}\n{embed.get('description', '')}"


@pytest.mark.parametrize(
    ("filename", "content", "question", "quote", "read_as"),
    [
        ("arctic.pdf", make_pdf(pages=2), "Ottawa Declaration", "founded in 1996", "PDF"),
        ("arctic.docx", make_docx(), "Ottawa Declaration", "founded in 1996", "Word document"),
        ("sahel.txt", CP1252_TEXT, "Liptako-Gourma", "gendarmerie", "cp1252 (detected)"),
        ("baltic.md", UTF16_TEXT, "Estonia cables", "naval patrols", "UTF-16 (byte-order mark)"),
        ("arctic.html", HTML_PAGE, "Svalbard Treaty", "demilitarised", None),
    ],
    ids=["pdf", "docx", "cp1252", "utf16", "html"],
)
async def test_add_each_format_and_search_finds_it_at_once(
    fake: RemoteFake,
    bot: DiploBot,
    corpus_dir: Path,
    filename: str,
    content: bytes,
    question: str,
    quote: str,
    read_as: str | None,
) -> None:
    reply = await add(fake, filename, content)
    assert is_ephemeral(reply)
    report = text_of(reply)
    assert report.startswith("Article added")
    assert (f"read as {read_as}" in report) if read_as else ("read as" not in report)
    assert "own articles: 0 → 1" in report
    assert (corpus_dir / str(GUILD_ID) / filename).read_bytes() == content
    answer = await fake.interact(command_payload("ask", question=question))
    assert quote in str(answer.final["embeds"])
    elsewhere = await fake.interact(command_payload("ask", question=question, guild_id=OTHER_GUILD))
    assert quote not in str(elsewhere.final["embeds"])  # another server never sees it


async def test_what_is_refused_leaves_folder_and_index_as_they_were(
    fake: RemoteFake, bot: DiploBot, corpus_dir: Path
) -> None:
    before = bot.corpora
    cases = [
        ("big.txt", b"Big\n\n" + b"word " * 60_000, "files up to"),
        ("../escape.txt", b"Escape\n\nText of an escaping file.", "names with `/`"),
        (".hidden.txt", b"Hidden\n\nText of a hidden file.", "not a usable file name"),
        ("notes.exe", b"MZ", "not an article format"),
        ("scan.pdf", make_scanned_pdf(), "no text layer"),
        ("odd.txt", bytes(range(0x80, 0x100)) * 3, "encoding cannot be told"),
    ]
    for filename, content, reason in cases:
        reply = await add(fake, filename, content)
        assert is_ephemeral(reply), (filename, reply)
        assert reason in text_of(reply), filename
    assert not (corpus_dir / str(GUILD_ID)).exists()
    assert not (corpus_dir.parent / "escape.txt").exists()
    assert bot.corpora is before


async def test_a_member_without_manage_server_cannot_add_list_or_remove(
    fake: RemoteFake, bot: DiploBot, corpus_dir: Path
) -> None:
    reply = await add(fake, "arctic.pdf", make_pdf(pages=1), permissions=0)
    assert "Only members with Manage Server" in text_of(reply)
    answer = await fake.interact(command_payload("corpus list"))
    assert "Only members with Manage Server" in text_of(seen(answer))
    answer = await fake.interact(command_payload("corpus remove", name="arctic.pdf"))
    assert "Only members with Manage Server" in text_of(seen(answer))
    assert not (corpus_dir / str(GUILD_ID)).exists()


async def test_same_name_asks_to_replace_and_replaces_on_the_button(
    fake: RemoteFake, bot: DiploBot, corpus_dir: Path
) -> None:
    await add(fake, "arctic.docx", make_docx())
    newer = make_docx(title_in_properties=False, title_paragraph=True)
    answer = await add_answer(fake, "arctic.docx", newer)
    asked = answer.message or message_payload(seen(answer), answer.id)
    assert text_of(asked).startswith("Replace the article of that name?")
    ids = custom_ids(asked)
    assert [i.split(":")[2] for i in ids] == ["replace", "keep"]
    stored = corpus_dir / str(GUILD_ID) / "arctic.docx"
    assert stored.read_bytes() != newer  # nothing replaced silently

    press = component_payload(asked, ids[0])
    press["member"]["permissions"] = str(MANAGE_GUILD)
    replaced = await fake.interact(press)
    assert text_of(seen(replaced)).startswith("Article replaced")
    assert stored.read_bytes() == newer
    again = component_payload(asked, ids[0])
    again["member"]["permissions"] = str(MANAGE_GUILD)
    stale = await fake.interact(again)
    assert "not waiting any more" in text_of(seen(stale))


async def test_list_autocomplete_remove_and_the_file_limit(
    fake: RemoteFake, bot: DiploBot, corpus_dir: Path
) -> None:
    for name in ("a.pdf", "b.docx", "c.txt"):
        content = {"a.pdf": make_pdf(pages=1), "b.docx": make_docx(), "c.txt": CP1252_TEXT}[name]
        assert text_of(await add(fake, name, content)).startswith("Article added")
    fourth = await add(fake, "d.md", UTF16_TEXT)
    assert "already has 3 articles" in text_of(fourth)

    listing = await fake.interact(command_payload("corpus list", permissions=MANAGE_GUILD))
    description = first_embed(listing.final)["description"]
    assert "`a.pdf`" in description and "Arctic Security Cooperation" in description
    assert "3 of 3 files" in first_embed(listing.final)["footer"]["text"]

    typed = autocomplete_payload("corpus", "name", "b")
    typed["data"]["options"] = [
        {
            "name": "remove",
            "type": 1,
            "options": [{"name": "name", "type": 3, "value": "b", "focused": True}],
        }
    ]
    typed["member"]["permissions"] = str(MANAGE_GUILD)
    choices = await fake.interact(typed)
    assert [c["value"] for c in choices.callbacks[0]["data"]["choices"]] == ["b.docx"]

    removed = await fake.interact(
        command_payload("corpus remove", name="b.docx", permissions=MANAGE_GUILD)
    )
    assert text_of(seen(removed)).startswith("Article removed")
    assert not (corpus_dir / str(GUILD_ID) / "b.docx").exists()
    missing = await fake.interact(
        command_payload("corpus remove", name="../manifest.toml", permissions=MANAGE_GUILD)
    )
    assert "no article file named" in text_of(seen(missing))
    assert (corpus_dir / "manifest.toml").exists()


async def test_a_copy_of_an_article_is_refused_and_nothing_changes(
    fake: RemoteFake, bot: DiploBot, corpus_dir: Path
) -> None:
    pdf = make_pdf(pages=1)
    await add(fake, "arctic.pdf", pdf)
    before = bot.corpora
    folder = corpus_dir / str(GUILD_ID)
    listing = sorted(p.name for p in folder.iterdir())
    reply = await add(fake, "arctic-copy.pdf", pdf)
    assert "was not added: it has the same text as `arctic.pdf`" in text_of(reply)
    assert str(corpus_dir) not in text_of(reply)  # paths relative to the corpus folder
    assert sorted(p.name for p in folder.iterdir()) == listing
    assert bot.corpora is before
    shared = (corpus_dir / "defense-diplomacy-in-global-forums.txt").read_bytes()
    reply = await add(fake, "forums.txt", shared)
    assert "same text as the shared article" in text_of(reply)
    assert bot.corpora is before


async def test_a_folder_the_bot_cannot_write_is_said_and_nothing_changes(
    fake: RemoteFake, bot: DiploBot, corpus_dir: Path
) -> None:
    # Where the server's folder should be, a file: no folder can be made there (a
    # read-only folder cannot stop root, which CI may run as; this stops everyone).
    blocker = corpus_dir / str(GUILD_ID)
    blocker.write_text("not a folder")
    before = bot.corpora
    reply = await add(fake, "arctic.pdf", make_pdf(pages=1))
    assert "could not be saved on the bot's side" in text_of(reply)
    assert blocker.read_text() == "not a folder"
    assert bot.corpora is before
