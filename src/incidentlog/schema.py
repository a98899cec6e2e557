"""Schema versions: check cheaply on every open, upgrade with alembic when behind."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from incidentlog.errors import DomainError

if TYPE_CHECKING:
    from incidentlog.db import Conn, Database

# Every alembic revision under migrations/versions, oldest first (a test keeps them in step),
# so opening a database needs no alembic import unless it is behind.
REVISIONS = ("0001", "0002", "0003", "0004", "0005")
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
    return before, HEAD


def _alembic_upgrade(sa_connection: object) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = sa_connection
    command.upgrade(cfg, "head")


def _upgrade_sqlite(db: Database, conn: Conn) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    raw: sqlite3.Connection = conn.raw  # type: ignore[attr-defined]
    if _sqlite_revision(raw) is not None:
        _safety_copy(db, raw)
    # Hold the write lock for the whole upgrade so two processes opening a fresh file at
    # once cannot both create the tables; DDL is transactional in SQLite.
    raw.execute("BEGIN IMMEDIATE")
    try:
        if _sqlite_revision(raw) == HEAD:
            raw.rollback()
            return
        raw.row_factory = None
        engine = create_engine("sqlite://", creator=lambda: raw, poolclass=StaticPool)
        with engine.connect() as sa_conn:
            _alembic_upgrade(sa_conn)
        if raw.in_transaction:
            raw.commit()
    except BaseException:
        if raw.in_transaction:
            raw.rollback()
        raise
    finally:
        raw.row_factory = sqlite3.Row


def _safety_copy(db: Database, raw: sqlite3.Connection) -> None:
    """Keep a copy of the file as it was before its first upgrade to this HEAD."""
    assert db.path is not None
    copy = db.path.with_name(f"{db.path.name}.before-{HEAD}.bak")
    if copy.exists():
        return
    fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    dest = sqlite3.connect(copy)
    try:
        raw.backup(dest)
    finally:
        dest.close()


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
