"""What the bot stores: ratings (👍/👎) of its answers, and, only with
RECORD_UNANSWERED, the queries it could not answer or that were rated 👎.

One code path for SQLite (the default: a file in DATA_DIR, nothing to install) and
PostgreSQL (``postgresql://…``, when several shard processes share one store), through
SQLAlchemy Core. The schema is versioned and migrated at start; SQLite runs in WAL mode.
Every call here blocks: :class:`bot.ratings.Ratings` runs them off the event loop.

No user name or id is stored: a vote is keyed by a salted hash of the user id. The salt
is made once and kept in a file outside the database (DATA_DIR/voter-salt, or beside the
SQLite file), so every process sharing it hashes alike, a second vote replaces the first,
and whoever reads the database alone cannot hash candidate ids to find a voter.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

DATABASE_FILE = "diplobrief.sqlite3"
# The voter salt's file in DATA_DIR (shard processes on one machine share it; processes
# on several machines sharing one PostgreSQL store need the same file on each).
SALT_FILE = "voter-salt"
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


# Migrations are frozen: each writes the DDL of its own version, never today's Table
# objects, so a fresh database goes through the same steps as an old one.
_V1_DDL = (
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


def _v1_tables(connection: Connection) -> None:
    """Version 1: settings (with the voter salt, then), votes and unanswered queries."""
    serial = "SERIAL" if connection.dialect.name == "postgresql" else "INTEGER"
    for statement in _V1_DDL:
        connection.execute(sa.text(statement.format(serial=serial)))
    connection.execute(
        sa.text("INSERT INTO store_settings (name, value) VALUES ('voter_salt', :salt)"),
        {"salt": secrets.token_hex(32)},
    )


def _v2_salt_out_of_the_database(connection: Connection) -> None:
    """Version 2: the voter salt leaves the database (whoever reads the database must
    not be able to hash candidate user ids against it); :meth:`Store.open` writes it to
    the salt file first, if that has none."""
    salt = connection.execute(
        sa.text("SELECT value FROM store_settings WHERE name = 'voter_salt'")
    ).scalar()
    if salt is not None:
        connection.info["voter_salt"] = salt
    connection.execute(sa.text("DELETE FROM store_settings WHERE name = 'voter_salt'"))


# Each migration moves the schema one version up; they run in order, once, at start.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_v1_tables, _v2_salt_out_of_the_database)
SCHEMA_VERSION = len(MIGRATIONS)
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
            salt_path = salt_file or _beside(url)
            for attempt in range(MIGRATION_ATTEMPTS):
                try:
                    with engine.begin() as connection:
                        _migrate(connection)
                        salt = voter_salt(salt_path, connection.info.pop("voter_salt", None))
                    break
                except (sa.exc.IntegrityError, sa.exc.OperationalError):
                    if attempt == MIGRATION_ATTEMPTS - 1:
                        raise
                    time.sleep(0.2)  # another process was migrating: read what it wrote
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


def _beside(url: str) -> Path | None:
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


def _migrate(connection: Connection) -> None:
    """Bring the schema to SCHEMA_VERSION, one migration at a time, once even when
    several processes start together (PostgreSQL: an advisory lock held to the end of
    the transaction; SQLite: the loser of a race fails and :meth:`Store.open` retries)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(7170)"))
    schema_version.create(connection, checkfirst=True)
    current = connection.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0
    if current > SCHEMA_VERSION:
        raise ValueError(
            f"the database is at schema version {current}, newer than this diplobrief"
            f" ({SCHEMA_VERSION}); upgrade diplobrief"
        )
    for version in range(current + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[version - 1](connection)
        connection.execute(schema_version.insert().values(version=version, applied_at=utc_now()))


def _upsert(engine: Engine, row: dict[str, Any]) -> Any:
    """INSERT … ON CONFLICT (message, voter) DO UPDATE, in the engine's dialect."""
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(votes).values(**row)
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
