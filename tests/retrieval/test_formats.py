"""Users' own articles: every format with real files, bad files skipped with reasons."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli.main import EXIT_NOT_FOUND, EXIT_OK, main
from retrieval.corpus import MAX_ARTICLE_BYTES, article_warnings, read_article, scan_corpus
from retrieval.library import Library
from tests.conftest import CORPUS_DIR, DATA_DIR

ARTICLES = DATA_DIR / "articles"


def test_saved_html_page_keeps_the_article_and_drops_the_debris() -> None:
    article = read_article(ARTICLES / "arctic-security.html", slug="arctic")
    assert article.title == "Arctic Security and Great-Power Competition"
    assert article.source_url == "https://example.org/arctic"
    assert [s.heading for s in article.sections] == [
        "Introduction",
        "Shipping Routes",
        "Military Posture",
    ]
    text = "\n".join(p for s in article.sections for p in s.paragraphs)
    assert (
        "Key risks include:\n- Accidents in remote waters.\n- Disputes over passage rights." in text
    )
    for debris in ("Home", "newsletter", "tracking", "See also", "celebrity", "©", "color:red"):
        assert debris not in text


def test_markdown_with_front_matter() -> None:
    article = read_article(ARTICLES / "sahel-missions.md", slug="sahel")
    assert article.title == "Peace Operations in the Sahel"
    assert article.source_url == "https://example.org/sahel"
    assert [s.heading for s in article.sections] == [
        "Introduction",
        "Mission Mandates",
        "Lessons Learned",
    ]
    assert article.sections[1].paragraphs == (
        "Mandates changed as the security situation worsened and host governments changed their demands.",
        "- Stabilisation support\n- Protection of civilians",
    )


@pytest.fixture
def messy_corpus(tmp_path: Path) -> Path:
    shutil.copy(ARTICLES / "arctic-security.html", tmp_path)
    (tmp_path / "nested" / "deeper").mkdir(parents=True)
    shutil.copy(ARTICLES / "sahel-missions.md", tmp_path / "nested" / "deeper")
    shutil.copy(ARTICLES / "sahel-missions.md", tmp_path / "copy-of-sahel.md")
    (tmp_path / "latin1.txt").write_bytes(
        "Défense Européenne\nUn texte en Latin-1.".encode("latin-1")
    )
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "picture.txt").write_bytes(bytes(range(256)) * 4)
    with (tmp_path / "huge.txt").open("wb") as handle:
        handle.truncate(20 * 1024 * 1024)  # a 20 MB file
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.7")
    (tmp_path / "notes.xyz").write_text("Not an article format.")
    (tmp_path / "unknown-encoding.txt").write_bytes(bytes(range(0x80, 0x100)) * 3)
    (tmp_path / "only-debris.txt").write_text("See also  Something\nSee also  Other\n")
    return tmp_path


def test_bad_files_are_skipped_with_reasons_and_good_ones_load(messy_corpus: Path) -> None:
    loaded = scan_corpus(messy_corpus)
    assert sorted(a.source_file for a in loaded.articles) == [
        "arctic-security.html",
        "copy-of-sahel.md",
        "latin1.txt",
    ]
    latin = next(a for a in loaded.articles if a.source_file == "latin1.txt")
    assert latin.read_as == "cp1252 (detected)"
    assert latin.sections[0].heading == "Défense Européenne"
    reasons = {Path(s.path).name: s.reason for s in loaded.skipped}
    assert "encoding cannot be told" in reasons["unknown-encoding.txt"]
    assert reasons["empty.txt"] == "the file is empty"
    assert "binary" in reasons["picture.txt"]
    assert reasons["huge.txt"].startswith("too large (20.0 MB")
    assert reasons["notes.pdf"].startswith("not a readable PDF")
    assert "unsupported file type" in reasons["notes.xyz"]
    assert "no article text" in reasons["only-debris.txt"]
    assert reasons["sahel-missions.md"].startswith("duplicate of ")
    assert MAX_ARTICLE_BYTES < 20 * 1024 * 1024


def test_subfolders_are_read(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    shutil.copy(ARTICLES / "sahel-missions.md", tmp_path / "a" / "b")
    library = Library.load(tmp_path)
    (article,) = library.articles
    assert article.slug == "a/b/sahel-missions"
    assert library.search("mission mandates").hits


def test_check_reports_problems_and_exit_codes(
    messy_corpus: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(messy_corpus)]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith("3 articles, 7 sections; 8 files skipped")
    assert "latin1.txt  (Latin1; 1 sections; read as cp1252 (detected))" in out
    assert "SKIP  " in out and "unknown-encoding.txt: not UTF-8, and its encoding" in out
    empty = tmp_path_factory.mktemp("nothing")
    (empty / "empty.txt").write_text("")
    assert main(["check", str(empty)]) == EXIT_NOT_FOUND
    assert main(["check", str(CORPUS_DIR)]) == EXIT_OK


def test_suspicious_headings_and_empty_sections_are_warned(tmp_path: Path) -> None:
    long_heading = " ".join(["word"] * 40)
    path = tmp_path / "odd.md"
    path.write_text(
        f"# Title\n\n## {long_heading}\n\nText.\n\n## Empty Part\n\n## Last\n\nMore text.\n"
    )
    warnings = article_warnings(read_article(path, slug="odd"))
    assert any(w.startswith("suspicious heading (40 words)") for w in warnings)
    assert "heading with no paragraphs: Empty Part" in warnings
