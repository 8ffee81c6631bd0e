"""Discord's protocol numbers, named, for the fake and the tests that read its record."""

from __future__ import annotations

from enum import IntEnum


class Callback(IntEnum):
    """Interaction callback types (the `type` of a POST to .../callback)."""

    PONG = 1
    CHANNEL_MESSAGE = 4
    DEFERRED_CHANNEL_MESSAGE = 5
    DEFERRED_UPDATE_MESSAGE = 6
    UPDATE_MESSAGE = 7
    AUTOCOMPLETE_RESULT = 8
    MODAL = 9


class Op(IntEnum):
    """Gateway opcodes."""

    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    RESUME = 6
    RECONNECT = 7
    HELLO = 10
    HEARTBEAT_ACK = 11


class Component(IntEnum):
    """Message component types."""

    ACTION_ROW = 1
    BUTTON = 2
    STRING_SELECT = 3
    USER_SELECT = 5
    ROLE_SELECT = 6
    MENTIONABLE_SELECT = 7
    CHANNEL_SELECT = 8


SELECTS = frozenset(
    {
        Component.STRING_SELECT,
        Component.USER_SELECT,
        Component.ROLE_SELECT,
        Component.MENTIONABLE_SELECT,
        Component.CHANNEL_SELECT,
    }
)
LINK_BUTTON_STYLE = 5
EPHEMERAL = 1 << 6  # message flag

# JSON error codes.
UNKNOWN_WEBHOOK = 10015
UNKNOWN_MESSAGE = 10008
UNKNOWN_INTERACTION = 10062
ALREADY_ACKNOWLEDGED = 40060
INVALID_FORM_BODY = 50035

HEARTBEAT_INTERVAL_MS = 41250
INTERACTION_DEADLINE_SECONDS = 3.0


def is_ephemeral(body: dict) -> bool:
    """True when a message body (callback data, follow-up) is flagged ephemeral."""
    return bool((body.get("flags") or 0) & EPHEMERAL)


def first_embed(body: dict) -> dict:
    """The first embed of a message body (callback data, an edit, a final message)."""
    return body["embeds"][0]
