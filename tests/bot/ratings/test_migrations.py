"""The store's migrations, on SQLite and on a real PostgreSQL server: a database left at
any released version reaches the current one with its rows (and its voters) intact, ends
with the schema a fresh database has, and the released migration files never change."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.ratings import migrations
from bot.ratings.migrations import MIGRATIONS, SCHEMA_VERSION
from bot.ratings.salt import voter_salt
from bot.ratings.schema import metadata
from bot.ratings.store import Store, StoreUnavailableError, Vote, migrate

MIGRATIONS_DIR = Path(migrations.__file__).parent
FROZEN = MIGRATIONS_DIR / "FROZEN.sha256"
VERSIONS = range(1, SCHEMA_VERSION + 1)

# Rows as every version since 1 stores them (votes and unanswered have not changed).
VOTE_COLUMNS = "message_id user guild_id command mode query sections up voted_at".split()
VOTES = [
    dict(zip(VOTE_COLUMNS, row, strict=True))
    for row in (
        (10, 7, 5, "brief", "lexical", "cyber", '["A › S"]', True, datetime(2026, 1, 2)),
        (10, 8, 5, "brief", "lexical", "cyber", '["A › S"]', False, datetime(2026, 1, 3)),
        (11, 7, None, "ask", "hybrid", "désarmement nucléaire", "[]", True, datetime(2026, 1, 4)),
    )
]
UNANSWERED_COLUMNS = "guild_id command mode query reason at".split()
UNANSWERED = [
    dict(zip(UNANSWERED_COLUMNS, row, strict=True))
    for row in (
        (5, "ask", "lexical", "chess openings", "abstained", datetime(2026, 1, 2, 3, 4, 5)),
        (None, "brief", "hybrid", "yoga", "downvoted", datetime(2026, 1, 5)),
    )
]


def hashed(salt: str, user_id: int) -> str:
    """A voter as every version has hashed it."""
    return hashlib.sha256(salt.encode() + str(user_id).encode()).hexdigest()


def build_at(url: str, version: int, salt_file: Path) -> None:
    """A database as release ``version`` left it: migrated one version per start, as
    each release did, and the salt a migration moved out written to the salt file, as
    Store.open does (release 1 kept it in the database and wrote no file)."""
    engine = sa.create_engine(url)
    try:
        for step in range(1, version + 1):
            with engine.begin() as connection:
                migrate(connection, to=step)
                if "voter_salt" in connection.info:
                    voter_salt(salt_file, connection.info.pop("voter_salt"))
    finally:
        engine.dispose()


def salt_at(connection: sa.Connection, version: int, salt_file: Path) -> str:
    """The voter salt of a database at ``version``: in the database until version 2."""
    if version < 2:
        return connection.execute(
            sa.text("SELECT value FROM store_settings WHERE name = 'voter_salt'")
        ).scalar_one()
    return salt_file.read_text(encoding="ascii")


def insert_rows(connection: sa.Connection, salt: str) -> None:
    """The representative rows, written in SQL as the version itself would have."""
    at = sa.bindparam("at", type_=sa.DateTime())
    for row in VOTES:
        connection.execute(
            sa.text(
                "INSERT INTO votes (message_id, voter, guild_id, command, mode, query,"
                " sections, up, voted_at) VALUES (:message_id, :voter, :guild_id, :command,"
                " :mode, :query, :sections, :up, :at)"
            ).bindparams(at),
            {**row, "voter": hashed(salt, row["user"]), "at": row["voted_at"]},
        )
    for row in UNANSWERED:  # ids left to the database: its own sequence must go on
        connection.execute(
            sa.text(
                "INSERT INTO unanswered (guild_id, command, mode, query, reason, at)"
                " VALUES (:guild_id, :command, :mode, :query, :reason, :at)"
            ).bindparams(at),
            row,
        )


def sibling(url: str, name: str) -> str:
    """Another empty database beside the fixture's: a file in the same folder, or a new
    database on the same PostgreSQL server."""
    parsed = sa.make_url(url)
    assert parsed.database
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.set(database=str(Path(parsed.database).with_name(f"{name}.sqlite3"))))
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{parsed.database}_{name}"'))
    engine.dispose()
    return parsed.set(database=f"{parsed.database}_{name}").render_as_string(hide_password=False)


def schema(url: str, *, exact: bool = True) -> dict[str, Any]:
    """Every table's columns (type, nullability, default), primary key and indexes."""

    def type_of(column_type: Any) -> str:
        # SQLite calls a column DATETIME when SQLAlchemy creates it and TIMESTAMP when
        # the migrations do: one type to SQLite (NUMERIC) and to SQLAlchemy (DateTime).
        if not exact and isinstance(column_type, sa.DateTime):
            return "DateTime"
        return repr(column_type)

    engine = sa.create_engine(url)
    try:
        found = sa.inspect(engine)
        return {
            table: {
                "columns": [
                    (c["name"], type_of(c["type"]), c["nullable"], c.get("default"))
                    for c in found.get_columns(table)
                ],
                "primary key": found.get_pk_constraint(table)["constrained_columns"],
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                    for i in found.get_indexes(table)
                ),
                "unique": found.get_unique_constraints(table),
                "foreign keys": found.get_foreign_keys(table),
            }
            for table in sorted(found.get_table_names())
        }
    finally:
        engine.dispose()


@pytest.mark.parametrize("version", VERSIONS)
def test_a_database_at_every_version_migrates_forward_with_its_rows(
    database_url: str, tmp_path: Path, version: int
) -> None:
    salt_file = tmp_path / "voter-salt"
    build_at(database_url, version, salt_file)
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        salt = salt_at(connection, version, salt_file)
        insert_rows(connection, salt)
    engine.dispose()

    store = Store.open(database_url, salt_file=salt_file)
    try:
        assert salt_file.read_text(encoding="ascii") == salt  # moved, as version 2 says
        with store.engine.connect() as connection:
            settings = connection.execute(sa.text("SELECT name FROM store_settings"))
            assert "voter_salt" not in set(settings.scalars())
            versions = connection.execute(sa.text("SELECT version FROM schema_version"))
            assert sorted(versions.scalars()) == list(VERSIONS)
        expected = [
            {**{k: v for k, v in row.items() if k != "user"}, "voter": hashed(salt, row["user"])}
            for row in VOTES
        ]
        assert store.votes_since(None) == expected
        assert [store.voter(row["user"]) for row in VOTES] == [r["voter"] for r in expected]
        assert [
            {k: v for k, v in r.items() if k != "id"} for r in store.unanswered_since(None)
        ] == (UNANSWERED)
        # The migrated store goes on: a voter's new vote replaces the old one, and new
        # queries take new ids.
        first = VOTES[0]
        store.record_vote(_vote(first, up=not first["up"]))
        assert len(store.votes_since(None)) == len(VOTES)
        store.record_unanswered(
            guild_id=1, command="ask", mode="lexical", query="q", reason="abstained"
        )
        assert len({r["id"] for r in store.unanswered_since(None)}) == len(UNANSWERED) + 1
    finally:
        store.close()


def _vote(row: dict[str, Any], *, up: bool) -> Vote:
    return Vote(
        row["message_id"], row["user"], row["guild_id"], row["command"], row["mode"],
        row["query"], (), up,
    )  # fmt: skip


@pytest.mark.parametrize("version", VERSIONS)
def test_a_migrated_database_has_the_schema_of_a_fresh_one(
    database_url: str, tmp_path: Path, version: int
) -> None:
    Store.open(database_url, salt_file=tmp_path / "fresh-salt").close()
    migrated = sibling(database_url, f"at_v{version}")
    build_at(migrated, version, tmp_path / "voter-salt")
    Store.open(migrated, salt_file=tmp_path / "voter-salt").close()
    fresh_schema = schema(database_url)
    assert set(fresh_schema) == {"schema_version", "store_settings", "votes", "unanswered"}
    assert schema(migrated) == fresh_schema


def test_the_migrations_make_the_schema_the_store_queries(database_url: str) -> None:
    # bot/ratings/schema.py describes today's tables for the queries; the migrations
    # create them with their own DDL. The two must not drift apart.
    Store.open(database_url).close()
    described = sibling(database_url, "described")
    engine = sa.create_engine(described)
    metadata.create_all(engine)
    engine.dispose()
    assert schema(database_url, exact=False) == schema(described, exact=False)


def test_a_migration_that_fails_leaves_the_database_as_it_was(
    database_url: str, tmp_path: Path
) -> None:
    # The salt file cannot be written (its folder is a file): the migrations, run in the
    # same transaction, are rolled back whole, DDL included (SQLite commits DDL alone
    # unless the store opens the transaction itself).
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(StoreUnavailableError):
        Store.open(database_url, salt_file=blocker / "voter-salt")
    assert schema(database_url) == {}
    Store.open(database_url, salt_file=tmp_path / "voter-salt").close()  # and opens later


def test_the_migrations_are_numbered_in_order_and_all_listed() -> None:
    files = sorted(p.name for p in MIGRATIONS_DIR.glob("v[0-9][0-9][0-9]_*.py"))
    listed = [Path(module.__file__ or "").name for module in MIGRATIONS]
    assert listed == files, "every vNNN_<name>.py is listed in migrations/__init__.py, in order"
    for version, name in enumerate(files, start=1):
        assert name.startswith(f"v{version:03d}_"), f"{name} should be number {version:03d}"
        assert re.fullmatch(r"v\d{3}_[a-z0-9_]+\.py", name), name


def test_released_migrations_are_frozen() -> None:
    # sha256sum's format: `cd bot/ratings/migrations && sha256sum -c FROZEN.sha256` reads it.
    lines = FROZEN.read_text(encoding="ascii").splitlines()
    recorded = {name: digest for digest, name in (line.split(maxsplit=1) for line in lines)}
    for module in MIGRATIONS:
        path = Path(module.__file__ or "")
        assert path.name in recorded, (
            f"{path.name} is new: record its digest (cd bot/ratings/migrations"
            f" && sha256sum {path.name} >> FROZEN.sha256)"
        )
        assert hashlib.sha256(path.read_bytes()).hexdigest() == recorded[path.name], (
            f"{path.name} was released and is frozen: databases out there were migrated by"
            " it as it was. Undo the edit, and make the change a new migration"
            f" (v{SCHEMA_VERSION + 1:03d}_<name>.py) instead"
        )
    missing = set(recorded) - {Path(m.__file__ or "").name for m in MIGRATIONS}
    assert not missing, f"released migrations are gone: {sorted(missing)}; restore them"
