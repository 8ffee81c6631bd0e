"""Bounded parsing (retrieval/parsing.py): compression bombs, long PDFs and slow files
refused or cut with a one-line reason naming the limit, in a worker that can die without
the caller; the parse cache; special files; titles two articles share. Bombs are made
in the test run, at sizes over small limits (the benchmark runs the 1 GB ones)."""

from __future__ import annotations

import os
import pickle
import resource
from pathlib import Path

import pytest

import retrieval.corpus as corpus
from retrieval import parse_cache, parsing
from retrieval.corpus import CorpusError, parse_article, read_article, scan_corpus
from retrieval.formats import ArticleInfo
from retrieval.parsing import ParseLimits
from testkit import bombs

SMALL = ParseLimits(max_inflated_mb=32, max_pages=5, timeout_s=60.0)


def rss_mb() -> float:
    """This process's resident memory now (not its peak)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1048576


@pytest.fixture
def fresh_cache(tmp_path: Path) -> Path:
    folder = tmp_path / "parsed"
    parse_cache.use_folder(folder)
    corpus._PARSED.clear()
    yield folder
    parse_cache.use_folder(None)


def refusal(path: Path, limits: ParseLimits) -> str:
    with pytest.raises(CorpusError) as caught:
        read_article(path, slug=path.stem, limits=limits)
    message = str(caught.value)
    assert "\n" not in message, "one line"
    return message


def test_a_double_flate_pdf_is_refused_naming_the_limit(tmp_path: Path, fresh_cache: Path) -> None:
    path = tmp_path / "bomb.pdf"
    path.write_bytes(bombs.double_flate_pdf(128))
    assert path.stat().st_size < 8 * 1024
    before = rss_mb()
    message = refusal(path, SMALL)
    assert message == f"{path}: inflates past 32 MB (PARSE_MAX_MB)"
    assert rss_mb() - before < 100, "the caller's memory did not grow"


def test_a_word_file_is_refused_from_its_zip_directory(tmp_path: Path, fresh_cache: Path) -> None:
    path = tmp_path / "bomb.docx"
    path.write_bytes(bombs.inflating_docx(64))
    before = rss_mb()
    assert refusal(path, SMALL) == f"{path}: inflates past 32 MB (PARSE_MAX_MB)"
    # Within the size limit, a part compressed past all reason is refused as well.
    message = refusal(path, ParseLimits())
    assert "compression bomb" in message and "word/document.xml" in message
    assert rss_mb() - before < 100


def test_a_long_pdf_is_read_up_to_the_page_limit_with_a_note(
    tmp_path: Path, fresh_cache: Path
) -> None:
    path = tmp_path / "book.pdf"
    path.write_bytes(bombs.long_pdf(12))
    article = read_article(path, slug="book", limits=SMALL)
    assert article.sections
    notes = corpus.article_warnings(article)
    assert any("over 5 pages (12): the first 5 were read" in note for note in notes), notes
    assert not read_article(path, slug="book", limits=ParseLimits()).notes


def test_a_slow_document_times_out_and_the_next_is_read(tmp_path: Path, fresh_cache: Path) -> None:
    path = tmp_path / "slow.pdf"
    path.write_bytes(bombs.long_pdf(40))
    slow = ParseLimits(max_pages=1000, timeout_s=0.3)
    assert refusal(path, slow) == f"{path}: took longer than 0.3 s to read (PARSE_TIMEOUT)"
    # The worker was replaced: the next document is read.
    small = tmp_path / "small.pdf"
    small.write_bytes(bombs.long_pdf(1))
    assert read_article(small, slug="small", limits=SMALL).sections


def test_the_worker_runs_without_numpy_under_its_memory_limit() -> None:
    pool = parsing._worker_pool(parsing.DEFAULT_LIMITS.worker_memory_mb)
    loaded = pool.submit(parsing._loaded_modules, ["numpy", "onnxruntime"]).result(timeout=60)
    assert "numpy" not in loaded and "onnxruntime" not in loaded
    limit = pool.submit(resource.getrlimit, resource.RLIMIT_AS).result(timeout=60)
    assert limit[0] == parsing.DEFAULT_LIMITS.worker_memory_mb * 1024 * 1024


def test_a_fifo_is_skipped_without_opening_it(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("Heading\nText about treaties and alliances.\n")
    os.mkfifo(tmp_path / "pipe.txt")
    loaded = scan_corpus(tmp_path)
    assert [a.source_file for a in loaded.articles] == ["notes.txt"]
    assert [(Path(s.path).name, s.reason) for s in loaded.skipped] == [
        ("pipe.txt", "not a regular file (a FIFO)")
    ]


def test_a_second_parse_reads_the_cache(
    tmp_path: Path, fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = corpus._parse_bounded

    def counting(data: bytes, suffix: str, info: ArticleInfo, limits: ParseLimits):  # type: ignore[no-untyped-def]
        calls.append(info.source_file)
        return real(data, suffix, info, limits)

    monkeypatch.setattr(corpus, "_parse_bounded", counting)
    data = b"# Notes\n\nText about treaties and alliances.\n"
    info = ArticleInfo(slug="notes", source_file="notes.md")
    first = parse_article(data, ".md", info)
    assert parse_article(data, ".md", info) == first and calls == ["notes.md"]
    # What shapes the result is in the key: other limits, another name, other bytes.
    parse_article(data, ".md", info, limits=SMALL)
    parse_article(data, ".md", ArticleInfo(slug="other", source_file="notes.md"))
    assert len(calls) == 3
    # A damaged entry is parsed again (and replaced).
    for entry in fresh_cache.iterdir():
        entry.write_bytes(b"not a pickle")
    assert parse_article(data, ".md", info) == first and len(calls) == 4
    assert parse_article(data, ".md", info) == first and len(calls) == 4
    # A refusal is kept too.
    with pytest.raises(CorpusError, match="compression bomb"):
        parse_article(bombs.inflating_docx(64), ".docx", ArticleInfo("b", "b.docx"))
    with pytest.raises(CorpusError, match="compression bomb"):
        parse_article(bombs.inflating_docx(64), ".docx", ArticleInfo("b", "b.docx"))
    assert calls.count("b.docx") == 1


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would be")
    parse_cache.use_folder(blocked / "parsed")
    try:
        article = parse_article(b"# Notes\n\nText.\n", ".md", ArticleInfo("n", "n.md"))
        assert article.title == "Notes"
    finally:
        parse_cache.use_folder(None)


def test_cache_entries_are_whole_articles(tmp_path: Path, fresh_cache: Path) -> None:
    parse_article(b"# Notes\n\nText.\n", ".md", ArticleInfo("n", "n.md"))
    (entry,) = [p for p in fresh_cache.iterdir() if not p.name.startswith(".")]
    version, article = pickle.loads(entry.read_bytes())
    assert version == parse_cache.FORMAT and article.title == "Notes"


def test_two_documents_never_share_a_title(tmp_path: Path) -> None:
    (tmp_path / "A-RES-77-321.md").write_text(
        "# General Assembly\n\nThe Assembly adopts the agreement on marine biological"
        " diversity of areas beyond national jurisdiction.\n"
    )
    (tmp_path / "other.md").write_text(
        "# General Assembly\n\nAdopted on 14 June 2023. The Assembly decides to convene"
        " a conference on the oceans.\n"
    )
    (tmp_path / "third.md").write_text(
        "# General Assembly\n\nThe Assembly takes note of the report A/CONF.232/2023/4 on"
        " the work of the conference.\n"
    )
    (tmp_path / "fourth.md").write_text("# General Assembly\n\nNo symbol and no date here.\n")
    titles = sorted(a.title for a in scan_corpus(tmp_path).articles)
    assert titles == [
        "General Assembly — 14 June 2023",
        "General Assembly — A/CONF.232/2023/4",
        "General Assembly — A/RES/77/321",
        "General Assembly — fourth",
    ]
