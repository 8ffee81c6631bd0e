"""A server's article files: safe names, limits, atomic changes, held uploads."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app.server_articles import (
    UploadLimits,
    UploadRefused,
    changed_file,
    check_size,
    check_upload,
    hold_pending,
    safe_article_name,
    stored_files,
    take_pending,
)
from testkit.documents import make_docx

LIMITS = UploadLimits(max_file_bytes=1000, max_files=2, max_total_bytes=1500)


@pytest.mark.parametrize(
    "name",
    [
        "../x.txt",
        "a/b.txt",
        "a\\b.txt",
        "..",
        ".hidden.md",
        "",
        "bad\x00.txt",
        "CON.txt",
        "x.exe",
        "x" * 101 + ".txt",
    ],
)
def test_unsafe_names_are_refused(name: str) -> None:
    with pytest.raises(UploadRefused):
        safe_article_name(name)


def test_ordinary_names_are_kept_as_they_are() -> None:
    assert safe_article_name(" Arctic notes (final).PDF ") == "Arctic notes (final).PDF"
    assert safe_article_name("Арктика.docx") == "Арктика.docx"


def test_limits_count_files_and_bytes_and_a_replacement_frees_its_own(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"a" * 700)
    (tmp_path / "b.txt").write_bytes(b"b" * 700)
    with pytest.raises(UploadRefused, match="files up to"):
        check_size(1001, "c.txt", tmp_path, LIMITS)
    with pytest.raises(UploadRefused, match="already has 2 articles"):
        check_size(10, "c.txt", tmp_path, LIMITS)
    check_size(800, "a.txt", tmp_path, LIMITS)  # replaces a.txt: 700 + 800 fits
    with pytest.raises(UploadRefused, match="more than"):
        check_size(900, "a.txt", tmp_path, LIMITS)


def test_a_change_undone_by_an_error_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError), changed_file(path, b"new"):
        assert path.read_bytes() == b"new"
        raise RuntimeError
    assert path.read_bytes() == b"old"
    with pytest.raises(RuntimeError), changed_file(path, None):
        assert not path.exists()
        raise RuntimeError
    assert path.read_bytes() == b"old"
    with pytest.raises(RuntimeError), changed_file(tmp_path / "b.txt", b"new"):
        raise RuntimeError
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_a_held_upload_is_taken_once_and_hidden_from_the_articles(tmp_path: Path) -> None:
    upload = check_upload("arctic.docx", make_docx(), "1/arctic")
    token = hold_pending(tmp_path, upload)
    assert stored_files(tmp_path) == []
    assert take_pending(tmp_path, token) == ("arctic.docx", upload.data)
    with pytest.raises(UploadRefused, match="not waiting any more"):
        take_pending(tmp_path, token)
    with pytest.raises(UploadRefused, match="not waiting any more"):
        take_pending(tmp_path, "../../etc/passwd")


def test_an_upload_is_parsed_once_the_check_serves_the_rebuild(tmp_path: Path) -> None:
    from retrieval import parse_cache
    from retrieval.corpus import scan_corpus

    folder = tmp_path / "1"
    upload = check_upload("arctic.docx", make_docx(), "1/arctic", folder=folder)
    entries = sorted(parse_cache.cache_folder().glob("*.pickle"))
    folder.mkdir()
    (folder / "arctic.docx").write_bytes(upload.data)
    own = scan_corpus(folder, prefix="1/")
    assert [a.slug for a in own.articles] == ["1/arctic"]
    assert own.articles[0] == upload.article
    assert sorted(parse_cache.cache_folder().glob("*.pickle")) == entries


def test_a_refused_upload_names_the_file_not_the_servers_folder(tmp_path: Path) -> None:
    with pytest.raises(UploadRefused) as refused:
        check_upload("empty.docx", b"PK\x03\x04 not a zip", "1/empty", folder=tmp_path / "1")
    assert str(tmp_path) not in str(refused.value)
    assert str(refused.value).startswith("`empty.docx` was not added: ")
