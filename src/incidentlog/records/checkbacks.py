"""Check-backs: going back to a customer after the incident to ask whether all is well.

A check-back is an `incident_event` of kind 'check' with its outcome (satisfied,
not-satisfied, no-answer); an incident may have several. Recording one moves the
incident's version on like any other change, so a till that edits, resolves or deletes
the incident meanwhile is refused rather than overwriting it unseen, and `undo` of either
sees the other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from incidentlog.core.errors import InvalidInput
from incidentlog.core.vocabulary import CHECK_OUTCOMES
from incidentlog.records import journal
from incidentlog.records.fields import check_text
from incidentlog.records.reading import add_event, get_incident, raw_incident, update
from incidentlog.storage.connection import Conn, as_datetime


@dataclass
class CheckBack:
    incident_id: int
    customer: str
    at: dt.datetime
    outcome: str
    note: str
    checks: int  # check-backs of this incident so far, this one included


def check_incident(
    conn: Conn, incident_id: int, outcome: str, at: dt.datetime, note: str = ""
) -> CheckBack:
    """Record one check-back with the customer of an incident."""
    if outcome not in CHECK_OUTCOMES:
        raise InvalidInput(f'Unknown outcome "{outcome}". Use one of: {", ".join(CHECK_OUTCOMES)}.')
    note = check_text("note", note)
    at = at.replace(microsecond=0, tzinfo=None)
    with conn.transaction():
        before = raw_incident(conn, incident_id)
        happened = as_datetime(before["at"])
        if happened and at < happened:
            raise InvalidInput(
                f"The check-back time {at:%Y-%m-%d %H:%M} is before the incident "
                f"({happened:%Y-%m-%d %H:%M})."
            )
        version = update(
            conn,
            incident_id,
            int(before["version"]),
            {"updated_at": dt.datetime.now().replace(microsecond=0)},
        )
        event = add_event(conn, incident_id, "check", at, note=note, outcome=outcome)
        customer = str(get_incident(conn, incident_id)["customer"])
        journal.record(
            conn,
            command="check",
            summary=f"check-back on incident #{incident_id} ({customer}, {outcome})",
            inserted=[("incident_event", [event])],
            before=[("incident", before)],
            after=[("incident", incident_id, version)],
        )
        count = conn.scalar(
            "SELECT COUNT(*) FROM incident_event WHERE incident_id = :id AND kind = 'check'",
            {"id": incident_id},
        )
    return CheckBack(incident_id, customer, at, outcome, note, int(count or 0))
