"""Changes to a recorded incident: edit, resolve, reopen, delete.

Each is one transaction that writes only if the incident is still at the version it read
(`reading.update`), and journals how to reverse it for `undo`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from incidentlog.core.errors import Conflict, InvalidInput
from incidentlog.core.money import format_cost
from incidentlog.records import entities, journal
from incidentlog.records.fields import (
    IncidentInput,
    Recorded,
    check_remedy_cost,
    check_text,
    normalise_remedy,
    validate,
)
from incidentlog.records.reading import (
    IncidentJson,
    add_event,
    changed_since_read,
    get_incident,
    raw_events,
    raw_incident,
    update,
)
from incidentlog.storage.connection import Conn, as_date, as_datetime

EDITABLE = (
    "customer contact reason resolved store agent at description resolution channel follow_up "
    "severity remedy cost_cents"
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
    """Apply `changes` (keys from EDITABLE) to one incident; an empty severity or remedy
    and a `cost_cents` of None clear them."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"Cannot edit {', '.join(sorted(unknown))}.")
    if not changes:
        raise InvalidInput(
            "Nothing to change: give at least one --field value (see `edit --help`)."
        )
    resolved = entities.Resolved()
    with conn.transaction():
        before = raw_incident(conn, incident_id)
        current = get_incident(conn, incident_id)
        merged = {**current, "cost_cents": before["cost_cents"], **changes}
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
                severity=merged["severity"],
                remedy=merged["remedy"],
                cost_cents=merged["cost_cents"],
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
        simple = "description resolution channel follow_up severity remedy cost_cents".split()
        for name in simple:
            if name in changes:
                updates[name] = getattr(data, name)
        if "resolved" in changes:
            updates["resolved_on_spot"] = data.resolved
            if data.resolved:
                updates.update(resolved_at=None, later_resolution=None, follow_up=None)
        updates["updated_at"] = dt.datetime.now().replace(microsecond=0)
        version = update(conn, incident_id, int(before["version"]), updates)
        fields = ", ".join(sorted("cost" if c == "cost_cents" else c for c in changes))
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


def _remedy_updates(
    before: dict[str, Any], remedy: str | None, cost_cents: int | None
) -> dict[str, Any]:
    """What `resolve --remedy/--cost` adds: it fills in what is not recorded yet, and never
    replaces a different remedy or cost written before (that is `edit`'s job)."""
    incident_id = int(before["id"])
    remedy = normalise_remedy(remedy, "--remedy")
    updates: dict[str, Any] = {}
    for column, given, shown in (
        ("remedy", remedy, remedy),
        ("cost_cents", cost_cents, format_cost(cost_cents)),
    ):
        if given is None:
            continue
        recorded = before[column]
        if recorded is not None and recorded != given:
            was = recorded if column == "remedy" else format_cost(int(recorded))
            option = "--remedy" if column == "remedy" else "--cost"
            raise Conflict(
                f"Incident #{incident_id} already records the {option[2:]} {was}; "
                f"`incidentlog edit {incident_id} {option} {shown}` changes it. Nothing was written."
            )
        updates[column] = given
    check_remedy_cost(updates.get("remedy", before["remedy"]), cost_cents)
    return updates


def resolve_incident(
    conn: Conn,
    incident_id: int,
    resolution: str,
    at: dt.datetime,
    *,
    remedy: str | None = None,
    cost_cents: int | None = None,
) -> IncidentJson:
    """Record the later resolution beside the one written at the time, which stays."""
    resolution = check_text("resolution", resolution)
    if not resolution:
        raise InvalidInput("Say how it was resolved: --resolution TEXT cannot be empty.")
    with conn.transaction():
        before = raw_incident(conn, incident_id)
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
        remedies = _remedy_updates(before, remedy, cost_cents)
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
        version = update(
            conn,
            incident_id,
            int(before["version"]),
            {
                "later_resolution": resolution,
                "resolved_at": at,
                "updated_at": dt.datetime.now().replace(microsecond=0),
                **remedies,
            },
        )
        event = add_event(conn, incident_id, "resolve", at, note=resolution)
        journal.record(
            conn,
            command="resolve",
            summary=f"resolve incident #{incident_id}",
            inserted=[("incident_event", [event])],
            before=[("incident", before)],
            after=[("incident", incident_id, version)],
        )
        return get_incident(conn, incident_id)


def reopen_incident(conn: Conn, incident_id: int, at: dt.datetime, note: str = "") -> IncidentJson:
    """Put an incident resolved later back to open; its resolution stays in the history.

    An incident resolved on the spot is refused: that is what happened at the time and the
    on-the-spot rates count it. A customer who comes back is a new incident (repeat
    customers show it); a wrong record is corrected with `edit --unresolved`.
    """
    note = check_text("note", note)
    with conn.transaction():
        before = raw_incident(conn, incident_id)
        if before["resolved_on_spot"]:
            raise Conflict(
                f"Incident #{incident_id} was resolved on the spot, and stays so. If the "
                "customer came back, record a new incident; if it was recorded as resolved by "
                f"mistake, `incidentlog edit {incident_id} --unresolved`."
            )
        if before["resolved_at"] is None:
            raise Conflict(f"Incident #{incident_id} is open; there is nothing to reopen.")
        version = update(
            conn,
            incident_id,
            int(before["version"]),
            {
                "later_resolution": None,
                "resolved_at": None,
                "updated_at": dt.datetime.now().replace(microsecond=0),
            },
        )
        event = add_event(conn, incident_id, "reopen", at.replace(microsecond=0), note=note)
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
) -> IncidentJson:
    """Delete an incident and its history; `read_version` is the version the user saw when
    confirming, so a change saved meanwhile is not deleted unseen."""
    with conn.transaction():
        incident = get_incident(conn, incident_id)
        before = raw_incident(conn, incident_id)
        history = raw_events(conn, incident_id)
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
