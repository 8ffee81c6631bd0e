"""The store's schema, one frozen module per version: ``vNNN_<name>.py`` brings a
database from version NNN - 1 to NNN through its ``upgrade(connection)``, with the
literal DDL of that version. A released migration never changes (FROZEN.sha256 holds
their digests, checked by tests/bot/ratings/test_migrations.py): a change to the schema is a
new file, added here at the end.
"""

from __future__ import annotations

from types import ModuleType

from bot.ratings.migrations import v001_votes_and_unanswered, v002_voter_salt_out

# In order: MIGRATIONS[k - 1] brings the schema to version k.
MIGRATIONS: tuple[ModuleType, ...] = (v001_votes_and_unanswered, v002_voter_salt_out)
SCHEMA_VERSION = len(MIGRATIONS)
