"""Where the data lives and how we talk to it.

Recording commands must start fast, so on SQLite they use the stdlib `sqlite3` module
directly; PostgreSQL goes through SQLAlchemy. Both are wrapped in `Conn`, which takes
SQL text with `:name` parameters (portable between the two) and returns plain dicts.
Reports build their queries with SQLAlchemy over `models` and use `Database.engine()`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from incidentlog.errors import DomainError, InvalidInput

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection as SAConnection
    from sqlalchemy.engine import Engine

DEFAULT_FILENAME = "incidentlog.db"
BUSY_TIMEOUT_MS = 30_000

Params = Mapping[str, Any] | None


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

    def connect(self, *, migrate: bool = True) -> Conn:
        """An open connection with the schema brought up to date (unless migrate=False)."""
        if self.path is not None:
            conn: Conn = SqliteConn(self._open_sqlite())
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

    def _open_sqlite(self) -> sqlite3.Connection:
        assert self.path is not None
        if not self.path.exists():
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                # Customer names are personal data: the file is for its owner only.
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            except OSError as exc:
                raise DomainError(
                    f"Cannot create the database {self.path}: {exc.strerror}."
                ) from exc
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

    def _pg_connect(self) -> SAConnection:
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return self.engine().connect()
        except ModuleNotFoundError as exc:
            raise DomainError(
                "PostgreSQL support is not installed: pip install 'incidentlog[postgres]'."
            ) from exc
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            raise DomainError(f"Cannot connect to {self.describe()}: {reason}") from exc

    def engine(self) -> Engine:
        """An SQLAlchemy engine (imported on first use: it costs ~200 ms)."""
        if self._engine is None:
            from sqlalchemy import create_engine, event

            if self.path is not None:
                engine = create_engine("sqlite:///" + str(self.path))

                @event.listens_for(engine, "connect")
                def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
                    configure_sqlite(dbapi_conn)

            else:
                engine = create_engine(self.url, pool_pre_ping=True)
            self._engine = engine
        return self._engine

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


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


class SqliteConn(Conn):
    dialect = "sqlite"

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw
        self.raw.row_factory = sqlite3.Row

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


class SAConn(Conn):
    dialect = "postgresql"

    def __init__(self, conn: SAConnection) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name

    def _exec(self, sql: str, params: Params) -> Any:
        from sqlalchemy import text

        result = self.conn.execute(text(sql), dict(params or {}))
        if not self._explicit:
            self.conn.commit()
        return result

    _explicit = False

    def iter_rows(self, sql: str, params: Params = None) -> Iterator[dict[str, Any]]:
        from sqlalchemy import text

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
        try:
            with self.conn.begin():
                yield self
        finally:
            self._explicit = False

    def close(self) -> None:
        self.conn.close()
