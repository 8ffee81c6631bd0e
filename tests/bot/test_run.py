"""Process entry: token checks before anything connects."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.run import token_problem
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
