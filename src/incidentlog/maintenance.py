"""Database housekeeping: info, online backup, schema upgrade."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from incidentlog import schema
from incidentlog.db import Database, as_date, configure_sqlite
from incidentlog.errors import Conflict, DomainError


def database_info(db: Database) -> dict[str, Any]:
    with db.connect() as conn:
        counts = {
            table: int(conn.scalar(f"SELECT COUNT(*) FROM {table}"))
            for table in ("incident", "training_session", "customer", "store", "agent", "reason")
        }
        span = conn.row("SELECT MIN(day) AS first, MAX(day) AS last FROM incident")
        revision = schema.current_revision(conn)
        undoable = conn.scalar("SELECT summary FROM journal ORDER BY id DESC LIMIT 1")
    first, last = (as_date(span["first"]), as_date(span["last"])) if span else (None, None)
    return {
        "location": db.describe(),
        "backend": db.dialect,
        "schema_version": revision,
        "size_bytes": db.path.stat().st_size if db.path is not None else None,
        "incidents": counts["incident"],
        "training_sessions": counts["training_session"],
        "customers": counts["customer"],
        "stores": counts["store"],
        "agents": counts["agent"],
        "reasons": counts["reason"],
        "first_incident": first.isoformat() if first else None,
        "last_incident": last.isoformat() if last else None,
        "last_change": undoable,
    }


def backup_sqlite(db: Database, target: Path, *, overwrite: bool = False) -> int:
    """Copy with SQLite's online backup API: a consistent snapshot while others write."""
    if db.path is None:
        raise DomainError("db backup copies SQLite files; back up PostgreSQL with pg_dump.")
    target = target.expanduser()
    if target.exists() and not overwrite:
        raise Conflict(f"{target} exists; pass --force to overwrite it.")
    if target.resolve() == db.path.resolve():
        raise Conflict("The backup cannot overwrite the database itself.")
    with db.connect() as conn:
        source: sqlite3.Connection = conn.raw  # type: ignore[attr-defined]
        tmp = target.with_name(target.name + ".partial")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.close(fd)
            dest = sqlite3.connect(tmp)
            try:
                source.backup(dest)
                pages = int(dest.execute("PRAGMA page_count").fetchone()[0])
                dest.execute("PRAGMA journal_mode = DELETE")
            finally:
                dest.close()
            os.replace(tmp, target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise DomainError(f"Cannot write {target}: {exc.strerror}.") from exc
    return pages


def upgrade_schema(db: Database) -> tuple[str | None, str]:
    with db.connect(migrate=False) as conn:
        before = schema.current_revision(conn)
        if before is not None and before not in schema.REVISIONS:
            raise DomainError(f"Schema version {before} is newer than this incidentlog knows.")
        return schema.upgrade(db, conn)


__all__ = ["backup_sqlite", "configure_sqlite", "database_info", "upgrade_schema"]
