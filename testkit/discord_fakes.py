"""Test support: real interaction payloads fed to the real bot, and a recording webhook
adapter (discord.py's own extension point for interaction HTTP) that answers like
Discord and keeps every request for the tests to inspect. Nothing reaches the network."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

import discord
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

from testkit.protocol import is_ephemeral

APP_ID = 900000000000000001
GUILD_ID = 900000000000000002
CHANNEL_ID = 900000000000000003
USER_ID = 900000000000000004
_ids = itertools.count(910000000000000000)


def snowflake() -> str:
    """A fresh id."""
    return str(next(_ids))


def user_payload(user_id: int = USER_ID) -> dict[str, Any]:
    """A user as Discord sends it."""
    return {
        "id": str(user_id),
        "username": f"student{user_id % 1000}",
        "discriminator": "0",
        "global_name": "Student",
        "avatar": None,
    }


def channel_payload(guild_id: int = GUILD_ID) -> dict[str, Any]:
    """A server text channel as Discord sends it in an interaction (no permissions)."""
    return {
        "id": str(CHANNEL_ID),
        "type": 0,
        "guild_id": str(guild_id),
        "name": "study-group",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
        "permissions": "0",
    }


def _base(
    kind: int,
    data: dict[str, Any],
    *,
    dm: bool,
    user_id: int,
    guild_id: int = GUILD_ID,
    permissions: int = 0,
    user_install: bool = False,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": snowflake(),
        "application_id": str(APP_ID),
        "type": kind,
        "token": f"token-{snowflake()}",
        "version": 1,
        "data": data,
        "locale": "en-US",
        "app_permissions": "0",
        "entitlements": [],
        "attachment_size_limit": 8 * 1024 * 1024,
    }
    if dm:
        payload["user"] = user_payload(user_id)
        payload["channel_id"] = str(CHANNEL_ID)
        payload["channel"] = {
            "id": str(CHANNEL_ID),
            "type": 1,
            "recipients": [user_payload(user_id)],
            "last_message_id": None,
            "flags": 0,
        }
        payload["context"] = 1
        payload["authorizing_integration_owners"] = {"1": str(user_id)}
    else:
        payload["guild_id"] = str(guild_id)
        payload["guild_locale"] = "en-US"
        payload["channel_id"] = str(CHANNEL_ID)
        payload["channel"] = channel_payload(guild_id)
        payload["member"] = {
            "user": user_payload(user_id),
            "roles": [],
            "joined_at": "2026-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": str(permissions),  # by default no permissions at all
        }
        payload["context"] = 0
        # Installed in the server, or used in it through the user's own install.
        installs = {"1": str(user_id)} if user_install else {"0": str(guild_id)}
        payload["authorizing_integration_owners"] = installs
    return payload


def command_payload(
    command: str,
    /,
    *,
    dm: bool = False,
    user_id: int = USER_ID,
    guild_id: int = GUILD_ID,
    permissions: int = 0,
    user_install: bool = False,
    **options: Any,
) -> dict[str, Any]:
    """An APPLICATION_COMMAND interaction for a chat-input command; ``"corpus add"`` is
    the subcommand ``add`` of ``corpus``. An option whose value is an attachment payload
    (:func:`attachment_payload`) is sent as Discord sends one: its id, resolved."""
    types = {str: 3, bool: 5, int: 4, dict: 11}
    name, _, subcommand = command.partition(" ")
    given = [
        {
            "name": key,
            "type": types[type(value)],
            "value": value["id"] if isinstance(value, dict) else value,
        }
        for key, value in options.items()
    ]
    data: dict[str, Any] = {
        "id": snowflake(),
        "name": name,
        "type": 1,
        "options": [{"name": subcommand, "type": 1, "options": given}] if subcommand else given,
    }
    attachments = {v["id"]: v for v in options.values() if isinstance(v, dict)}
    if attachments:
        data["resolved"] = {"attachments": attachments}
    return _base(
        2,
        data,
        dm=dm,
        user_id=user_id,
        guild_id=guild_id,
        permissions=permissions,
        user_install=user_install,
    )


def attachment_payload(filename: str, size: int, url: str) -> dict[str, Any]:
    """An attachment as Discord resolves it in an interaction."""
    return {
        "id": snowflake(),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
        "content_type": "application/octet-stream",
        "ephemeral": True,
    }


def autocomplete_payload(name: str, option: str, typed: str) -> dict[str, Any]:
    """An APPLICATION_COMMAND_AUTOCOMPLETE interaction with one focused option."""
    data = {
        "id": snowflake(),
        "name": name,
        "type": 1,
        "options": [{"name": option, "type": 3, "value": typed, "focused": True}],
    }
    return _base(4, data, dm=False, user_id=USER_ID)


def component_payload(
    message: dict[str, Any],
    custom_id: str,
    *,
    component_type: int = 2,
    values: list[str] | None = None,
    user_id: int = USER_ID,
) -> dict[str, Any]:
    """A MESSAGE_COMPONENT interaction on a message the bot sent."""
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
    if values is not None:
        data["values"] = values
    payload = _base(3, data, dm=False, user_id=user_id)
    payload["message"] = message
    return payload


def message_payload(data: dict[str, Any], message_id: str) -> dict[str, Any]:
    """A message as Discord returns it, from the body the bot sent."""
    return {
        "id": message_id,
        "channel_id": str(CHANNEL_ID),
        "type": 20,
        "content": data.get("content") or "",
        "embeds": data.get("embeds", []),
        "components": data.get("components", []),
        "attachments": [],
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": False,
        "timestamp": "2026-11-22T00:00:00+00:00",
        "edited_timestamp": None,
        "flags": data.get("flags", 0),
        "author": {**user_payload(APP_ID), "bot": True},
        "application_id": str(APP_ID),
    }


@dataclass
class Request:
    """One HTTP request the bot made to Discord."""

    method: str
    path: str
    payload: dict[str, Any] | None


@dataclass
class RecordingAdapter(AsyncWebhookAdapter):
    """Answers interaction callbacks and webhook calls as Discord would, and records them.
    The last message payload the bot produced is kept, so components can be pressed."""

    requests: list[Request] = field(default_factory=list)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail_with: discord.HTTPException | None = None

    def __post_init__(self) -> None:
        super().__init__()

    async def request(
        self, route: Any, session: Any = None, *, payload: Any = None, **_: Any
    ) -> Any:
        path = route.url.removeprefix(route.BASE)
        self.requests.append(Request(route.method, path, payload))
        if self.fail_with is not None:
            error, self.fail_with = self.fail_with, None
            raise error
        if path.endswith("/callback"):
            return self._callback(payload or {})
        if route.method in {"PATCH", "POST"}:
            return self._message(payload or {}, key="@original" if "@original" in path else None)
        if route.method == "GET":
            return self.messages.get("@original") or self._message({}, key="@original")
        return None

    def _callback(self, payload: dict[str, Any]) -> dict[str, Any]:
        kind = payload.get("type")
        data = payload.get("data") or {}
        message_id = None
        if kind in (4, 5, 7):
            message_id = self._message(data, key="@original")["id"]
        return {
            "interaction": {
                "id": snowflake(),
                "type": 2,
                "response_message_id": message_id,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": is_ephemeral(data),
            }
        }

    def _message(self, data: dict[str, Any], *, key: str | None) -> dict[str, Any]:
        previous = self.messages.get(key) if key else None
        merged = {
            "embeds": previous["embeds"] if previous else [],
            "components": previous["components"] if previous else [],
            **data,
        }
        message = message_payload(merged, previous["id"] if previous else snowflake())
        if key:
            self.messages[key] = message
        self.messages[message["id"]] = message
        return message

    def callbacks(self) -> list[dict[str, Any]]:
        """The payloads of the interaction callbacks, in order."""
        return [r.payload or {} for r in self.requests if r.path.endswith("/callback")]

    def sent_messages(self) -> list[dict[str, Any]]:
        """Every message body the bot sent or edited (callbacks' data and webhook calls)."""
        out = []
        for r in self.requests:
            body = r.payload or {}
            if r.path.endswith("/callback"):
                body = body.get("data") or {}
            if body:
                out.append(body)
        return out


async def settle(timeout: float = 5.0) -> None:
    """Wait until every task the bot started for an interaction has finished."""
    current = asyncio.current_task()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        pending = [
            t for t in asyncio.all_tasks() if t is not current and not t.done() and not _waits(t)
        ]
        if not pending:
            return
        await asyncio.wait(pending, timeout=0.05)
    raise AssertionError("the bot did not finish handling the interaction in time")


def _waits(task: asyncio.Task[Any]) -> bool:
    """Tasks that wait by design (a view's timeout timer) are not work in progress."""
    return "timeout_task_impl" in getattr(task.get_coro(), "__qualname__", "")


def install(adapter: RecordingAdapter) -> Any:
    """Route discord.py's interaction HTTP through ``adapter``; returns the reset token."""
    return async_context.set(adapter)


def message_command_payload(
    target: dict[str, Any], *, name: str = "Ask diplobrief", user_id: int = USER_ID
) -> dict[str, Any]:
    """A message context-menu interaction (Apps → ``name``) on the message ``target``."""
    data = {
        "id": snowflake(),
        "name": name,
        "type": 3,
        "target_id": target["id"],
        "resolved": {"messages": {target["id"]: target}},
    }
    return _base(2, data, dm=False, user_id=user_id)


def member_message(
    content: str, *, attachments: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A message a member wrote in the study channel."""
    return {
        **message_payload({"content": content}, snowflake()),
        "type": 0,
        "author": user_payload(USER_ID + 1),
        "application_id": None,
        "attachments": attachments or [],
    }
