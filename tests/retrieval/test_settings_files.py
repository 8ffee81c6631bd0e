"""manifest.toml and cases.toml: wrong types are one line naming the file and the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from retrieval.cases import read_curation
from retrieval.corpus import read_manifest
from retrieval.model import CorpusError
from retrieval.settings_files import SHAPES, models
from tests.conftest import CORPUS_DIR


def test_the_quick_shapes_are_the_models() -> None:
    for table, (keys, required) in SHAPES.items():
        item = models()[table].model_fields[table].annotation.__args__[0]
        fields = item.model_fields
        assert set(fields) == set(keys), table
        assert {name for name, f in fields.items() if f.is_required()} == required, table


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[article]]\nfile = "a.txt"\ntitle = 42\n',
            "[[article]] #1, key `title`: should be a valid string (got 42)",
        ),
        ('[[article]]\ntitle = "A"\n', "[[article]] #1, key `file`: is required"),
        ("article = 5\n", "[[article]]: should be a valid list (got 5)"),
        (
            '[[article]]\nfile = "a.txt"\ntitel = "A"\n',
            "[[article]] #1, key `titel`: is not a setting of this file",
        ),
    ],
)
def test_manifest_errors_name_file_entry_and_key(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "manifest.toml").write_text(text)
    with pytest.raises(CorpusError) as caught:
        read_manifest(tmp_path)
    assert str(caught.value) == f"{tmp_path / 'manifest.toml'}: {message}"
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[case]]\nmatch = "isaf"\naliases = "isaf"\n',
            "[[case]] #1, key `aliases`: should be a valid list (got 'isaf')",
        ),
        (
            '[[case]]\nmatch = "isaf"\nhide = "yes"\n',
            "[[case]] #1, key `hide`: should be a valid boolean (got 'yes')",
        ),
        ("[[case]]\nmatch = 7\n", "[[case]] #1, key `match`: should be a valid string (got 7)"),
    ],
)
def test_cases_errors_name_file_entry_and_key(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "cases.toml").write_text(text)
    with pytest.raises(CorpusError) as caught:
        read_curation(tmp_path)
    assert str(caught.value) == f"{tmp_path / 'cases.toml'}: {message}"


def test_the_bundled_files_are_valid_without_pydantic() -> None:
    import subprocess
    import sys

    script = (
        "import sys; from retrieval.corpus import read_manifest; from retrieval.cases import read_curation\n"
        f"from pathlib import Path; d = Path({str(CORPUS_DIR)!r})\n"
        "assert len(read_manifest(d)) == 5 and read_curation(d).renames\n"
        "print('pydantic' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def test_a_wrong_cases_file_stops_the_cli_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli.main import EXIT_USAGE, main

    shutil.copytree(CORPUS_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / "cases.toml").write_text('[[case]]\nmatch = "isaf"\naliases = "isaf"\n')
    assert main(["brief", "isaf", "--corpus", str(tmp_path)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cases.toml: [[case]] #1, key `aliases`" in err


def test_check_validates_both_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli.main import EXIT_USAGE, main

    (tmp_path / "a.txt").write_text("Heading\nSome text about treaties and alliances here.\n")
    (tmp_path / "cases.toml").write_text('[[case]]\nmatch = "x"\nhide = "yes"\n')
    assert main(["check", str(tmp_path)]) == EXIT_USAGE
    assert "cases.toml: [[case]] #1, key `hide`" in capsys.readouterr().err
    (tmp_path / "cases.toml").unlink()
    (tmp_path / "manifest.toml").write_text('[[article]]\nfile = "a.txt"\ntitle = 42\n')
    assert main(["check", str(tmp_path)]) == EXIT_USAGE
    assert "manifest.toml: [[article]] #1, key `title`" in capsys.readouterr().err
