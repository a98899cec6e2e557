"""The undo journal: every change records how to reverse it, in the same transaction.

A change is reversed by deleting the rows it inserted and putting back the rows it
changed or deleted, as they were before.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from incidentlog.db import Conn, as_date, as_datetime
from incidentlog.errors import NotFound

# Which tables undo may touch, and the columns needing a type back from JSON text.
TABLES = {"incident", "customer", "store", "agent", "reason", "training_session", "attendance"}
DATETIME_COLUMNS = {"at", "resolved_at", "created_at", "updated_at"}
DATE_COLUMNS = {"day", "follow_up"}
KEYS = {"attendance": ("session_id", "agent_id")}
# Undo reaches this many changes back per till; older entries are dropped as new ones come.
KEEP = 200


def actor() -> str:
    """Who is changing things: user@host, so each till undoes only its own changes."""
    import getpass
    import socket

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"[:200]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _typed(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column in DATETIME_COLUMNS:
        return as_datetime(value)
    if column in DATE_COLUMNS:
        return as_date(value)
    return value


def _compact(ids: Sequence[int]) -> list[int] | dict[str, int]:
    """A `range` of ids (a bulk import's) is kept as its two ends, not a million numbers."""
    if isinstance(ids, range) and ids.step == 1:
        return {"from": ids.start, "to": ids.stop - 1}
    return list(ids)


def record(
    conn: Conn,
    *,
    command: str,
    summary: str,
    inserted: Sequence[tuple[str, Sequence[int]]] = (),
    before: Sequence[tuple[str, dict[str, Any]]] = (),
    added_rows: Sequence[tuple[str, dict[str, Any]]] = (),
) -> None:
    """Journal one change. `inserted` lists (table, ids) in the order undo deletes them
    (children first); `before` lists (table, row) in the order undo restores them;
    `added_rows` names rows without an id (attendance) by their key, for undo to delete."""
    payload: dict[str, Any] = {
        "inserted": [[table, _compact(ids)] for table, ids in inserted if ids],
        "before": [[table, {k: _jsonable(v) for k, v in row.items()}] for table, row in before],
    }
    if added_rows:
        payload["added_rows"] = [[table, dict(row)] for table, row in added_rows]
    who = actor()
    conn.run(
        "INSERT INTO journal (created_at, actor, command, summary, payload) "
        "VALUES (:created_at, :actor, :command, :summary, :payload)",
        {
            "created_at": dt.datetime.now().replace(microsecond=0),
            "actor": who,
            "command": command,
            "summary": summary,
            "payload": json.dumps(payload),
        },
    )
    conn.run(
        "DELETE FROM journal WHERE actor = :actor AND id <= "
        "(SELECT MAX(id) FROM journal WHERE actor = :actor) - :keep",
        {"actor": who, "keep": KEEP},
    )


def undo(conn: Conn) -> dict[str, Any]:
    """Reverse this till's most recent journalled change; returns its journal entry."""
    with conn.transaction():
        entry = conn.row(
            "SELECT id, created_at, command, summary, payload FROM journal "
            "WHERE actor = :actor ORDER BY id DESC LIMIT 1",
            {"actor": actor()},
        )
        if entry is None:
            raise NotFound("Nothing to undo.")
        payload = json.loads(entry["payload"])
        # Rows first go back to what they referred to before (an edit's old reason, say),
        # so the rows the change created are no longer referenced when they are deleted.
        for table, row in payload["before"]:
            _restore(conn, table, row)
        for table, ids in payload["inserted"]:
            _delete(conn, table, ids)
        for table, row in payload.get("added_rows", ()):
            _delete_row(conn, table, row)
        conn.run("DELETE FROM journal WHERE id = :id", {"id": entry["id"]})
    return entry


def _check(table: str) -> None:
    if table not in TABLES:
        raise ValueError(f"journal names an unknown table {table!r}")


# A named entity created by a change may since be used by another till's change; it stays then.
REFERENCES = {
    "customer": (("incident", "customer_id"),),
    "reason": (("incident", "reason_id"),),
    "store": (("incident", "store_id"), ("training_session", "store_id")),
    "agent": (("incident", "agent_id"), ("attendance", "agent_id")),
}


def _delete(conn: Conn, table: str, ids: list[int] | dict[str, int]) -> None:
    _check(table)
    unused = "".join(
        f" AND NOT EXISTS (SELECT 1 FROM {other} WHERE {other}.{column} = {table}.id)"
        for other, column in REFERENCES.get(table, ())
    )
    if isinstance(ids, dict):  # a range, as _compact stored it
        conn.run(
            f"DELETE FROM {table} WHERE id BETWEEN :lo AND :hi{unused}",
            {"lo": ids["from"], "hi": ids["to"]},
        )
        return
    # Chunks keep well under SQLite's bound-parameter limit for large imports.
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        names = {f"id{i}": v for i, v in enumerate(chunk)}
        placeholders = ", ".join(f":{n}" for n in names)
        conn.run(f"DELETE FROM {table} WHERE id IN ({placeholders}){unused}", names)


def _delete_row(conn: Conn, table: str, row: dict[str, Any]) -> None:
    _check(table)
    key_cols = KEYS.get(table, ("id",))
    where = " AND ".join(f"{c} = :{c}" for c in key_cols)
    conn.run(f"DELETE FROM {table} WHERE {where}", {c: row[c] for c in key_cols})


def _restore(conn: Conn, table: str, row: dict[str, Any]) -> None:
    _check(table)
    values = {col: _typed(col, v) for col, v in row.items()}
    key_cols = KEYS.get(table, ("id",))
    where = " AND ".join(f"{c} = :{c}" for c in key_cols)
    cols = [c for c in values if c not in key_cols]
    exists = conn.scalar(f"SELECT COUNT(*) FROM {table} WHERE {where}", values)
    if exists and cols:
        assignments = ", ".join(f"{c} = :{c}" for c in cols)
        conn.run(f"UPDATE {table} SET {assignments} WHERE {where}", values)
    elif not exists:
        names = ", ".join(values)
        conn.run(
            f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + c for c in values)})", values
        )
