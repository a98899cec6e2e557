"""`incidentlog export`: incidents or training sessions as CSV or JSON that `import` reads back.

Incidents are written in the order they were recorded (by id), so importing an export into
an empty database gives every incident the id it had. Times keep their seconds, so the
order of incidents within a minute survives the round trip.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from incidentlog.core.errors import Conflict, DomainError, InvalidInput
from incidentlog.core.money import cents_to_decimal, cents_to_number
from incidentlog.records.listing import IncidentFilter, where_clause
from incidentlog.records.recording import incident_public
from incidentlog.storage.connection import Conn, as_date, as_datetime
from incidentlog.transfer.columns import DEMO_COLUMN, INCIDENT_COLUMNS, TRAINING_COLUMNS
from incidentlog.transfer.formulas import defused
from incidentlog.transfer.redaction import Redactor

EXPORT_SELECT = """
SELECT i.id, i.customer_id, c.name AS customer, c.contact AS contact, r.name AS reason,
       i.resolved_on_spot, s.name AS store, a.name AS agent, i.at, i.description,
       i.resolution, i.channel, i.follow_up, i.resolved_at, i.later_resolution,
       i.severity, i.remedy, i.cost_cents, i.demo
FROM incident i
JOIN customer c ON c.id = i.customer_id
JOIN reason r ON r.id = i.reason_id
JOIN store s ON s.id = i.store_id
JOIN agent a ON a.id = i.agent_id
"""
# CSV's own line end: with it the csv module also quotes a value holding a lone "\r",
# which would otherwise read back as the end of the row.
LINE_END = "\r\n"


def _moment(value: Any, sep: str) -> str | None:
    moment = as_datetime(value)
    return moment.isoformat(sep, timespec="seconds") if moment else None


def incident_rows(
    conn: Conn, f: IncidentFilter, *, redact: bool = False, checks: bool = False
) -> Iterator[dict[str, Any]]:
    """The matching incidents by id; with `checks`, each carries its check-backs (`checks`),
    all read in one query beside the incidents' own."""
    where, params = where_clause(conn, f)
    sql = EXPORT_SELECT + where + " ORDER BY i.id"
    if f.limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = f.limit
    redactor = Redactor(conn) if redact else None
    found = _checks(conn, where, params) if checks else {}
    for row in conn.iter_rows(sql, params):
        if checks:
            row["checks"] = found.get(int(row["id"]), [])
        yield redactor.row(row) if redactor is not None else row


def _checks(conn: Conn, where: str, params: dict[str, Any]) -> dict[int, list[dict[str, Any]]]:
    """The check-backs of the incidents `where` selects, oldest first, by incident."""
    found: dict[int, list[dict[str, Any]]] = {}
    condition = f"{where} AND" if where else " WHERE"
    for row in conn.iter_rows(
        "SELECT e.incident_id, e.at, e.outcome, e.note FROM incident_event e "
        f"JOIN incident i ON i.id = e.incident_id{condition} e.kind = 'check' "
        "ORDER BY e.incident_id, e.at, e.id",
        {k: v for k, v in params.items() if k != "limit"},
    ):
        found.setdefault(int(row["incident_id"]), []).append(
            {"at": _moment(row["at"], "T"), "outcome": row["outcome"], "note": row["note"]}
        )
    return found


def _csv_incident(row: dict[str, Any]) -> list[str]:
    follow_up = as_date(row["follow_up"])
    return [
        defused(row["customer"]),
        defused(row["reason"]),
        "yes" if row["resolved_on_spot"] else "no",
        defused(row["store"]),
        defused(row["agent"]),
        _moment(row["at"], " ") or "",
        defused(row["description"] or ""),
        defused(row["resolution"] or ""),
        defused(row["contact"] or ""),
        row["channel"] or "",
        str(row["id"]),
        follow_up.isoformat() if follow_up else "",
        row["severity"] or "",
        row["remedy"] or "",
        _plain_amount(row["cost_cents"]),
        _moment(row["resolved_at"], " ") or "",
        defused(row["later_resolution"] or ""),
    ]


def _plain_amount(cents: int | None) -> str:
    """`12.50`: no thousands separator or currency, so every spreadsheet reads a number."""
    return "" if cents is None else str(cents_to_decimal(int(cents)))


def _json_incident(row: dict[str, Any]) -> dict[str, Any]:
    public = incident_public(row)
    # `list` shows minutes; an export keeps the seconds so nothing is lost on re-import.
    public["at"] = _moment(row["at"], "T")
    public["resolved_at"] = _moment(row["resolved_at"], "T")
    public["severity"] = row["severity"]
    public["remedy"] = row["remedy"]
    cents = row["cost_cents"]
    public["cost"] = cents_to_number(None if cents is None else int(cents))
    public["checks"] = row["checks"]
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
    from incidentlog.records.sample import holds_demo

    # The demo mark only where there is one to keep: other databases export as before.
    marked = holds_demo(conn)
    rows = incident_rows(conn, f, redact=redact, checks=fmt == "json")
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
    from incidentlog.records.sample import holds_demo
    from incidentlog.records.training import list_sessions

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
                defused(s["topic"]),
                s["kind"],
                s["minutes"],
                defused(";".join(s["agents"])),
                defused(s["store"] or ""),
                defused(s["trainer"] or ""),
                *mark,
            ]
        )
    return len(sessions)


def check_export_format(fmt: str | None) -> str:
    fmt = (fmt or "csv").lower()
    if fmt not in ("csv", "json"):
        raise InvalidInput(f'Unknown export format "{fmt}". Use csv or json.')
    return fmt


# --------------------------------------------------------------------------- the output file

SQLITE_HEADER = b"SQLite format 3\x00"
# The live database's companions: writing over one corrupts the database as surely.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def is_database_file(path: Path) -> bool:
    """Whether `path` holds an SQLite database (by its header, whatever its name)."""
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def check_output(output: Path, *, live: Path | None, force: bool) -> None:
    """Refuse an --output that would destroy a database (even with --force), or an existing
    file without --force."""
    if live is not None:
        for suffix in ("", *SQLITE_COMPANIONS):
            if _same_file(output, live.with_name(live.name + suffix)):
                raise Conflict(
                    f"{output} is the database itself; export to another file "
                    "(`incidentlog db backup FILE` copies the database)."
                )
    if is_database_file(output):
        raise Conflict(
            f"{output} is a database file; export never writes over one, even with --force."
        )
    if output.exists() and not force:
        raise Conflict(f"{output} exists; pass --force to overwrite it.")


def open_private(path: Path) -> TextIO:
    """A new owner-only text file for writing."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def _write_error(output: Path, exc: OSError) -> DomainError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        problem = "the disk is full"
    else:
        problem = (exc.strerror or str(exc)).rstrip(".").lower()
    return DomainError(f"Cannot write {output}: {problem}; nothing was written.")


@contextmanager
def destination(output: Path, *, live: Path | None, force: bool) -> Iterator[TextIO]:
    """`output` written whole or not at all: the export goes to a temporary file beside it,
    renamed over it only once complete, so a full disk or an error leaves no partial file
    (and an existing file stays as it was)."""
    output = output.expanduser()
    check_output(output, live=live, force=force)
    if output.exists() and not output.is_file():
        # A device or pipe (/dev/stdout, a FIFO): nothing to rename, written directly.
        try:
            with output.open("w", encoding="utf-8", newline="") as direct:
                yield direct
        except OSError as exc:
            raise _write_error(output, exc) from None
        return
    partial = output.with_name(f".{output.name}.{os.getpid()}.partial")
    try:
        out = open_private(partial)
    except OSError as exc:
        raise _write_error(output, exc) from None
    try:
        try:
            try:
                yield out
            finally:
                out.close()  # flushing may be what finds the disk full
            os.replace(partial, output)
        except OSError as exc:
            raise _write_error(output, exc) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
