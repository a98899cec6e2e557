"""Incidents read back: the public form users and JSON see, their history, and the raw rows
(and the versioned write) the changes build on.

Every change to an incident is written only if the incident is still at the `version` it
was read at (`UPDATE ... WHERE id = :id AND version = :read`), and moves the version on by
one, so that two tills changing one incident at once cannot silently overwrite each other:
the second is refused with "changed since you read it", on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

from incidentlog.core.errors import Conflict, NotFound
from incidentlog.core.money import cents_to_number
from incidentlog.records import journal
from incidentlog.storage.connection import Conn, as_date, as_datetime

INCIDENT_FIELDS = """
       i.id, c.name AS customer, c.contact AS contact, r.name AS reason,
       i.resolved_on_spot, s.name AS store, a.name AS agent, i.at, i.description,
       i.resolution, i.channel, i.follow_up, i.resolved_at, i.later_resolution, i.version,
       i.severity, i.remedy, i.cost_cents"""
INCIDENT_FROM = """
FROM incident i
JOIN customer c ON c.id = i.customer_id
JOIN reason r ON r.id = i.reason_id
JOIN store s ON s.id = i.store_id
JOIN agent a ON a.id = i.agent_id
"""
INCIDENT_SELECT = "SELECT" + INCIDENT_FIELDS + INCIDENT_FROM
# What undo puts back: every column a change may write.
INCIDENT_COLUMNS = (
    "id customer_id reason_id store_id agent_id resolved_on_spot description resolution "
    "at day month channel follow_up resolved_at created_at updated_at later_resolution version "
    "severity remedy cost_cents"
).split()
EVENT_COLUMNS = "id incident_id kind at outcome note actor created_at".split()


class CheckJson(TypedDict):
    """A check-back as `list` and `show` give it."""

    at: str | None
    outcome: str | None
    note: str | None


class EventJson(TypedDict):
    """One step of an incident's history after it was recorded (resolve, reopen, check)."""

    kind: str
    at: str | None
    outcome: str | None
    note: str | None
    actor: str | None


class IncidentJson(TypedDict):
    """An incident as users and JSON see it (`list`, `show`, `follow-ups`, `search`)."""

    id: int
    customer: str
    contact: str | None
    reason: str
    resolved: bool
    status: str
    store: str
    agent: str
    at: str | None
    description: str
    resolution: str
    channel: str | None
    follow_up: str | None
    resolved_at: str | None
    # Only from queries that select them: a search leaves the later columns out.
    later_resolution: NotRequired[str | None]
    severity: NotRequired[str | None]
    remedy: NotRequired[str | None]
    cost: NotRequired[float | None]
    # Added by `with_checks`.
    checks: NotRequired[list[CheckJson]]


class ShownIncident(IncidentJson):
    """`show`: the incident with its whole history."""

    history: list[EventJson]


def incident_public(row: Mapping[str, Any]) -> dict[str, Any]:
    """`incident_json` as a plain dict, for the export, which writes over some of its
    fields (seconds kept) and adds others."""
    return dict(incident_json(row))


def incident_json(row: Mapping[str, Any]) -> IncidentJson:
    """An incident as users and JSON see it.

    Rows from a query that does not select the later columns (a search, an export) give
    what they hold, so their output stays as it was."""
    at = as_datetime(row["at"])
    resolved_at = as_datetime(row["resolved_at"])
    follow_up = as_date(row["follow_up"])
    on_spot = bool(row["resolved_on_spot"])
    status = "resolved on the spot" if on_spot else ("resolved later" if resolved_at else "open")
    public: IncidentJson = {
        "id": int(row["id"]),
        "customer": row["customer"],
        "contact": row["contact"],
        "reason": row["reason"],
        "resolved": on_spot,
        "status": status,
        "store": row["store"],
        "agent": row["agent"],
        "at": at.isoformat(timespec="minutes") if at else None,
        "description": row["description"],
        "resolution": row["resolution"],
        "channel": row["channel"],
        "follow_up": follow_up.isoformat() if follow_up else None,
        "resolved_at": resolved_at.isoformat(timespec="minutes") if resolved_at else None,
    }
    if "later_resolution" in row:
        public["later_resolution"] = row["later_resolution"]
    if "cost_cents" in row:
        cents = row["cost_cents"]
        public["severity"] = row["severity"]
        public["remedy"] = row["remedy"]
        # A JSON number (12.5); the table shows it with the currency (format_cost).
        public["cost"] = cents_to_number(None if cents is None else int(cents))
    return public


def minutes(value: Any) -> str | None:
    moment = as_datetime(value)
    return moment.isoformat(timespec="minutes") if moment else None


def events(conn: Conn, incident_ids: list[int]) -> dict[int, list[EventJson]]:
    """The history of each incident (resolve, reopen, check), oldest first."""
    found: dict[int, list[EventJson]] = {i: [] for i in incident_ids}
    # Chunks keep well under SQLite's bound-parameter limit for long lists.
    for start in range(0, len(incident_ids), 500):
        chunk = {f"id{n}": v for n, v in enumerate(incident_ids[start : start + 500])}
        placeholders = ", ".join(f":{n}" for n in chunk)
        for row in conn.iter_rows(
            "SELECT incident_id, kind, at, outcome, note, actor FROM incident_event "
            f"WHERE incident_id IN ({placeholders}) ORDER BY at, id",
            chunk,
        ):
            found[int(row["incident_id"])].append(
                {
                    "kind": row["kind"],
                    "at": minutes(row["at"]),
                    "outcome": row["outcome"],
                    "note": row["note"],
                    "actor": row["actor"],
                }
            )
    return found


def with_checks(conn: Conn, incidents: list[IncidentJson]) -> list[IncidentJson]:
    """Adds `checks` (the check-backs: at, outcome, note) to each incident."""
    history = events(conn, [int(i["id"]) for i in incidents])
    for incident in incidents:
        incident["checks"] = [
            {"at": e["at"], "outcome": e["outcome"], "note": e["note"]}
            for e in history[int(incident["id"])]
            if e["kind"] == "check"
        ]
    return incidents


def get_incident(conn: Conn, incident_id: int) -> IncidentJson:
    row = conn.row(INCIDENT_SELECT + " WHERE i.id = :id", {"id": incident_id})
    if row is None:
        raise NotFound(f"No incident #{incident_id}.")
    return incident_json(row)


def incident_version(conn: Conn, incident_id: int) -> int:
    """The version a later change must still find (see `changes.delete_incident`)."""
    return int(raw_incident(conn, incident_id)["version"])


def show_incident(conn: Conn, incident_id: int) -> ShownIncident:
    """One incident with its check-backs and its whole history after it was recorded."""
    incident = get_incident(conn, incident_id)
    history = events(conn, [incident_id])[incident_id]
    with_checks(conn, [incident])
    return {**incident, "history": history}


def raw_incident(conn: Conn, incident_id: int) -> dict[str, Any]:
    row = conn.row("SELECT * FROM incident WHERE id = :id", {"id": incident_id})
    if row is None:
        raise NotFound(f"No incident #{incident_id}.")
    return {c: row[c] for c in INCIDENT_COLUMNS}


def raw_events(conn: Conn, incident_id: int) -> list[dict[str, Any]]:
    rows = conn.rows(
        "SELECT * FROM incident_event WHERE incident_id = :id ORDER BY id", {"id": incident_id}
    )
    return [{c: row[c] for c in EVENT_COLUMNS} for row in rows]


def changed_since_read(incident_id: int) -> Conflict:
    return Conflict(
        f"Incident #{incident_id} changed since you read it (another change was saved first); "
        f"nothing was written. Look again with `incidentlog show {incident_id}`."
    )


def update(conn: Conn, incident_id: int, read_version: int, updates: dict[str, Any]) -> int:
    """Write `updates` only if the incident is still at `read_version`; returns the new one."""
    assignments = ", ".join(f"{c} = :{c}" for c in updates)
    written = conn.run(
        f"UPDATE incident SET {assignments}, version = :read_version + 1 "
        "WHERE id = :id AND version = :read_version",
        {**updates, "id": incident_id, "read_version": read_version},
    )
    if written != 1:
        raise changed_since_read(incident_id)
    return read_version + 1


def add_event(
    conn: Conn,
    incident_id: int,
    kind: str,
    at: dt.datetime,
    note: str = "",
    outcome: str | None = None,
) -> int:
    return conn.insert(
        "INSERT INTO incident_event (incident_id, kind, at, outcome, note, actor, created_at) "
        "VALUES (:incident_id, :kind, :at, :outcome, :note, :actor, :created_at) RETURNING id",
        {
            "incident_id": incident_id,
            "kind": kind,
            "at": at,
            "outcome": outcome,
            "note": note,
            "actor": journal.actor(),
            "created_at": dt.datetime.now().replace(microsecond=0),
        },
    )


def earlier_incidents(conn: Conn, incident_id: int) -> dict[str, int] | None:
    row = conn.row(
        "SELECT COUNT(*) AS incidents, COUNT(DISTINCT e.store_id) AS stores, "
        "COUNT(DISTINCT e.agent_id) AS agents FROM incident e "
        "JOIN incident i ON i.customer_id = e.customer_id WHERE i.id = :id AND e.id <> :id",
        {"id": incident_id},
    )
    if not row or not row["incidents"]:
        return None
    return {k: int(v) for k, v in row.items()}
