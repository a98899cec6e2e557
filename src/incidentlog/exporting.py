"""`incidentlog export`: incidents or training sessions as CSV or JSON that `import` reads back.

Incidents are written in the order they were recorded (by id), so importing an export into
an empty database gives every incident the id it had. Times keep their seconds, so the
order of incidents within a minute survives the round trip.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any, TextIO

from incidentlog.db import Conn, as_date, as_datetime
from incidentlog.errors import InvalidInput
from incidentlog.importing import DEMO_COLUMN, INCIDENT_COLUMNS, TRAINING_COLUMNS
from incidentlog.listing import IncidentFilter, where_clause
from incidentlog.recording import incident_public

EXPORT_SELECT = """
SELECT i.id, i.customer_id, c.name AS customer, c.contact AS contact, r.name AS reason,
       i.resolved_on_spot, s.name AS store, a.name AS agent, i.at, i.description,
       i.resolution, i.channel, i.follow_up, i.resolved_at,
       i.demo
FROM incident i
JOIN customer c ON c.id = i.customer_id
JOIN reason r ON r.id = i.reason_id
JOIN store s ON s.id = i.store_id
JOIN agent a ON a.id = i.agent_id
"""
REDACTED_CONTACT = "[contact]"
# CSV's own line end: with it the csv module also quotes a value holding a lone "\r",
# which would otherwise read back as the end of the row.
LINE_END = "\r\n"


def pseudonym(customer_id: int) -> str:
    """A redacted customer's stand-in: the same customer always gets the same one, and only
    someone with the database (`customers list` shows ids) can tell who it is."""
    return f"Customer {customer_id}"


def _moment(value: Any, sep: str) -> str | None:
    moment = as_datetime(value)
    return moment.isoformat(sep, timespec="seconds") if moment else None


def _redact(row: dict[str, Any]) -> dict[str, Any]:
    """Names and contacts replaced, also where the free text repeats them."""
    stand_in = pseudonym(int(row["customer_id"]))
    patterns = [(row["customer"], stand_in)]
    if row["contact"]:
        patterns.append((row["contact"], REDACTED_CONTACT))
    redacted = dict(row, customer=stand_in, contact=None)
    for column in ("description", "resolution"):
        text = row[column] or ""
        for secret, replacement in patterns:
            # Whole words only: a customer called "Al" must not turn "totally" into nonsense.
            pattern = rf"(?<!\w){re.escape(secret)}(?!\w)"
            text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
        redacted[column] = text
    return redacted


def incident_rows(
    conn: Conn, f: IncidentFilter, *, redact: bool = False
) -> Iterator[dict[str, Any]]:
    where, params = where_clause(conn, f)
    sql = EXPORT_SELECT + where + " ORDER BY i.id"
    if f.limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = f.limit
    for row in conn.iter_rows(sql, params):
        yield _redact(row) if redact else row


def _csv_incident(row: dict[str, Any]) -> list[str]:
    follow_up = as_date(row["follow_up"])
    return [
        row["customer"],
        row["reason"],
        "yes" if row["resolved_on_spot"] else "no",
        row["store"],
        row["agent"],
        _moment(row["at"], " ") or "",
        row["description"] or "",
        row["resolution"] or "",
        row["contact"] or "",
        row["channel"] or "",
        follow_up.isoformat() if follow_up else "",
        _moment(row["resolved_at"], " ") or "",
    ]


def _json_incident(row: dict[str, Any]) -> dict[str, Any]:
    public = incident_public(row)
    # `list` shows minutes; an export keeps the seconds so nothing is lost on re-import.
    public["at"] = _moment(row["at"], "T")
    public["resolved_at"] = _moment(row["resolved_at"], "T")
    return public


class _JsonArray:
    """Writes a JSON array one item at a time, formatted as `render.to_json` formats one."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0

    def add(self, item: dict[str, Any]) -> None:
        text = json.dumps(item, ensure_ascii=False, indent=2)
        self.out.write(("[\n" if not self.count else ",\n") + _indent(text))
        self.count += 1

    def close(self) -> None:
        self.out.write("\n]\n" if self.count else "[]\n")


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.split("\n"))


def export_incidents(
    conn: Conn, out: TextIO, f: IncidentFilter, *, fmt: str = "csv", redact: bool = False
) -> int:
    """Write the matching incidents to `out`; returns how many."""
    from incidentlog.sample import holds_demo

    # The demo mark only where there is one to keep: other databases export as before.
    marked = holds_demo(conn)
    rows = incident_rows(conn, f, redact=redact)
    if fmt == "json":
        array = _JsonArray(out)
        for row in rows:
            item = _json_incident(row)
            if marked:
                item[DEMO_COLUMN] = bool(row["demo"])
            array.add(item)
        array.close()
        return array.count
    writer = csv.writer(out, lineterminator=LINE_END)
    writer.writerow([*INCIDENT_COLUMNS, DEMO_COLUMN] if marked else INCIDENT_COLUMNS)
    count = 0
    for row in rows:
        cells = _csv_incident(row)
        writer.writerow([*cells, "yes" if row["demo"] else "no"] if marked else cells)
        count += 1
    return count


def export_training(
    conn: Conn,
    out: TextIO,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    fmt: str = "csv",
) -> int:
    from incidentlog.sample import holds_demo
    from incidentlog.training import list_sessions

    sessions = list_sessions(conn, start=start, end=end)
    marked = holds_demo(conn)
    demo = {int(r["id"]) for r in conn.rows("SELECT id FROM training_session WHERE demo")}
    if fmt == "json":
        array = _JsonArray(out)
        for session in sessions:
            array.add({**session, DEMO_COLUMN: session["id"] in demo} if marked else session)
        array.close()
        return array.count
    writer = csv.writer(out, lineterminator=LINE_END)
    writer.writerow([*TRAINING_COLUMNS, DEMO_COLUMN] if marked else TRAINING_COLUMNS)
    for s in sessions:
        mark = ["yes" if s["id"] in demo else "no"] if marked else []
        writer.writerow(
            [
                s["on"],
                s["topic"],
                s["kind"],
                s["minutes"],
                ";".join(s["agents"]),
                s["store"] or "",
                s["trainer"] or "",
                *mark,
            ]
        )
    return len(sessions)


def check_export_format(fmt: str | None) -> str:
    fmt = (fmt or "csv").lower()
    if fmt not in ("csv", "json"):
        raise InvalidInput(f'Unknown export format "{fmt}". Use csv or json.')
    return fmt
