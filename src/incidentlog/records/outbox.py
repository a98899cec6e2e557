"""The till's outbox: records kept on this machine while the database server is away.

When PostgreSQL cannot be reached, `add` and `training add` write the record to a file of
its own in the user data folder (0600, written under a temporary name, synced, renamed) and
exit 0 with a warning. The next command that reaches that server sends what waits, oldest
first. Each record carries a key: the transaction that records it also stores the key in
`outbox_received`, and the file is deleted only after that commit, so a crash between the
two cannot record it twice (the key is found, the file is simply removed).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from incidentlog.core.files import make_private_dirs
from incidentlog.storage.database import mask_url

if TYPE_CHECKING:
    from incidentlog.storage.connection import Conn

SUFFIX = ".json"
KINDS = ("incident", "training")
# Created on first use, outside the versioned schema: it only ever holds keys.
RECEIVED_DDL = (
    "CREATE TABLE IF NOT EXISTS outbox_received "
    "(key VARCHAR(64) PRIMARY KEY, kind VARCHAR(20) NOT NULL, received_at TIMESTAMP NOT NULL)"
)


def folder() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("incidentlog")) / "outbox"


def database_id(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def keep(kind: str, data: Any, flags: dict[str, bool], url: str) -> Path:
    """Write one record (a dataclass of the recording layer) to the outbox; returns its file."""
    assert kind in KINDS
    key = uuid.uuid4().hex
    now = dt.datetime.now()
    document = {
        "key": key,
        "kind": kind,
        "kept_at": now.isoformat(timespec="seconds"),
        # Masked for display; the digest (of the URL with any password) finds the server.
        "database": mask_url(url),
        "database_id": database_id(url),
        "data": {k: _plain(v) for k, v in dataclasses.asdict(data).items()},
        "flags": flags,
    }
    where = folder()
    make_private_dirs(where)
    # The name sorts by time, so records go out in the order they were kept.
    final = where / f"{now.strftime('%Y%m%dT%H%M%S%f')}-{key}{SUFFIX}"
    tmp = where / f".{final.name}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(document, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    dirfd = os.open(where, os.O_RDONLY)
    try:
        os.fsync(dirfd)
    finally:
        os.close(dirfd)
    return final


def pending(url: str | None = None) -> list[tuple[Path, dict[str, Any]]]:
    """What waits, oldest first; only what was meant for `url` when given."""
    where = folder()
    if not where.is_dir():
        return []
    found = []
    for path in sorted(where.glob(f"*{SUFFIX}")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if url is None or document.get("database_id") == database_id(url):
            found.append((path, document))
    return found


def listing() -> list[dict[str, Any]]:
    rows = []
    for _path, doc in pending():
        data = doc.get("data", {})
        what = data.get("customer") if doc.get("kind") == "incident" else data.get("topic")
        rows.append(
            {
                "key": doc.get("key"),
                "kind": doc.get("kind"),
                "kept_at": doc.get("kept_at"),
                "database": doc.get("database"),
                "what": what,
                "when": data.get("at") or data.get("on"),
            }
        )
    return rows


def send(conn: Conn, url: str) -> tuple[int, list[str]]:
    """Record what waits for `url`, each exactly once; returns (sent, problems)."""
    waiting = pending(url)
    if not waiting:
        return 0, []
    conn.run(RECEIVED_DDL)
    sent = 0
    problems: list[str] = []
    for path, document in waiting:
        try:
            if _send_one(conn, document):
                sent += 1
        except Exception as exc:  # noqa: BLE001 - one bad record must not hold the others
            problems.append(f"{path.name}: {exc}")
            continue
        path.unlink(missing_ok=True)  # only after the commit: see the module docstring
    return sent, problems


def _send_one(conn: Conn, document: dict[str, Any]) -> bool:
    from incidentlog.storage.connection import retrying

    key = str(document["key"])
    kind = str(document["kind"])
    data = dict(document["data"])
    flags = {k: bool(v) for k, v in dict(document.get("flags", {})).items()}

    def record() -> bool:
        with conn.transaction():
            if conn.scalar("SELECT 1 FROM outbox_received WHERE key = :key", {"key": key}):
                return False  # recorded before a crash kept the file: never twice
            if kind == "incident":
                from incidentlog.records.recording import IncidentInput, add_incident

                data["at"] = dt.datetime.fromisoformat(data["at"])
                if data.get("follow_up"):
                    data["follow_up"] = dt.date.fromisoformat(data["follow_up"])
                add_incident(conn, IncidentInput(**data), **flags)
            else:
                from incidentlog.records.training import SessionInput, add_session

                data["on"] = dt.date.fromisoformat(data["on"])
                add_session(conn, SessionInput(**data), **flags)
            conn.run(
                "INSERT INTO outbox_received (key, kind, received_at) VALUES (:key, :kind, :at)",
                {"key": key, "kind": kind, "at": dt.datetime.now().replace(microsecond=0)},
            )
            return True

    return retrying(conn, record)
