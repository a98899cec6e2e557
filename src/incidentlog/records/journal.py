"""The undo journal: every change records how to reverse it, in the same transaction.

A change is reversed by deleting the rows it inserted and putting back the rows it
changed or deleted, as they were before.

Many tills share one database, so `undo` reverses the caller's own most recent change only
while no later change, by anyone, touched the same records: it would otherwise throw away
another till's work (or its own undo would be wrong). The records a change touched are the
rows it inserted, the rows it changed or deleted (`before`), and any it names as `touched`
(a check-back adds an event but concerns its incident). Incidents also carry a `version`:
an entry remembers the version its change left, and undo goes ahead only if it is still
there, which also catches a change saved while the undo runs.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import os
from collections.abc import Sequence
from typing import Any

from incidentlog.core.errors import Conflict, NotFound
from incidentlog.storage.connection import Conn, as_date, as_datetime

# Which tables undo may touch, and the columns needing a type back from JSON text.
TABLES = {
    "incident",
    "incident_event",
    "customer",
    "store",
    "agent",
    "reason",
    "training_session",
    "attendance",
}
DATETIME_COLUMNS = {"at", "resolved_at", "created_at", "updated_at"}
DATE_COLUMNS = {"day", "follow_up"}
KEYS = {"attendance": ("session_id", "agent_id")}
# Undo reaches this many changes back per till; older entries are dropped as new ones come.
KEEP = 200


# Names the till instead of user@host: for a shared login on several machines, and for tests.
TILL_ENV = "INCIDENTLOG_TILL"


def actor() -> str:
    """Who is changing things: user@host, so each till undoes only its own changes."""
    import getpass
    import socket

    # Shown in undo's refusals to other tills: keep it one line of printable text.
    till = " ".join("".join(c for c in os.environ.get(TILL_ENV, "") if c.isprintable()).split())
    if till:
        return till[:200]
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
    touched: Sequence[tuple[str, Sequence[int]]] = (),
    after: Sequence[tuple[str, int, int]] = (),
    added_rows: Sequence[tuple[str, dict[str, Any]]] = (),
) -> None:
    """Journal one change. `inserted` lists (table, ids) in the order undo deletes them
    (children first); `before` lists (table, row) in the order undo restores them;
    `touched` lists (table, ids) of other records the change concerns without writing them
    (an incident whose check-back it adds); `after` lists (table, id, version) of the versions
    the change left, which undo must still find; `added_rows` names rows without an id
    (attendance) by their key, for undo to delete."""
    payload: dict[str, Any] = {
        "inserted": [[table, _compact(ids)] for table, ids in inserted if ids],
        "before": [[table, {k: _jsonable(v) for k, v in row.items()}] for table, row in before],
        "touched": [[table, _compact(ids)] for table, ids in touched if ids],
        "after": [[table, key, version] for table, key, version in after],
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
    """Reverse this till's most recent journalled change; returns its journal entry.

    Refused (Conflict) when a later change by anyone touched the same records."""
    with conn.transaction():
        entry = conn.row(
            "SELECT id, created_at, command, summary, payload FROM journal "
            "WHERE actor = :actor ORDER BY id DESC LIMIT 1",
            {"actor": actor()},
        )
        if entry is None:
            raise NotFound("Nothing to undo.")
        payload = json.loads(entry["payload"])
        # Lock first: a change being saved right now is then either waited for (and found
        # below) or made to wait until the undo is done.
        versions_hold = _lock_versions(conn, payload.get("after", []))
        later = _later_change(conn, int(entry["id"]), payload)
        if later is not None:
            raise _refusal(entry, *later)
        if not versions_hold:
            raise Conflict(
                f'Cannot undo "{entry["summary"]}": its records changed since (another change '
                "was saved meanwhile); nothing was changed."
            )
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


def _lock_versions(conn: Conn, after: list[list[Any]]) -> bool:
    """Whether each record is still at the version the change left (locking it meanwhile)."""
    hold = True
    for table, key, version in after:
        _check(table)
        # SQLite: the transaction already holds the database's write lock.
        lock = " FOR UPDATE" if conn.dialect == "postgresql" else ""
        current = conn.scalar(f"SELECT version FROM {table} WHERE id = :id{lock}", {"id": key})
        hold = hold and current is not None and int(current) == int(version)
    return hold


Spans = dict[str, list[tuple[int, int]]]


def _spans(payload: dict[str, Any]) -> Spans:
    """The records a change touched, per table, as sorted, merged (first, last) id spans."""
    found: dict[str, list[tuple[int, int]]] = {}

    def add(table: str, ids: Any) -> None:
        spans = found.setdefault(table, [])
        if isinstance(ids, dict):
            spans.append((int(ids["from"]), int(ids["to"])))
        else:
            spans.extend((int(i), int(i)) for i in ids)

    for table, ids in [*payload.get("inserted", []), *payload.get("touched", [])]:
        add(table, ids)
    for table, row in [*payload.get("before", []), *payload.get("added_rows", [])]:
        if "id" in row:
            add(table, [row["id"]])
        if "incident_id" in row:  # an event concerns its incident
            add("incident", [row["incident_id"]])
        if "id" not in row:  # an attendance is its session and its agent
            for column, parent in (("session_id", "training_session"), ("agent_id", "agent")):
                if column in row:
                    add(parent, [row[column]])
    for table, key, _version in payload.get("after", []):
        add(table, [key])
    return {table: _merged(spans) for table, spans in found.items()}


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _overlap(mine: Spans, theirs: Spans) -> bool:
    for table, spans in theirs.items():
        own = mine.get(table)
        if not own:
            continue
        starts = [first for first, _last in own]
        for first, last in spans:
            # The last of my spans starting at or before `last` is the only one that can reach it.
            n = bisect.bisect_right(starts, last) - 1
            if n >= 0 and own[n][1] >= first:
                return True
    return False


def _later_change(
    conn: Conn, entry_id: int, payload: dict[str, Any]
) -> tuple[dict[str, Any], int] | None:
    """The first later journal entry touching the same records, and how many do."""
    mine = _spans(payload)
    first = None
    clashing = 0
    for later in conn.iter_rows(
        "SELECT id, created_at, actor, command, summary, payload FROM journal "
        "WHERE id > :id ORDER BY id",
        {"id": entry_id},
    ):
        if _overlap(mine, _spans(json.loads(later["payload"]))):
            clashing += 1
            first = first or later
    return None if first is None else (first, clashing)


def _refusal(entry: dict[str, Any], later: dict[str, Any], clashing: int) -> Conflict:
    when = as_datetime(later["created_at"])
    more = f" (and {clashing - 1} more after it)" if clashing > 1 else ""
    return Conflict(
        f'Cannot undo "{entry["summary"]}": a later change touched the same records — '
        f'{later["command"]} "{later["summary"]}" by {later["actor"]} on '
        f"{when:%Y-%m-%d %H:%M}{more}. Nothing was changed."
    )


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
