"""A real PostgreSQL server for the storage tests, started by the test session itself:
initdb and pg_ctl in a temporary folder, listening on a free loopback port, stopped at
the end. PostgreSQL refuses to run as root, so as root it runs as the `postgres` (or
`nobody`) user.

Where the server binaries are missing the PostgreSQL tests skip, saying so, unless
DIPLOBRIEF_REQUIRE_POSTGRES=1 (CI sets it, after making sure they are installed).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

USER = "diplobrief"


def server_binaries() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, if they are installed."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _memory_folder() -> str | None:
    """A RAM-backed folder for the throwaway cluster, where the machine has one: every
    storage test creates a database (a copy of the template, about a thousand files),
    and on a disk mounted with `discard` writing and then deleting those took seconds
    (the cluster's deletion alone up to 9 s on a busy machine). None: the temporary
    folder."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


def _as_server_user() -> tuple[list[str], int | None, int | None]:
    """The command prefix and ids to run the server with (not root)."""
    if os.geteuid() != 0:
        return [], None, None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return (
                ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--clear-groups"],
                entry.pw_uid,
                entry.pw_gid,
            )
    raise RuntimeError("running as root and no unprivileged user to run PostgreSQL as")


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Start a throwaway server; yields its SQLAlchemy URL."""
    binaries = server_binaries()
    if binaries is None:
        if os.environ.get("DIPLOBRIEF_REQUIRE_POSTGRES") == "1":
            raise RuntimeError("DIPLOBRIEF_REQUIRE_POSTGRES=1 but initdb/pg_ctl are not installed")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    prefix, uid, gid = _as_server_user()
    root = Path(tempfile.mkdtemp(prefix="diplobrief-pg-", dir=_memory_folder()))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    if uid is not None:
        for path in (root, sockets):
            os.chown(path, uid, gid or -1)

    def run(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=60)

    run(
        str(binaries / "initdb"),
        "-D",
        str(data),
        "-U",
        USER,
        "--auth=trust",
        "-E",
        "UTF8",
        "--no-sync",
    )
    # A port free a moment ago may be taken by the time the server binds it (the test
    # workers start their servers at the same time): then another one.
    for attempt in range(3):
        port = _free_port()
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        try:
            run(
                str(binaries / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(root / "log"),
                "-w",
                "start",
            )
            break
        except subprocess.CalledProcessError:
            if attempt == 2:
                raise
    try:
        yield f"postgresql+psycopg://{USER}@127.0.0.1:{port}/postgres"
    finally:
        with contextlib.suppress(subprocess.SubprocessError):
            run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)
