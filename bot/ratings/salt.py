"""The voter salt: the secret a user id is hashed with before a vote is stored.

It is made once and kept in a file outside the database (DATA_DIR/voter-salt, or beside
an SQLite file), so every process sharing the file hashes alike and whoever reads the
database alone cannot hash candidate user ids to find a voter.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import sqlalchemy as sa

# The voter salt's file in DATA_DIR (shard processes on one machine share it; processes
# on several machines sharing one PostgreSQL store need the same file on each).
SALT_FILE = "voter-salt"


def salt_beside(url: str) -> Path | None:
    """The salt file beside an SQLite database file (None for other stores)."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(f"{parsed.database}.salt")
    return None


def voter_salt(path: Path | None, moved: str | None = None) -> str:
    """The voter salt kept in ``path``: made once (or the one moved out of an older
    database), written with owner-only permissions, the same for every process that
    opens it; without a path, one for this process alone."""
    if path is None:
        return moved or secrets.token_hex(32)
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    salt = moved or secrets.token_hex(32)
    # Written whole beside it, then linked into place (a link fails if the name exists):
    # a process starting at the same moment reads either nothing or the whole salt.
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    handle = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "w", encoding="ascii") as file:
        file.write(salt)
    try:
        os.link(draft, path)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="ascii").strip()
    finally:
        draft.unlink()
    return salt
