"""Process entry: token checks before anything connects."""

from __future__ import annotations

import pytest

from bot.app.run import token_problem
from bot.cli.main import main
from bot.settings import Settings
from retrieval.library import Library


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
    import discord

    import bot.app.run as run_module
    from testkit.hosts import silent_host

    with silent_host() as port:
        monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api")
        monkeypatch.setattr(run_module, "STARTUP_TIMEOUT_SECONDS", 0.5)
        assert run_module.run_bot(_settings()) == 2
    err = capsys.readouterr().err
    assert (
        err.splitlines()[-1] == "diplobrief: error: Discord did not answer within 0.5 s; try again"
    )
    assert "Traceback" not in err


async def test_sigterm_closes_the_bot_once_its_answers_in_flight_are_sent(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio
    import os
    import signal
    import time

    import bot.app.replies as replies_module
    import bot.app.run as run_module
    from bot.app.client import create_bot
    from retrieval.engine import brief
    from testkit.bots import TOKEN
    from testkit.discord_fakes import command_payload
    from testkit.loopback import loopback
    from testkit.protocol import first_embed
    from tests.bot.conftest import make_settings

    def slow(*args, **kwargs):
        time.sleep(0.5)
        return brief(*args, **kwargs)

    async with loopback() as fake:
        bot = create_bot(make_settings(), library, guild_ready_timeout=0.05)
        ready = asyncio.Event()

        async def on_ready() -> None:
            ready.set()

        bot.add_listener(on_ready, "on_ready")
        served = asyncio.create_task(run_module._serve(bot, TOKEN))
        await asyncio.wait_for(ready.wait(), 10)
        monkeypatch.setattr(replies_module, "brief", slow)
        asking = asyncio.ensure_future(
            fake.interact(command_payload("brief", topic="peacekeeping"), timeout=10)
        )
        while not bot.replies._in_flight:
            await asyncio.sleep(0.01)
        # Only with our handler in place: the default would end this test process.
        assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN)
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(served, 15)
        assert bot.is_closed()
        answer = await asking
        assert answer.message is not None and first_embed(answer.message)["title"]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL, "the handler is removed"
