"""`incidentlog customers list|merge`: see the customers, and join duplicates found later."""

from __future__ import annotations

import datetime as dt
from typing import Any

from incidentlog.core import names
from incidentlog.core.errors import InvalidInput, NotFound
from incidentlog.records import journal
from incidentlog.storage.connection import Conn, as_date


def list_customers(
    conn: Conn,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Customers by name (so look-alike duplicates sit together) with their incident counts.

    With a period, only customers with an incident in it, counted within it; without one,
    every customer, including any left without incidents."""
    on: list[str] = []
    params: dict[str, Any] = {}
    if start is not None:
        on.append("i.day >= :start")
        params["start"] = start
    if end is not None:
        on.append("i.day <= :end")
        params["end"] = end
    sql = (
        "SELECT c.id, c.name, c.contact, COUNT(i.id) AS incidents, "
        "COUNT(DISTINCT i.store_id) AS stores, COUNT(DISTINCT i.agent_id) AS agents, "
        "MIN(i.day) AS first, MAX(i.day) AS last "
        "FROM customer c LEFT JOIN incident i ON i.customer_id = c.id"
        + "".join(f" AND {c}" for c in on)
        + " GROUP BY c.id, c.name, c.contact, c.name_key"
        + (" HAVING COUNT(i.id) > 0" if on else "")
        + " ORDER BY c.name_key, c.id"
    )
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    rows = []
    for row in conn.iter_rows(sql, params):
        first, last = as_date(row["first"]), as_date(row["last"])
        rows.append(
            {
                "id": int(row["id"]),
                "name": row["name"],
                "contact": row["contact"],
                "incidents": int(row["incidents"]),
                "stores": int(row["stores"]),
                "agents": int(row["agents"]),
                "first": first.isoformat() if first else None,
                "last": last.isoformat() if last else None,
            }
        )
    return rows


def find_customer(conn: Conn, ref: str) -> dict[str, Any]:
    """A customer by id (`42` or `#42`), name or contact; a name several customers share is
    refused with their ids, so the right one can be given."""
    text = ref.strip()
    select = "SELECT id, name, name_key, key, contact FROM customer"
    if text.lstrip("#").isdigit():
        row = conn.row(select + " WHERE id = :id", {"id": int(text.lstrip("#"))})
        if row is None:
            raise NotFound(f"No customer #{text.lstrip('#')}.")
        return row
    if not names.clean(text):
        raise InvalidInput("Name the customer: an id, a name or a contact.")
    rows = conn.rows(
        select + " WHERE name_key = :nk OR key = :ck ORDER BY id",
        {"nk": names.key(text), "ck": names.customer_key(text, text)},
    )
    if not rows:
        close = conn.rows(
            "SELECT name, name_key FROM customer WHERE name_key LIKE :prefix",
            {"prefix": names.key(text)[:1] + "%"},
        )
        similar = names.lookalikes(names.key(text), {r["name_key"]: r["name"] for r in close})
        hint = f" Did you mean {' or '.join(repr(s) for s in similar)}?" if similar else ""
        raise NotFound(f'No customer named "{names.clean(text)}".{hint}')
    if len(rows) > 1:
        listed = ", ".join(f"#{r['id']} ({r['contact'] or 'no contact'})" for r in rows)
        raise InvalidInput(
            f'{len(rows)} customers are called "{names.clean(text)}": {listed}. '
            "Give the id (see `incidentlog customers list`)."
        )
    return rows[0]


def _label(customer: dict[str, Any]) -> str:
    return f"#{customer['id']} ({customer['name']})"


def merge(conn: Conn, keep_ref: str, duplicate_ref: str) -> dict[str, Any]:
    """Move the duplicate's incidents to the customer kept, then delete the duplicate.

    The customer kept takes the duplicate's contact when it has none (so later incidents
    with that contact find it). One `undo` puts everything back."""
    with conn.transaction():
        keep = find_customer(conn, keep_ref)
        duplicate = find_customer(conn, duplicate_ref)
        if keep["id"] == duplicate["id"]:
            raise InvalidInput(f"Both name the same customer {_label(keep)}; nothing to merge.")
        moved = [
            int(r["id"])
            for r in conn.rows(
                "SELECT id FROM incident WHERE customer_id = :id ORDER BY id",
                {"id": duplicate["id"]},
            )
        ]
        takes_contact = keep["contact"] is None and duplicate["contact"] is not None
        before: list[tuple[str, dict[str, Any]]] = []
        if takes_contact:
            before.append(("customer", dict(keep)))
        before.append(("customer", dict(duplicate)))
        before.extend(("incident", {"id": i, "customer_id": duplicate["id"]}) for i in moved)
        conn.run(
            "UPDATE incident SET customer_id = :keep WHERE customer_id = :duplicate",
            {"keep": keep["id"], "duplicate": duplicate["id"]},
        )
        conn.run("DELETE FROM customer WHERE id = :id", {"id": duplicate["id"]})
        if takes_contact:
            conn.run(
                "UPDATE customer SET key = :key, contact = :contact WHERE id = :id",
                {"key": duplicate["key"], "contact": duplicate["contact"], "id": keep["id"]},
            )
        journal.record(
            conn,
            command="customers merge",
            summary=f"merge customer {_label(duplicate)} into {_label(keep)}",
            before=before,
        )
    return {
        "keep": {k: keep[k] for k in ("id", "name", "contact")},
        "duplicate": {k: duplicate[k] for k in ("id", "name", "contact")},
        "moved": len(moved),
        "contact": duplicate["contact"] if takes_contact else keep["contact"],
        "dropped_contact": (
            duplicate["contact"]
            if duplicate["contact"]
            and not takes_contact
            and duplicate["contact"] != keep["contact"]
            else None
        ),
    }
