"""Recording incidents: `add`, and the one place the rest of the program imports the
recording layer from.

The work is split by job: `fields` checks what an incident is made of, `reading` reads
incidents back (and holds the versioned write every change uses), `changes` edits,
resolves, reopens and deletes, `checkbacks` records the check-backs with the customer.
"""

from __future__ import annotations

import datetime as dt

from incidentlog.records import entities, journal
from incidentlog.records.changes import (
    EDITABLE,
    delete_incident,
    edit_incident,
    reopen_incident,
    resolve_incident,
)
from incidentlog.records.checkbacks import CheckBack, check_incident
from incidentlog.records.fields import (
    IncidentInput,
    Recorded,
    check_text,
    normalise_channel,
    normalise_remedy,
    normalise_severity,
    validate,
)
from incidentlog.records.reading import (
    EVENT_COLUMNS,
    INCIDENT_COLUMNS,
    INCIDENT_SELECT,
    changed_since_read,
    earlier_incidents,
    events,
    get_incident,
    incident_public,
    incident_version,
    show_incident,
    with_checks,
)
from incidentlog.records.sample import guard_real_write
from incidentlog.storage.connection import Conn

__all__ = [
    "EDITABLE",
    "EVENT_COLUMNS",
    "INCIDENT_COLUMNS",
    "INCIDENT_SELECT",
    "CheckBack",
    "IncidentInput",
    "Recorded",
    "add_incident",
    "changed_since_read",
    "check_incident",
    "check_text",
    "delete_incident",
    "earlier_incidents",
    "edit_incident",
    "events",
    "get_incident",
    "incident_public",
    "incident_version",
    "insert_incident",
    "normalise_channel",
    "normalise_remedy",
    "normalise_severity",
    "reopen_incident",
    "resolve_incident",
    "show_incident",
    "validate",
    "with_checks",
]


def add_incident(
    conn: Conn,
    data: IncidentInput,
    *,
    new_store: bool = False,
    new_agent: bool = False,
    new_reason: bool = False,
) -> Recorded:
    data = validate(data)
    guard_real_write(conn)  # a real record must not silently join the demo's sample
    resolved = entities.Resolved()
    with conn.transaction():
        incident_id = insert_incident(
            conn, data, resolved, new_store=new_store, new_agent=new_agent, new_reason=new_reason
        )
        incident = get_incident(conn, incident_id)
        inserted = [("incident", [incident_id])] + [
            (t, resolved.created.get(t, [])) for t in ("customer", "store", "agent", "reason")
        ]
        journal.record(
            conn,
            command="add",
            summary=f"add incident #{incident_id} ({incident['customer']}, {incident['reason']})",
            inserted=inserted,
            after=[("incident", incident_id, 0)],
        )
    return Recorded(incident, resolved.warnings, earlier_incidents(conn, incident_id))


def insert_incident(
    conn: Conn,
    data: IncidentInput,
    resolved: entities.Resolved,
    *,
    new_store: bool = False,
    new_agent: bool = False,
    new_reason: bool = False,
) -> int:
    """Insert one validated incident inside the caller's transaction; returns its id."""
    now = dt.datetime.now().replace(microsecond=0)
    values = {
        "customer_id": entities.customer(conn, data.customer, data.contact, resolved=resolved),
        "reason_id": entities.named(
            conn, "reason", data.reason, allow_new=new_reason, resolved=resolved
        ),
        "store_id": entities.named(
            conn, "store", data.store, allow_new=new_store, resolved=resolved
        ),
        "agent_id": entities.named(
            conn, "agent", data.agent, allow_new=new_agent, resolved=resolved
        ),
        "resolved_on_spot": data.resolved,
        "description": data.description,
        "resolution": data.resolution,
        "at": data.at,
        "day": data.at.date(),
        "month": data.at.strftime("%Y-%m"),
        "channel": data.channel,
        "follow_up": None if data.resolved else data.follow_up,
        "resolved_at": None,
        "created_at": now,
        "updated_at": now,
        "severity": data.severity,
        "remedy": data.remedy,
        "cost_cents": data.cost_cents,
    }
    cols = ", ".join(values)
    params = ", ".join(":" + c for c in values)
    return conn.insert(f"INSERT INTO incident ({cols}) VALUES ({params}) RETURNING id", values)
