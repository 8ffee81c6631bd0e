"""Shared fixtures: the real bundled corpus, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.library import Library

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "corpus"
DATA_DIR = Path(__file__).resolve().parent / "data"
SHARED_DIR = ROOT.parent / "shared"
DEV_QRELS = SHARED_DIR / "eval" / "dev.json"

# The development sets and the original articles live in ../shared, beside a checkout;
# tests that read them skip, saying so, where it is absent.
needs_shared = pytest.mark.skipif(
    not (SHARED_DIR / "eval").is_dir(),
    reason=f"{SHARED_DIR} (development sets, original corpus) is not beside this checkout",
)


@pytest.fixture(scope="session")
def library() -> Library:
    """The bundled corpus, indexed."""
    return Library.load(CORPUS_DIR, name="the bundled corpus")
