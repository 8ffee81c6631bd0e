"""Schema version 1: store settings (holding the voter salt, then), votes and the
queries the bot could not answer.

Frozen: released, this file never changes (tests/bot/test_migrations.py checks its
digest). A change to the schema is a new, numbered migration.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.engine import Connection

# Literal DDL, not the store's Table objects: those describe today's schema, and this
# file must create version 1's whatever they become.
DDL = (
    "CREATE TABLE store_settings (name VARCHAR(64) NOT NULL PRIMARY KEY,"
    " value VARCHAR(256) NOT NULL)",
    "CREATE TABLE votes (message_id BIGINT NOT NULL, voter VARCHAR(64) NOT NULL,"
    " guild_id BIGINT, command VARCHAR(16) NOT NULL, mode VARCHAR(16) NOT NULL,"
    " query VARCHAR(400) NOT NULL, sections TEXT NOT NULL, up BOOLEAN NOT NULL,"
    " voted_at TIMESTAMP NOT NULL, PRIMARY KEY (message_id, voter))",
    "CREATE INDEX ix_votes_guild_id ON votes (guild_id)",
    "CREATE INDEX ix_votes_voted_at ON votes (voted_at)",
    "CREATE TABLE unanswered (id {serial} NOT NULL PRIMARY KEY, guild_id BIGINT,"
    " command VARCHAR(16) NOT NULL, mode VARCHAR(16) NOT NULL, query VARCHAR(400) NOT NULL,"
    " reason VARCHAR(16) NOT NULL, at TIMESTAMP NOT NULL)",
    "CREATE INDEX ix_unanswered_guild_id ON unanswered (guild_id)",
    "CREATE INDEX ix_unanswered_at ON unanswered (at)",
)


def upgrade(connection: Connection) -> None:
    """Create version 1's tables and indexes, and a voter salt in store_settings."""
    # PostgreSQL numbers unanswered.id through a sequence; SQLite's INTEGER PRIMARY KEY
    # is the rowid, numbered already.
    serial = "SERIAL" if connection.dialect.name == "postgresql" else "INTEGER"
    for statement in DDL:
        connection.execute(sa.text(statement.format(serial=serial)))
    connection.execute(
        sa.text("INSERT INTO store_settings (name, value) VALUES ('voter_salt', :salt)"),
        {"salt": secrets.token_hex(32)},
    )
