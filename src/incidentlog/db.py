"""Where the data lives and how we talk to it.

Recording commands must start fast, so on SQLite they use the stdlib `sqlite3` module
directly; PostgreSQL goes through SQLAlchemy. Both are wrapped in `Conn`, which takes
SQL text with `:name` parameters (portable between the two) and returns plain dicts.
Reports build their queries with SQLAlchemy over `models` and use `Database.engine()`.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from incidentlog.errors import DomainError, InvalidInput

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection as SAConnection
    from sqlalchemy.engine import Engine

DEFAULT_FILENAME = "incidentlog.db"
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


def default_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("incidentlog")) / DEFAULT_FILENAME


def named_explicitly(db: str | None) -> bool:
    """Whether the database was named (--db, INCIDENTLOG_DB, config `db`), not the default."""
    if db is not None and db.strip():
        return True
    if os.environ.get("INCIDENTLOG_DB"):
        return True
    from incidentlog import config

    return config.load().get("db") is not None


def resolve_location(db: str | None) -> str:
    """--db, then INCIDENTLOG_DB, then the `db` config key, then the user data dir."""
    source = "--db"
    if db is None or not db.strip():
        db = os.environ.get("INCIDENTLOG_DB") or None
        source = "INCIDENTLOG_DB"
    if db is None:
        from incidentlog import config

        db = config.load().get("db")
        source = f"the db setting in {config.config_path()}"
    if db is None:
        return "sqlite:///" + str(default_path())
    db = db.strip()
    if "://" in db:
        if db.startswith("postgresql://") or db.startswith("postgres://"):
            db = "postgresql+psycopg://" + db.split("://", 1)[1]
        check_url(db, source)
        return db
    return "sqlite:///" + str(Path(db).expanduser().absolute())


def check_url(url: str, source: str) -> None:
    """Refuse a PostgreSQL URL that would be misread, before anything tries to connect.

    An un-encoded '@' in a password (or '/' in a user name) makes the rest of it parse as
    the host or the database name, where a driver's error would print it; a bad port or a
    list of hosts fails deep inside the driver. Every message shows the URL masked.
    """
    if not url.startswith("postgres"):
        return
    shown = mask_url(url)

    def bad(problem: str) -> InvalidInput:
        return InvalidInput(f"The database URL {shown} (from {source}) {problem}")

    # SQLAlchemy reads the user name up to the first ':' or '/', the password up to the
    # first '@'; anything else in them is fine as typed.
    userinfo = url.partition("://")[2].rpartition("@")[0]
    if "@" in userinfo:
        raise bad("has an '@' in its user name or password: write it percent-encoded, as %40.")
    if "/" in userinfo.partition(":")[0]:
        raise bad("has a '/' in its user name: write it percent-encoded, as %2F.")
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
        port = parsed.port
    except (ArgumentError, ValueError):
        raise bad("cannot be read; the form is postgresql://USER:PASSWORD@HOST:PORT/DB.") from None
    if parsed.host and "," in parsed.host:
        raise bad("names several hosts; give one host.")
    if port is not None and not 1 <= port <= 65535:
        raise bad(f"has port {port}; a port is a number from 1 to 65535.")


def mask_url(url: str) -> str:
    """The URL with any password replaced, for display.

    A password may hold '/', ':' or a stray '@', so everything between the user name and
    the last '@' goes; so does a `password=` query parameter.
    """
    scheme, found, rest = url.partition("://")
    if not found:
        return url
    userinfo, at, host = rest.rpartition("@")
    if at and ":" in userinfo:
        rest = userinfo.split(":", 1)[0] + ":***@" + host
    rest = re.sub(r"([?&]password=)[^&]*", r"\1***", rest, flags=re.IGNORECASE)
    return f"{scheme}://{rest}"


class Unreachable(DomainError):
    """The database server cannot be reached (as opposed to refusing us)."""


# What psycopg/libpq say when the server is away (down, restarting, network gone), as
# opposed to a wrong database name or password, which waiting will not fix.
SERVER_AWAY = (
    "connection refused",
    "could not connect",
    "timeout expired",
    "no route to host",
    "network is unreachable",
    "could not translate host name",
    "name or service not known",
    "temporary failure in name resolution",
    "the database system is starting up",
    "the database system is shutting down",
    "server closed the connection",
    "no such file or directory",  # a unix socket with no server behind it
)


class Database:
    """A database location; opens connections and, for reports, an SQLAlchemy engine."""

    def __init__(self, url: str) -> None:
        self.url = url
        scheme = url.split("://", 1)[0]
        if scheme.startswith("sqlite"):
            self.dialect = "sqlite"
            raw = url.split(":///", 1)[1] if ":///" in url else ""
            if not raw or raw == ":memory:":
                raise InvalidInput("An in-memory database would lose every record; give a file.")
            self.path: Path | None = Path(raw)
        elif scheme.startswith("postgresql"):
            self.dialect = "postgresql"
            self.path = None
        else:
            raise InvalidInput(
                f'Unsupported database "{mask_url(url)}": use a file path, sqlite:///PATH '
                "or postgresql+psycopg://user@host/db."
            )
        self._engine: Engine | None = None

    @classmethod
    def from_option(cls, db: str | None) -> Database:
        return cls(resolve_location(db))

    def describe(self) -> str:
        return str(self.path) if self.path is not None else mask_url(self.url)

    def exists(self) -> bool:
        return self.path.exists() if self.path is not None else True

    def connect(self, *, migrate: bool = True, create: bool = True) -> Conn:
        """An open connection with the schema brought up to date (unless migrate=False).

        A SQLite file that does not exist is created only when `create`; otherwise it is
        `No database at PATH`, and nothing (no file, no folder) is made.
        """
        if self.path is not None:
            if not create and not self.path.exists():
                raise DomainError(f"No database at {self.path}.")
            conn: Conn = SqliteConn(self._open_sqlite(), self.path)
        else:
            conn = SAConn(self._pg_connect())
        if migrate:
            from incidentlog import schema

            try:
                schema.ensure_current(self, conn)
            except BaseException:
                conn.close()
                raise
        return conn

    read_only = False

    def _open_sqlite(self) -> sqlite3.Connection:
        assert self.path is not None
        if not self.path.exists():
            try:
                make_private_dirs(self.path.parent)
                # Customer names are personal data: the file is for its owner only.
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            except OSError as exc:
                raise DomainError(
                    f"Cannot create the database {self.path}: {exc.strerror}."
                ) from exc
        if not writable(self.path):
            return self._open_sqlite_read_only()
        try:
            raw = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            configure_sqlite(raw)
        except sqlite3.DatabaseError as exc:
            raise DomainError(f"Cannot open {self.path} as a database: {exc}.") from exc
        return raw

    def _open_sqlite_read_only(self) -> sqlite3.Connection:
        """Open a file on read-only media, or in a folder we cannot write, for reading.

        A WAL database needs its -shm file even to read; where that cannot be made, the
        file is opened as immutable (nobody can be writing to it where we cannot write).
        """
        assert self.path is not None
        self.read_only = True
        uri = "file:" + quote(str(self.path)) + "?mode=ro"
        last: sqlite3.Error | None = None
        for suffix in ("", "&immutable=1"):
            try:
                raw = sqlite3.connect(
                    uri + suffix,
                    uri=True,
                    timeout=BUSY_TIMEOUT_MS / 1000,
                    isolation_level=None,
                    check_same_thread=False,
                )
                raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                raw.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
                return raw
            except sqlite3.DatabaseError as exc:
                last = exc
        raise DomainError(f"Cannot open {self.path} as a database: {last}.")

    def _pg_connect(self) -> SAConnection:
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return self.engine().connect()
        except ModuleNotFoundError as exc:
            raise DomainError(
                "PostgreSQL support is not installed: pip install 'incidentlog[postgres]'."
            ) from exc
        except SQLAlchemyError as exc:
            text = str(getattr(exc, "orig", exc)).strip()
            reason = text.splitlines()[0]
            away = any(sign in text.lower() for sign in SERVER_AWAY)
            kind = Unreachable if away else DomainError
            raise kind(f"Cannot connect to {self.describe()}: {reason}") from exc

    def engine(self) -> Engine:
        """An SQLAlchemy engine (imported on first use: it costs ~200 ms)."""
        if self._engine is None:
            from sqlalchemy import create_engine, event

            if self.path is not None and self.path.exists() and not writable(self.path):
                engine = create_engine(
                    "sqlite:///" + str(self.path), creator=self._open_sqlite_read_only
                )
            elif self.path is not None:
                engine = create_engine("sqlite:///" + str(self.path))

                @event.listens_for(engine, "connect")
                def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
                    configure_sqlite(dbapi_conn)

            else:
                import logging

                # psycopg logs the clean-up of a connection the server dropped ("error ignored
                # terminating <psycopg.Pipeline [BAD]>"); the error itself is reported once.
                logging.getLogger("psycopg").addHandler(logging.NullHandler())
                engine = create_engine(self.url, pool_pre_ping=True)
            self._engine = engine
        return self._engine

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def writable(path: Path) -> bool:
    """Whether we can write the file and make its journal files beside it."""
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
        return False
    try:  # read-only media: access() may say yes while the mount refuses
        return not (os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return True


def make_private_dirs(folder: Path) -> None:
    """Create the folder and any missing parents for the owner only (0700), whatever the umask."""
    missing: list[Path] = []
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for part in reversed(missing):
        try:
            part.mkdir(mode=0o700)
        except FileExistsError:
            continue
        part.chmod(0o700)  # mkdir's mode is masked by the umask; this one is not


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
