"""Process entry: token checks before anything connects."""

from __future__ import annotations

import pytest

from bot.app.run import token_problem
from bot.cli.main import main
from bot.settings import Settings


@pytest.mark.parametrize(
    ("token", "problem"),
    [(None, "DISCORD_TOKEN is not set"), ("", "DISCORD_TOKEN is not set"), ("nodots", "malformed")],
)
def test_token_problems(token: str | None, problem: str) -> None:
    found = token_problem(Settings(_env_file=None, discord_token=token))
    assert found is not None and problem in found


def test_run_without_token_fails_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.chdir("/")  # no .env here
    assert main(["run"]) == 2
    assert capsys.readouterr().err == (
        "diplobrief: error: DISCORD_TOKEN is not set: put the bot token in .env (see .env.example)\n"
    )


def _settings(**overrides) -> Settings:
    return Settings(_env_file=None, discord_token="a.b.c", **overrides)


def test_run_with_discord_unreachable_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import discord

    from bot.app.run import run_bot

    monkeypatch.setattr(discord.http.Route, "BASE", "http://diplobrief-no-such-host.invalid/api")
    assert run_bot(_settings()) == 2
    err = capsys.readouterr().err
    last = err.splitlines()[-1]  # after the log lines of `run`
    assert last.startswith("diplobrief: error: cannot reach Discord: ")
    assert "Traceback" not in err


def test_run_gives_up_when_discord_never_answers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    import discord

    import bot.app.run as run_module

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections, never answers
    try:
        port = silent.getsockname()[1]
        monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api")
        monkeypatch.setattr(run_module, "STARTUP_TIMEOUT_SECONDS", 0.5)
        assert run_module.run_bot(_settings()) == 2
    finally:
        silent.close()
    err = capsys.readouterr().err
    assert (
        err.splitlines()[-1] == "diplobrief: error: Discord did not answer within 0.5 s; try again"
    )
    assert "Traceback" not in err
