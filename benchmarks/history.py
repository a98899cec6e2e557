"""Older history for a benchmark database: the recent incidents copied back by whole years.

"Cost follows the period, not the history" compares a month's report on a database of
N incidents with the same report on a bigger one holding the same months plus years
before them. Generating and importing millions of older incidents through Python would
take most of an hour on this machine, so the history is made in SQL instead: each copy
of the recent incidents (and their events) is shifted back by a whole number of years,
far enough that no copy reaches the recent months, with new ids above the recent ones.
Copies of incidents still open are closed when they were recorded (an incident left open
for years would sit on every summary's overdue list).

The database stays at the real schema with the real indexes: the secondary indexes and
the search triggers are dropped for the bulk insert and made again from their own
`CREATE` statements (sqlite_master), the search index gets the copied rows, and the
statistics are refreshed by incidentlog's own `refresh_statistics`, as a large import
leaves them. This is benchmark-only: it writes without a journal.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# Columns holding a date or a datetime as text ('YYYY-MM-DD…'): shifted by whole years.
DATED = ("at", "day", "resolved_at", "follow_up", "created_at", "updated_at")
TABLES = ("incident", "incident_event")


@dataclass
class History:
    rows: int  # older incidents added
    copies: int  # copies of the recent incidents
    partial: bool  # whether the last (oldest) copy holds only the oldest recent incidents
    step_years: int  # each copy is this many years before the previous one
    oldest: str  # the first day of the whole history
    recent_first: str  # the first day of the recent incidents
    seconds: float


def _year(col: str, years: int) -> str:
    return f"(CAST(substr({col}, 1, 4) AS INTEGER) - {years})"


def shifted(col: str, years: int) -> str:
    """SQL for a 'YYYY-MM-DD…' text `years` years earlier, kept in the same format
    (the fractional seconds SQLAlchemy writes stay); 29 February becomes the 28th in a
    year without it."""
    y = _year(col, years)
    leap = f"({y} % 4 = 0 AND ({y} % 100 <> 0 OR {y} % 400 = 0))"
    return (
        f"CASE WHEN {col} IS NULL THEN NULL "
        f"WHEN substr({col}, 6, 5) = '02-29' AND NOT {leap} "
        f"THEN printf('%04d', {y}) || '-02-28' || substr({col}, 11) "
        f"ELSE printf('%04d', {y}) || substr({col}, 5) END"
    )


def step_years(first: dt.date, last: dt.date) -> int:
    """The fewest whole years that move `last` before `first`: copies never overlap."""
    years = 1
    while (last.year - years, last.month, last.day) >= (first.year, first.month, first.day):
        years += 1
    return years


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _select(table: str, columns: list[str], years: int, offsets: dict[str, int]) -> str:
    exprs = []
    for col in columns:
        if col in offsets:
            exprs.append(f"{col} + {offsets[col]}")
        elif col == "month":
            exprs.append(f"printf('%04d', {_year(col, years)}) || substr(month, 5)")
        elif table == "incident" and col == "resolved_at":
            # Closed when recorded, if the recent incident it copies is still open.
            exprs.append(
                f"COALESCE({shifted(col, years)}, "
                f"CASE WHEN resolved_on_spot THEN NULL ELSE {shifted('at', years)} END)"
            )
        elif col in DATED:
            exprs.append(shifted(col, years))
        else:
            exprs.append(col)
    return ", ".join(exprs)


def _say(started: float, what: str) -> None:
    print(f"   {time.perf_counter() - started:6.0f} s  {what}", file=sys.stderr, flush=True)


def add_history(db: Path, rows: int) -> History:
    """Add `rows` older incidents to the database `db` holding only recent ones."""
    started = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        recent = conn.execute("SELECT COUNT(*), MAX(id), MIN(day), MAX(day) FROM incident")
        count, top, first, last = recent.fetchone()
        if not count:
            raise ValueError("no recent incidents to copy")
        events_top = conn.execute("SELECT COALESCE(MAX(id), 0) FROM incident_event").fetchone()[0]
        step = step_years(dt.date.fromisoformat(first), dt.date.fromisoformat(last))
        copies = -(-rows // count)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -400000")  # 400 MB: the index builds sort in it
        conn.execute("BEGIN IMMEDIATE")
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('incident', 'incident_event')"
        ).fetchall()
        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'incident'"
        ).fetchall()
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        for name, _sql in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
        columns = {table: _columns(conn, table) for table in TABLES}
        left = rows
        for k in range(1, copies + 1):
            take = min(count, left)
            _say(started, f"copy {k} of {copies}: {take:,} incidents, {k * step} years back")
            years = k * step
            offsets = {"id": k * top}
            # The last copy may be partial: the oldest of the recent incidents.
            limit = f"WHERE id <= (SELECT id FROM incident ORDER BY id LIMIT 1 OFFSET {take - 1})"
            cols = columns["incident"]
            conn.execute(
                f"INSERT INTO incident ({', '.join(cols)}) "
                f"SELECT {_select('incident', cols, years, offsets)} FROM incident "
                f"{limit} AND id <= {top}"
            )
            cols = columns["incident_event"]
            event_offsets = {"id": k * events_top, "incident_id": k * top}
            conn.execute(
                f"INSERT INTO incident_event ({', '.join(cols)}) "
                f"SELECT {_select('incident_event', cols, years, event_offsets)} "
                f"FROM incident_event WHERE id <= {events_top} AND incident_id IN "
                f"(SELECT id FROM incident {limit} AND id <= {top})"
            )
            left -= take
        for name, sql in indexes:
            _say(started, f"index {name}")
            conn.execute(sql)
        for _name, sql in triggers:
            conn.execute(sql)
        has_fts = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'incident_fts'"
        ).fetchone()
        if has_fts:
            _say(started, "search index")
            fts = _columns(conn, "incident_fts")
            conn.execute(
                f"INSERT INTO incident_fts (rowid, {', '.join(fts)}) "
                f"SELECT id, {', '.join(fts)} FROM incident WHERE id > {top}"
            )
        conn.execute("COMMIT")
        oldest = conn.execute("SELECT MIN(day) FROM incident").fetchone()[0]
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()
    _say(started, "statistics")
    _refresh_statistics(db)
    partial = rows % count != 0
    return History(rows, copies, partial, step, oldest, first, time.perf_counter() - started)


def _refresh_statistics(db: Path) -> None:
    """incidentlog's own statistics refresh, as the end of a large import runs it."""
    from incidentlog.storage.database import Database
    from incidentlog.storage.statistics import refresh_statistics

    database = Database.from_option(str(db))
    conn = database.connect(migrate=False)
    try:
        with conn.transaction():
            refresh_statistics(conn)
    finally:
        conn.close()
        database.dispose()
