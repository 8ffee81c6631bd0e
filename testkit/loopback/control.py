"""Driving a fake Discord that runs in another process.

:class:`Operations` declares every control operation once: the fake's process serves each
public method as ``POST /_control/<name>`` (JSON keyword arguments in, JSON out), and
:class:`RemoteFake` calls them by the same name. Adding an operation is one method here.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import contextlib
import inspect
import select
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import yarl
from aiohttp import web

from testkit.discord_fakes import attachment_payload
from testkit.loopback.server import FakeDiscord, Interaction, LoopbackAddress, json_response
from testkit.protocol import Callback, first_embed, is_ephemeral


class Operations:
    """The control operations a test may run on the fake (all JSON in, JSON out)."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    async def send(self, payload: dict[str, Any], shard: int = 0) -> str:
        """Send an INTERACTION_CREATE; returns its id (not waiting for the reply)."""
        return (await self.fake.send(payload, shard=shard)).payload["id"]

    async def send_many(self, payloads: list[dict[str, Any]], shard: int = 0) -> list[str]:
        """Send interactions back to back, as fast as the gateway can."""
        return [await self.send(payload, shard) for payload in payloads]

    async def wait(self, id: str, timeout: float = 5.0, settle: float = 0.05) -> dict[str, Any]:
        """Wait for the answer to an interaction (after a deferral, for its edit too)."""
        interaction = self.fake.interactions[id]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(interaction.answered.wait(), timeout)
        if (
            interaction.callbacks
            and interaction.callbacks[0].get("type") == Callback.DEFERRED_CHANNEL_MESSAGE
        ):
            await _until(lambda: bool(interaction.edits or interaction.followups), timeout)
        await asyncio.sleep(settle)  # let follow-ups of the same handler land
        return _describe(interaction)

    async def wait_all(
        self, ids: list[str], timeout: float = 60.0, settle: float = 0.5
    ) -> list[dict[str, Any]]:
        """Wait for the answers to many interactions: until each is answered, or is past
        Discord's deadline unanswered (the fake refuses a later answer, so none will
        come: a shed interaction ends the wait then, not at ``timeout``); and, as
        :meth:`wait` does, until each deferred one has its edit or follow-up too (on a
        busy machine the edit can come well after the deferral)."""
        interactions = [self.fake.interactions[i] for i in ids]
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            pending = [i for i in interactions if not i.answered.is_set()]
            now = time.monotonic()
            if all(now - i.sent_at > self.fake.deadline + 0.25 for i in pending):
                break
            await asyncio.sleep(0.02)
        await _until(
            lambda: not any(map(_deferred_without_text, interactions)),
            max(0.0, end - time.monotonic()),
        )
        await asyncio.sleep(settle)
        return [_describe(i) for i in interactions]

    async def fire(
        self,
        topics: list[str],
        count: int,
        rate: float,
        users: int = 20,
        shard: int = 0,
        distinct: bool = False,
    ) -> None:
        """Open loop: send ``count`` /brief interactions (the topics in turn, from
        ``users`` users; with ``distinct``, each topic numbered so that no two queries
        are the same and none is answered from memory) at a fixed rate from this, the
        fake's, process, whatever the bot does; :meth:`fired` waits for and reports them."""
        from testkit.discord_fakes import command_payload

        fake = self.fake
        fake.fired = []

        async def sender() -> None:
            start = time.monotonic()
            for n in range(count):
                delay = start + n / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                topic = topics[n % len(topics)] + (f" {n}" if distinct else "")
                payload = command_payload(
                    "brief", topic=topic, user_id=800000000000000000 + n % users
                )
                fake.fired.append((await fake.send(payload, shard=shard)).payload["id"])

        fake.firing = asyncio.ensure_future(sender())

    async def fired(self, settle: float = 5.0) -> dict[str, Any]:
        """When every fired interaction was sent and had ``settle`` seconds more to be
        answered: how many were offered, answered in time, late or never answered, and
        the latencies of the first response and of the answer's text."""
        fake = self.fake
        assert fake.firing is not None, "fire first"
        await fake.firing
        sent_over = time.monotonic() - fake.interactions[fake.fired[0]].sent_at
        await asyncio.sleep(settle)
        done = [fake.interactions[i] for i in fake.fired]
        first = sorted(i.latency for i in done if i.callbacks)
        # A /brief briefing is public; a private first message says why there is none
        # (nothing found, or the bot is busy).
        private = [bool(i.callbacks) and _private(i.callbacks[0]) for i in done]
        final = sorted(
            i.final_at - i.sent_at
            for i, alone in zip(done, private, strict=True)
            if i.final_at is not None and not alone
        )
        late = sum(r.status == 404 and "/callback" in r.path for r in fake.requests)
        return {
            "offered": len(done),
            "offered_per_second": len(done) / max(sent_over, 1e-9),
            "answered": len(first),
            "with_text": len(final),
            "private": sum(private),
            "late": late,
            "never": sum(not i.callbacks for i in done) - late,
            "first_ms": _percentiles(first),
            "final_ms": _percentiles(final),
        }

    async def fail_next(
        self, kind: str, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> None:
        """Answer the next request of ``kind`` (callback, followup, edit) with a fault."""
        self.fake.fail_next(kind, status, body, headers)

    async def attach(self, filename: str, content_base64: str) -> dict[str, Any]:
        """An attachment, served by the fake's CDN, as an interaction resolves it."""
        content = base64.b64decode(content_base64)
        url = self.fake.host_file(filename, content)
        return attachment_payload(filename, len(content), url)

    async def deny_threads(self, channel_id: str) -> None:
        """Refuse thread creation in a channel (403 Missing Permissions)."""
        self.fake.no_thread_channels.add(channel_id)

    async def threads(self) -> dict[str, Any]:
        """The threads created, by message id."""
        return self.fake.threads

    async def clear_faults(self) -> None:
        """Forget faults not yet used."""
        self.fake.faults.clear()

    async def close_gateway(self, code: int, shard: int = 0) -> None:
        """Close a shard's session with a close code, as Discord does."""
        await self.fake.close_gateway(code, shard)

    async def send_reconnect(self, shard: int = 0) -> None:
        """Op 7 RECONNECT: the bot should reconnect and resume."""
        await self.fake.send_reconnect(shard)

    async def wait_live(self, shard: int = 0, count: int = 1, timeout: float = 10.0) -> None:
        """Wait until ``count`` sessions have been opened for a shard and one is live."""
        await self.fake.wait_live(shard, count=count, timeout=timeout)

    async def set_deadline(self, seconds: float) -> None:
        """How late a callback may come before it gets 10062 Unknown interaction."""
        self.fake.deadline = seconds

    async def reset(self) -> None:
        """Forget everything the last test did (see :meth:`FakeDiscord.reset`)."""
        await self.fake.reset()

    async def state(self) -> dict[str, Any]:
        """Every request recorded, the IDENTIFY and RESUME payloads, the synced commands."""
        fake = self.fake
        return {
            "requests": [
                {"method": r.method, "path": r.path, "body": r.body, "status": r.status}
                for r in fake.requests
            ],
            "identifies": fake.identifies,
            "resumes": fake.resumes,
            "commands": fake.commands,
        }


def _private(callback: dict[str, Any]) -> bool:
    """Whether a first response is a private message (not a deferral, not an answer)."""
    return callback.get("type") == Callback.CHANNEL_MESSAGE and is_ephemeral(
        callback.get("data") or {}
    )


def _percentiles(seconds: list[float]) -> dict[str, float]:
    """p50 and p99 of sorted latencies, in milliseconds (zeros for none)."""
    if not seconds:
        return {"p50": 0.0, "p99": 0.0}
    return {
        "p50": seconds[len(seconds) // 2] * 1000,
        "p99": seconds[min(len(seconds) - 1, int(len(seconds) * 0.99))] * 1000,
    }


OPERATIONS: tuple[str, ...] = tuple(
    name
    for name, member in inspect.getmembers(Operations, inspect.iscoroutinefunction)
    if not name.startswith("_")
)


def control_routes(fake: FakeDiscord) -> Any:
    """A route adder serving every operation under ``/_control/``."""
    operations = Operations(fake)

    def add_routes(app: web.Application) -> None:
        for name in OPERATIONS:
            method = getattr(operations, name)

            async def handle(request: web.Request, method: Any = method) -> web.Response:
                return json_response(await method(**await request.json()))

            app.router.add_post(f"/_control/{name}", handle)

    return add_routes


async def _until(condition: Any, timeout: float) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition() and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.01)


def _deferred_without_text(interaction: Interaction) -> bool:
    """Deferred, and neither its edit nor a follow-up has come yet."""
    return bool(
        interaction.callbacks
        and interaction.callbacks[0].get("type") == Callback.DEFERRED_CHANNEL_MESSAGE
        and not (interaction.edits or interaction.followups)
    )


def _describe(interaction: Interaction) -> dict[str, Any]:
    return {
        "id": interaction.payload["id"],
        "callbacks": interaction.callbacks,
        "edits": interaction.edits,
        "followups": interaction.followups,
        "message": interaction.message,
        "latency": None if interaction.callback_at is None else interaction.latency,
    }


@dataclass
class Answer:
    """What the bot answered to one interaction, as the fake saw it."""

    id: str
    callbacks: list[dict[str, Any]]
    edits: list[dict[str, Any]]
    followups: list[dict[str, Any]]
    message: dict[str, Any] | None
    latency: float | None

    @property
    def final(self) -> dict[str, Any]:
        """The message body as the user finally sees it (callback data, then edits)."""
        body: dict[str, Any] = {}
        for callback in self.callbacks[:1]:
            body.update(callback.get("data") or {})
        for edit in self.edits:
            body.update(edit)
        return body

    @property
    def callback_type(self) -> Callback | None:
        """The type of the first callback, if any."""
        return Callback(self.callbacks[0]["type"]) if self.callbacks else None

    @property
    def embed(self) -> dict[str, Any]:
        """The first embed of the final message."""
        return first_embed(self.final)


class RemoteFake(LoopbackAddress):
    """A FakeDiscord in its own process (so the bot under test has the event loop and a
    core to itself, as with the real Discord), driven through :class:`Operations`.

    Every operation is called by its name with the same arguments (``await
    fake.close_gateway(4000)``); ``wait``, ``wait_all`` and ``interact`` return
    :class:`Answer` objects.

    The process is started once per number of guilds and kept for the rest of the run
    (:func:`_fake_process`); :meth:`start` resets it, so that each test finds a fake as
    new, without paying a Python start and the imports of discord.py and aiohttp.
    """

    def __init__(self, *, guilds: int = 1) -> None:
        self.guilds = guilds
        self.port = 0
        self._session: Any = None

    async def start(self) -> None:
        """Find (or start) the fake's process, reset it, and open a control session."""
        import aiohttp

        self.port = await asyncio.get_running_loop().run_in_executor(
            None, _fake_process, self.guilds
        )
        self._session = aiohttp.ClientSession()
        await self.call("reset")

    async def stop(self) -> None:
        """Close the control session; the process stays for the next test (it ends
        when the test run does: :func:`stop_fakes`, or its stdin closing)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def call(self, name: str, **arguments: Any) -> Any:
        """Run one operation in the fake's process."""
        url = f"http://127.0.0.1:{self.port}/_control/{name}"
        async with self._session.post(url, json=arguments) as response:
            assert response.status == 200, await response.text()
            return await response.json(content_type=None)

    def __getattr__(self, name: str) -> Any:
        if name not in OPERATIONS:
            raise AttributeError(name)
        return lambda *args, **kwargs: self.call(name, **_named(name, args, kwargs))

    async def wait(self, interaction_id: str, *, timeout: float = 5.0) -> Answer:
        """Wait for the bot's answer to an interaction."""
        return Answer(**await self.call("wait", id=interaction_id, timeout=timeout))

    async def wait_all(self, ids: list[str], *, timeout: float = 60.0) -> list[Answer]:
        """Wait for the answers to many interactions."""
        return [Answer(**a) for a in await self.call("wait_all", ids=ids, timeout=timeout)]

    async def interact(
        self, payload: dict[str, Any], *, shard: int = 0, timeout: float = 5.0
    ) -> Answer:
        """Send an interaction and wait for its answer."""
        return await self.wait(
            await self.call("send", payload=payload, shard=shard), timeout=timeout
        )


# The fakes' processes, by number of guilds, and the port each listens on.
_processes: dict[int, tuple[subprocess.Popen[bytes], int]] = {}
_processes_lock = threading.Lock()


def _fake_process(guilds: int) -> int:
    """The port of a running fake with ``guilds`` guilds, started if there is none yet
    (or the last one has exited)."""
    with _processes_lock:
        running = _processes.get(guilds)
        if running is not None and running[0].poll() is None:
            return running[1]
        process = subprocess.Popen(
            [sys.executable, "-m", "testkit.loopback", str(guilds)],
            stdout=subprocess.PIPE,
            stdin=subprocess.PIPE,
            cwd=str(Path(__file__).resolve().parents[2]),
        )
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 30)
        line = process.stdout.readline() if ready else b""
        if not line.startswith(b"PORT "):
            process.kill()
            process.wait()
            raise AssertionError(f"the fake Discord did not start: {line!r}")
        port = int(line.decode().split()[1])
        _processes[guilds] = (process, port)
        return port


@atexit.register
def stop_fakes() -> None:
    """End every fake's process: closing its stdin stops it."""
    with _processes_lock:
        for process, _port in _processes.values():
            if process.poll() is None:
                assert process.stdin is not None
                process.stdin.close()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        _processes.clear()


def _named(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Positional arguments of an operation, named as its signature names them."""
    parameters = list(inspect.signature(getattr(Operations, name)).parameters)[1:]
    return {**dict(zip(parameters, args, strict=False)), **kwargs}


@contextlib.contextmanager
def pointed_at(fake: LoopbackAddress) -> Iterator[None]:
    """Point discord.py's REST base and gateway at the fake, and restore them after."""
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


@contextlib.asynccontextmanager
async def loopback(*, guilds: int = 1) -> AsyncIterator[RemoteFake]:
    """A fake Discord in its own process, as new, with discord.py pointed at it."""
    fake = RemoteFake(guilds=guilds)
    await fake.start()
    try:
        with pointed_at(fake):
            yield fake
    finally:
        await fake.stop()
