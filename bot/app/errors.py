"""One place that turns errors into short replies for the user, and logs the rest."""

from __future__ import annotations

import functools
import logging
import math
import uuid
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar

import discord
from discord import app_commands

from bot.app.embeds import error_embed
from bot.app.failures import UserFacingError

log = logging.getLogger(__name__)

# Discord's code for an interaction that was not answered in time (or already answered).
UNKNOWN_INTERACTION = 10062
ALREADY_ACKNOWLEDGED = 40060


def describe_error(error: BaseException) -> tuple[str | None, bool]:
    """The message for the user (None: nothing can be sent) and whether the error is
    unexpected (logged with a traceback)."""
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        inner = error.__cause__ or getattr(error, "original", None)
        if isinstance(inner, UserFacingError):
            return str(inner), False
        if isinstance(error, app_commands.TransformerError):
            return "That input is not valid here: check the option and try again.", False
        if inner is not None:
            return describe_error(inner)
    if isinstance(error, UserFacingError):
        return str(error), False
    if isinstance(error, app_commands.CommandOnCooldown):
        seconds = max(1, math.ceil(error.retry_after))
        return f"You are going a bit fast: try again in {seconds} s.", False
    if isinstance(error, app_commands.MissingPermissions | app_commands.CheckFailure):
        return "You cannot use this command here.", False
    if isinstance(error, discord.NotFound) and error.code == UNKNOWN_INTERACTION:
        return None, False  # too late to answer: Discord has already shown a failure
    if isinstance(error, discord.HTTPException) and error.code == ALREADY_ACKNOWLEDGED:
        return None, False
    return None, True


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Answer the user with a short ephemeral message; log unexpected errors with a
    traceback and an error id the user can quote. Never raises."""
    message, unexpected = describe_error(error)
    command = interaction.command.qualified_name if interaction.command else "component"
    if unexpected:
        error_id = uuid.uuid4().hex[:8]
        log.error("error %s in %s", error_id, command, exc_info=error)
        message = f"Sorry, something went wrong on our side (error id `{error_id}`)."
    elif message is None:
        log.info("could not answer %s: %s", command, error)
        return
    await send_ephemeral(interaction, error_embed(message))


async def send_ephemeral(interaction: discord.Interaction, embed: discord.Embed) -> None:
    """Send an ephemeral embed as the response, or as a follow-up if already answered;
    a failure to send is logged, never raised."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=True)
    except discord.HTTPException as error:
        log.info("could not send a reply (%s %s)", error.status, error.code)


Params = ParamSpec("Params")
Owner = TypeVar("Owner")


def answers_errors(
    handler: Callable[Concatenate[Owner, discord.Interaction, Params], Coroutine[Any, Any, None]],
) -> Callable[Concatenate[Owner, discord.Interaction, Params], Coroutine[Any, Any, None]]:
    """A component's (or a reply flow's) handler whose errors become the one error reply
    (:func:`report_error`): one bad press never takes the bot down."""

    @functools.wraps(handler)
    async def guarded(
        owner: Owner, interaction: discord.Interaction, *args: Params.args, **kwargs: Params.kwargs
    ) -> None:
        try:
            await handler(owner, interaction, *args, **kwargs)
        except Exception as error:
            await report_error(interaction, error)

    return guarded
