"""The README is short and true: at most 200 lines, and every `diplobrief` command it
shows runs as shown (the bot's own commands without a token stop with one line)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
SHOWN = sorted(
    set(re.findall(r"`(diplobrief [^`…]*?)`", README))
    | set(re.findall(r"^(diplobrief [^#\n]*?)\s*(?:#.*)?$", README, flags=re.MULTILINE))
)
# Commands that need what a test cannot give: a Discord token (stopped with one line),
# or a date to fill in.
NEEDS_TOKEN = {"diplobrief run", "diplobrief sync"}


def test_the_readme_is_short() -> None:
    assert len(README.splitlines()) <= 200


def test_the_readme_links_only_to_files_that_exist() -> None:
    for link in re.findall(r"\]\(((?:docs/)?[\w./-]+\.md)\)", README):
        assert (ROOT / link).is_file(), link


@pytest.mark.parametrize("shown", [c for c in SHOWN if "DATE" not in c and "path/to" not in c])
def test_every_command_the_readme_shows_runs(shown: str, tmp_path: Path) -> None:
    if "../shared" in shown and not (ROOT.parent / "shared").is_dir():
        pytest.skip("../shared (the development sets) is not beside this checkout")
    argv = shlex.split(shown)[1:]
    env = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "SEARCH_MODE"}}
    env["DATA_DIR"] = str(tmp_path / "data")  # report must not write into the checkout
    done = subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    if shown in NEEDS_TOKEN:
        assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
        assert "DISCORD_TOKEN" in done.stderr
    else:
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip(), shown
        assert "Traceback" not in done.stderr
