"""The committed ONNX sentence model (retrieval/data/minilm): as close to the PyTorch model
as the build promised, unit vectors, one vector per text, no telemetry, caches outside the
corpus. No PyTorch needed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from retrieval.semantic import MODEL_DIR, cache_dirs
from tests.conftest import CORPUS_DIR
from tests.retrieval.conftest import EncodingProcess

try:
    import onnxruntime  # noqa: F401
    import tokenizers  # noqa: F401
except ImportError as missing:
    if os.environ.get("DIPLOBRIEF_REQUIRE_SEMANTIC"):
        raise RuntimeError(
            "DIPLOBRIEF_REQUIRE_SEMANTIC is set but onnxruntime is missing"
        ) from missing
    pytest.skip("onnxruntime or tokenizers is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def encoder():
    from retrieval.semantic import OnnxMiniLMEncoder

    # One thread: the fastest for single texts where the test run shares the cores.
    return OnnxMiniLMEncoder(threads=1)


def test_quantized_model_stays_close_to_pytorch(encoder) -> None:
    texts = json.loads((MODEL_DIR / "reference-texts.json").read_text(encoding="utf-8"))
    reference = np.load(MODEL_DIR / "reference-vectors.npy")
    assert reference.shape == (len(texts), 384) and reference.dtype == np.float32
    cosines = (encoder.encode(texts) * reference).sum(axis=1)
    assert cosines.min() >= 0.98
    assert cosines.mean() >= 0.99


def test_unit_rows_of_the_right_shape(encoder) -> None:
    vectors = encoder.encode(["Sanctions bite.", "word " * 400, ""])
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_empty_input(encoder) -> None:
    vectors = encoder.encode([])
    assert vectors.shape == (0, 384)
    assert vectors.dtype == np.float32


def test_a_text_has_one_vector_whatever_it_is_encoded_with(encoder) -> None:
    text = "Military attachés serve as key representatives of their nations."
    alone = encoder.encode([text])[0]
    companions = ["Hi.", text, "A much longer sentence about arms control and treaties. " * 5]
    among = encoder.encode(companions, progress=True)[1]
    again = encoder.encode([text, "Another sentence entirely.", text])
    assert np.allclose(alone, among, atol=1e-5)
    assert np.allclose(alone, again[0], atol=1e-5)
    assert np.allclose(alone, again[2], atol=1e-5)


def test_name_follows_the_model_file(encoder) -> None:
    import hashlib

    digest = hashlib.sha256((MODEL_DIR / "model.onnx").read_bytes()).hexdigest()
    assert digest[:16] in encoder.name


def test_no_telemetry_folder(encoding_process: EncodingProcess) -> None:
    done = encoding_process.done
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "(1, 384)"
    assert not [p for p in encoding_process.home.rglob("*") if "Microsoft" in p.parts]


def test_caches_never_in_the_corpus_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for corpus in (CORPUS_DIR, tmp_path / "corpus", None):
        for cache_home in (str(tmp_path / "cache"), ""):
            monkeypatch.setenv("XDG_CACHE_HOME", cache_home)
            for folder in cache_dirs(corpus):
                if corpus is not None:
                    assert not folder.resolve().is_relative_to(Path(corpus).resolve())
                assert folder.name == "diplobrief"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert cache_dirs(CORPUS_DIR) == [tmp_path / "cache" / "diplobrief"]
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dirs(CORPUS_DIR) == [tmp_path / "home" / ".cache" / "diplobrief"]
