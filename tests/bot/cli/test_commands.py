"""What the commands do, run through the CLI on small corpora of their own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import commands
from bot.cli.main import EXIT_OK, main
from retrieval.config import SEARCH_MODES

QRELS = [
    {
        "id": "baltic",
        "query": "baltic grain exports",
        "relevant": [{"file": "baltic.txt", "heading": "Baltic Ports", "grade": 2}],
    },
    {
        "id": "arctic",
        "query": "arctic sea routes",
        "relevant": [{"file": "arctic.txt", "heading": "Arctic Shipping", "grade": 2}],
    },
]


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two articles, the first (in reading order) in a sub-folder; the qrels beside."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "corpus"
    (folder / "a").mkdir(parents=True)
    (folder / "a" / "arctic.txt").write_text(
        "Arctic Shipping\n\nIce is melting across the north, and new sea routes open.\n"
    )
    (folder / "baltic.txt").write_text(
        "Baltic Ports\n\nThe Baltic ports handle grain and timber exports to Europe.\n"
    )
    (tmp_path / "qrels.json").write_text(json.dumps(QRELS))
    return folder


def _eval(capsys: pytest.CaptureFixture[str], corpus: Path, *options: str) -> dict[str, Any]:
    qrels = corpus.parent / "qrels.json"
    code = main(["--corpus", str(corpus), "eval", str(qrels), "--json", *options])
    out = capsys.readouterr().out
    assert code == EXIT_OK
    return dict(json.loads(out))


def test_eval_names_each_mode_measured_and_what_it_uses(
    capsys: pytest.CaptureFixture[str], corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SEARCH_MODE", raising=False)
    data = _eval(capsys, corpus)
    assert data["modes"] == {"ours": "hybrid"}
    assert data["uses"] == {"ours": SEARCH_MODES["hybrid"]}
    data = _eval(capsys, corpus, "--mode", "lexical")  # what it says, whatever SEARCH_MODE
    assert data["modes"] == {"ours": "lexical"}
    assert "word vectors" in data["uses"]["ours"]
    data = _eval(capsys, corpus, "--mode", "hybrid")
    assert data["modes"] == {"ours": "lexical", "hybrid": "hybrid"}
    assert data["uses"] == {name: SEARCH_MODES[mode] for name, mode in data["modes"].items()}


def test_eval_in_another_mode_reads_the_folder_the_library_was_loaded_from(
    capsys: pytest.CaptureFixture[str], corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded: list[Path] = []
    load = commands.load_library

    def spy(directory: Path, **kwargs: Any) -> Any:
        loaded.append(Path(directory))
        return load(directory, **kwargs)

    monkeypatch.setattr(commands, "load_library", spy)
    data = _eval(capsys, corpus, "--mode", "hybrid")
    assert loaded == [corpus, corpus]  # the settings' library, then the lexical one
    for system in ("ours", "hybrid"):  # both articles searched, not the first one's folder
        assert data[system]["all"]["recall@5"] == 1.0, system
