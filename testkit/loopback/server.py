"""The fake Discord itself: the REST routes the bot uses and a websocket gateway on
127.0.0.1, refusing what Discord refuses (:mod:`.limits`: limits, schemas, a second
response, a callback after 3 s) and recording every request."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import discord
from aiohttp import WSMsgType, web

from testkit.discord_fakes import (
    APP_ID,
    GUILD_ID,
    channel_payload,
    message_payload,
    user_payload,
)
from testkit.loopback.limits import Error, command_errors, message_errors, too_long
from testkit.protocol import (
    ALREADY_ACKNOWLEDGED,
    HEARTBEAT_INTERVAL_MS,
    INTERACTION_DEADLINE_SECONDS,
    INVALID_FORM_BODY,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    Callback,
    Op,
    is_ephemeral,
)

JSON = "application/json"
MISSING_PERMISSIONS = 50013
THREAD_ALREADY_CREATED = 160004
THREAD_NAME_LIMIT = 100
MESSAGE_CALLBACKS = (Callback.CHANNEL_MESSAGE, Callback.UPDATE_MESSAGE)

_ids = itertools.count(990000000000000000)
_increment = itertools.count()


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


def invalid_form(errors: list[Error]) -> web.Response:
    """Discord's 400 for a payload it refuses: code 50035 with the failing paths."""
    nested: dict[str, Any] = {}
    for path, code, message in errors:
        node = nested
        for part in path.split("."):
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": code, "message": message})
    return json_response(
        {"code": INVALID_FORM_BODY, "message": "Invalid Form Body", "errors": nested}, status=400
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
    final_at: float | None = None  # when the answer's text arrived (callback or edit)

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
        await self.ws.send_str(
            json.dumps({"op": Op.DISPATCH, "t": event, "s": self.sequence, "d": data})
        )


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
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._forget()

    def _forget(self) -> None:
        """Everything a test sees or changes, as when the fake has just started."""
        self.requests: list[Recorded] = []
        self.interactions: dict[str, Interaction] = {}
        self.sessions: list[Gateway] = []
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.faults: dict[str, list[Fault]] = {}
        self._session_seq: dict[str, int] = {}
        self.deadline = INTERACTION_DEADLINE_SECONDS
        self.files: dict[str, bytes] = {}
        self.threads: dict[str, dict[str, Any]] = {}  # by message id (= thread id)
        self.no_thread_channels: set[str] = set()
        # The open-loop sender's interactions (see control.Operations.fire).
        self.fired: list[str] = []
        self.firing: asyncio.Future[None] | None = None

    # -- lifecycle -----------------------------------------------------------------

    async def start(self, extra_routes: Iterable[Callable[[web.Application], None]] = ()) -> None:
        """Listen on a free loopback port; ``extra_routes`` adds routes (the control ones)."""
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
        app.router.add_get("/attachments/{id}/{filename}", self._attachment)
        app.router.add_post(
            "/api/v10/channels/{channel}/messages/{message}/threads", self._start_thread
        )
        for add_routes in extra_routes:
            add_routes(app)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        await self._close_sessions()
        if self._runner is not None:
            await self._runner.cleanup()

    async def reset(self) -> None:
        """Back to the state of a fake just started, on the same port: the open-loop
        sender stopped, every gateway session closed, every record, fault, file, thread
        and setting forgotten. One fake process then serves one test after another."""
        if self.firing is not None and not self.firing.done():
            self.firing.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.firing
        await self._close_sessions()
        self._forget()

    async def _close_sessions(self) -> None:
        for session in self.sessions:
            with contextlib.suppress(Exception):
                await session.ws.close()

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
                "description": "",  # context menus have none; Discord sends it empty
                **command,
                "id": _id(),
                "application_id": str(APP_ID),
                "version": _id(),
                "default_member_permissions": command.get("default_member_permissions"),
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
            return json_response(
                {"code": UNKNOWN_INTERACTION, "message": "Unknown interaction"}, status=404
            )
        if time.monotonic() - interaction.sent_at > self.deadline:
            await self._record(request, 404, body)
            return json_response(
                {"code": UNKNOWN_INTERACTION, "message": "Unknown interaction"}, status=404
            )
        if interaction.callbacks:
            await self._record(request, 400, body)
            return json_response(
                {
                    "code": ALREADY_ACKNOWLEDGED,
                    "message": "Interaction has already been acknowledged.",
                },
                status=400,
            )
        kind = body.get("type")
        data = body.get("data") or {}
        errors = message_errors(data, "data.") if kind in MESSAGE_CALLBACKS else []
        if kind == Callback.AUTOCOMPLETE_RESULT:
            too_long(data.get("choices") or [], "choices", "data.choices", errors)
        if kind not in set(Callback):
            errors.append(
                ("type", "BASE_TYPE_CHOICES", "Value must be one of (1, 4, 5, 6, 7, 8, 9).")
            )
        if errors:
            await self._record(request, 400, body)
            return invalid_form(errors)
        await self._record(request, 200, body)
        interaction.callbacks.append(body)
        interaction.callback_at = time.monotonic()
        if kind in (Callback.CHANNEL_MESSAGE, Callback.UPDATE_MESSAGE):
            interaction.final_at = interaction.callback_at
        interaction.answered.set()
        message = None
        if kind in (Callback.CHANNEL_MESSAGE, Callback.DEFERRED_CHANNEL_MESSAGE):
            message = self._message(data)
            interaction.message = message
        elif kind == Callback.UPDATE_MESSAGE:
            message = {**(interaction.payload.get("message") or self._message({})), **data}
            interaction.message = message
        result: dict[str, Any] = {
            "interaction": {
                "id": interaction.payload["id"],
                "type": interaction.payload["type"],
                "response_message_id": message["id"] if message else None,
                "response_message_loading": kind == Callback.DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": is_ephemeral(data),
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
            return json_response(
                {"code": UNKNOWN_WEBHOOK, "message": "Unknown Webhook"}, status=404
            )
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
        interaction.final_at = interaction.final_at or time.monotonic()
        return json_response(self._message(body))

    async def _get_message(self, request: web.Request) -> web.Response:
        interaction = await self._webhook_target(request)
        await self._record(request, 200 if interaction else 404)
        if interaction is None or interaction.message is None:
            return json_response(
                {"code": UNKNOWN_MESSAGE, "message": "Unknown Message"}, status=404
            )
        return json_response(interaction.message)

    async def _edit(self, request: web.Request) -> web.Response:
        accepted = await self._accept_message(request, "edit")
        if isinstance(accepted, web.Response):
            return accepted
        interaction, body = accepted
        interaction.edits.append(body)
        interaction.final_at = interaction.final_at or time.monotonic()
        interaction.message = {**(interaction.message or self._message({})), **body}
        return json_response(interaction.message)

    async def _delete(self, request: web.Request) -> web.Response:
        await self._record(request, 204)
        return web.Response(status=204)

    # -- gateway ----------------------------------------------------------------------

    def host_file(self, filename: str, content: bytes) -> str:
        """Serve a file as Discord's CDN serves an attachment; returns its URL."""
        file_id = _id()
        self.files[file_id] = content
        return f"http://127.0.0.1:{self.port}/attachments/{file_id}/{quote(filename, safe='')}"

    async def _attachment(self, request: web.Request) -> web.Response:
        content = self.files.get(request.match_info["id"])
        await self._record(request, 404 if content is None else 200)
        if content is None:
            return json_response({"code": 0, "message": "404: Not Found"}, status=404)
        return web.Response(body=content, content_type="application/octet-stream")

    async def _start_thread(self, request: web.Request) -> web.Response:
        """POST /channels/{channel}/messages/{message}/threads: a public thread on a
        message, refused where the bot may not create threads, once per message."""
        body = await request.json()
        channel, message = request.match_info["channel"], request.match_info["message"]
        if channel in self.no_thread_channels:
            await self._record(request, 403, body)
            return json_response(
                {"code": MISSING_PERMISSIONS, "message": "Missing Permissions"}, status=403
            )
        if message in self.threads:
            await self._record(request, 400, body)
            return json_response(
                {
                    "code": THREAD_ALREADY_CREATED,
                    "message": "A thread has already been created for this message",
                },
                status=400,
            )
        name = body.get("name", "")
        if not 1 <= len(name) <= THREAD_NAME_LIMIT:
            await self._record(request, 400, body)
            return invalid_form(
                [("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")]
            )
        await self._record(request, 201, body)
        thread = {
            "id": message,
            "type": 11,
            "guild_id": str(self.guild_ids[0]),
            "parent_id": channel,
            "name": name,
            "owner_id": str(APP_ID),
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": 0,
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": body.get("auto_archive_duration", 1440),
                "archive_timestamp": "2026-11-29T00:00:00+00:00",
                "locked": False,
            },
        }
        self.threads[message] = thread
        return json_response(thread, status=201)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        session = Gateway(ws)
        self.sessions.append(session)
        await ws.send_str(
            json.dumps({"op": Op.HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
        )
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            payload = json.loads(message.data)
            op, data = payload.get("op"), payload.get("d")
            if op == Op.HEARTBEAT:
                await ws.send_str(json.dumps({"op": Op.HEARTBEAT_ACK}))
            elif op == Op.IDENTIFY:
                await self._identify(session, data)
            elif op == Op.RESUME:
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
        await self.live(shard).ws.send_str(json.dumps({"op": Op.RECONNECT, "d": None}))

    async def send(self, payload: dict[str, Any], *, shard: int = 0) -> Interaction:
        """Send an INTERACTION_CREATE and return its record (not waiting for the reply).
        Like Discord, the interaction's id is made when it is sent: a snowflake of now."""
        session = self.live(shard)
        now = discord.utils.time_snowflake(discord.utils.utcnow())
        payload = {**payload, "id": str(now + next(_increment) % 4096)}  # as Discord's increment
        interaction = Interaction(payload=payload, sent_at=time.monotonic(), shard=shard)
        self.interactions[payload["id"]] = interaction
        await session.dispatch("INTERACTION_CREATE", payload)
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
