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


@pytest.fixture(scope="session")
def library() -> Library:
    """The bundled corpus, indexed."""
    return Library.load(CORPUS_DIR, name="the bundled corpus")
