"""Where the data lives: the database location, and opening it at the current schema.

Recording opens SQLite through the stdlib (`storage.connection`); reports build their
queries with SQLAlchemy over `storage.tables` and use `Database.engine()`.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from incidentlog.core.errors import DomainError, InvalidInput
from incidentlog.core.files import make_private_dirs
from incidentlog.storage import schema
from incidentlog.storage.connection import (
    BUSY_TIMEOUT_MS,
    Conn,
    SAConn,
    SqliteConn,
    configure_sqlite,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection as SAConnection
    from sqlalchemy.engine import Engine

DEFAULT_FILENAME = "incidentlog.db"


def default_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("incidentlog")) / DEFAULT_FILENAME


def named_explicitly(db: str | None) -> bool:
    """Whether the database was named (--db, INCIDENTLOG_DB, config `db`), not the default."""
    if db is not None and db.strip():
        return True
    if os.environ.get("INCIDENTLOG_DB"):
        return True
    from incidentlog.core import config

    return config.load().get("db") is not None


def resolve_location(db: str | None) -> str:
    """--db, then INCIDENTLOG_DB, then the `db` config key, then the user data dir."""
    source = "--db"
    if db is None or not db.strip():
        db = os.environ.get("INCIDENTLOG_DB") or None
        source = "INCIDENTLOG_DB"
    if db is None:
        from incidentlog.core import config

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
