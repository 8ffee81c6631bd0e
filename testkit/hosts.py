"""Network peers that misbehave, for timeout tests."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator


@contextlib.contextmanager
def silent_host() -> Iterator[int]:
    """A loopback port that accepts connections and never answers (a hung database or
    Discord); yields the port, closed on leaving."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        yield silent.getsockname()[1]
    finally:
        silent.close()
