"""Shared fixtures: the real bundled corpus, loaded once per test session."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
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


@pytest.fixture(scope="session", autouse=True)
def _parse_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Parsed articles are cached in this session's own folder, not the user's."""
    from retrieval import parse_cache

    parse_cache.use_folder(tmp_path_factory.mktemp("parsed"))
    yield
    parse_cache.use_folder(None)


@pytest.fixture(scope="session", autouse=True)
def _one_sentence_model() -> Iterator[None]:
    """The sentence model is loaded once for the session. The CLI run in-process, and
    every hybrid Library a test builds, asks ``encoder_for("hybrid")`` for it: loading it
    (reading and hashing the model file, making the ONNX Runtime session) took 0.2 s a
    time, over 40 times a run. Where the runtime cannot be imported (a test hides it),
    the call is the product's own, and fails as it does."""
    from retrieval import semantic

    original = semantic.encoder_for
    loaded: list[semantic.Encoder] = []

    def encoder_for(search_mode: str) -> semantic.Encoder | None:
        if search_mode == "hybrid" and loaded and _runtime_importable():
            return loaded[0]
        encoder = original(search_mode)
        if encoder is not None and not loaded:
            loaded.append(encoder)
        return encoder

    with pytest.MonkeyPatch.context() as patch:
        # Modules that imported the name already (in collection) hold their own
        # reference; those imported later take the one set in retrieval.semantic.
        for name, module in list(sys.modules.items()):
            ours = name.split(".")[0] in {"bot", "retrieval", "tests"}
            if ours and getattr(module, "encoder_for", None) is original:
                patch.setattr(module, "encoder_for", encoder_for)
        yield


def _runtime_importable() -> bool:
    try:
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="session")
def library() -> Library:
    """The bundled corpus, indexed as the default install does (hybrid: BM25 and the
    sentence model on ONNX Runtime)."""
    from retrieval.semantic import encoder_for

    return Library.load(CORPUS_DIR, name="the bundled corpus", encoder=encoder_for("hybrid"))


@pytest.fixture(scope="session")
def lexical_library() -> Library:
    """The bundled corpus indexed without the sentence model (SEARCH_MODE=lexical)."""
    return Library.load(CORPUS_DIR, name="the bundled corpus")


BRIEF_IN_A_PROCESS = (
    "import sys, runpy; sys.argv = ['diplobrief', 'brief', 'peacekeeping']\n"
    "code = None\n"
    "try:\n    runpy.run_module('bot', run_name='__main__')\n"
    "except SystemExit as e:\n    code = e.code\n"
    "print('DISCORD' if 'discord' in sys.modules else 'NO-DISCORD', code)\n"
    "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers', 'onnxruntime')"
    " if m in sys.modules))\n"
)


@pytest.fixture(scope="session")
def brief_in_a_process() -> Callable[[str], subprocess.CompletedProcess[str]]:
    """`python -m bot brief peacekeeping` in a fresh process with SEARCH_MODE set, run
    once a session for each mode (a Python start, the imports and the corpus: about a
    second each), for the tests of what that process imports. Its stdout ends with two
    lines: `NO-DISCORD <exit code>` (or `DISCORD`), then the model runtimes imported."""
    runs: dict[str, subprocess.CompletedProcess[str]] = {}

    def run(mode: str) -> subprocess.CompletedProcess[str]:
        if mode not in runs:
            runs[mode] = subprocess.run(
                [sys.executable, "-c", BRIEF_IN_A_PROCESS],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env={**os.environ, "SEARCH_MODE": mode},
                check=False,
            )
        return runs[mode]

    return run


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server started for this test session (see testkit/postgres.py)."""
    from testkit.postgres import postgres_server

    with postgres_server() as url:
        yield url


_databases = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store: an SQLite file, or a new database on the session's
    PostgreSQL server. Storage tests take it and so run on both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    import sqlalchemy as sa

    server = request.getfixturevalue("postgres_url")
    name = f"test_{os.getpid()}_{next(_databases)}"
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server.rsplit("/", 1)[0] + "/" + name
