"""Database housekeeping: info, online backup, schema upgrade."""

from __future__ import annotations

import glob
import os
import sqlite3
from pathlib import Path
from typing import Any

from incidentlog.core.errors import Conflict, DomainError
from incidentlog.storage import schema
from incidentlog.storage.connection import as_date, check_sqlite, configure_sqlite
from incidentlog.storage.database import Database


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


SQLITE_HEADER = b"SQLite format 3\x00"


def is_sqlite_file(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def backup_sqlite(db: Database, target: Path, *, overwrite: bool = False) -> int:
    """Copy with SQLite's online backup API: a consistent snapshot while others write.

    The database is checked first (`PRAGMA integrity_check`: a damaged database is not
    copied over good backups) and so is the copy, before it takes the target's name. The
    copy is written to a temporary file beside the target, synced, then renamed: a failed
    backup leaves nothing behind, and one killed outright leaves a temporary file that the
    next backup to that folder removes.
    """
    if db.path is None:
        raise DomainError("db backup copies SQLite files; back up PostgreSQL with pg_dump.")
    target = target.expanduser().absolute()
    _refuse_target(db.path, target, overwrite)
    _remove_stale_partials(target)
    with db.connect() as conn:
        source: sqlite3.Connection = conn.raw  # type: ignore[attr-defined]
        check_sqlite(source, db.path, "integrity_check")
        tmp = target.with_name(f".{target.name}.{os.getpid()}{PARTIAL}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.close(fd)
            dest = sqlite3.connect(tmp)
            try:
                source.backup(dest)
                pages = int(dest.execute("PRAGMA page_count").fetchone()[0])
                dest.execute("PRAGMA journal_mode = DELETE")
                try:
                    check_sqlite(dest, target, "integrity_check")
                except DomainError as exc:
                    raise DomainError(
                        f"The copy did not pass its integrity check; nothing was written "
                        f"to {target}."
                    ) from exc
            finally:
                dest.close()
            _fsync(tmp)
            os.replace(tmp, target)
            _fsync(target.parent)
        except OSError as exc:
            raise DomainError(f"Cannot write {target}: {exc.strerror}.") from exc
        except sqlite3.Error as exc:
            raise DomainError(f"Cannot write {target}: {exc}.") from exc
        finally:
            tmp.unlink(missing_ok=True)
    return pages


PARTIAL = ".backup-partial"


def _refuse_target(live: Path, target: Path, overwrite: bool) -> None:
    names = {live.resolve()} | {
        live.resolve().with_name(live.name + suffix) for suffix in ("-wal", "-shm", "-journal")
    }
    if target.resolve() in names or (target.exists() and target.samefile(live)):
        raise Conflict("The backup cannot overwrite the database itself.")
    if not target.exists():
        return
    if not overwrite:
        raise Conflict(f"{target} exists; pass --force to overwrite it.")
    if target.is_dir():
        raise Conflict(f"{target} is a folder; name the backup file.")
    in_use = [s for s in ("-wal", "-journal") if target.with_name(target.name + s).exists()]
    if is_sqlite_file(target) and in_use:
        # A database with its journal beside it is in use (or was left mid-change):
        # it is somebody's live database, not an earlier backup.
        raise Conflict(
            f"{target} is a database in use ({target.name}{in_use[0]} is beside it); "
            "the backup never writes over a live database."
        )


def _remove_stale_partials(target: Path) -> None:
    """Temporary files of earlier backups of this target whose process is gone."""
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*{PARTIAL}"):
        pid = leftover.name[len(target.name) + 2 : -len(PARTIAL)]
        if pid.isdigit() and not _alive(int(pid)):
            leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def upgrade_schema(db: Database) -> tuple[str | None, str]:
    with db.connect(migrate=False) as conn:
        before = schema.current_revision(conn)
        if before is not None and before not in schema.REVISIONS:
            raise DomainError(f"Schema version {before} is newer than this incidentlog knows.")
        return schema.upgrade(db, conn)


__all__ = ["backup_sqlite", "configure_sqlite", "database_info", "upgrade_schema"]
