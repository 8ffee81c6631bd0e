"""Today's schema of the store, as its queries read and write it (SQLAlchemy Core
tables). The migrations in bot/ratings/migrations create it, with frozen literal DDL;
tests/bot/ratings/test_migrations.py checks that the two agree, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied_at", sa.DateTime(), nullable=False),
)
settings_table = sa.Table(
    "store_settings",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(256), nullable=False),
)
votes = sa.Table(
    "votes",
    metadata,
    sa.Column("message_id", sa.BigInteger, primary_key=True),
    sa.Column("voter", sa.String(64), primary_key=True),  # salted hash of the user id
    sa.Column("guild_id", sa.BigInteger, nullable=True, index=True),
    sa.Column("command", sa.String(16), nullable=False),
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("query", sa.String(400), nullable=False),
    sa.Column("sections", sa.Text, nullable=False),  # JSON list of "Article › Section"
    sa.Column("up", sa.Boolean, nullable=False),
    sa.Column("voted_at", sa.DateTime(), nullable=False, index=True),
)
unanswered = sa.Table(
    "unanswered",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("guild_id", sa.BigInteger, nullable=True, index=True),
    sa.Column("command", sa.String(16), nullable=False),
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("query", sa.String(400), nullable=False),
    sa.Column("reason", sa.String(16), nullable=False),  # "abstained" or "downvoted"
    sa.Column("at", sa.DateTime(), nullable=False, index=True),
)
