"""Connections: SQL text with `:name` parameters in, plain dicts out, on either backend.

Recording commands must start fast, so on SQLite they use the stdlib `sqlite3` module
directly; PostgreSQL goes through SQLAlchemy. Both are wrapped in `Conn`, which takes
SQL text with `:name` parameters (portable between the two) and returns plain dicts.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from incidentlog.core.errors import DomainError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection as SAConnection

BUSY_TIMEOUT_MS = 30_000

Params = Mapping[str, Any] | None
T = TypeVar("T")


def _adapt_datetime(value: dt.datetime) -> str:
    # Same text form SQLAlchemy's SQLite DateTime type writes, so both layers agree.
    return value.replace(tzinfo=None).isoformat(" ", timespec="microseconds")


sqlite3.register_adapter(dt.datetime, _adapt_datetime)
sqlite3.register_adapter(dt.date, lambda value: value.isoformat())


def as_datetime(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def configure_sqlite(raw: sqlite3.Connection) -> None:
    raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    raw.execute("PRAGMA foreign_keys = ON")
    mode = raw.execute("PRAGMA journal_mode").fetchone()[0]
    if str(mode).lower() != "wal":
        raw.execute("PRAGMA journal_mode = WAL")
    # WAL with synchronous=NORMAL never corrupts; at worst the last commit before a power cut is lost.
    raw.execute("PRAGMA synchronous = NORMAL")


class Conn:
    """SQL text with :name parameters in, plain dicts out; one interface for both backends."""

    dialect: str

    def rows(self, sql: str, params: Params = None) -> list[dict[str, Any]]:
        return list(self.iter_rows(sql, params))

    def iter_rows(self, sql: str, params: Params = None) -> Iterator[dict[str, Any]]:
        raise NotImplementedError

    def row(self, sql: str, params: Params = None) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def scalar(self, sql: str, params: Params = None) -> Any:
        found = self.row(sql, params)
        return None if found is None else next(iter(found.values()))

    def run(self, sql: str, params: Params = None) -> int:
        raise NotImplementedError

    def insert(self, sql: str, params: Params = None) -> int:
        """Run an INSERT ... RETURNING id and give back the id."""
        found = self.row(sql, params)
        assert found is not None
        return int(found["id"])

    def run_many(self, sql: str, seq: Iterable[Mapping[str, Any]]) -> None:
        raise NotImplementedError

    @contextmanager
    def transaction(self) -> Iterator[Conn]:
        raise NotImplementedError
        yield self

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Conn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# Before its first write a connection runs `PRAGMA quick_check` on files up to this size:
# measured at 7.5 ms a megabyte (325 ms for 43 MB, 128,000 incidents), so it adds at most
# ~130 ms to a write; larger files are checked by `db backup` (see docs/reliability.md).
QUICK_CHECK_MAX_BYTES = 16 * 1024 * 1024


def check_sqlite(raw: sqlite3.Connection, path: Path, pragma: str = "quick_check") -> None:
    """Refuse to go on with a file that fails SQLite's own consistency check."""
    try:
        found = [str(r[0]) for r in raw.execute(f"PRAGMA {pragma}").fetchmany(3)]
    except sqlite3.DatabaseError as exc:
        found = [str(exc)]
    if found != ["ok"]:
        first = (found[0].strip().splitlines() or ["no answer"])[0]
        raise DomainError(
            f"{path} fails its integrity check ({first}); nothing was changed. "
            "Restore it from a backup (see docs/backups.md)."
        )


class SqliteConn(Conn):
    dialect = "sqlite"

    def __init__(self, raw: sqlite3.Connection, path: Path | None = None) -> None:
        self.raw = raw
        self.raw.row_factory = sqlite3.Row
        self.path = path
        self._checked = path is None

    def _check_before_writing(self) -> None:
        # A damaged file written to only gets worse: checked once, before the first write.
        if self._checked or self.path is None:
            return
        self._checked = True
        try:
            size = self.path.stat().st_size
        except OSError:
            return
        if size <= QUICK_CHECK_MAX_BYTES:
            check_sqlite(self.raw, self.path)

    def iter_rows(self, sql: str, params: Params = None) -> Iterator[dict[str, Any]]:
        cursor = self.raw.execute(sql, dict(params or {}))
        for row in cursor:
            yield dict(row)

    def run(self, sql: str, params: Params = None) -> int:
        return self.raw.execute(sql, dict(params or {})).rowcount

    def run_many(self, sql: str, seq: Iterable[Mapping[str, Any]]) -> None:
        self.raw.executemany(sql, seq)

    @contextmanager
    def transaction(self) -> Iterator[Conn]:
        if self.raw.in_transaction:  # nested: the outer transaction decides
            yield self
            return
        self._check_before_writing()
        # IMMEDIATE takes the write lock up front, so the busy timeout applies to it rather
        # than failing later when a reader tries to upgrade its lock.
        self.raw.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.raw.rollback()
            raise
        self.raw.commit()

    def close(self) -> None:
        self.raw.close()


# The tables every write may touch, in the one order in which all writers lock them: an
# import takes them IN SHARE ROW EXCLUSIVE MODE, every other change IN ROW EXCLUSIVE MODE,
# so no two changes ever wait for each other in a cycle (a deadlock).
WRITE_LOCK_ORDER = "store, agent, reason, customer, incident, training_session"


class SAConn(Conn):
    dialect = "postgresql"

    def __init__(self, conn: SAConnection) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name

    def _exec(self, sql: str, params: Params) -> Any:
        from sqlalchemy import text

        self._lock_in_order(sql)
        result = self.conn.execute(text(sql), dict(params or {}))
        if not self._explicit:
            self.conn.commit()
        return result

    _explicit = False
    _locked = False

    def _lock_in_order(self, sql: str) -> None:
        """At the start of a change, lock the tables in WRITE_LOCK_ORDER (unless the change
        locks them itself): otherwise an add holding `customer` after inserting a new one,
        then inserting a reason, deadlocks with an import locking reason, then customer."""
        if not self._explicit or self._locked:
            return
        self._locked = True
        if sql.lstrip().upper().startswith("LOCK TABLE"):
            return
        from sqlalchemy import text

        self.conn.execute(text(f"LOCK TABLE {WRITE_LOCK_ORDER} IN ROW EXCLUSIVE MODE"))

    def iter_rows(self, sql: str, params: Params = None) -> Iterator[dict[str, Any]]:
        from sqlalchemy import text

        self._lock_in_order(sql)
        result = self.conn.execute(text(sql), dict(params or {}))
        rows = [dict(r) for r in result.mappings()]
        if not self._explicit:
            self.conn.commit()
        yield from rows

    def run(self, sql: str, params: Params = None) -> int:
        return int(self._exec(sql, params).rowcount)

    def run_many(self, sql: str, seq: Iterable[Mapping[str, Any]]) -> None:
        from sqlalchemy import text

        batch: Sequence[Mapping[str, Any]] = list(seq)
        if batch:
            self._lock_in_order(sql)
            self.conn.execute(text(sql), [dict(p) for p in batch])
        if not self._explicit:
            self.conn.commit()

    @contextmanager
    def transaction(self) -> Iterator[Conn]:
        if self._explicit:
            yield self
            return
        if self.conn.in_transaction():
            self.conn.commit()
        self._explicit = True
        self._locked = False
        try:
            with self.conn.begin():
                yield self
        finally:
            self._explicit = False
            self._locked = False

    def close(self) -> None:
        self.conn.close()


# SQLSTATEs of failures that say nothing about the change itself, only about its timing:
# deadlock detected, serialization failure, lock not available.
TRANSIENT_SQLSTATES = frozenset({"40P01", "40001", "55P03"})
RETRIES = 6


def is_transient(exc: BaseException) -> bool:
    """A failure that running the same transaction again may not meet."""
    for candidate in (exc, getattr(exc, "orig", None), exc.__cause__):
        if candidate is None:
            continue
        if getattr(candidate, "sqlstate", None) in TRANSIENT_SQLSTATES:
            return True
        if isinstance(candidate, sqlite3.OperationalError):
            message = str(candidate).lower()
            if "database is locked" in message or "database is busy" in message:
                return True
    return False


def retrying(conn: Conn, change: Callable[[], T]) -> T:
    """Run `change` (a whole transaction) and run it again, a few times, after a transient
    failure, so a clerk never sees a deadlock or a lock timeout. `change` must start its
    own transaction; inside an outer one, the outer caller decides."""
    for attempt in range(RETRIES):
        try:
            return change()
        except Exception as exc:
            if attempt + 1 == RETRIES or not is_transient(exc) or _in_transaction(conn):
                raise
            _reset(conn)
            time.sleep(random.uniform(0.01, 0.05) * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _in_transaction(conn: Conn) -> bool:
    if isinstance(conn, SqliteConn):
        return conn.raw.in_transaction
    if isinstance(conn, SAConn):
        return conn._explicit
    return False


def _reset(conn: Conn) -> None:
    # A failed transaction has been rolled back by its context manager; an autobegun one
    # (a read before the change) may still be open on the SQLAlchemy connection.
    if isinstance(conn, SAConn) and conn.conn.in_transaction():
        conn.conn.rollback()
