"""Planner statistics, refreshed after the changes that make the old ones wrong.

Neither backend keeps the statistics its query planner relies on up to date quickly
enough by itself. A SQLite file that was never analysed has none, and the planner then
guesses: with `resolved_on_spot = 0 AND resolved_at ...` and a day range in one WHERE
clause it takes `ix_incident_open` and reads every incident ever resolved late (1.25 s
instead of 12 ms through `ix_incident_day` on 1,000,000 incidents). PostgreSQL's
autovacuum analyses a table a minute or more after a bulk load, so the reports run right
after an import would be planned on the numbers of the table before it.

SQLite gets a full `ANALYZE` (about 1.3 s per million incidents), not `PRAGMA optimize`
with its `analysis_limit`: a sample of the first rows of `ix_incident_open` sees a single
`resolved_on_spot` value and leaves the planner in the trap above. So it is run only when
the data changed enough: an import that adds a tenth of the incidents or more, or the
first import into a database never analysed. PostgreSQL samples a fixed number of rows
whatever the size of the table.
"""

from __future__ import annotations

from incidentlog.storage.connection import Conn, is_transient

# Fewer incidents than this are too few to describe the data, or to change its shape.
AFTER_ROWS = 1000
# An import that adds at least this share of the incidents the statistics counted.
GROWTH = 0.1
# The tables whose size and spread the report queries depend on.
TABLES = ("incident", "customer", "incident_event")


def refresh_statistics(conn: Conn) -> None:
    """Analyse the big tables, inside the caller's transaction if there is one."""
    if conn.dialect == "sqlite":
        for table in TABLES:
            conn.run(f"ANALYZE {table}")
    else:
        conn.run(f"ANALYZE {', '.join(TABLES)}")


def refresh_after_import(conn: Conn, incidents: int) -> None:
    """At the end of an import of `incidents` rows, in its transaction."""
    if incidents < AFTER_ROWS:
        return
    counted = analysed_rows(conn)
    if counted is None or incidents >= GROWTH * counted:
        refresh_statistics(conn)


def refresh_after_upgrade(conn: Conn) -> None:
    """Right after a schema upgrade (new or changed indexes have no statistics yet)."""
    if (conn.scalar("SELECT COUNT(*) FROM incident") or 0) < AFTER_ROWS:
        return
    try:
        with conn.transaction():
            refresh_statistics(conn)
    except Exception as exc:
        # The upgrade is committed; a writer holding the lock past the busy timeout must
        # not fail the command that upgraded. The next large import refreshes them.
        if not is_transient(exc):
            raise


def analysed_rows(conn: Conn) -> int | None:
    """How many incidents the statistics last counted; None if never analysed."""
    if conn.dialect == "sqlite":
        if conn.scalar("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'") is None:
            return None
        stat = conn.scalar("SELECT stat FROM sqlite_stat1 WHERE tbl = 'incident' LIMIT 1")
        return int(str(stat).split()[0]) if stat else None
    tuples = conn.scalar("SELECT reltuples FROM pg_class WHERE oid = 'incident'::regclass")
    # -1 (PostgreSQL 14+) or 0: never analysed or vacuumed.
    return int(tuples) if tuples is not None and tuples > 0 else None
