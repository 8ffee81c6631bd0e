"""What the bot stores: ratings (👍/👎) of its answers, and, only with
RECORD_UNANSWERED, the queries it could not answer or that were rated 👎.

One code path for SQLite (the default: a file in DATA_DIR, nothing to install) and
PostgreSQL (``postgresql://…``, when several shard processes share one store), through
SQLAlchemy Core. The schema (schema.py) is versioned and migrated at start, by the frozen
numbered migrations in bot/ratings/migrations; SQLite runs in WAL mode.
Every call here blocks: :class:`bot.ratings.Ratings` runs them off the event loop.

No user name or id is stored: a vote is keyed by a salted hash of the user id. The salt
is made once and kept in a file outside the database (DATA_DIR/voter-salt, or beside the
SQLite file: salt.py), so every process sharing it hashes alike, a second vote replaces
the first, and whoever reads the database alone cannot hash candidate ids to find a voter.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.ratings.migrations import MIGRATIONS, SCHEMA_VERSION
from bot.ratings.salt import SALT_FILE as SALT_FILE  # where the bot and the CLI keep it
from bot.ratings.salt import salt_beside, voter_salt
from bot.ratings.schema import schema_version, unanswered, votes

DATABASE_FILE = "diplobrief.sqlite3"
# How often opening a store tries to migrate it (another process may be migrating it
# too: the loser reads what the winner wrote).
MIGRATION_ATTEMPTS = 3
# How long any one call may wait on the store: to connect, for a statement, for a pooled
# connection, for SQLite's lock. A vote is answered within Discord's 3 s either way.
CONNECT_SECONDS = 3
STATEMENT_SECONDS = 5
# Characters no database column takes (PostgreSQL refuses NUL in text).
_UNSTORABLE = dict.fromkeys(range(0x00, 0x01))


class StoreUnavailableError(RuntimeError):
    """The store cannot be opened or written (the message says why)."""


class StoreInputError(ValueError):
    """One request's data was refused by the database (the store itself is fine)."""


def storable(text: str, limit: int = 400) -> str:
    """Text as a column takes it: without NUL characters, at most ``limit`` long."""
    return text.translate(_UNSTORABLE)[:limit]


@dataclass(frozen=True, slots=True)
class Vote:
    """One rating of one answer, as stored."""

    message_id: int
    user_id: int
    guild_id: int | None
    command: str
    mode: str
    query: str
    sections: tuple[str, ...]
    up: bool
    private: bool = False  # the answer was shown to the asker only


def utc_now() -> datetime:
    """Now, in UTC, without a zone: how every time is stored (both dialects alike)."""
    return datetime.now(UTC).replace(tzinfo=None)


def as_stored(moment: datetime) -> datetime:
    """A time as stored: in UTC, without a zone."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def database_url(setting: str | None, data_dir: Path) -> str:
    """The SQLAlchemy URL: DATABASE_URL as given (``postgresql://`` uses psycopg 3), or
    the SQLite file in DATA_DIR."""
    if not setting:
        return f"sqlite:///{(data_dir / DATABASE_FILE).resolve()}"
    for plain in ("postgresql://", "postgres://"):
        if setting.startswith(plain):
            return "postgresql+psycopg://" + setting.removeprefix(plain)
    return setting


def redacted(url: str) -> str:
    """A URL as it may be logged: without its password."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):
        return "(an unreadable DATABASE_URL)"


def url_problem(url: str) -> str | None:
    """Why a database URL cannot be used, in one line (None when it reads): a port that
    is not a number, a URL that is not one."""
    try:
        parsed = sa.make_url(url)
    except ValueError:
        return "DATABASE_URL's port must be a number (postgresql://user:password@host:5432/db)"
    except sa.exc.ArgumentError:
        return "DATABASE_URL is not a database URL (postgresql://user:password@host:5432/db)"
    if parsed.port is not None and not 0 < parsed.port < 65536:
        return f"DATABASE_URL's port {parsed.port} is not between 1 and 65535"
    return None


class Store:
    """An open, migrated store. Blocking; thread-safe (SQLAlchemy's pool)."""

    def __init__(self, engine: Engine, salt: str) -> None:
        self.engine = engine
        self._salt = salt.encode()

    @classmethod
    def open(cls, url: str, *, salt_file: Path | None = None) -> Store:
        """Open (creating and migrating as needed). Raises StoreUnavailableError.

        The voter salt lives in ``salt_file`` (made once, readable by its owner only):
        by default beside an SQLite database; a PostgreSQL store opened without one (to
        read a report) hashes with a salt of this process alone."""
        problem = url_problem(url)
        if problem is not None:
            raise StoreUnavailableError(problem)
        try:
            engine = _engine(url)
            if engine.dialect.name != "sqlite":
                with engine.connect():
                    pass  # an unreachable host fails here, once, not once per attempt
            salt = _migrated(engine, salt_file or salt_beside(url))
        except ModuleNotFoundError as error:
            raise StoreUnavailableError(
                f"{redacted(url)}: its driver is not installed ({error.name}); for PostgreSQL:"
                " python3 -m pip install -e '.[postgres]'"
            ) from error
        except (sa.exc.SQLAlchemyError, OSError, ValueError) as error:
            raise StoreUnavailableError(f"{redacted(url)}: {_reason(error)}") from error
        return cls(engine, salt)

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    def voter(self, user_id: int) -> str:
        """The salted hash that stands for a user."""
        return hashlib.sha256(self._salt + str(user_id).encode()).hexdigest()

    def record_vote(self, vote: Vote, *, at: datetime | None = None) -> None:
        """Store a vote, replacing that user's earlier vote on the same answer; committed
        when this returns."""
        row = {
            "message_id": vote.message_id,
            "voter": self.voter(vote.user_id),
            "guild_id": vote.guild_id,
            "command": vote.command,
            "mode": vote.mode,
            "query": storable(vote.query),
            "sections": storable(json.dumps(list(vote.sections), ensure_ascii=False), 100_000),
            "up": vote.up,
            "voted_at": as_stored(at) if at else utc_now(),
        }
        self._write(lambda c: c.execute(_upsert(self.engine, row)))

    def record_unanswered(
        self,
        *,
        guild_id: int | None,
        command: str,
        mode: str,
        query: str,
        reason: str,
        at: datetime | None = None,
    ) -> None:
        """Store a query the corpus did not answer (or whose answer was rated 👎)."""
        row = {
            "guild_id": guild_id,
            "command": command,
            "mode": mode,
            "query": storable(query),
            "reason": reason,
            "at": as_stored(at) if at else utc_now(),
        }
        self._write(lambda c: c.execute(unanswered.insert().values(**row)))

    def forget_before(self, cutoff: datetime) -> int:
        """Delete every vote and query stored before ``cutoff``, then rewrite the tables
        so the deleted rows leave the database's files too (SQLite: VACUUM and a WAL
        checkpoint; PostgreSQL: VACUUM FULL). Backups, replicas and PostgreSQL's WAL
        archive, if any, are not reached. Returns how many rows were deleted."""
        counts: list[int] = []

        def delete(connection: Connection) -> None:
            for table, column in ((votes, votes.c.voted_at), (unanswered, unanswered.c.at)):
                deleted = connection.execute(table.delete().where(column < as_stored(cutoff)))
                counts.append(deleted.rowcount)

        self._write(delete)
        self._compact()
        return sum(counts)

    def _compact(self) -> None:
        """Rewrite the tables without their deleted rows (outside a transaction)."""
        if self.engine.dialect.name == "postgresql":
            statements = ["VACUUM FULL votes", "VACUUM FULL unanswered"]
        else:
            statements = ["VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"]
        try:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                for statement in statements:
                    c.execute(sa.text(statement))
        except sa.exc.SQLAlchemyError as error:
            raise StoreUnavailableError(_reason(error)) from error

    def votes_since(
        self, since: datetime | None, guild_id: int | None = None
    ) -> list[dict[str, Any]]:
        """Stored votes (oldest first), of one server when ``guild_id`` is given."""
        return self._rows(votes, votes.c.voted_at, since, guild_id)

    def unanswered_since(
        self, since: datetime | None, guild_id: int | None = None
    ) -> list[dict[str, Any]]:
        """Stored unanswered queries (oldest first), of one server when ``guild_id`` is
        given."""
        return self._rows(unanswered, unanswered.c.at, since, guild_id)

    def _rows(
        self, table: sa.Table, time: sa.Column[Any], since: datetime | None, guild_id: int | None
    ) -> list[dict[str, Any]]:
        query = sa.select(table).order_by(time)
        if since is not None:
            query = query.where(time >= as_stored(since))
        if guild_id is not None:
            query = query.where(table.c.guild_id == guild_id)
        return self._read(query)

    def _read(self, query: sa.Select[Any]) -> list[dict[str, Any]]:
        try:
            with self.engine.connect() as connection:
                return [dict(row._mapping) for row in connection.execute(query)]
        except sa.exc.SQLAlchemyError as error:
            raise StoreUnavailableError(_reason(error)) from error

    def _write(self, work: Callable[[Connection], Any]) -> None:
        try:
            with self.engine.begin() as connection:
                work(connection)
        except (sa.exc.DataError, sa.exc.IntegrityError) as error:
            raise StoreInputError(_reason(error)) from error  # this row, not the store
        except sa.exc.SQLAlchemyError as error:
            raise StoreUnavailableError(_reason(error)) from error


def _engine(url: str) -> Engine:
    """An engine; for SQLite, its folder made, WAL mode, and a wait instead of "locked"."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # A host that accepts connections and never answers must not hold the bot: every
        # wait is bounded (libpq's connect_timeout covers the whole handshake).
        options = f"-c statement_timeout={STATEMENT_SECONDS * 1000} -c lock_timeout={STATEMENT_SECONDS * 1000}"
        return sa.create_engine(
            url,
            pool_pre_ping=True,
            pool_size=4,
            max_overflow=4,
            pool_timeout=CONNECT_SECONDS,
            connect_args={"connect_timeout": CONNECT_SECONDS, "options": options},
        )
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # Wait a little for another writer (another shard process) instead of "locked", never
    # longer than a vote's reply may wait.
    engine = sa.create_engine(url, connect_args={"timeout": STATEMENT_SECONDS})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL survives a killed process (not a power cut): a vote
        # committed is a vote kept when the bot is killed.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def _migrated(engine: Engine, salt_path: Path | None) -> str:
    """Migrate the store and return the voter salt, retrying when another process was
    migrating it at the same moment (SQLite: its lock waited on too long)."""
    for _ in range(MIGRATION_ATTEMPTS - 1):
        try:
            return _migrate_once(engine, salt_path)
        except (sa.exc.IntegrityError, sa.exc.OperationalError):
            time.sleep(0.2)  # another process was migrating: read what it wrote
    return _migrate_once(engine, salt_path)


def _migrate_once(engine: Engine, salt_path: Path | None) -> str:
    """Migrate in one transaction; the voter salt is the salt file's, or the one a
    migration moved out of the database, written to the salt file before the migration
    commits (so a salt is never lost between the two)."""
    with engine.begin() as connection:
        migrate(connection)
        return voter_salt(salt_path, connection.info.pop("voter_salt", None))


def migrate(connection: Connection, to: int = SCHEMA_VERSION) -> None:
    """Bring the schema to version ``to`` (by default the current one), applying the
    pending migrations in order, in the connection's transaction: all of them or none.
    Once even when several processes start together (PostgreSQL: an advisory lock held
    to the end of the transaction; SQLite: the write lock, taken first)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(7170)"))
    elif connection.dialect.name == "sqlite" and not _sqlite_in_transaction(connection):
        # Python's sqlite3 opens a transaction only at the first INSERT, UPDATE or
        # DELETE: DDL before it would be committed alone, and a migration stopped midway
        # would leave tables that no schema version accounts for.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    schema_version.create(connection, checkfirst=True)
    current = connection.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0
    if current > SCHEMA_VERSION:
        raise ValueError(
            f"the database is at schema version {current}, newer than this diplobrief"
            f" ({SCHEMA_VERSION}); upgrade diplobrief"
        )
    for version in range(current + 1, to + 1):
        MIGRATIONS[version - 1].upgrade(connection)
        connection.execute(schema_version.insert().values(version=version, applied_at=utc_now()))


def _sqlite_in_transaction(connection: Connection) -> bool:
    """Whether Python's sqlite3 has opened a transaction on this connection already."""
    driver = connection.connection.driver_connection
    return driver is not None and bool(driver.in_transaction)


def _upsert(engine: Engine, row: dict[str, Any]) -> Any:
    """INSERT … ON CONFLICT (message, voter) DO UPDATE, in the engine's dialect."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(votes).values(**row)
    changed = {k: statement.excluded[k] for k in ("up", "voted_at", "query", "sections", "mode")}
    return statement.on_conflict_do_update(
        index_elements=[votes.c.message_id, votes.c.voter], set_=changed
    )


def _reason(error: BaseException) -> str:
    """The first line of an error, without SQL or parameters."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()
    return text[0] if text else type(original).__name__


def sections_of(row: dict[str, Any]) -> Sequence[str]:
    """The cited sections of a stored vote."""
    return json.loads(row["sections"])
