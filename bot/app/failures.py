"""The domain error every part of the bot raises for the user to read (no imports, so
that pure modules such as :mod:`bot.app.server_articles` can raise it without reaching
the error reply, which renders embeds)."""

from __future__ import annotations


class UserFacingError(Exception):
    """An error whose message is meant for the user as it is."""


class Busy(UserFacingError):
    """More work is queued than could be answered in reasonable time: the user is told
    at once, instead of being deferred for an answer that would come too late."""

    def __init__(self) -> None:
        super().__init__("The bot is busy right now: ask again in a minute.")
