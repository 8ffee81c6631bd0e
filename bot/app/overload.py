"""What the bot does when more arrives than it can answer: answer or defer in arrival
order, and shed what can no longer be answered in Discord's 3 seconds instead of
spending work on it (a late first response only earns a 10062 error).

Each interaction is stamped when its gateway event is parsed (before it waits for the
event loop), so its age counts the time spent queued in the bot itself.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands

from bot.app import limits

log = logging.getLogger(__name__)

RECEIVED = "diplobrief.received"
# Past this age a first response cannot reach Discord within its 3 seconds.
SHED_AFTER_SECONDS = 2.5
# A slow answer is deferred by this age at the latest.
DEFER_BY_SECONDS = 2.0
# Shed interactions are logged in one line at most this often.
SHED_LOG_EVERY_SECONDS = 10.0
assert DEFER_BY_SECONDS < SHED_AFTER_SECONDS < limits.INTERACTION_RESPONSE_SECONDS


# Answer directly when the work is done by then; otherwise defer first, well inside
# Discord's 3-second window.
DEFER_AFTER_SECONDS = 1.0
assert DEFER_AFTER_SECONDS < limits.INTERACTION_RESPONSE_SECONDS
# Queued briefing work (estimated seconds) beyond which a new interaction is deferred
# before its work starts: a burst is deferred in arrival order, then worked through.
BACKLOG_SECONDS = 0.25
# Queued briefing work (estimated seconds) beyond which a new interaction is told the
# bot is busy at once: deferring it would promise an answer seconds or minutes late, and
# its work would delay every answer queued behind it.
MAX_WAIT_SECONDS = 30.0
# At shutdown, how long the answers in flight get to finish (under Docker's 10-second
# grace before SIGKILL).
DRAIN_SECONDS = 8.0


@dataclass(frozen=True, slots=True)
class ReplyTiming:
    """When a reply is deferred: after ``defer_after`` seconds of work not done, by the
    time the interaction is ``defer_by`` seconds old at the latest, or at once when more
    than ``backlog`` seconds of briefing work is queued; past ``max_wait`` seconds of
    queued work, the user is told the bot is busy instead. At shutdown the answers in
    flight get ``drain`` seconds to finish. The bot uses the defaults; tests pin their
    own instead of racing the clock."""

    defer_after: float = DEFER_AFTER_SECONDS
    backlog: float = BACKLOG_SECONDS
    defer_by: float = DEFER_BY_SECONDS
    max_wait: float = MAX_WAIT_SECONDS
    drain: float = DRAIN_SECONDS


# Discord's clock and ours may disagree by a little; by more than this, ours is not trusted.
MAX_CLOCK_SKEW_SECONDS = 60.0


def age(interaction: discord.Interaction) -> float:
    """Seconds since Discord created the interaction (its id is a timestamp), or since
    its event was parsed here, whichever is longer: events can wait unread in the
    socket, which only the first measures."""
    received = interaction.extras.get(RECEIVED)
    here = 0.0 if received is None else time.monotonic() - received
    since_created = (discord.utils.utcnow() - interaction.created_at).total_seconds()
    if 0.0 <= since_created < MAX_CLOCK_SKEW_SECONDS:
        return max(here, since_created)
    return here


# What a first response must leave to spare within Discord's 3 seconds.
SAFETY_SECONDS = 0.2


def too_late(interaction: discord.Interaction, round_trip: float = 0.0) -> bool:
    """Whether a first response could no longer reach Discord in time: the interaction is
    past SHED_AFTER_SECONDS, or a response sent now would land after the window, given
    how long responses take to reach Discord lately (``round_trip``)."""
    spent = age(interaction)
    window = limits.INTERACTION_RESPONSE_SECONDS - SAFETY_SECONDS
    return spent > SHED_AFTER_SECONDS or spent + round_trip > window


class MovingAverage:
    """How long something (a first response, a briefing) takes lately."""

    def __init__(self, weight: float = 0.2, initial: float = 0.0) -> None:
        self.expected = initial
        self._weight = weight

    def record(self, seconds: float) -> None:
        """Count one more measurement."""
        self.expected += self._weight * (seconds - self.expected)


class Pace:
    """How fast queued work is cleared: the seconds between two completions while more
    work was waiting (a moving average). Timing each job instead would count the time it
    waits for the GIL while the others run, and overestimate the queue's wait."""

    def __init__(self, initial: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_job = MovingAverage(initial=initial)
        self._clock = clock
        self._last: float | None = None

    def done(self, *, saturated: bool) -> None:
        """One job finished; ``saturated``: every worker had work meanwhile."""
        now = self._clock()
        if saturated and self._last is not None:
            self.per_job.record(now - self._last)
        self._last = now

    def wait(self, jobs: int) -> float:
        """Seconds until ``jobs`` queued jobs are done, at the recent pace."""
        return jobs * self.per_job.expected


SHED = "shed %d interaction(s) too old to answer in time (%d in all)"
TURNED_AWAY = "told %d interaction(s) the bot is busy: too much work queued (%d in all)"


class ShedCounter:
    """Counts interactions given up on (shed, or told the bot is busy) and logs them in
    one line now and then."""

    def __init__(self, what: str = SHED) -> None:
        self.total = 0
        self._what = what
        self._unlogged = 0
        self._logged_at = 0.0

    def shed(self, interaction: discord.Interaction) -> None:
        """Count one interaction given up on."""
        self.total += 1
        self._unlogged += 1
        now = time.monotonic()
        if now - self._logged_at >= SHED_LOG_EVERY_SECONDS:
            log.warning("overloaded: " + self._what, self._unlogged, self.total)
            self._unlogged, self._logged_at = 0, now


class DiploTree(app_commands.CommandTree):  # type: ignore[type-arg]  # generic over the client, which imports this module
    """The command tree: stamps each interaction on arrival, and sheds those already too
    old to answer when their turn comes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shed = ShedCounter()

    def _from_interaction(self, interaction: discord.Interaction) -> None:
        interaction.extras[RECEIVED] = time.monotonic()
        super()._from_interaction(interaction)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if too_late(interaction):
            self.shed.shed(interaction)
            return False  # dropped quietly: no work, no late response
        return True
