"""Schema versions: check cheaply on every open, upgrade with alembic when behind."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Protocol

from incidentlog.core.errors import DomainError
from incidentlog.storage.connection import Conn


class Database(Protocol):
    """What an upgrade needs to know of the database it runs on (`storage.database`)."""

    dialect: str
    path: Path | None
    read_only: bool

    def describe(self) -> str: ...


# Every alembic revision under migrations/versions, oldest first (a test keeps them in step),
# so opening a database needs no alembic import unless it is behind.
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008")
HEAD = REVISIONS[-1]
MIGRATIONS = Path(__file__).parent / "migrations"
# An arbitrary constant shared by every incidentlog process upgrading the same PostgreSQL.
PG_LOCK_KEY = 7_414_245


def current_revision(conn: Conn) -> str | None:
    try:
        return conn.scalar("SELECT version_num FROM alembic_version")  # type: ignore[no-any-return]
    except Exception:  # noqa: BLE001 - no version table means a database never set up
        if conn.dialect == "postgresql":
            conn.conn.rollback()  # type: ignore[attr-defined]
        return None


def ensure_current(db: Database, conn: Conn) -> None:
    revision = current_revision(conn)
    if revision == HEAD:
        return
    if revision is not None and revision not in REVISIONS:
        raise DomainError(
            f"{db.describe()} has schema version {revision}, newer than this incidentlog "
            f"knows ({HEAD}); upgrade incidentlog."
        )
    if getattr(db, "read_only", False):
        raise DomainError(
            f"{db.describe()} is read-only and its schema (version {revision or 'none'}) "
            f"needs an upgrade to {HEAD}: open it once where it can be written."
        )
    upgrade(db, conn)


def upgrade(db: Database, conn: Conn) -> tuple[str | None, str]:
    """Bring the schema to HEAD in one transaction; returns (from, to)."""
    before = current_revision(conn)
    if before == HEAD:
        return before, HEAD
    if db.dialect == "sqlite":
        _upgrade_sqlite(db, conn)
    else:
        _upgrade_postgresql(conn)
    from incidentlog.storage.statistics import refresh_after_upgrade

    refresh_after_upgrade(conn)
    return before, HEAD


def _alembic_upgrade(sa_connection: object) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = sa_connection
    command.upgrade(cfg, "head")


def _upgrade_sqlite(db: Database, conn: Conn) -> None:
    """Upgrade in one transaction under the write lock, after a checked copy of the file.

    SQLite DDL is transactional, so a kill at any moment leaves the old version or the new
    one. BEGIN IMMEDIATE serialises upgraders: the others wait on the busy timeout, then
    find HEAD and go on.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    raw: sqlite3.Connection = conn.raw  # type: ignore[attr-defined]
    raw.row_factory = None
    engine = create_engine("sqlite://", creator=lambda: raw, poolclass=StaticPool)
    try:
        # The engine's first connect rolls the connection back; let it happen before our BEGIN.
        with engine.connect() as sa_conn:
            # Batch migrations rebuild tables; foreign keys are checked as a whole at the end.
            # (The pragma is a no-op inside a transaction, so it goes first.)
            raw.execute("PRAGMA foreign_keys = OFF")
            # SQLAlchemy's begin() issues nothing to pysqlite (isolation_level=None means
            # no implicit BEGIN either), so this BEGIN IMMEDIATE is the one transaction, and
            # alembic, finding a transaction already open, neither commits nor rolls back.
            outer = sa_conn.begin()
            raw.execute("BEGIN IMMEDIATE")
            try:
                before = _sqlite_revision(raw)
                if before == HEAD:
                    outer.rollback()
                    return
                if before is not None:
                    _safety_copy(db, before)
                _alembic_upgrade(sa_conn)
                broken = raw.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise DomainError(
                        f"The upgrade of {db.describe()} would break {len(broken)} references "
                        "between records; nothing was changed."
                    )
                outer.commit()
            except BaseException:
                if raw.in_transaction:
                    raw.rollback()
                raise
    finally:
        if raw.in_transaction:
            raw.rollback()
        raw.row_factory = sqlite3.Row
        raw.execute("PRAGMA foreign_keys = ON")


def safety_copy_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.before-{HEAD}.bak")


def _safety_copy(db: Database, revision: str) -> None:
    """Keep a checked copy of the file as it is just before this upgrade.

    Called under the upgrade's write lock, so the file cannot change while it is copied.
    A copy already there is kept only if it is a whole database at this revision; anything
    else (torn by a kill, from another version) is remade. The copy is written under a
    temporary name, synced, checked and only then renamed, so the final name never holds a
    torn copy.
    """
    assert db.path is not None
    final = safety_copy_path(db.path)
    if final.exists() and _good_copy(final, revision):
        return
    tmp = final.with_name(f"{final.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        # A second connection reads the file: the backup API loops forever on a source
        # connection that is inside a transaction. Our write lock keeps the file still.
        source = sqlite3.connect(db.path, timeout=30)
        dest = sqlite3.connect(tmp, isolation_level=None)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
            source.close()
        if not _good_copy(tmp, revision):
            raise DomainError(
                f"Cannot make a good copy of {db.path} before upgrading it (the database "
                "may be damaged); nothing was changed."
            )
        _fsync(tmp)
        os.replace(tmp, final)
        _fsync(final.parent)
    except OSError as exc:
        raise DomainError(
            f"Cannot write the pre-upgrade copy {final}: {exc.strerror}; nothing was changed."
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)


def _good_copy(path: Path, revision: str) -> bool:
    try:
        copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        if copy.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
            return False
        return _sqlite_revision(copy) == revision
    except sqlite3.Error:
        return False
    finally:
        copy.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sqlite_revision(raw: sqlite3.Connection) -> str | None:
    try:
        row = raw.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else str(row[0])


def _upgrade_postgresql(conn: Conn) -> None:
    from sqlalchemy import text

    sa_conn = conn.conn  # type: ignore[attr-defined]
    if sa_conn.in_transaction():
        sa_conn.rollback()
    with sa_conn.begin():
        sa_conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
        _alembic_upgrade(sa_conn)
