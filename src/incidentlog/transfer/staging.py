"""The import's scratch tables: checked incident rows and distinct customers wait there until
every row has passed, then reach the real tables in set-based statements."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from incidentlog.storage.connection import Conn, SqliteConn

# SQLite page caches during an import, for the database and for the staging tables.
MAIN_CACHE_KIB = 16 * 1024
SCRATCH_CACHE_KIB = 16 * 1024
SCRATCH = "import_scratch"
# The scratch database's page size: 300,000 rows took 9 % less CPU than with 4096; 16384
# saved no more and grew peak memory by a third.
SCRATCH_PAGE_SIZE = 8192
# From this many incidents an import drops the incident indexes and builds them again.
BULK_THRESHOLD = 50_000

# The staging table's columns, in the order IncidentReader.read returns them.
STAGE_COLUMNS = (
    "seq",
    "customer",
    "cust",
    "reason",
    "store",
    "agent",
    "resolved_on_spot",
    "description",
    "resolution",
    "at",
    "day",
    "month",
    "channel",
    "follow_up",
    "resolved_at",
    "later_resolution",
    "severity",
    "remedy",
    "cost_cents",
    "wanted_id",
    "demo",
)
STAGING_TABLES = (
    "CREATE {temporary}import_stage (seq INTEGER PRIMARY KEY, "
    # `cust` is the import_customer row (its seq) of the customer identity `customer`.
    "customer VARCHAR(300) NOT NULL, cust INTEGER NOT NULL, reason VARCHAR(200) NOT NULL, store VARCHAR(200) NOT NULL, "
    "agent VARCHAR(200) NOT NULL, resolved_on_spot BOOLEAN NOT NULL, description TEXT NOT NULL, "
    "resolution TEXT NOT NULL, at TIMESTAMP NOT NULL, day DATE NOT NULL, "
    "month VARCHAR(7) NOT NULL, channel VARCHAR(20), follow_up DATE, resolved_at TIMESTAMP, "
    "later_resolution TEXT, severity VARCHAR(10), remedy VARCHAR(20), cost_cents BIGINT, "
    # The id the file gives (kept when no incident has it), or NULL.
    "wanted_id BIGINT, demo BOOLEAN NOT NULL)",
    # One row per distinct customer identity, as first met; `id` is the customer it
    # resolves to, `final` another identity of this import it joins. Keyed by `seq`, so
    # the staged incidents find their customer by a number that grows with the file (near
    # the previous one in the table) rather than by a random text key.
    "CREATE {temporary}import_customer (seq INTEGER PRIMARY KEY, "
    "identity VARCHAR(300) NOT NULL UNIQUE, name VARCHAR(200) NOT NULL, name_key VARCHAR(200) NOT NULL, "
    "contact VARCHAR(200), id INTEGER, final VARCHAR(300))",
    # The check-backs of the staged incidents (`seq`), from a JSON file's `checks`.
    "CREATE {temporary}import_check (seq INTEGER NOT NULL, at TIMESTAMP NOT NULL, "
    "outcome VARCHAR(20) NOT NULL, note TEXT NOT NULL)",
)
CUSTOMER_COLUMNS = ("seq", "identity", "name", "name_key", "contact")
CHECK_COLUMNS = ("seq", "at", "outcome", "note")


class Staging:
    """The scratch tables of one import, on its connection."""

    conn: Conn
    index_prefix: str
    # BULK_THRESHOLD unless given (read when the import writes).
    bulk_threshold: int | None = None

    def _insert(
        self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]], tail: str = ""
    ) -> None:
        """executemany of plain tuples (SQLite's fastest path), in a transaction of its own
        unless one is open."""
        if not rows:
            return
        conn = self.conn
        if isinstance(conn, SqliteConn):
            marks = ", ".join("?" for _ in columns)
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}){tail}"
            raw = conn.raw
            if raw.in_transaction:
                raw.executemany(sql, rows)
                return
            raw.execute("BEGIN")
            try:
                raw.executemany(sql, rows)
            except BaseException:
                raw.rollback()
                raise
            raw.commit()
            return
        if self._copy(table, columns, rows, tail):
            return
        params = ", ".join(f":{c}" for c in columns)
        conn.run_many(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({params}){tail}",
            [dict(zip(columns, row, strict=True)) for row in rows],
        )

    def _copy(
        self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]], tail: str
    ) -> bool:
        """COPY ... FROM STDIN through psycopg, several times quicker than executemany; rows
        that need `tail` (ON CONFLICT) go through a bare copy of the table first. False when
        the connection is not psycopg's."""
        try:
            raw = self.conn.conn.connection.driver_connection  # type: ignore[attr-defined]
        except AttributeError:
            return False
        if type(raw).__module__.split(".")[0] != "psycopg":
            return False
        target = f"{table}_copy" if tail else table
        listed = ", ".join(columns)
        with raw.cursor() as cursor:
            if tail:
                cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {target} (LIKE {table})")
            with cursor.copy(f"COPY {target} ({listed}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            if tail:
                order = " ORDER BY seq" if "seq" in columns else ""
                cursor.execute(
                    f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {target}{order}{tail}"
                )
                cursor.execute(f"TRUNCATE {target}")
        return True

    @contextmanager
    def _staging_transaction(self) -> Iterator[None]:
        """One transaction for all the staging inserts; on SQLite a deferred one, which
        takes no lock on the database itself (the staging tables are temporary)."""
        if not isinstance(self.conn, SqliteConn):
            with self.conn.transaction():
                yield
            return
        raw = self.conn.raw
        raw.execute("BEGIN")
        try:
            yield
        except BaseException:
            raw.rollback()
            raise
        raw.commit()

    def _create_staging(self) -> None:
        """Temporary tables on PostgreSQL; on SQLite a private scratch database attached for
        the import (unqualified names find it), which DETACH throws away at once where
        dropping a big temporary table would free it page by page."""
        self._drop_staging()
        if isinstance(self.conn, SqliteConn):
            # Bounded caches keep memory flat however long the file is; the main one is
            # room for the incident indexes the import walks.
            self.conn.run(f"PRAGMA cache_size = -{MAIN_CACHE_KIB}")
            self.conn.run(f"ATTACH DATABASE '' AS {SCRATCH}")
            self.conn.run(f"PRAGMA {SCRATCH}.cache_size = -{SCRATCH_CACHE_KIB}")
            # Set before the first table: staged rows are written and read in order, and
            # larger pages halve the reads and writes the operating system is asked for.
            self.conn.run(f"PRAGMA {SCRATCH}.page_size = {SCRATCH_PAGE_SIZE}")
            temporary, index = f"TABLE {SCRATCH}.", f"{SCRATCH}."
        else:
            temporary, index = "TEMPORARY TABLE ", ""
        for ddl in STAGING_TABLES:
            self.conn.run(ddl.format(temporary=temporary))
        self.index_prefix = index

    def _drop_staging(self) -> None:
        try:
            if isinstance(self.conn, SqliteConn):
                attached = {r["name"] for r in self.conn.rows("PRAGMA database_list")}
                if SCRATCH in attached:
                    self.conn.run(f"DETACH DATABASE {SCRATCH}")
                return
            for table in (
                "import_stage",
                "import_customer",
                "import_check",
                "import_customer_copy",
            ):
                self.conn.run(f"DROP TABLE IF EXISTS {table}")
        except Exception:  # noqa: BLE001 - a broken connection reports its own error
            pass

    @contextmanager
    def _indexes_in_bulk(self, ceiling: int, kept: bool, rows: int) -> Iterator[None]:
        """On SQLite, fill the search index for the new incidents in one statement rather
        than through the per-row trigger, which is several times slower for big imports;
        and for a large import also drop the incident table's secondary indexes and build
        them again afterwards, one sort each instead of a B-tree insert per row and index.
        Everything happens inside the import's transaction, so other connections never see
        an index missing and a failure or a kill leaves them all as they were."""
        conn = self.conn
        trigger = None
        if conn.dialect == "sqlite":
            trigger = conn.scalar(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                "AND name = 'incident_fts_insert'"
            )
        rebuilt = self._dropped_indexes(rows) if conn.dialect == "sqlite" else []
        if trigger is not None:
            conn.run("DROP TRIGGER incident_fts_insert")
        yield
        for create in rebuilt:
            conn.run(create)
        if trigger is None:
            return
        also = (
            " OR id IN (SELECT wanted_id FROM import_stage WHERE wanted_id IS NOT NULL)"
            if kept
            else ""
        )
        conn.run(
            "INSERT INTO incident_fts (rowid, description, resolution, later_resolution) "
            "SELECT id, description, resolution, later_resolution FROM incident "
            f"WHERE id > :c{also}",
            {"c": ceiling},
        )
        conn.run(trigger)

    def _dropped_indexes(self, rows: int, table: str = "incident") -> list[str]:
        """Drops the secondary indexes of `table` (SQLite) when rebuilding them is cheaper
        than keeping them up to date for each of `rows` new rows; gives the statements that
        make them again, exactly as the database file holds them (read back from it, which
        spares loading SQLAlchemy to compile the definitions: 0.45 s and 35 MB)."""
        threshold = BULK_THRESHOLD if self.bulk_threshold is None else self.bulk_threshold
        if self.conn.dialect != "sqlite" or rows < threshold:
            return []
        # Rebuilding reads every stored row too: worth it only when the import adds at
        # least as many as the table already holds.
        if rows < int(self.conn.scalar(f"SELECT COUNT(*) FROM {table}")):
            return []
        # Indexes SQLite makes for a constraint (UNIQUE) have no SQL and are never dropped.
        found = self.conn.rows(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = :table AND sql IS NOT NULL ORDER BY name",
            {"table": table},
        )
        for index in found:
            self.conn.run(f'DROP INDEX "{index["name"]}"')
        return [str(index["sql"]) for index in found]
