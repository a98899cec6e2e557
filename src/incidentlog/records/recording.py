"""Recording incidents: add, edit, resolve, reopen, delete, and reading them back.

Every change to an incident is written only if the incident is still at the `version` it
was read at (`UPDATE ... WHERE id = :id AND version = :read`), and moves the version on by
one, so that two tills changing one incident at once cannot silently overwrite each other:
the second is refused with "changed since you read it", on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from incidentlog.core import names
from incidentlog.core.errors import Conflict, InvalidInput, NotFound
from incidentlog.core.vocabulary import CHANNELS
from incidentlog.demo.guard import guard_real_write
from incidentlog.records import entities, journal
from incidentlog.storage.connection import Conn, as_date, as_datetime

INCIDENT_SELECT = """
SELECT i.id, c.name AS customer, c.contact AS contact, r.name AS reason,
       i.resolved_on_spot, s.name AS store, a.name AS agent, i.at, i.description,
       i.resolution, i.channel, i.follow_up, i.resolved_at, i.later_resolution, i.version
FROM incident i
JOIN customer c ON c.id = i.customer_id
JOIN reason r ON r.id = i.reason_id
JOIN store s ON s.id = i.store_id
JOIN agent a ON a.id = i.agent_id
"""
INCIDENT_COLUMNS = (
    "id customer_id reason_id store_id agent_id resolved_on_spot description resolution "
    "at day month channel follow_up resolved_at created_at updated_at later_resolution version"
).split()
EVENT_COLUMNS = "id incident_id kind at outcome note actor created_at".split()


@dataclass
class IncidentInput:
    customer: str
    reason: str
    resolved: bool
    store: str
    agent: str
    at: dt.datetime
    description: str = ""
    resolution: str = ""
    contact: str | None = None
    channel: str | None = None
    follow_up: dt.date | None = None


@dataclass
class Recorded:
    incident: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    earlier: dict[str, int] | None = None  # earlier incidents of this customer, if any


def normalise_channel(channel: str | None) -> str | None:
    if channel is None or not channel.strip():
        return None
    value = names.key(channel).replace(" ", "-").replace("_", "-")
    value = {
        "inperson": "in-person",
        "in-store": "in-person",
        "e-mail": "email",
        "mail": "email",
    }.get(value, value)
    if value not in CHANNELS:
        raise InvalidInput(f'Unknown channel "{channel}". Use one of: {", ".join(CHANNELS)}.')
    return value


def check_text(label: str, text: str | None) -> str:
    text = (text or "").strip()
    if "\x00" in text:  # PostgreSQL cannot store it; refused on every backend alike
        raise InvalidInput(f"The {label} contains a NUL character (\\x00).")
    if len(text) > names.MAX_TEXT:
        raise InvalidInput(
            f"The {label} is too long ({len(text)} characters; at most {names.MAX_TEXT})."
        )
    return text


def validate(data: IncidentInput) -> IncidentInput:
    """Checks and cleans every field before anything is written."""
    return IncidentInput(
        customer=entities.check_name("customer", data.customer),
        reason=entities.check_name("reason", data.reason),
        resolved=bool(data.resolved),
        store=entities.check_name("store", data.store),
        agent=entities.check_name("agent", data.agent),
        at=data.at.replace(microsecond=0, tzinfo=None),
        description=check_text("description", data.description),
        resolution=check_text("resolution", data.resolution),
        contact=entities.check_name("contact", data.contact)
        if data.contact and data.contact.strip()
        else None,
        channel=normalise_channel(data.channel),
        follow_up=data.follow_up,
    )


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
    }
    cols = ", ".join(values)
    params = ", ".join(":" + c for c in values)
    return conn.insert(f"INSERT INTO incident ({cols}) VALUES ({params}) RETURNING id", values)


def incident_public(row: dict[str, Any]) -> dict[str, Any]:
    """An incident as users and JSON see it."""
    at = as_datetime(row["at"])
    resolved_at = as_datetime(row["resolved_at"])
    follow_up = as_date(row["follow_up"])
    on_spot = bool(row["resolved_on_spot"])
    status = "resolved on the spot" if on_spot else ("resolved later" if resolved_at else "open")
    return {
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
        **({"later_resolution": row["later_resolution"]} if "later_resolution" in row else {}),
    }


def _minutes(value: Any) -> str | None:
    moment = as_datetime(value)
    return moment.isoformat(timespec="minutes") if moment else None


def events(conn: Conn, incident_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The history of each incident (resolve, reopen, check), oldest first."""
    found: dict[int, list[dict[str, Any]]] = {i: [] for i in incident_ids}
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
                    "at": _minutes(row["at"]),
                    "outcome": row["outcome"],
                    "note": row["note"],
                    "actor": row["actor"],
                }
            )
    return found


def with_checks(conn: Conn, incidents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Adds `checks` (the check-backs: at, outcome, note) to each incident."""
    history = events(conn, [int(i["id"]) for i in incidents])
    for incident in incidents:
        incident["checks"] = [
            {"at": e["at"], "outcome": e["outcome"], "note": e["note"]}
            for e in history[int(incident["id"])]
            if e["kind"] == "check"
        ]
    return incidents


def get_incident(conn: Conn, incident_id: int) -> dict[str, Any]:
    row = conn.row(INCIDENT_SELECT + " WHERE i.id = :id", {"id": incident_id})
    if row is None:
        raise NotFound(f"No incident #{incident_id}.")
    return incident_public(row)


def incident_version(conn: Conn, incident_id: int) -> int:
    """The version a later change must still find (see `delete_incident`)."""
    return int(_raw_incident(conn, incident_id)["version"])


def show_incident(conn: Conn, incident_id: int) -> dict[str, Any]:
    """One incident with its check-backs and its whole history after it was recorded."""
    incident = get_incident(conn, incident_id)
    history = events(conn, [incident_id])[incident_id]
    with_checks(conn, [incident])
    incident["history"] = history
    return incident


def _raw_incident(conn: Conn, incident_id: int) -> dict[str, Any]:
    row = conn.row("SELECT * FROM incident WHERE id = :id", {"id": incident_id})
    if row is None:
        raise NotFound(f"No incident #{incident_id}.")
    return {c: row[c] for c in INCIDENT_COLUMNS}


def _raw_events(conn: Conn, incident_id: int) -> list[dict[str, Any]]:
    rows = conn.rows(
        "SELECT * FROM incident_event WHERE incident_id = :id ORDER BY id", {"id": incident_id}
    )
    return [{c: row[c] for c in EVENT_COLUMNS} for row in rows]


def changed_since_read(incident_id: int) -> Conflict:
    return Conflict(
        f"Incident #{incident_id} changed since you read it (another change was saved first); "
        f"nothing was written. Look again with `incidentlog show {incident_id}`."
    )


def _update(conn: Conn, incident_id: int, read_version: int, updates: dict[str, Any]) -> int:
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


def _add_event(
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


EDITABLE = (
    "customer contact reason resolved store agent at description resolution channel follow_up"
).split()


def edit_incident(
    conn: Conn,
    incident_id: int,
    changes: dict[str, Any],
    *,
    new_store: bool = False,
    new_agent: bool = False,
    new_reason: bool = False,
) -> Recorded:
    """Apply `changes` (keys from EDITABLE) to one incident."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"Cannot edit {', '.join(sorted(unknown))}.")
    if not changes:
        raise InvalidInput(
            "Nothing to change: give at least one --field value (see `edit --help`)."
        )
    resolved = entities.Resolved()
    with conn.transaction():
        before = _raw_incident(conn, incident_id)
        current = get_incident(conn, incident_id)
        merged = {**current, **changes}
        data = validate(
            IncidentInput(
                customer=merged["customer"],
                reason=merged["reason"],
                resolved=merged["resolved"],
                store=merged["store"],
                agent=merged["agent"],
                at=as_datetime(merged["at"]) or dt.datetime.now(),
                description=merged["description"],
                resolution=merged["resolution"],
                contact=merged["contact"],
                channel=merged["channel"],
                follow_up=as_date(merged["follow_up"]),
            )
        )
        updates: dict[str, Any] = {}
        if "customer" in changes or "contact" in changes:
            updates["customer_id"] = entities.customer(
                conn, data.customer, data.contact, resolved=resolved
            )
        if "reason" in changes:
            updates["reason_id"] = entities.named(
                conn, "reason", data.reason, allow_new=new_reason, resolved=resolved
            )
        if "store" in changes:
            updates["store_id"] = entities.named(
                conn, "store", data.store, allow_new=new_store, resolved=resolved
            )
        if "agent" in changes:
            updates["agent_id"] = entities.named(
                conn, "agent", data.agent, allow_new=new_agent, resolved=resolved
            )
        if "at" in changes:
            updates.update(at=data.at, day=data.at.date(), month=data.at.strftime("%Y-%m"))
        for simple in ("description", "resolution", "channel", "follow_up"):
            if simple in changes:
                updates[simple] = getattr(data, simple)
        if "resolved" in changes:
            updates["resolved_on_spot"] = data.resolved
            if data.resolved:
                updates.update(resolved_at=None, later_resolution=None, follow_up=None)
        updates["updated_at"] = dt.datetime.now().replace(microsecond=0)
        version = _update(conn, incident_id, int(before["version"]), updates)
        fields = ", ".join(sorted(changes))
        journal.record(
            conn,
            command="edit",
            summary=f"edit incident #{incident_id} ({fields})",
            inserted=[
                (t, resolved.created.get(t, [])) for t in ("customer", "store", "agent", "reason")
            ],
            before=[("incident", before)],
            after=[("incident", incident_id, version)],
        )
        incident = get_incident(conn, incident_id)
    return Recorded(incident, resolved.warnings)


def resolve_incident(
    conn: Conn, incident_id: int, resolution: str, at: dt.datetime
) -> dict[str, Any]:
    """Record the later resolution beside the one written at the time, which stays."""
    resolution = check_text("resolution", resolution)
    if not resolution:
        raise InvalidInput("Say how it was resolved: --resolution TEXT cannot be empty.")
    with conn.transaction():
        before = _raw_incident(conn, incident_id)
        if before["resolved_on_spot"]:
            raise Conflict(
                f"Incident #{incident_id} was resolved on the spot; there is nothing to resolve."
            )
        if before["resolved_at"] is not None:
            when = as_datetime(before["resolved_at"])
            # Whether a moment or a week ago: someone else's resolution is not overwritten.
            raise Conflict(
                f"Incident #{incident_id} is already resolved ({when:%Y-%m-%d %H:%M}): it "
                f"changed since you read it, and nothing was written. `incidentlog show "
                f"{incident_id}` shows the resolution; `incidentlog reopen {incident_id}` "
                "reopens it."
            )
        happened = as_datetime(before["at"])
        at = at.replace(microsecond=0, tzinfo=None)
        if happened and at < happened:
            raise InvalidInput(
                f"The resolution time {at:%Y-%m-%d %H:%M} is before the incident ({happened:%Y-%m-%d %H:%M})."
            )
        reopened = as_datetime(
            conn.scalar(
                "SELECT MAX(at) FROM incident_event WHERE incident_id = :id AND kind = 'reopen'",
                {"id": incident_id},
            )
        )
        if reopened and at < reopened:
            raise InvalidInput(
                f"The resolution time {at:%Y-%m-%d %H:%M} is before the incident was reopened "
                f"({reopened:%Y-%m-%d %H:%M})."
            )
        version = _update(
            conn,
            incident_id,
            int(before["version"]),
            {
                "later_resolution": resolution,
                "resolved_at": at,
                "updated_at": dt.datetime.now().replace(microsecond=0),
            },
        )
        event = _add_event(conn, incident_id, "resolve", at, note=resolution)
        journal.record(
            conn,
            command="resolve",
            summary=f"resolve incident #{incident_id}",
            inserted=[("incident_event", [event])],
            before=[("incident", before)],
            after=[("incident", incident_id, version)],
        )
        return get_incident(conn, incident_id)


def reopen_incident(
    conn: Conn, incident_id: int, at: dt.datetime, note: str = ""
) -> dict[str, Any]:
    """Put an incident resolved later back to open; its resolution stays in the history.

    An incident resolved on the spot is refused: that is what happened at the time and the
    on-the-spot rates count it. A customer who comes back is a new incident (repeat
    customers show it); a wrong record is corrected with `edit --unresolved`.
    """
    note = check_text("note", note)
    with conn.transaction():
        before = _raw_incident(conn, incident_id)
        if before["resolved_on_spot"]:
            raise Conflict(
                f"Incident #{incident_id} was resolved on the spot, and stays so. If the "
                "customer came back, record a new incident; if it was recorded as resolved by "
                f"mistake, `incidentlog edit {incident_id} --unresolved`."
            )
        if before["resolved_at"] is None:
            raise Conflict(f"Incident #{incident_id} is open; there is nothing to reopen.")
        version = _update(
            conn,
            incident_id,
            int(before["version"]),
            {
                "later_resolution": None,
                "resolved_at": None,
                "updated_at": dt.datetime.now().replace(microsecond=0),
            },
        )
        event = _add_event(conn, incident_id, "reopen", at.replace(microsecond=0), note=note)
        journal.record(
            conn,
            command="reopen",
            summary=f"reopen incident #{incident_id}",
            inserted=[("incident_event", [event])],
            before=[("incident", before)],
            after=[("incident", incident_id, version)],
        )
        return get_incident(conn, incident_id)


def delete_incident(
    conn: Conn, incident_id: int, *, read_version: int | None = None
) -> dict[str, Any]:
    """Delete an incident and its history; `read_version` is the version the user saw when
    confirming, so a change saved meanwhile is not deleted unseen."""
    with conn.transaction():
        incident = get_incident(conn, incident_id)
        before = _raw_incident(conn, incident_id)
        history = _raw_events(conn, incident_id)
        version = int(before["version"]) if read_version is None else read_version
        deleted = conn.run(
            "DELETE FROM incident WHERE id = :id AND version = :version",
            {"id": incident_id, "version": version},
        )
        if deleted != 1:
            raise changed_since_read(incident_id)
        journal.record(
            conn,
            command="delete",
            summary=f"delete incident #{incident_id} ({incident['customer']}, {incident['reason']})",
            before=[("incident", before), *(("incident_event", e) for e in history)],
        )
    return incident
