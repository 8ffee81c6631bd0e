"""Fixtures for the retrieval tests."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

ENCODE_IN_A_PROCESS = (
    "import sys\n"
    "from retrieval.semantic import encoder_for\n"
    "print(encoder_for('hybrid').encode(['Allies train together.']).shape)\n"
    "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers')"
    " if m in sys.modules))\n"
)


@dataclass(frozen=True)
class EncodingProcess:
    """A fresh process that loaded the sentence model and encoded one text, with its
    own empty HOME and cache folder, and ONNX Runtime's telemetry not turned off from
    outside (no CI, no ORT_DISABLE_TELEMETRY): its stdout is the vector's shape, then
    the PyTorch-family modules it imported."""

    done: subprocess.CompletedProcess[str]
    home: Path


@pytest.fixture(scope="session")
def encoding_process(tmp_path_factory: pytest.TempPathFactory) -> EncodingProcess:
    """Run once a session (a Python start and the model's load: most of a second) for
    the tests of what such a process does: never imports PyTorch, writes no telemetry."""
    home = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "ORT_DISABLE_TELEMETRY")}
    env |= {"HOME": str(home), "XDG_CACHE_HOME": str(home / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", ENCODE_IN_A_PROCESS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return EncodingProcess(done, home)
