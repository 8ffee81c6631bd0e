"""A fake Discord on 127.0.0.1 that the real bot runs against, in its own process.

- :mod:`.protocol`: Discord's numbers, named (callback types, opcodes, flags, codes);
- :mod:`.limits`: Discord's limits as a table, and the checks that refuse what it refuses;
- :mod:`.server`: the fake (REST routes and a websocket gateway), recording every request;
- :mod:`.control`: the operations a test runs on it, declared once, and
  :func:`loopback`, which starts it in a separate process and points discord.py at it.

See ``tests/bot/README.md`` for when to use this and when the in-process recorder.
"""

from testkit.loopback.control import Answer, RemoteFake, loopback, pointed_at
from testkit.protocol import EPHEMERAL, Callback, is_ephemeral

__all__ = [
    "EPHEMERAL",
    "Answer",
    "Callback",
    "RemoteFake",
    "is_ephemeral",
    "loopback",
    "pointed_at",
]
