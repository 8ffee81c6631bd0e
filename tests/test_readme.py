"""The README is short and true: at most 200 lines, and every `diplobrief` command it
shows runs as shown (the bot's own commands without a token stop with one line)."""

from __future__ import annotations

import re
import shlex
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
def test_every_command_the_readme_shows_runs(
    shown: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.cli.main import main

    if "../shared" in shown and not (ROOT.parent / "shared").is_dir():
        pytest.skip("../shared (the development sets) is not beside this checkout")
    for name in ("DISCORD_TOKEN", "SEARCH_MODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))  # report writes nothing here
    monkeypatch.chdir(ROOT)  # as the README's reader runs them: from the checkout
    code = main(shlex.split(shown)[1:])
    out, err = capsys.readouterr()
    if shown in NEEDS_TOKEN:
        assert code == 2 and err.count("\n") == 1 and "DISCORD_TOKEN" in err, err
    else:
        assert code == 0, err
        assert out.strip(), shown


def test_no_command_writes_inside_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The defaults (no DATA_DIR, no cache setting) point at the user's folders, here made
    # temporary: the checkout and the corpus folder are left as they were.
    import subprocess

    from bot.cli.main import main
    from retrieval.semantic import cache_dirs

    cache = cache_dirs()[0].parent  # the vectors already made: not encoded again here
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("XDG_DATA_HOME", "DATA_DIR", "SEARCH_MODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.chdir(ROOT)
    before = subprocess.run(
        ["git", "status", "--porcelain", "--ignored"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    for argv in (["brief", "peacekeeping"], ["report"], ["check", "corpus"]):
        main(argv)
    capsys.readouterr()
    after = subprocess.run(
        ["git", "status", "--porcelain", "--ignored"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert after == before
    assert (tmp_path / ".local" / "share" / "diplobrief" / "diplobrief.sqlite3").exists()
