"""`python -m testkit.loopback <guilds>`: serve a fake Discord until stdin closes,
printing `PORT <n>` once it listens (how :class:`RemoteFake` starts one)."""

from __future__ import annotations

import asyncio
import sys

from testkit.loopback.control import control_routes
from testkit.loopback.server import FakeDiscord


async def serve(guilds: int) -> None:
    """Run the fake with its control routes until the test closes our stdin."""
    fake = FakeDiscord(guilds=guilds)
    await fake.start(extra_routes=[control_routes(fake)])
    print(f"PORT {fake.port}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await fake.stop()


asyncio.run(serve(int(sys.argv[1]) if len(sys.argv) > 1 else 1))
