"""The demo's sample records beside real ones: noticed, refused or kept, and taken out.

`incidentlog demo` marks what it makes (`incident.demo`, `training_session.demo`). The
first real record written to a database that holds the sample would mix with invented
ones in every report, so `add`, `training add` and `import` (the writes that record new
records) go through `guard_real_write`: on a terminal the command asks (its `ask`), without one
it refuses and names both ways out — `demo --remove` (one `undo` step, like any change) or `demo --keep`
(remembered in the database, so it is asked once for every till). Changes to records
already there (`resolve`, `edit`, `check`, `delete`) mix nothing and are not asked about.

Reports on a database that holds the sample carry `demo_records` (JSON), and a table says
so under it while real and demo records are mixed (`counts`, `footer`).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from incidentlog.core.errors import Conflict, InvalidInput
from incidentlog.core.invocation import command
from incidentlog.records import journal
from incidentlog.storage.connection import Conn

SETTING = "demo"
KEEP = "keep"


class SampleHeld(Conflict):
    """A real record would join the demo's sample data, and nobody chose yet."""


@dataclass(frozen=True)
class Held:
    incidents: int
    sessions: int

    def __bool__(self) -> bool:
        return bool(self.incidents or self.sessions)

    def describe(self) -> str:
        parts = [f"{self.incidents:,} incident{'' if self.incidents == 1 else 's'}"]
        if self.sessions:
            parts.append(f"{self.sessions:,} training session{'' if self.sessions == 1 else 's'}")
        return " and ".join(parts)


def holds_demo(conn: Conn) -> bool:
    """Whether any demo record is here: one probe of the (partial) demo index."""
    if conn.scalar("SELECT 1 FROM incident WHERE demo LIMIT 1") is not None:
        return True
    return conn.scalar("SELECT 1 FROM training_session WHERE demo LIMIT 1") is not None


def held(conn: Conn) -> Held:
    return Held(
        int(conn.scalar("SELECT COUNT(*) FROM incident WHERE demo") or 0),
        int(conn.scalar("SELECT COUNT(*) FROM training_session WHERE demo") or 0),
    )


def kept(conn: Conn) -> bool:
    return bool(conn.scalar("SELECT value FROM setting WHERE key = :k", {"k": SETTING}) == KEEP)


def keep(conn: Conn) -> Held:
    """Let real records join the sample from now on (for every till)."""
    with conn.transaction():
        conn.run(
            "INSERT INTO setting (key, value) VALUES (:k, :v) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            {"k": SETTING, "v": KEEP},
        )
    return held(conn)


def refusal(found: Held) -> str:
    return (
        f"This database holds the demo's sample data ({found.describe()}), and real records "
        f"would mix with it: take it out with `{command('demo --remove')}` (undo brings it "
        f"back) or add to it with `{command('demo --keep')}`. Nothing was written."
    )


# What a caller on a terminal answers when a real record would join the sample:
# "remove" it first, "keep" it and add to it, or anything else to stop.
Ask = Callable[[Held], str]


def guard_real_write(conn: Conn, ask: Ask | None = None) -> None:
    """Called before a real record is written: passes, asks (`ask`, given by a command on a
    terminal), or refuses naming both ways out."""
    if not holds_demo(conn) or kept(conn):
        return
    found = held(conn)
    if ask is None:
        raise SampleHeld(refusal(found))
    answer = ask(found)
    if answer == "remove":
        remove(conn)
    elif answer == "keep":
        keep(conn)
    else:
        raise SampleHeld("Stopped; nothing was written.")


# --------------------------------------------------------------------------- removal

# Restored in this order by `undo` (what rows refer to first), deleted in the reverse.
ENTITIES = ("customer", "store", "agent", "reason")
# Where each named entity is referred to.
USES = {
    "customer": (("incident", "customer_id"),),
    "reason": (("incident", "reason_id"),),
    "store": (("incident", "store_id"), ("training_session", "store_id")),
    "agent": (("incident", "agent_id"), ("attendance", "agent_id")),
}


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """A row the journal can keep as JSON (amounts as text, which both backends read back)."""
    return {k: str(v) if isinstance(v, decimal.Decimal) else v for k, v in row.items()}


def remove(conn: Conn) -> Held:
    """Take every demo record out, with the names only they used, as one `undo` step."""
    with conn.transaction():
        found = held(conn)
        if not found:
            raise InvalidInput("This database holds no demo data; nothing was removed.")
        incidents = conn.rows("SELECT * FROM incident WHERE demo ORDER BY id")
        events = conn.rows(
            "SELECT e.* FROM incident_event e JOIN incident i ON i.id = e.incident_id "
            "WHERE i.demo ORDER BY e.id"
        )
        sessions = conn.rows("SELECT * FROM training_session WHERE demo ORDER BY id")
        attendance = conn.rows(
            "SELECT a.* FROM attendance a JOIN training_session t ON t.id = a.session_id "
            "WHERE t.demo"
        )
        used: dict[str, set[int]] = {t: set() for t in ENTITIES}
        for row in incidents:
            for table in ENTITIES:
                used[table].add(int(row[f"{table}_id"]))
        for row in sessions:
            if row["store_id"] is not None:
                used["store"].add(int(row["store_id"]))
        for row in attendance:
            used["agent"].add(int(row["agent_id"]))
        conn.run(
            "DELETE FROM incident_event WHERE incident_id IN (SELECT id FROM incident WHERE demo)"
        )
        conn.run("DELETE FROM incident WHERE demo")
        conn.run(
            "DELETE FROM attendance WHERE session_id IN "
            "(SELECT id FROM training_session WHERE demo)"
        )
        conn.run("DELETE FROM training_session WHERE demo")
        unused = {table: _unused(conn, table, sorted(ids)) for table, ids in used.items()}
        for table in reversed(ENTITIES):
            _delete_ids(conn, table, [int(row["id"]) for row in unused[table]])
        conn.run("DELETE FROM setting WHERE key = :k", {"k": SETTING})
        before = [
            *((table, _plain(row)) for table in ENTITIES for row in unused[table]),
            *(("incident", _plain(row)) for row in incidents),
            *(("incident_event", _plain(row)) for row in events),
            *(("training_session", _plain(row)) for row in sessions),
            *(("attendance", _plain(row)) for row in attendance),
        ]
        journal.record(
            conn,
            command="demo --remove",
            summary=f"remove the demo data ({found.describe()})",
            before=before,
        )
    return found


def _chunks(ids: list[int]) -> list[dict[str, int]]:
    # Well under SQLite's bound-parameter limit.
    return [{f"id{n}": v for n, v in enumerate(ids[s : s + 500])} for s in range(0, len(ids), 500)]


def _unused(conn: Conn, table: str, ids: list[int]) -> list[dict[str, Any]]:
    """The rows of `table` among `ids` that nothing refers to any more."""
    free = "".join(
        f" AND NOT EXISTS (SELECT 1 FROM {other} o WHERE o.{column} = {table}.id)"
        for other, column in USES[table]
    )
    rows: list[dict[str, Any]] = []
    for names in _chunks(ids):
        marks = ", ".join(f":{n}" for n in names)
        rows += conn.rows(f"SELECT * FROM {table} WHERE id IN ({marks}){free} ORDER BY id", names)
    return rows


def _delete_ids(conn: Conn, table: str, ids: list[int]) -> None:
    for names in _chunks(ids):
        marks = ", ".join(f":{n}" for n in names)
        conn.run(f"DELETE FROM {table} WHERE id IN ({marks})", names)


# --------------------------------------------------------------------------- reports


def counts(conn: Conn, start: dt.date | None, end: dt.date | None) -> tuple[int, bool] | None:
    """(demo incidents in the period, whether real records are there too), or None when
    the database holds no demo incident."""
    if conn.scalar("SELECT 1 FROM incident WHERE demo LIMIT 1") is None:
        return None
    if start is None or end is None:
        count = conn.scalar("SELECT COUNT(*) FROM incident WHERE demo")
    else:
        count = conn.scalar(
            "SELECT COUNT(*) FROM incident WHERE demo AND day BETWEEN :start AND :end",
            {"start": start, "end": end},
        )
    real = conn.scalar("SELECT 1 FROM incident WHERE NOT demo LIMIT 1") is not None
    real = real or (
        conn.scalar("SELECT 1 FROM training_session WHERE NOT demo LIMIT 1") is not None
    )
    return int(count or 0), real


def footer(count: int) -> str:
    return (
        f"Mixed data: this period holds {count:,} demo incidents (sample data) beside real "
        f"ones; `{command('demo --remove')}` takes the sample out."
    )


__all__ = [
    "Held",
    "SampleHeld",
    "footer",
    "Ask",
    "counts",
    "guard_real_write",
    "held",
    "holds_demo",
    "keep",
    "kept",
    "refusal",
    "remove",
]
