"""Schema version 2: the voter salt leaves the database, so whoever reads the database
alone cannot hash candidate user ids against it.

The salt is handed to the store in ``connection.info["voter_salt"]``, and the store
writes it to the salt file (DATA_DIR/voter-salt) before the migration commits, unless
that file has a salt already: every vote stored before keeps its voter.

Frozen: released, this file never changes (tests/bot/test_migrations.py checks its
digest). A change to the schema is a new, numbered migration.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection


def upgrade(connection: Connection) -> None:
    """Take the voter salt out of store_settings, handing it over in connection.info."""
    salt = connection.execute(
        sa.text("SELECT value FROM store_settings WHERE name = 'voter_salt'")
    ).scalar()
    if salt is not None:
        connection.info["voter_salt"] = salt
    connection.execute(sa.text("DELETE FROM store_settings WHERE name = 'voter_salt'"))
