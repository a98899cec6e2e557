"""Reading incidents back: `list`, `follow-ups`, and the filters `export` shares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from incidentlog.core import names
from incidentlog.core.errors import NotFound
from incidentlog.records import entities
from incidentlog.records.reading import (
    INCIDENT_FIELDS,
    INCIDENT_FROM,
    INCIDENT_SELECT,
    IncidentJson,
    incident_json,
    minutes,
    with_checks,
)
from incidentlog.storage.connection import Conn, as_date


@dataclass
class IncidentFilter:
    start: dt.date | None = None
    end: dt.date | None = None
    store: str | None = None
    agent: str | None = None
    customer: str | None = None
    reason: str | None = None
    open_only: bool = False
    limit: int | None = None


class FollowUpJson(IncidentJson):
    """`follow-ups`: an incident (status "open" or "to check") and where its follow-up is."""

    days_open: int | None
    overdue_days: int
    checked: bool
    last_check: str | None
    last_check_at: str | None


def where_clause(conn: Conn, f: IncidentFilter) -> tuple[str, dict[str, Any]]:
    """SQL conditions on `incident i` for the filter; unknown names are NotFound."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if f.start is not None:
        clauses.append("i.day >= :start")
        params["start"] = f.start
    if f.end is not None:
        clauses.append("i.day <= :end")
        params["end"] = f.end
    for table in ("store", "agent", "reason"):
        value = getattr(f, table)
        if value:
            clauses.append(f"i.{table}_id = :{table}_id")
            params[f"{table}_id"] = entities.require_named(conn, table, value)
    if f.customer:
        ids = customer_ids(conn, f.customer)
        clauses.append(f"i.customer_id IN ({', '.join(str(i) for i in ids)})")
    if f.open_only:
        clauses.append("i.resolved_on_spot = :false AND i.resolved_at IS NULL")
        params["false"] = False
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def customer_ids(conn: Conn, customer: str) -> list[int]:
    """Customers matching a name or a contact."""
    rows = conn.rows(
        "SELECT id FROM customer WHERE name_key = :nk OR key = :ck",
        {"nk": names.key(customer), "ck": names.customer_key(customer, customer)},
    )
    if not rows:
        raise NotFound(f'No customer named "{names.clean(customer)}".')
    return [int(r["id"]) for r in rows]


def list_incidents(conn: Conn, f: IncidentFilter) -> list[IncidentJson]:
    """Matching incidents, newest first, with their check-backs; `limit` keeps the newest N."""
    return with_checks(conn, list(iter_incidents(conn, f, newest_first=True)))


def iter_incidents(
    conn: Conn, f: IncidentFilter, *, newest_first: bool = False
) -> Iterator[IncidentJson]:
    where, params = where_clause(conn, f)
    order = "DESC" if newest_first else "ASC"
    sql = INCIDENT_SELECT + where + f" ORDER BY i.at {order}, i.id {order}"
    if f.limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = f.limit
    for row in conn.iter_rows(sql, params):
        yield incident_json(row)


# Still open: not resolved on the spot, and not resolved later.
OPEN = "i.resolved_on_spot = :false AND i.resolved_at IS NULL"
# Resolved, its follow-up day has come, and nobody went back to the customer yet.
TO_CHECK = (
    "i.follow_up IS NOT NULL AND i.follow_up <= :today"
    " AND (i.resolved_on_spot = :true OR i.resolved_at IS NOT NULL)"
    " AND NOT EXISTS (SELECT 1 FROM incident_event e"
    " WHERE e.incident_id = i.id AND e.kind = 'check')"
)
# The latest check-back of each incident, and how many it had.
CHECKS = """,
       (SELECT COUNT(*) FROM incident_event e
        WHERE e.incident_id = i.id AND e.kind = 'check') AS check_count,
       (SELECT e.outcome FROM incident_event e WHERE e.incident_id = i.id AND e.kind = 'check'
        ORDER BY e.at DESC, e.id DESC LIMIT 1) AS last_check,
       (SELECT e.at FROM incident_event e WHERE e.incident_id = i.id AND e.kind = 'check'
        ORDER BY e.at DESC, e.id DESC LIMIT 1) AS last_check_at"""


def follow_ups(conn: Conn, f: IncidentFilter, *, today: dt.date) -> list[FollowUpJson]:
    """What needs someone to go back to: open incidents, overdue first (most overdue first),
    then by follow-up date, then age; then resolved ones whose follow-up day has come with
    no check-back yet ("to check"), the latest due first."""
    f = IncidentFilter(**{**f.__dict__, "open_only": False})
    where, params = where_clause(conn, f)
    params.update(today=today, true=True, false=False)
    where += (" AND " if where else " WHERE ") + f"(({OPEN}) OR ({TO_CHECK}))"
    sql = (
        "SELECT"
        + INCIDENT_FIELDS
        + CHECKS
        + INCIDENT_FROM
        + where
        # Open incidents first, as before, overdue first; then the check-backs due, the
        # latest first: a call about last week's case still helps, one about last year's not.
        + f" ORDER BY CASE WHEN {OPEN} THEN 0 ELSE 1 END,"
        f" CASE WHEN {OPEN} AND i.follow_up IS NOT NULL AND i.follow_up < :today THEN 0 ELSE 1 END,"
        f" CASE WHEN {OPEN} THEN COALESCE(i.follow_up, i.day) END,"
        " i.follow_up DESC, i.at, i.id"
    )
    if f.limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = f.limit
    rows: list[FollowUpJson] = []
    for row in conn.iter_rows(sql, params):
        item = incident_json(row)
        due = as_date(row["follow_up"])
        opened = as_date(row["at"])
        still_open = item["status"] == "open"
        if not still_open:
            item["status"] = "to check"
        rows.append(
            {
                **item,
                # An incident resolved is no longer "open": its age stops mattering.
                "days_open": (today - opened).days if opened and still_open else None,
                "overdue_days": (today - due).days if due and due < today else 0,
                "checked": bool(row["check_count"]),
                "last_check": row["last_check"],
                "last_check_at": minutes(row["last_check_at"]),
            }
        )
    return rows
