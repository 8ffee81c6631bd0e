"""Hybrid search with the real all-MiniLM-L6-v2 on ONNX Runtime (a main dependency).
Skipped only where onnxruntime cannot be imported (no wheel for the machine) and
DIPLOBRIEF_REQUIRE_SEMANTIC is unset; CI sets it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from retrieval.library import Library
from retrieval.semantic import (
    EXTRA_HINT,
    SemanticUnavailableError,
    cached_encode,
    section_embeddings,
)
from tests.conftest import DEV_QRELS, needs_shared
from tests.retrieval.conftest import EncodingProcess


def _runtime_installed() -> bool:
    try:
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError:
        return False
    return True


if not _runtime_installed():
    if os.environ.get("DIPLOBRIEF_REQUIRE_SEMANTIC"):
        raise RuntimeError("DIPLOBRIEF_REQUIRE_SEMANTIC is set but onnxruntime is missing")
    pytest.skip("onnxruntime or tokenizers is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def encoder():
    from retrieval.semantic import OnnxMiniLMEncoder

    return OnnxMiniLMEncoder()


@pytest.fixture(scope="module")
def hybrid(library: Library) -> Library:
    """The session's library: the default install is hybrid."""
    assert library.mode == "hybrid"
    return library


def test_paraphrase_finds_military_attaches(hybrid: Library) -> None:
    hits = hybrid.search("what do army officers posted at embassies do?").hits
    headings = [hybrid.sections[h.section_id].heading for h in hits[:3]]
    assert "The Role of Military Attachés" in headings


def test_off_topic_still_abstains(hybrid: Library) -> None:
    assert hybrid.search("pizza dough hydration").hits == ()
    assert hybrid.search("medieval castle architecture").hits == ()


class CountingEncoder:
    """The real encoder, counting how many texts it was asked to encode."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name
        self.encoded = 0

    def encode(self, texts, *, progress=False):
        self.encoded += len(texts)
        return self.inner.encode(texts, progress=progress)


def test_section_embeddings_are_cached_on_disk(
    encoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text(
        "# A\n\n## Alliances\n\nAllies train together.\n\n## Sanctions\n\nSanctions bite.\n\n"
        "## Treaties\n\nTreaties bind.\n"
    )
    sections = list(Library.load(corpus).sections.values())
    counting = CountingEncoder(encoder)
    first = section_embeddings(sections, counting, corpus_dir=corpus)
    assert counting.encoded == 3
    assert len(list((tmp_path / "cache" / "diplobrief").glob("embeddings-*.npy"))) == 1
    assert not [p for p in corpus.rglob("*") if p.suffix == ".npy"], "nothing beside the corpus"
    again = section_embeddings(sections, counting, corpus_dir=corpus)
    assert counting.encoded == 3, "a restart reads the cache instead of re-encoding"
    assert np.array_equal(first.vectors, again.vectors)
    # the cache folder is not an article
    assert Library.load(corpus).search("alliances", abstain=False).hits


class OnesEncoder:
    """A stand-in encoder: every text's vector is the same."""

    name = "ones"

    def encode(self, texts, *, progress=False):
        return np.ones((len(texts), 384), dtype=np.float32)


def test_a_cache_entry_is_written_whole_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Processes sharing the cache folder must never read a half-written entry: one
    # write that fails midway leaves neither a truncated entry nor its temporary file.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "cache" / "diplobrief"
    real_save = np.save

    def fails_midway(file, array) -> None:
        file.write(b"\x93NUMPY half of it")
        raise OSError("no space left on device")

    monkeypatch.setattr(np, "save", fails_midway)
    assert cached_encode(["a", "b"], OnesEncoder()).shape == (2, 384)
    assert list(folder.iterdir()) == []
    monkeypatch.setattr(np, "save", real_save)
    first = cached_encode(["a", "b"], OnesEncoder())
    (entry,) = folder.iterdir()
    assert entry.name.startswith("embeddings-") and np.array_equal(np.load(entry), first)


def test_missing_runtime_says_to_search_lexically(monkeypatch: pytest.MonkeyPatch) -> None:
    from retrieval.semantic import encoder_for

    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(SemanticUnavailableError) as raised:
        encoder_for("hybrid")
    assert str(raised.value) == EXTRA_HINT
    assert "SEARCH_MODE=lexical" in EXTRA_HINT
    assert encoder_for("lexical") is None


@pytest.mark.parametrize(("mode", "imported"), [("hybrid", ["onnxruntime"]), ("lexical", [])])
def test_the_cli_imports_the_runtime_only_in_hybrid_mode(
    mode: str,
    imported: list[str],
    brief_in_a_process: Callable[[str], subprocess.CompletedProcess[str]],
) -> None:
    done = brief_in_a_process(mode)
    assert done.stdout.strip().splitlines()[-1] == str(imported), done.stderr


@needs_shared
def test_cli_eval_shows_lexical_and_hybrid(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli.main import main

    assert main(["eval", str(DEV_QRELS), "--mode", "hybrid"]) == 0
    out = capsys.readouterr().out
    assert " ours " in out and " hybrid " in out


def test_hybrid_never_imports_pytorch(encoding_process: EncodingProcess) -> None:
    done = encoding_process.done
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr
