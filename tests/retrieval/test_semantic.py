"""Hybrid search with the real all-MiniLM-L6-v2 on ONNX Runtime (a main dependency).
Skipped only where onnxruntime cannot be imported (no wheel for the machine) and
DIPLOBRIEF_REQUIRE_SEMANTIC is unset; CI sets it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from retrieval.corpus import load_corpus
from retrieval.evaluation import by_kind, evaluate, library_ranker, load_qrels
from retrieval.library import Library
from retrieval.semantic import EXTRA_HINT, SemanticUnavailableError, section_embeddings
from tests.conftest import CORPUS_DIR, DATA_DIR, DEV_QRELS, ROOT, needs_shared


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
def hybrid(encoder, tmp_path_factory: pytest.TempPathFactory) -> Library:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        return Library(load_corpus(CORPUS_DIR), name="bundled", encoder=encoder)


@needs_shared
def test_hybrid_meets_the_targets_on_the_dev_set(hybrid: Library) -> None:
    summaries = by_kind(evaluate(load_qrels(DEV_QRELS), library_ranker(hybrid)))
    assert hybrid.mode == "hybrid"
    assert summaries["all"].ndcg >= 0.80
    assert summaries["paraphrase"].ndcg >= 0.60
    assert summaries["all"].abstain_rate == 1.0, "every `none` query abstains"
    assert summaries["all"].empty_answerable == 0


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
    assert Library.load(corpus).search("alliances").hits  # the cache folder is not an article


def test_missing_runtime_says_to_search_lexically(monkeypatch: pytest.MonkeyPatch) -> None:
    from retrieval.semantic import encoder_for

    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(SemanticUnavailableError) as raised:
        encoder_for("hybrid")
    assert str(raised.value) == EXTRA_HINT
    assert "SEARCH_MODE=lexical" in EXTRA_HINT
    assert encoder_for("lexical") is None


def test_default_install_never_imports_the_model() -> None:
    script = (
        "import sys, runpy; sys.argv=['diplobrief','brief','cyber diplomacy']\n"
        "try:\n runpy.run_module('bot', run_name='__main__')\nexcept SystemExit: pass\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers', 'onnxruntime')"
        " if m in sys.modules))"
    )
    env = {k: v for k, v in os.environ.items() if k != "SEARCH_MODE"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


@needs_shared
def test_cli_eval_shows_lexical_and_hybrid(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    assert main(["eval", str(DEV_QRELS), "--mode", "hybrid"]) == 0
    out = capsys.readouterr().out
    assert " ours " in out and " hybrid " in out


def test_hybrid_never_imports_pytorch() -> None:
    script = (
        "import sys\n"
        "from retrieval.semantic import encoder_for\n"
        "encoder_for('hybrid').encode(['cyber diplomacy'])\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers')"
        " if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr


@needs_shared
def test_hybrid_answers_and_abstentions_hold_the_committed_figures(hybrid: Library) -> None:
    from retrieval.briefing import build_briefing
    from retrieval.reading import (
        answer_summary,
        evaluate_answers,
        evaluate_offtopic,
        load_answers,
        load_offtopic,
        offtopic_summary,
    )

    figures = json.loads((DATA_DIR / "dev_eval_figures.json").read_text())["hybrid"]
    answers = answer_summary(
        evaluate_answers(
            load_answers(DEV_QRELS.parent / "answers-dev.json"),
            lambda t: build_briefing(hybrid, t),
        )
    )["all"]
    for key, committed in figures["answers"].items():
        assert answers[key] >= committed - 0.02, key
    assert answers["refused"] == 0
    offtopic = offtopic_summary(
        evaluate_offtopic(
            load_offtopic(DEV_QRELS.parent / "offtopic-dev.json"),
            lambda t: build_briefing(hybrid, t),
        )
    )
    assert offtopic["off"]["abstained"] >= figures["offtopic"]["off"] - 0.02
    assert offtopic["partial"]["acceptable"] == 1.0
