"""The offline CLI: exit codes, JSON shape, and no discord import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.cli.main import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, main
from bot.defaults import SETTING_NAMES
from tests.conftest import CORPUS_DIR, DEV_QRELS, ROOT, needs_shared


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_brief_prints_a_cited_briefing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "brief", "cyber", "diplomacy")
    assert code == EXIT_OK
    assert out.startswith("Briefing: cyber diplomacy")
    assert "Sources\n[1] " in out
    assert "Cybersecurity and Diplomatic Strategies for Digital Security" in out
    assert "Searched 83 sections of the bundled corpus." in out
    assert err == ""


def test_brief_flat_is_the_ranked_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "brief", "intelligence sharing", "--flat", "--json")
    assert code == EXIT_OK
    data = json.loads(out)
    assert data["bottom_line"] is None
    assert 3 <= len(data["excerpts"]) <= 5
    assert all(excerpt["facet"] is None for excerpt in data["excerpts"])


def test_brief_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "brief", "intelligence sharing", "--json")
    assert code == EXIT_OK
    data = json.loads(out)
    assert data["query"] == "intelligence sharing"
    assert 3 <= len(data["excerpts"]) <= 5
    assert data["bottom_line"]["text"] == data["excerpts"][0]["text"]
    assert data["excerpts"][0]["facet"] == "Bottom line"
    assert all(excerpt["facet"] for excerpt in data["excerpts"])
    for excerpt in data["excerpts"]:
        assert set(excerpt) >= {"text", "section_id", "article", "source_file", "heading"}
        assert excerpt["source_file"].endswith(".txt")
        assert excerpt["source_file"][:3].isdigit()  # the original file name
    assert data["sources"][0]["citation"] == 1
    assert any(source["caveat"] for source in data["sources"])


def test_ask_uses_the_question_as_title(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "What do military attachés do?")
    assert code == EXIT_OK
    assert out.startswith("What do military attachés do?")


def test_nothing_found_exits_1_with_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "brief", "pizza dough hydration")
    assert code == EXIT_NOT_FOUND
    assert "The corpus has nothing on this topic." in out
    assert "Try one of these topics instead:" in out
    code, out, _ = run(capsys, "brief", "pizza dough hydration", "--json")
    assert code == EXIT_NOT_FOUND
    assert json.loads(out)["excerpts"] == []


def test_search_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "military attachés", "--top", "3", "--json")
    assert code == EXIT_OK
    rows = json.loads(out)
    assert [row["rank"] for row in rows] == [1, 2, 3]
    assert set(rows[0]) == {"rank", "section_id", "article", "source_file", "heading", "score"}
    assert rows[0]["heading"] == "The Role of Military Attachés"
    assert rows[0]["source_file"] == "004_670f22be89b731e6.txt"


def test_sources_lists_articles_and_sections(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sources")
    assert code == EXIT_OK
    assert out.startswith("5 articles, 83 sections")
    code, out, _ = run(capsys, "sources", "--json")
    assert sum(len(a["sections"]) for a in json.loads(out)) == 83


@pytest.mark.parametrize(
    "argv",
    [
        ["brief", "   "],
        ["brief"],
        ["bogus"],
        ["search", "x", "--top", "0"],
        ["brief", "x", "--more", "-1"],
        ["eval", "no-such-file.json"],
    ],
)
def test_bad_usage_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == EXIT_USAGE
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("diplobrief: error: ")


def test_unusable_corpus_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "--corpus", str(tmp_path), "brief", "x")
    assert code == EXIT_USAGE
    assert "no usable article" in err


@needs_shared
def test_eval_reports_baseline_beside_ours(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "eval", str(DEV_QRELS), "--baseline", "--json")
    assert code == EXIT_OK
    data = json.loads(out)
    assert data["ours"]["all"]["ndcg@5"] > data["baseline"]["all"]["ndcg@5"]
    assert data["worst"]


def test_python_m_bot_works_and_never_imports_discord(
    brief_in_a_process: Callable[[str], subprocess.CompletedProcess[str]],
) -> None:
    done = brief_in_a_process("hybrid")  # the default mode
    assert done.stdout.startswith("Briefing: peacekeeping")
    assert done.stdout.strip().splitlines()[-2] == "NO-DISCORD 0", done.stderr


def test_retrieval_never_imports_discord() -> None:
    script = (
        "import sys, pkgutil, importlib, retrieval\n"
        "for m in pkgutil.iter_modules(retrieval.__path__):\n"
        "    importlib.import_module('retrieval.' + m.name)\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] == 'discord'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]"


def test_cases_list_and_lookup(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "cases")
    assert code == EXIT_OK
    assert "Iran Nuclear Deal (JCPOA) [case study]" in out
    code, out, _ = run(capsys, "cases", "isaf")
    assert code == EXIT_OK
    assert out.startswith("Case study: ISAF in Afghanistan")
    code, out, _ = run(capsys, "cases", "--json")
    rows = json.loads(out)
    assert {"name", "kind", "aliases", "sources"} <= set(rows[0])
    code, out, _ = run(capsys, "cases", "jcpoa", "--json")
    data = json.loads(out)
    assert data["case"]["name"] == "Iran Nuclear Deal (JCPOA)"
    assert data["briefing"]["excerpts"][0]["source_file"] == "000_a7344eb02c9b6968.txt"
    code, out, _ = run(capsys, "cases", "pizza")
    assert code == EXIT_NOT_FOUND
    assert out.startswith("No case matches “pizza”. See `diplobrief cases`.")


def test_setting_names_are_the_settings_fields() -> None:
    from bot.defaults import SETTING_NAMES
    from bot.settings import Settings

    assert {name.upper() for name in Settings.model_fields} == SETTING_NAMES


def test_the_offline_defaults_are_the_settings_defaults(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Both read one set of constants (bot/defaults.py): an offline command without
    # settings behaves as one whose settings are all at their defaults.
    from dataclasses import fields

    from bot.defaults import OfflineDefaults
    from bot.settings import Settings

    for name in (*SETTING_NAMES, "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    settings, offline = Settings(_env_file=None), OfflineDefaults()
    for field in fields(OfflineDefaults):
        assert getattr(settings, field.name) == getattr(offline, field.name), field.name


OFFLINE_BRIEFS = (
    "import os, sys; from bot.cli.main import main\n"
    "def brief():\n"
    "    code = main(['brief', 'peacekeeping'])\n"
    "    imported = [m for m in ('discord', 'pydantic_settings') if m in sys.modules]\n"
    "    print('IMPORTED', imported, code, flush=True)\n"
    "brief()  # no setting given\n"
    "os.chdir('..'); os.environ['CORPUS_DIR'] = sys.argv[1]\n"
    "brief()  # a setting given in the environment\n"
)


def test_offline_brief_reads_settings_only_when_some_are_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # What a process imports: one fresh process briefs with no setting given, then
    # (in the folder above, where there is no .env either) with CORPUS_DIR set.
    clean = {k: v for k, v in os.environ.items() if k.upper() not in SETTING_NAMES}
    done = subprocess.run(
        [sys.executable, "-c", OFFLINE_BRIEFS, str(CORPUS_DIR)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**clean, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    said = [line for line in done.stdout.splitlines() if line.startswith("IMPORTED ")]
    assert said == ["IMPORTED [] 0", "IMPORTED ['pydantic_settings'] 0"], done.stderr
    # A .env is read (and its errors said) when there is one: in this process.
    for name in list(os.environ):
        if name.upper() in SETTING_NAMES:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("TOP_K=99\n")
    _, _, err = run(capsys, "brief", "peacekeeping")
    assert "setting TOP_K is invalid" in err
    (tmp_path / ".env").write_text(f"CORPUS_DIR={tmp_path / 'nowhere'}\n")
    _, _, err = run(capsys, "brief", "peacekeeping")
    assert "corpus folder not found" in err


@needs_shared
def test_eval_reports_answers_and_offtopic_together(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A few items of each development set: the reports are what is tested here (the
    # figures on the whole sets are held in tests/retrieval/test_reading.py).
    files = []
    for name, items in (("dev.json", 8), ("answers-dev.json", 5), ("offtopic-dev.json", 6)):
        data = json.loads((DEV_QRELS.parent / name).read_text(encoding="utf-8"))
        (tmp_path / name).write_text(json.dumps(data[:items] + data[-2:]), encoding="utf-8")
        files.append(tmp_path / name)
    qrels, answers, offtopic = files
    code, out, _ = run(capsys, "eval", str(qrels), str(answers), str(offtopic), "--json")
    assert code == EXIT_OK
    data = json.loads(out)
    assert set(data) == {"modes", "uses", "dev.json", "answers-dev.json", "offtopic-dev.json"}
    assert data["modes"] == {"ours": "hybrid"}
    assert 0 <= data["answers-dev.json"]["ours"]["all"]["answer@1"] <= 1
    refused = data["dev.json"]["ours"]["all"]["empty_answerable"]
    refused += data["answers-dev.json"]["ours"]["all"]["refused"]
    assert data["offtopic-dev.json"]["ours"]["answerable_refused"] == refused
    code, out, _ = run(capsys, "eval", str(answers))
    assert code == EXIT_OK and "answer@1" in out and "answer@any" in out
    graded = json.loads((DEV_QRELS.parent / "answers-graded-dev.json").read_text())
    (tmp_path / "graded.json").write_text(json.dumps(graded[::20]), encoding="utf-8")
    code, out, _ = run(capsys, "eval", str(tmp_path / "graded.json"))
    assert code == EXIT_OK and "useful@1" in out and "answer@any" in out


def test_eval_of_a_file_of_the_wrong_shape_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"queries": []}')
    code, _, err = run(capsys, "eval", str(wrong))
    assert code == EXIT_USAGE
    assert err.startswith("diplobrief: error: not an evaluation file") and err.count("\n") == 1


def _cli(args: list[str], *, cwd: Path = ROOT, env: dict[str, str] | None = None, **kw: Any):
    clean = {k: v for k, v in os.environ.items() if k.upper() not in SETTING_NAMES}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        cwd=cwd,
        env={**clean, "PYTHONPATH": str(ROOT), **(env or {})},
        check=False,
        **kw,
    )


def test_corpus_is_accepted_after_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "nato", "--corpus", str(CORPUS_DIR))
    assert code == EXIT_OK and "NATO" in out


def test_an_ascii_terminal_gets_escapes_not_a_traceback() -> None:
    done = _cli(["brief", "attachés"], env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == EXIT_OK, done.stderr
    assert b"attach\\xe9s" in done.stdout and not done.stderr


def test_a_non_utf8_env_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"TOP_K=4\nNAME=\xff\n")
    done = _cli(["brief", "nato"], cwd=tmp_path)
    assert done.returncode == EXIT_USAGE
    assert done.stderr.startswith(b"diplobrief: error: .env is not valid UTF-8")
    assert done.stderr.count(b"\n") == 1


def test_invalid_utf8_in_argv_still_gives_utf8_json() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "brief",
            b"nato \xff\xfe".decode("utf-8", "surrogateescape"),
            "--json",
        ],
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    data = json.loads(done.stdout.decode("utf-8"))  # raises if it is not UTF-8
    assert "\ufffd" in data["query"]


def test_a_reader_that_stops_reading_ends_it_quietly() -> None:
    script = (
        "import os, sys\n"
        "read, write = os.pipe(); os.close(read)  # the reader is gone, as after `| head`\n"
        "sys.stdout = open(write, 'w', buffering=1)\n"
        "from bot.cli.main import main\n"
        "sys.stderr.write(f'status {main([\"sources\"])}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.stderr == "status 0", done.stderr


def test_eval_of_a_file_that_is_not_json_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "eval", "/etc/passwd")
    assert code == EXIT_USAGE and err.count("\n") == 1


def test_check_warns_about_a_tiny_corpus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text("Arctic Shipping\nIce is melting across the north.\n")
    code, out, _ = run(capsys, "check", str(tmp_path))
    assert code == EXIT_OK
    assert "warning: only 1 section: search works" in out


def test_check_reports_names_that_would_share_an_identity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a b.txt").write_text("Heading\nThe space twin writes about sanctions relief.\n")
    (tmp_path / "a-b.txt").write_text("Heading\nThe hyphen twin writes about naval drills.\n")
    code, out, _ = run(capsys, "check", str(tmp_path))
    assert code == EXIT_OK
    assert "warning: a b.txt and a-b.txt would share the identity `a-b`: a b.txt is `a-b-" in out


def test_escape_sequences_in_names_and_text_never_reach_the_terminal_raw(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "evil\x1b[31mred.txt").write_text(
        "Heading \x1b]0;pwned\x07\nSanctions relief \x1b[2J was negotiated over many months.\n"
    )
    (tmp_path / "b.txt").write_text("Other\nA second article about naval drills at sea.\n")
    for argv in (
        ("check", str(tmp_path)),
        ("brief", "sanctions relief", "--corpus", str(tmp_path)),
    ):
        code, out, err = run(capsys, *argv)
        assert code == EXIT_OK, err
        assert "\x1b" not in out + err and "\x07" not in out + err
        assert "\\x1b" in out, "shown as an escape, not dropped"


def test_terminal_safe_keeps_only_our_own_bold() -> None:
    from bot.present.render import ANSI_BOLD
    from bot.present.text import terminal_safe

    text = f"{ANSI_BOLD[0]}NATO{ANSI_BOLD[1]} \x1b[31m\u202eevil\x00"
    assert terminal_safe(text) == f"{ANSI_BOLD[0]}NATO{ANSI_BOLD[1]} \\x1b[31m\\u202eevil\\x00"


def test_check_says_whose_each_article_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text("Heading\nShared text about treaties and alliances.\n")
    (tmp_path / "123456789012345678").mkdir()
    (tmp_path / "123456789012345678" / "b.txt").write_text(
        "Own\nThe server's own notes on drills.\n"
    )
    (tmp_path / "123456789012345678 (club)").mkdir()
    (tmp_path / "123456789012345678 (club)" / "c.txt").write_text("X\nMisplaced notes here.\n")
    code, out, _ = run(capsys, "check", str(tmp_path))
    assert code == EXIT_OK
    assert "OK    [shared] " in out and "OK    [server 123456789012345678] " in out
    assert "(club): looks like a server's own folder but is not one" in out


def _hostile_names(folder: Path) -> None:
    """Article files whose names hold escape sequences, a newline and a bidi override."""
    (folder / "bold\x1b[1mname.txt").write_text("Heading\nText about alliances in the north.\n")
    (folder / "line\nOK    [shared] forged.txt").write_text(
        "Heading\nText about naval drills at sea.\n"
    )
    (folder / "rtl\u202etxt.md").write_text("Sanctions relief was negotiated over months.\n")
    (folder / "skip\x1b[0m\u2028me.txt").write_bytes(b"\x00\x01\x02 binary")


def test_no_escape_sequence_or_newline_from_a_file_name_reaches_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _hostile_names(tmp_path)
    code, out, err = run(capsys, "check", str(tmp_path))
    assert code == EXIT_OK, err
    for raw in ("\x1b", "\u202e", "\u2028"):
        assert raw not in out + err
    assert "bold\\x1b[1mname.txt" in out and "skip\\x1b[0m\\u2028me.txt" in out
    assert "line\\nOK    [shared] forged.txt" in out and "rtl\\u202etxt.md" in out
    # One line per file: the newline in a name cannot forge an OK line of its own.
    lines = out.splitlines()
    assert sum(line.startswith("OK    ") for line in lines) == 3
    assert sum(line.startswith("SKIP  ") for line in lines) == 1
    assert not any(line.startswith("OK    [shared] forged") for line in lines)
    # Other commands warn about skipped files the same way.
    code, out, err = run(capsys, "sources", "--corpus", str(tmp_path))
    assert code == EXIT_OK, err
    assert "\x1b" not in out + err and "\u2028" not in err  # the title is made plain
    assert "skipped " in err and "skip\\x1b[0m\\u2028me.txt" in err


def test_check_json_reports_articles_warnings_and_skipped_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text("Heading\nShared text about treaties and alliances.\n")
    (tmp_path / "123456789012345678").mkdir()
    (tmp_path / "123456789012345678" / "b.txt").write_text(
        "Heading\nA server's own text about naval drills.\n"
    )
    (tmp_path / "picture.txt").write_bytes(bytes(range(256)) * 4)
    _hostile_names(tmp_path)
    code, out, err = run(capsys, "check", str(tmp_path), "--json")
    assert code == EXIT_OK, err
    report = json.loads(out)  # valid JSON, escapes and all
    by_file = {Path(a["file"]).name: a for a in report["articles"]}
    assert set(by_file) == {
        "a.txt",
        "b.txt",
        "bold\x1b[1mname.txt",
        "line\nOK    [shared] forged.txt",
        "rtl\u202etxt.md",
    }
    shared = by_file["a.txt"]
    assert shared["slug"] == "a" and shared["title"] and shared["sections"] == 1
    assert (shared["shared"], shared["server"], shared["read_as"]) == (True, None, None)
    assert (by_file["b.txt"]["shared"], by_file["b.txt"]["server"]) == (
        False,
        "123456789012345678",
    )
    skipped = {Path(s["file"]).name: s["reason"] for s in report["skipped"]}
    assert "binary" in skipped["picture.txt"] and "skip\x1b[0m\u2028me.txt" in skipped
    assert report["sections"] == 5 and report["usable"] is True and report["warnings"] == []
    assert "\x1b" not in out and "\u202e" not in out  # escaped in the JSON text itself

    tiny = tmp_path / "tiny"
    tiny.mkdir()
    (tiny / "a.txt").write_text("Heading\nShared text about treaties and alliances.\n")
    code, out, _ = run(capsys, "check", str(tiny), "--json")
    assert code == EXIT_OK and "only 1 section:" in json.loads(out)["warnings"][0]

    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, _ = run(capsys, "check", str(empty), "--json")
    assert code == EXIT_NOT_FOUND
    assert json.loads(out)["articles"] == [] and json.loads(out)["usable"] is False


def test_a_mistyped_command_suggests_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "breif", "cyber diplomacy")
    assert code == EXIT_USAGE
    assert err.rstrip().endswith("did you mean brief?") and err.count("\n") == 1
    code, _, err = run(capsys, "zzzz")
    assert code == EXIT_USAGE and "did you mean" not in err


@pytest.mark.parametrize("setting", ["OWNER_IDS", "SHARD_IDS"])
def test_a_list_setting_that_is_not_json_is_one_line(
    setting: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(setting, "1,2")
    code, _, err = run(capsys, "brief", "peacekeeping")
    assert code == EXIT_USAGE
    assert err.startswith(f"diplobrief: error: setting {setting} is invalid")
    assert err.count("\n") == 1
