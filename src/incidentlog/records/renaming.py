"""`incidentlog stores|agents|reasons list|rename|merge`: fix names that already split.

A typo that got past the look-alike check (or came before it) leaves two stores, agents or
reasons where there is one. `rename` corrects a display name; `merge` moves every record of
the duplicate to the one kept. Both are journalled, so `incidentlog undo` reverses them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from incidentlog.core import names
from incidentlog.core.errors import Conflict, InvalidInput
from incidentlog.records import entities, journal
from incidentlog.storage.connection import Conn, as_date

TABLES = ("store", "agent", "reason")
PLURAL = {"store": "stores", "agent": "agents", "reason": "reasons"}
# Where each entity is referred to by id (attendance, keyed by session and agent, apart).
REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "store": (("incident", "store_id"), ("training_session", "store_id")),
    "agent": (("incident", "agent_id"),),
    "reason": (("incident", "reason_id"),),
}
# Training sessions an entity takes part in: held at a store, attended by an agent.
SESSIONS = {
    "store": "SELECT store_id AS id, day FROM training_session WHERE store_id IS NOT NULL",
    "agent": "SELECT a.agent_id AS id, t.day FROM attendance a "
    "JOIN training_session t ON t.id = a.session_id",
}


def _check_table(table: str) -> None:
    if table not in TABLES:
        raise ValueError(f"not a named entity table: {table!r}")


def columns(table: str) -> list[str]:
    """The keys of every `list` row, the same whether there are rows or not."""
    _check_table(table)
    extra = ["training_sessions"] if table in SESSIONS else []
    return [table, "incidents", *extra, "first", "last"]


def list_named(conn: Conn, table: str) -> list[dict[str, Any]]:
    """Every store, agent or reason by name, with its incidents (and training sessions)
    and the first and last day it was seen; counted in SQL."""
    _check_table(table)
    column = f"{table}_id"
    sql = (
        "SELECT e.id, e.name, COALESCE(i.n, 0) AS incidents, i.first, i.last"
        + (
            ", COALESCE(t.n, 0) AS sessions, t.first AS t_first, t.last AS t_last"
            if table in SESSIONS
            else ""
        )
        + f" FROM {table} e LEFT JOIN (SELECT {column} AS id, COUNT(*) AS n, MIN(day) AS first, "
        f"MAX(day) AS last FROM incident GROUP BY {column}) i ON i.id = e.id"
        + (
            f" LEFT JOIN (SELECT s.id, COUNT(*) AS n, MIN(s.day) AS first, MAX(s.day) AS last "
            f"FROM ({SESSIONS[table]}) s GROUP BY s.id) t ON t.id = e.id"
            if table in SESSIONS
            else ""
        )
        + " ORDER BY e.key, e.id"
    )
    rows = []
    for row in conn.iter_rows(sql):
        days = [as_date(row[k]) for k in ("first", "last", "t_first", "t_last") if k in row]
        seen = [d for d in days if d is not None]
        out: dict[str, Any] = {table: row["name"], "incidents": int(row["incidents"])}
        if table in SESSIONS:
            out["training_sessions"] = int(row["sessions"])
        out["first"] = _iso(min(seen) if seen else None)
        out["last"] = _iso(max(seen) if seen else None)
        rows.append(out)
    return rows


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _find(conn: Conn, table: str, name: str) -> dict[str, Any]:
    entity_id = entities.require_named(conn, table, entities.check_name(table, name))
    row = conn.row(f"SELECT id, name, key FROM {table} WHERE id = :id", {"id": entity_id})
    assert row is not None
    return dict(row)


def _count_uses(conn: Conn, table: str, entity_id: int) -> dict[str, int]:
    counts = {
        other: int(
            conn.scalar(f"SELECT COUNT(*) FROM {other} WHERE {column} = :id", {"id": entity_id})
        )
        for other, column in REFERENCES[table]
    }
    if table == "agent":
        counts["attendance"] = int(
            conn.scalar("SELECT COUNT(*) FROM attendance WHERE agent_id = :id", {"id": entity_id})
        )
    return counts


def rename(conn: Conn, table: str, old: str, new: str) -> dict[str, Any]:
    """Give a store, agent or reason a new display name (and matching key).

    Renaming onto the name of another existing one is refused: that is a merge."""
    _check_table(table)
    with conn.transaction():
        entity = _find(conn, table, old)
        display = entities.check_name(table, new)
        if table == "reason":
            display = names.reason_name(display)
        key = names.key(display)
        other = conn.row(
            f"SELECT id, name FROM {table} WHERE key = :key AND id <> :id",
            {"key": key, "id": entity["id"]},
        )
        if other is not None:
            raise Conflict(
                f'There is already a {table} "{other["name"]}". To join the two, use '
                f'`incidentlog {PLURAL[table]} merge "{other["name"]}" "{entity["name"]}"`.'
            )
        result = {"old": entity["name"], "new": display, "old_key": entity["key"], "key": key}
        result["uses"] = _count_uses(conn, table, entity["id"])
        if display == entity["name"]:
            result["changed"] = False
            return result
        conn.run(
            f"UPDATE {table} SET name = :name, key = :key WHERE id = :id",
            {"name": display, "key": key, "id": entity["id"]},
        )
        journal.record(
            conn,
            command=f"{PLURAL[table]} rename",
            summary=f'rename {table} "{entity["name"]}" to "{display}"',
            before=[(table, entity)],
        )
    result["changed"] = True
    return result


def merge(conn: Conn, table: str, keep_name: str, duplicate_name: str) -> dict[str, Any]:
    """Move every incident, training session and attendance of the duplicate to the one
    kept, then delete the duplicate. An agent who attended a session under both names
    attends it once."""
    _check_table(table)
    with conn.transaction():
        keep = _find(conn, table, keep_name)
        duplicate = _find(conn, table, duplicate_name)
        if keep["id"] == duplicate["id"]:
            raise InvalidInput(
                f'"{keep_name}" and "{duplicate_name}" are the same {table} '
                f'("{keep["name"]}"); nothing to merge.'
            )
        ids = {"keep": keep["id"], "duplicate": duplicate["id"]}
        before: list[tuple[str, dict[str, Any]]] = [(table, duplicate)]
        moved: dict[str, int] = {}
        for other, column in REFERENCES[table]:
            refs = [
                int(r["id"])
                for r in conn.rows(
                    f"SELECT id FROM {other} WHERE {column} = :duplicate ORDER BY id", ids
                )
            ]
            before.extend((other, {"id": r, column: duplicate["id"]}) for r in refs)
            moved[other] = len(refs)
            conn.run(f"UPDATE {other} SET {column} = :keep WHERE {column} = :duplicate", ids)
        added: list[tuple[str, dict[str, Any]]] = []
        if table == "agent":
            sessions = conn.rows(
                "SELECT d.session_id, k.agent_id AS already FROM attendance d "
                "LEFT JOIN attendance k ON k.session_id = d.session_id AND k.agent_id = :keep "
                "WHERE d.agent_id = :duplicate ORDER BY d.session_id",
                ids,
            )
            for s in sessions:
                before.append(
                    ("attendance", {"session_id": s["session_id"], "agent_id": duplicate["id"]})
                )
                if s["already"] is None:
                    added.append(
                        ("attendance", {"session_id": s["session_id"], "agent_id": keep["id"]})
                    )
            if added:
                conn.run_many(
                    "INSERT INTO attendance (session_id, agent_id) VALUES (:session_id, :agent_id)",
                    [row for _table, row in added],
                )
            conn.run("DELETE FROM attendance WHERE agent_id = :duplicate", ids)
            moved["attendance"] = len(sessions)
        conn.run(f"DELETE FROM {table} WHERE id = :duplicate", ids)
        journal.record(
            conn,
            command=f"{PLURAL[table]} merge",
            summary=f'merge {table} "{duplicate["name"]}" into "{keep["name"]}"',
            before=before,
            added_rows=added,
        )
    return {"keep": keep["name"], "duplicate": duplicate["name"], "moved": moved}
