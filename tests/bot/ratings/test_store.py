"""The ratings store, on SQLite and on a real PostgreSQL server: migrations, votes that
replace each other, unanswered queries, forgetting, and losing nothing under load."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.ratings.store import (
    SCHEMA_VERSION,
    Store,
    StoreUnavailableError,
    Vote,
    database_url,
    redacted,
)

ROOT = Path(__file__).resolve().parents[3]


def vote(message_id: int = 1, user_id: int = 7, *, up: bool = True, guild: int = 5) -> Vote:
    return Vote(
        message_id=message_id,
        user_id=user_id,
        guild_id=guild,
        command="brief",
        mode="lexical",
        query="cyber diplomacy",
        sections=("Article › Section",),
        up=up,
    )


def test_a_changed_vote_replaces_the_first_and_no_user_id_is_stored(database_url: str) -> None:
    store = Store.open(database_url)
    store.record_vote(vote(up=True))
    store.record_vote(vote(up=False))
    store.record_vote(vote(user_id=8, up=True))
    rows = store.votes_since(None)
    assert sorted(row["up"] for row in rows) == [False, True]
    assert {len(row["voter"]) for row in rows} == {64}  # a hash, never the id
    assert not {"user_id", "user", "name"} & set(rows[0])
    assert json.loads(rows[0]["sections"]) == ["Article › Section"]
    store.close()


def test_migrations_are_versioned_and_applied_once(database_url: str, tmp_path: Path) -> None:
    salt = tmp_path / "voter-salt"
    first = Store.open(database_url, salt_file=salt)
    salt_voter = first.voter(42)
    first.close()
    second = Store.open(database_url, salt_file=salt)  # migrates nothing, keeps the salt
    assert second.voter(42) == salt_voter
    with second.engine.connect() as connection:
        versions = connection.execute(sa.text("SELECT version FROM schema_version")).scalars()
        assert list(versions) == list(range(1, SCHEMA_VERSION + 1))
        connection.execute(sa.text("INSERT INTO schema_version VALUES (99, '2026-01-01')"))
        connection.commit()
    second.close()
    with pytest.raises(StoreUnavailableError, match="newer than this diplobrief"):
        Store.open(database_url)


def test_unanswered_queries_per_server_and_forgetting(database_url: str) -> None:
    store = Store.open(database_url)
    old = datetime.now(UTC) - timedelta(days=30)
    store.record_unanswered(
        guild_id=1, command="ask", mode="lexical", query="chess", reason="abstained", at=old
    )
    store.record_unanswered(
        guild_id=2, command="ask", mode="lexical", query="yoga", reason="abstained"
    )
    store.record_vote(vote(), at=old)
    assert [r["query"] for r in store.unanswered_since(None, guild_id=2)] == ["yoga"]
    assert [r["query"] for r in store.unanswered_since(datetime.now(UTC) - timedelta(days=7))] == [
        "yoga"
    ]
    assert store.forget_before(datetime.now(UTC) - timedelta(days=7)) == 2
    assert store.votes_since(None) == []
    assert [r["query"] for r in store.unanswered_since(None)] == ["yoga"]


def test_200_votes_from_20_users_in_a_burst_lose_none(database_url: str) -> None:
    store = Store.open(database_url)
    errors: list[BaseException] = []

    def user(user_id: int) -> None:
        try:
            for message in range(10):
                store.record_vote(vote(message_id=message, user_id=user_id, up=bool(message % 2)))
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=user, args=(uid,)) for uid in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(store.votes_since(None)) == 200


WRITER = """
import sys
from bot.ratings.store import Store, Vote
store = Store.open(sys.argv[1])
base = int(sys.argv[2])
for n in range(int(sys.argv[3])):
    store.record_vote(Vote(n, base + n % 20, 1, "ask", "lexical", "q", (), n % 2 == 0))
    print(n, flush=True)  # printed only once committed
"""


def _writer(url: str, base: int, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, url, str(base), str(count)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_kill_9_mid_burst_loses_nothing_committed(database_url: str) -> None:
    Store.open(database_url).close()
    writer = _writer(database_url, 1000, 100_000)
    assert writer.stdout is not None
    committed = [writer.stdout.readline() for _ in range(150)]
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    committed += writer.stdout.read().splitlines()  # lines already written before the kill
    done = {int(line) for line in committed if line.strip()}
    stored = {row["message_id"] for row in Store.open(database_url).votes_since(None)}
    assert done <= stored


def test_two_processes_writing_to_one_store_lose_no_vote(database_url: str) -> None:
    writers = [_writer(database_url, base, 150) for base in (1000, 2000)]
    for writer in writers:
        assert writer.wait(timeout=120) == 0
    rows = Store.open(database_url).votes_since(None)
    assert len(rows) == 300


def test_a_store_that_cannot_be_opened_says_why_without_the_password(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StoreUnavailableError):
        Store.open(database_url(None, blocker))  # DATA_DIR is a file
    url = "postgresql+psycopg://user:hunter2@127.0.0.1:1/db"
    with pytest.raises(StoreUnavailableError) as raised:
        Store.open(url)
    assert "hunter2" not in str(raised.value)
    assert "hunter2" not in redacted(url)
    corrupt = tmp_path / "corrupt.sqlite3"
    corrupt.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreUnavailableError):
        Store.open(f"sqlite:///{corrupt}")


def test_database_url_forms(tmp_path: Path) -> None:
    assert database_url(None, tmp_path) == f"sqlite:///{tmp_path.resolve()}/diplobrief.sqlite3"
    assert database_url("postgresql://u@h/db", tmp_path) == "postgresql+psycopg://u@h/db"
    assert database_url("postgres://u@h/db", tmp_path) == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:////srv/votes.db", tmp_path) == "sqlite:////srv/votes.db"


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("postgresql://u:p@127.0.0.1:abc/x", "port must be a number"),
        ("postgresql://u:p@127.0.0.1:99999/x", "not between 1 and 65535"),
        ("not a url at all", "not a database URL"),
    ],
)
def test_a_database_url_that_cannot_be_used_is_one_line(url: str, said: str) -> None:
    with pytest.raises(StoreUnavailableError) as raised:
        Store.open(database_url(url, Path("unused")))
    assert said in str(raised.value) and "\n" not in str(raised.value)
    assert "p@" not in redacted(url)


def test_the_voter_salt_lives_outside_the_database(database_url: str, tmp_path: Path) -> None:
    salt = tmp_path / "data" / "voter-salt"
    store = Store.open(database_url, salt_file=salt)
    with store.engine.connect() as connection:
        kept = connection.execute(sa.text("SELECT name FROM store_settings")).scalars()
        assert "voter_salt" not in list(kept)
    assert salt.stat().st_mode & 0o777 == 0o600
    assert store.voter(7) == Store.open(database_url, salt_file=salt).voter(7)
    assert store.voter(7) != Store.open(database_url, salt_file=tmp_path / "other").voter(7)
    store.close()


def test_an_older_database_keeps_its_voters_when_the_salt_moves_out(
    database_url: str, tmp_path: Path
) -> None:
    from bot.ratings.store import migrate

    engine = sa.create_engine(database_url)
    with engine.begin() as connection:  # a database as version 1 left it
        migrate(connection, to=1)
        old_salt = connection.execute(
            sa.text("SELECT value FROM store_settings WHERE name = 'voter_salt'")
        ).scalar_one()
    engine.dispose()
    store = Store.open(database_url, salt_file=tmp_path / "voter-salt")
    assert (tmp_path / "voter-salt").read_text() == old_salt
    assert store.voter(42) == Store(store.engine, old_salt).voter(42)
    store.close()


def test_forgetting_leaves_no_trace_in_the_sqlite_file(tmp_path: Path) -> None:
    from datetime import datetime

    url = database_url(None, tmp_path)
    store = Store.open(url)
    for n in range(50):
        store.record_vote(
            Vote(n, n, 1, "ask", "hybrid", f"zanzibarquery{n}", (), up=False),
            at=datetime(2026, 1, 1),
        )
    assert store.forget_before(datetime(2026, 6, 1)) == 50
    store.close()
    files = [p for p in tmp_path.iterdir() if p.name.startswith("diplobrief.sqlite3")]
    assert files and not any(b"zanzibarquery" in p.read_bytes() for p in files)
