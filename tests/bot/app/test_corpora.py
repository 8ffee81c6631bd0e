"""A server's own articles changed under one lock: two adds at once never both take a
name nor both fit under a limit; names that spoof others are refused."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from bot.app.corpora import Corpora
from bot.app.server_articles import (
    NameTaken,
    UploadLimits,
    UploadRefused,
    safe_article_name,
    stored_files,
)
from retrieval.corpus_set import CorpusSet
from tests.conftest import CORPUS_DIR

GUILD = 123456789012345678
TEXT = "Arctic Cooperation\n\nStates meet in the Arctic Council to discuss shipping lanes.\n"


@pytest.fixture
def corpora(tmp_path: Path) -> Corpora:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(next(CORPUS_DIR.glob("*.txt")), corpus)
    return Corpora(CorpusSet.load(corpus), corpus)


def _article(n: int) -> bytes:
    return (TEXT + f"\nA note numbered {n} on {'polar ' * n}research.\n").encode()


async def test_two_adds_of_one_name_at_once_store_one_and_ask_the_other(
    corpora: Corpora,
) -> None:
    results = await asyncio.gather(
        corpora.change_server_file(GUILD, "same.txt", _article(1), replace=False),
        corpora.change_server_file(GUILD, "same.txt", _article(2), replace=False),
        return_exceptions=True,
    )
    assert sum(isinstance(r, str) for r in results) == 1
    assert sum(isinstance(r, NameTaken) for r in results) == 1
    kept = (corpora.server_folder(GUILD) / "same.txt").read_bytes()
    assert kept in (_article(1), _article(2))


async def test_adds_at_once_never_pass_the_file_limit(corpora: Corpora) -> None:
    limits = UploadLimits(max_file_bytes=10**6, max_files=4, max_total_bytes=10**7)
    results = await asyncio.gather(
        *(
            corpora.change_server_file(GUILD, f"a{n}.txt", _article(n), limits=limits)
            for n in range(6)
        ),
        return_exceptions=True,
    )
    assert sum(isinstance(r, str) for r in results) == 4
    assert all(isinstance(r, (str, UploadRefused)) for r in results)
    assert len(stored_files(corpora.server_folder(GUILD))) == 4


async def test_a_name_differing_only_in_case_is_not_a_second_article(corpora: Corpora) -> None:
    await corpora.change_server_file(GUILD, "Arctic.txt", _article(1), replace=False)
    slugs = {a.slug for a in corpora.library_for(GUILD).articles}
    with pytest.raises(NameTaken) as taken:
        await corpora.change_server_file(GUILD, "arctic.txt", _article(2), replace=True)
    assert taken.value.name == "Arctic.txt"
    assert {a.slug for a in corpora.library_for(GUILD).articles} == slugs, "identity kept"


@pytest.mark.parametrize(
    "name",
    [
        "report\u202etxt.md",  # right-to-left override: shows as report dm.txt
        "rep\u200bort.md",  # zero-width space
        "a\u0085b.md",  # a C1 control
        "\U0001f600" * 60 + ".md",  # 240 bytes of emoji
    ],
)
def test_names_that_spoof_or_overflow_are_refused(name: str) -> None:
    with pytest.raises(UploadRefused) as refused:
        safe_article_name(name)
    message = str(refused.value)
    assert "\u202e" not in message and "\u200b" not in message and "\u0085" not in message
