"""A small fake Discord on 127.0.0.1: the REST routes the bot uses and a websocket
gateway, behaving like Discord where the bot could get it wrong (limits, schemas,
double responses, late callbacks) and recording every request.

discord.py is pointed at it by setting ``discord.http.Route.BASE`` and
``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY``; ``pointed_at`` does that and
restores them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
import yarl
from aiohttp import WSMsgType, web

from tests.bot.discord_fakes import (
    APP_ID,
    GUILD_ID,
    channel_payload,
    message_payload,
    user_payload,
)

JSON = "application/json"
HEARTBEAT_INTERVAL_MS = 41250
INTERACTION_DEADLINE = 3.0
COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")

_ids = itertools.count(990000000000000000)


def _id() -> str:
    return str(next(_ids))


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A response with `Content-Type: application/json` exactly, as Discord sends it."""
    body = b"" if data is None else json.dumps(data).encode()
    response = web.Response(body=body, status=status, headers=headers or {})
    response.headers["Content-Type"] = JSON
    return response


def invalid_form(errors: list[tuple[str, str, str]]) -> web.Response:
    """Discord's 400 for a payload it refuses: code 50035 with the failing paths."""
    nested: dict[str, Any] = {}
    for path, code, message in errors:
        node = nested
        for part in path.split("."):
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": code, "message": message})
    return json_response(
        {"code": 50035, "message": "Invalid Form Body", "errors": nested}, status=400
    )


def _too_long(value: Any, limit: int, path: str, errors: list[tuple[str, str, str]]) -> None:
    if value is not None and len(str(value)) > limit:
        errors.append((path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length."))


def message_errors(data: dict[str, Any], prefix: str = "") -> list[tuple[str, str, str]]:
    """What Discord would refuse in a message body: content, embeds, components."""
    errors: list[tuple[str, str, str]] = []
    _too_long(data.get("content"), 2000, f"{prefix}content", errors)
    embeds = data.get("embeds") or []
    if len(embeds) > 10:
        errors.append((f"{prefix}embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length."))
    total = 0
    for i, embed in enumerate(embeds):
        path = f"{prefix}embeds.{i}"
        _too_long(embed.get("title"), 256, f"{path}.title", errors)
        _too_long(embed.get("description"), 4096, f"{path}.description", errors)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            errors.append(
                (f"{path}.fields", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
            )
        for j, item in enumerate(fields):
            if not item.get("name") or not item.get("value"):
                errors.append(
                    (f"{path}.fields.{j}", "BASE_TYPE_REQUIRED", "This field is required")
                )
            _too_long(item.get("name"), 256, f"{path}.fields.{j}.name", errors)
            _too_long(item.get("value"), 1024, f"{path}.fields.{j}.value", errors)
        footer = (embed.get("footer") or {}).get("text")
        _too_long(footer, 2048, f"{path}.footer.text", errors)
        author = (embed.get("author") or {}).get("name")
        _too_long(author, 256, f"{path}.author.name", errors)
        total += sum(
            len(str(x or ""))
            for x in (embed.get("title"), embed.get("description"), footer, author)
        )
        total += sum(len(str(f.get("name", ""))) + len(str(f.get("value", ""))) for f in fields)
    if total > 6000:
        errors.append(
            (
                f"{prefix}embeds",
                "MAX_EMBED_SIZE_EXCEEDED",
                "Embed size exceeds maximum size of 6000",
            )
        )
    rows = data.get("components") or []
    if len(rows) > 5:
        errors.append(
            (f"{prefix}components", "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
        )
    for r, row in enumerate(rows):
        items = row.get("components") or []
        selects = [c for c in items if c.get("type") in (3, 5, 6, 7, 8)]
        if len(items) > 5 or (selects and len(items) > 1):
            errors.append(
                (f"{prefix}components.{r}.components", "BASE_TYPE_MAX_LENGTH", "Row is full.")
            )
        for c, item in enumerate(items):
            path = f"{prefix}components.{r}.components.{c}"
            if item.get("type") != 2 or item.get("style") != 5:
                if not item.get("custom_id"):
                    errors.append(
                        (f"{path}.custom_id", "BASE_TYPE_REQUIRED", "This field is required")
                    )
                _too_long(item.get("custom_id"), 100, f"{path}.custom_id", errors)
            options = item.get("options") or []
            if item.get("type") == 3 and not 1 <= len(options) <= 25:
                errors.append(
                    (
                        f"{path}.options",
                        "BASE_TYPE_BAD_LENGTH",
                        "Must be between 1 and 25 in length.",
                    )
                )
            for o, option in enumerate(options):
                _too_long(option.get("label"), 100, f"{path}.options.{o}.label", errors)
                _too_long(option.get("value"), 100, f"{path}.options.{o}.value", errors)
                _too_long(option.get("description"), 100, f"{path}.options.{o}.description", errors)
    return errors


def command_errors(commands: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """What Discord would refuse in a bulk command overwrite."""
    errors: list[tuple[str, str, str]] = []
    for i, command in enumerate(commands):
        _check_named(command, str(i), errors, chat_input=command.get("type", 1) == 1)
        options = command.get("options") or []
        if len(options) > 25:
            errors.append(
                (f"{i}.options", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
            )
        seen_optional = False
        for j, option in enumerate(options):
            _check_named(option, f"{i}.options.{j}", errors, chat_input=True)
            if option.get("required"):
                if seen_optional:
                    errors.append(
                        (
                            f"{i}.options.{j}",
                            "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                            "Required options must be placed before non-required options",
                        )
                    )
            else:
                seen_optional = True
            if len(option.get("choices") or []) > 25:
                errors.append(
                    (
                        f"{i}.options.{j}.choices",
                        "BASE_TYPE_MAX_LENGTH",
                        "Must be 25 or fewer in length.",
                    )
                )
    return errors


def _check_named(
    item: dict[str, Any], path: str, errors: list[tuple[str, str, str]], *, chat_input: bool
) -> None:
    name = item.get("name", "")
    if chat_input and (not COMMAND_NAME.match(name) or name != name.lower()):
        errors.append(
            (f"{path}.name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        )
    description = item.get("description", "")
    if chat_input and not 1 <= len(description) <= 100:
        errors.append(
            (f"{path}.description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        )


@dataclass
class Recorded:
    """One request the bot made."""

    method: str
    path: str
    body: Any
    status: int
    at: float


@dataclass
class Interaction:
    """An interaction the fake sent, and what the bot answered."""

    payload: dict[str, Any]
    sent_at: float
    shard: int
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    callback_at: float | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)
    followups: list[dict[str, Any]] = field(default_factory=list)
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    message: dict[str, Any] | None = None

    @property
    def latency(self) -> float:
        """Seconds from the event to the first callback."""
        assert self.callback_at is not None
        return self.callback_at - self.sent_at


@dataclass
class Fault:
    """A response to give instead of the normal one, once."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class Gateway:
    """One websocket session of one shard."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.sequence = 0
        self.shard = (0, 1)
        self.session_id: str | None = None
        self.identified = asyncio.Event()
        self.resumed = False

    async def dispatch(self, event: str, data: Any) -> None:
        self.sequence += 1
        await self.ws.send_str(json.dumps({"op": 0, "t": event, "s": self.sequence, "d": data}))


class LoopbackAddress:
    """Where a fake listens, once its port is known."""

    port: int

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"


class FakeDiscord(LoopbackAddress):
    """The fake: start it, point discord.py at it, run the bot, drive interactions."""

    def __init__(self, *, guilds: int = 1) -> None:
        self.guild_ids = [GUILD_ID + i for i in range(guilds)]
        self.requests: list[Recorded] = []
        self.interactions: dict[str, Interaction] = {}
        self.sessions: list[Gateway] = []
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.faults: dict[str, list[Fault]] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._session_seq: dict[str, int] = {}
        self.deadline = INTERACTION_DEADLINE

    # -- lifecycle -----------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/api/v10/gateway", self._gateway_url)
        app.router.add_get("/api/v10/gateway/bot", self._gateway_bot)
        app.router.add_get("/api/v10/users/@me", self._me)
        app.router.add_get("/api/v10/oauth2/applications/@me", self._application)
        app.router.add_put("/api/v10/applications/{app}/commands", self._put_commands)
        app.router.add_put(
            "/api/v10/applications/{app}/guilds/{guild}/commands", self._put_commands
        )
        app.router.add_post("/api/v10/interactions/{id}/{token}/callback", self._callback)
        app.router.add_post("/api/v10/webhooks/{app}/{token}", self._followup)
        app.router.add_get("/api/v10/webhooks/{app}/{token}/messages/{message}", self._get_message)
        app.router.add_patch("/api/v10/webhooks/{app}/{token}/messages/{message}", self._edit)
        app.router.add_delete("/api/v10/webhooks/{app}/{token}/messages/{message}", self._delete)
        Control(self).add_routes(app)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for session in self.sessions:
            with contextlib.suppress(Exception):
                await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- faults ---------------------------------------------------------------------

    def fail_next(
        self, kind: str, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> None:
        """Answer the next request of ``kind`` (callback, followup, edit) with a fault."""
        self.faults.setdefault(kind, []).append(Fault(status, body, headers or {}))

    def _fault(self, kind: str) -> web.Response | None:
        queue = self.faults.get(kind)
        if not queue:
            return None
        fault = queue.pop(0)
        return json_response(fault.body, status=fault.status, headers=fault.headers)

    # -- REST -------------------------------------------------------------------------

    async def _record(self, request: web.Request, status: int, body: Any = None) -> None:
        self.requests.append(Recorded(request.method, request.path, body, status, time.monotonic()))

    async def _me(self, request: web.Request) -> web.Response:
        if not request.headers.get("Authorization", "").startswith("Bot "):
            return json_response({"code": 0, "message": "401: Unauthorized"}, status=401)
        await self._record(request, 200)
        return json_response(
            {
                **user_payload(APP_ID),
                "bot": True,
                "verified": True,
                "flags": 0,
                "mfa_enabled": False,
            }
        )

    async def _application(self, request: web.Request) -> web.Response:
        await self._record(request, 200)
        return json_response(
            {
                "id": str(APP_ID),
                "name": "diplobrief-test",
                "icon": None,
                "description": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": user_payload(1),
                "verify_key": "0" * 64,
                "team": None,
                "flags": 0,
            }
        )

    async def _gateway_url(self, request: web.Request) -> web.Response:
        return json_response({"url": self.gateway_url})

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        await self._record(request, 200)
        return json_response(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    async def _put_commands(self, request: web.Request) -> web.Response:
        body = await request.json()
        errors = command_errors(body)
        if errors:
            await self._record(request, 400, body)
            return invalid_form(errors)
        await self._record(request, 200, body)
        scope = request.match_info.get("guild", "global")
        self.commands[scope] = body
        out = [
            {
                **command,
                "id": _id(),
                "application_id": str(APP_ID),
                "version": _id(),
                "default_member_permissions": None,
                **({"guild_id": scope} if scope != "global" else {}),
            }
            for command in body
        ]
        return json_response(out)

    def _find(
        self, interaction_id: str | None = None, token: str | None = None
    ) -> Interaction | None:
        for interaction in self.interactions.values():
            if interaction.payload["id"] == interaction_id or interaction.payload["token"] == token:
                return interaction
        return None

    async def _callback(self, request: web.Request) -> web.Response:
        body = await request.json()
        interaction = self._find(interaction_id=request.match_info["id"])
        fault = self._fault("callback")
        if fault is not None:
            await self._record(request, fault.status, body)
            return fault
        if interaction is None or interaction.payload["token"] != request.match_info["token"]:
            await self._record(request, 404, body)
            return json_response({"code": 10062, "message": "Unknown interaction"}, status=404)
        if time.monotonic() - interaction.sent_at > self.deadline:
            await self._record(request, 404, body)
            return json_response({"code": 10062, "message": "Unknown interaction"}, status=404)
        if interaction.callbacks:
            await self._record(request, 400, body)
            return json_response(
                {"code": 40060, "message": "Interaction has already been acknowledged."}, status=400
            )
        kind = body.get("type")
        data = body.get("data") or {}
        errors = message_errors(data, "data.") if kind in (4, 7) else []
        if kind == 8 and len(data.get("choices") or []) > 25:
            errors.append(
                ("data.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
            )
        if kind not in (1, 4, 5, 6, 7, 8, 9):
            errors.append(
                ("type", "BASE_TYPE_CHOICES", "Value must be one of (1, 4, 5, 6, 7, 8, 9).")
            )
        if errors:
            await self._record(request, 400, body)
            return invalid_form(errors)
        await self._record(request, 200, body)
        interaction.callbacks.append(body)
        interaction.callback_at = time.monotonic()
        interaction.answered.set()
        message = None
        if kind in (4, 5):
            message = self._message(data)
            interaction.message = message
        elif kind == 7:
            message = {**(interaction.payload.get("message") or self._message({})), **data}
            interaction.message = message
        result: dict[str, Any] = {
            "interaction": {
                "id": interaction.payload["id"],
                "type": interaction.payload["type"],
                "response_message_id": message["id"] if message else None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool((data.get("flags") or 0) & 64),
            }
        }
        if message is not None:
            result["resource"] = {"type": kind, "message": message}
        return json_response(result)

    def _message(self, data: dict[str, Any]) -> dict[str, Any]:
        return message_payload(data, _id())

    async def _webhook_target(self, request: web.Request) -> Interaction | None:
        interaction = self._find(token=request.match_info["token"])
        if interaction is None or not interaction.callbacks:
            return None
        return interaction

    async def _accept_message(
        self, request: web.Request, kind: str
    ) -> tuple[Interaction, dict[str, Any]] | web.Response:
        """The checks a follow-up and an edit share: injected fault, known token, limits."""
        body = await request.json()
        fault = self._fault(kind)
        if fault is not None:
            await self._record(request, fault.status, body)
            return fault
        interaction = await self._webhook_target(request)
        if interaction is None:
            await self._record(request, 404, body)
            return json_response({"code": 10015, "message": "Unknown Webhook"}, status=404)
        errors = message_errors(body)
        if errors:
            await self._record(request, 400, body)
            return invalid_form(errors)
        await self._record(request, 200, body)
        return interaction, body

    async def _followup(self, request: web.Request) -> web.Response:
        accepted = await self._accept_message(request, "followup")
        if isinstance(accepted, web.Response):
            return accepted
        interaction, body = accepted
        interaction.followups.append(body)
        return json_response(self._message(body))

    async def _get_message(self, request: web.Request) -> web.Response:
        interaction = await self._webhook_target(request)
        await self._record(request, 200 if interaction else 404)
        if interaction is None or interaction.message is None:
            return json_response({"code": 10008, "message": "Unknown Message"}, status=404)
        return json_response(interaction.message)

    async def _edit(self, request: web.Request) -> web.Response:
        accepted = await self._accept_message(request, "edit")
        if isinstance(accepted, web.Response):
            return accepted
        interaction, body = accepted
        interaction.edits.append(body)
        interaction.message = {**(interaction.message or self._message({})), **body}
        return json_response(interaction.message)

    async def _delete(self, request: web.Request) -> web.Response:
        await self._record(request, 204)
        return web.Response(status=204)

    # -- gateway ----------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        session = Gateway(ws)
        self.sessions.append(session)
        await ws.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
        )
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            payload = json.loads(message.data)
            op, data = payload.get("op"), payload.get("d")
            if op == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif op == 2:
                await self._identify(session, data)
            elif op == 6:
                await self._resume(session, data)
        return ws

    async def _identify(self, session: Gateway, data: dict[str, Any]) -> None:
        self.identifies.append(data)
        shard = tuple(data.get("shard") or (0, 1))
        session.shard = (int(shard[0]), int(shard[1]))
        session.session_id = f"session-{len(self.identifies)}"
        self._session_seq[session.session_id] = 0
        guilds = [g for g in self.guild_ids if (g >> 22) % session.shard[1] == session.shard[0]]
        await session.dispatch(
            "READY",
            {
                "v": 10,
                "user": {**user_payload(APP_ID), "bot": True},
                "guilds": [{"id": str(g), "unavailable": True} for g in guilds],
                "session_id": session.session_id,
                "resume_gateway_url": self.gateway_url,
                "shard": list(session.shard),
                "application": {"id": str(APP_ID), "flags": 0},
            },
        )
        for guild in guilds:
            await session.dispatch("GUILD_CREATE", guild_payload(guild))
        session.identified.set()

    async def _resume(self, session: Gateway, data: dict[str, Any]) -> None:
        self.resumes.append(data)
        previous = next((s for s in self.sessions if s.session_id == data.get("session_id")), None)
        session.session_id = data.get("session_id")
        session.shard = previous.shard if previous else (0, 1)
        session.sequence = int(data.get("seq") or 0)
        session.resumed = True
        await session.dispatch("RESUMED", {})
        session.identified.set()

    def live(self, shard: int = 0) -> Gateway:
        """The newest open session of a shard."""
        for session in reversed(self.sessions):
            if session.shard[0] == shard and not session.ws.closed and session.identified.is_set():
                return session
        raise AssertionError(f"no live gateway session for shard {shard}")

    async def wait_live(self, shard: int = 0, *, count: int = 1, timeout: float = 10.0) -> Gateway:
        """Wait until ``count`` sessions have been opened for a shard and one is live."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            opened = [s for s in self.sessions if s.identified.is_set() and s.shard[0] == shard]
            if len(opened) >= count:
                with contextlib.suppress(AssertionError):
                    return self.live(shard)
            await asyncio.sleep(0.01)
        raise AssertionError(f"shard {shard} did not come up")

    async def close_gateway(self, code: int, shard: int = 0) -> None:
        """Close a shard's session with a close code, as Discord does."""
        await self.live(shard).ws.close(code=code)

    async def send_reconnect(self, shard: int = 0) -> None:
        """Op 7 RECONNECT: the bot should reconnect and resume."""
        await self.live(shard).ws.send_str(json.dumps({"op": 7, "d": None}))

    async def send(self, payload: dict[str, Any], *, shard: int = 0) -> Interaction:
        """Send an INTERACTION_CREATE and return its record (not waiting for the reply)."""
        session = self.live(shard)
        interaction = Interaction(payload=payload, sent_at=time.monotonic(), shard=shard)
        self.interactions[payload["id"]] = interaction
        await session.dispatch("INTERACTION_CREATE", payload)
        return interaction

    async def interact(
        self, payload: dict[str, Any], *, shard: int = 0, timeout: float = 5.0
    ) -> Interaction:
        """Send an interaction and wait for its callback (and any edit that follows)."""
        interaction = await self.send(payload, shard=shard)
        await asyncio.wait_for(interaction.answered.wait(), timeout)
        if interaction.callbacks[0].get("type") == 5:
            deadline = time.monotonic() + timeout
            while (
                not interaction.edits and not interaction.followups and time.monotonic() < deadline
            ):
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.02)  # let follow-ups of the same handler land
        return interaction


def guild_payload(guild_id: int) -> dict[str, Any]:
    """A GUILD_CREATE for a small server in which the bot has no permissions."""
    return {
        "id": str(guild_id),
        "name": "Study Group",
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": str(1),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [
            {
                "id": str(guild_id),
                "name": "@everyone",
                "permissions": "0",
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "joined_at": "2026-01-01T00:00:00+00:00",
        "large": False,
        "unavailable": False,
        "member_count": 2,
        "members": [],
        "channels": [{k: v for k, v in channel_payload(guild_id).items() if k != "permissions"}],
        "threads": [],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


class Control:
    """HTTP routes (under /_control) through which a test in another process drives
    the fake: send interactions, wait for answers, inject faults, read the record."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    def add_routes(self, app: web.Application) -> None:
        for name in (
            "send",
            "send_many",
            "wait",
            "wait_all",
            "fault",
            "clear_faults",
            "close",
            "reconnect",
            "wait_live",
            "deadline",
            "state",
        ):
            app.router.add_post(f"/_control/{name}", getattr(self, name))

    async def send(self, request: web.Request) -> web.Response:
        body = await request.json()
        interaction = await self.fake.send(body["payload"], shard=body.get("shard", 0))
        return json_response({"id": interaction.payload["id"]})

    async def send_many(self, request: web.Request) -> web.Response:
        body = await request.json()
        ids = []
        for payload in body["payloads"]:
            ids.append((await self.fake.send(payload, shard=body.get("shard", 0))).payload["id"])
        return json_response({"ids": ids})

    async def wait(self, request: web.Request) -> web.Response:
        body = await request.json()
        interaction = self.fake.interactions[body["id"]]
        timeout = body.get("timeout", 5.0)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(interaction.answered.wait(), timeout)
        if interaction.callbacks and interaction.callbacks[0].get("type") == 5:
            deadline = time.monotonic() + timeout
            while (
                not interaction.edits and not interaction.followups and time.monotonic() < deadline
            ):
                await asyncio.sleep(0.01)
        await asyncio.sleep(body.get("settle", 0.05))
        return json_response(_describe(interaction))

    async def wait_all(self, request: web.Request) -> web.Response:
        body = await request.json()
        interactions = [self.fake.interactions[i] for i in body["ids"]]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*(i.answered.wait() for i in interactions)), body.get("timeout", 60)
            )
        await asyncio.sleep(body.get("settle", 0.5))
        return json_response([_describe(i) for i in interactions])

    async def fault(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.fake.fail_next(body["kind"], body["status"], body["body"], body.get("headers"))
        return json_response({})

    async def clear_faults(self, request: web.Request) -> web.Response:
        self.fake.faults.clear()
        return json_response({})

    async def close(self, request: web.Request) -> web.Response:
        body = await request.json()
        await self.fake.close_gateway(body["code"], body.get("shard", 0))
        return json_response({})

    async def reconnect(self, request: web.Request) -> web.Response:
        body = await request.json()
        await self.fake.send_reconnect(body.get("shard", 0))
        return json_response({})

    async def wait_live(self, request: web.Request) -> web.Response:
        body = await request.json()
        await self.fake.wait_live(
            body.get("shard", 0), count=body.get("count", 1), timeout=body.get("timeout", 10)
        )
        return json_response({})

    async def deadline(self, request: web.Request) -> web.Response:
        self.fake.deadline = (await request.json())["seconds"]
        return json_response({})

    async def state(self, request: web.Request) -> web.Response:
        fake = self.fake
        return json_response(
            {
                "requests": [
                    {"method": r.method, "path": r.path, "body": r.body, "status": r.status}
                    for r in fake.requests
                ],
                "identifies": fake.identifies,
                "resumes": fake.resumes,
                "commands": fake.commands,
            }
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


class RemoteFake(LoopbackAddress):
    """A FakeDiscord in its own process (so the bot under test has the event loop and a
    core to itself, as with the real Discord), driven over its control routes."""

    def __init__(self, *, guilds: int = 1) -> None:
        self.guilds = guilds
        self.port = 0
        self._process: asyncio.subprocess.Process | None = None
        self._session: Any = None

    async def start(self) -> None:
        import aiohttp

        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.bot.loopback",
            str(self.guilds),
            stdout=asyncio.subprocess.PIPE,
            stdin=asyncio.subprocess.PIPE,
            cwd=str(Path(__file__).resolve().parents[2]),
        )
        assert self._process.stdout is not None
        line = await asyncio.wait_for(self._process.stdout.readline(), timeout=30)
        self.port = int(line.decode().split()[1])
        self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._process is not None and self._process.returncode is None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            try:
                await asyncio.wait_for(self._process.wait(), timeout=5)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()

    async def _post(self, name: str, body: dict[str, Any] | None = None) -> Any:
        async with self._session.post(
            f"http://127.0.0.1:{self.port}/_control/{name}", json=body or {}
        ) as response:
            assert response.status == 200, await response.text()
            return await response.json(content_type=None)

    async def send(self, payload: dict[str, Any], *, shard: int = 0) -> str:
        """Send an INTERACTION_CREATE; returns its id."""
        return (await self._post("send", {"payload": payload, "shard": shard}))["id"]

    async def wait(self, interaction_id: str, *, timeout: float = 5.0) -> Answer:
        """Wait for the bot's answer to an interaction."""
        return Answer(**await self._post("wait", {"id": interaction_id, "timeout": timeout}))

    async def interact(
        self, payload: dict[str, Any], *, shard: int = 0, timeout: float = 5.0
    ) -> Answer:
        """Send an interaction and wait for its answer."""
        return await self.wait(await self.send(payload, shard=shard), timeout=timeout)

    async def send_many(self, payloads: list[dict[str, Any]]) -> list[str]:
        """Send interactions back to back, as fast as the gateway can."""
        return (await self._post("send_many", {"payloads": payloads}))["ids"]

    async def wait_all(self, ids: list[str], *, timeout: float = 60.0) -> list[Answer]:
        """Wait for the answers to many interactions."""
        return [Answer(**a) for a in await self._post("wait_all", {"ids": ids, "timeout": timeout})]

    async def fail_next(
        self, kind: str, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> None:
        """Answer the next request of ``kind`` (callback, followup, edit) with a fault."""
        await self._post(
            "fault", {"kind": kind, "status": status, "body": body, "headers": headers or {}}
        )

    async def clear_faults(self) -> None:
        await self._post("clear_faults")

    async def close_gateway(self, code: int, shard: int = 0) -> None:
        await self._post("close", {"code": code, "shard": shard})

    async def send_reconnect(self, shard: int = 0) -> None:
        await self._post("reconnect", {"shard": shard})

    async def wait_live(self, shard: int = 0, *, count: int = 1, timeout: float = 10.0) -> None:
        await self._post("wait_live", {"shard": shard, "count": count, "timeout": timeout})

    async def set_deadline(self, seconds: float) -> None:
        await self._post("deadline", {"seconds": seconds})

    async def state(self) -> dict[str, Any]:
        """Every request recorded, the IDENTIFY and RESUME payloads, the synced commands."""
        return await self._post("state")


@contextlib.contextmanager
def pointed_at(fake: FakeDiscord | RemoteFake) -> Iterator[None]:
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
    """A fake Discord started in its own process, with discord.py pointed at it."""
    fake = RemoteFake(guilds=guilds)
    await fake.start()
    try:
        with pointed_at(fake):
            yield fake
    finally:
        await fake.stop()


async def _serve(guilds: int) -> None:
    fake = FakeDiscord(guilds=guilds)
    await fake.start()
    print(f"PORT {fake.port}", flush=True)
    # Serve until the test closes our stdin.
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await fake.stop()


if __name__ == "__main__":
    asyncio.run(_serve(int(sys.argv[1]) if len(sys.argv) > 1 else 1))
