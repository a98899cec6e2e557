"""Every report on PostgreSQL: end to end, peak memory, and the query against hand-written SQL.

The server is started as the test suite starts one (tests/pg.py: initdb in a temporary
directory, a free loopback port, fsync off). The database is made at the real schema by
`incidentlog db upgrade` and filled from a SQLite benchmark database built by the real
`incidentlog import` (or given with --source): table by table in dependency order with
COPY, the secondary indexes made again after the load, the id sequences moved past the
copied ids, then `VACUUM ANALYZE`, as autovacuum leaves a table a minute after a load.
That loader is benchmark-only (the import itself is measured elsewhere, docs/import-speed.md).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench import (
    QUERY_RATIO,
    ROOT,
    TODAY,
    Bench,
    Line,
    Results,
    first_line,
    ms,
    ratio,
    ratio_text,
    report_lines,
)
from cases import CASES, Case, digest_of_document, params_from
from data import generate, import_into
from measure import Sample, probe, repeat
from sqlite_runs import case_argv

PG_FLOOR = str(Path(__file__).resolve().parent / "pg_floor.py")
# Parents before children: COPY runs with the foreign-key triggers off (replica role).
ORDER = (
    "store",
    "agent",
    "reason",
    "customer",
    "incident",
    "incident_event",
    "training_session",
    "attendance",
    "journal",
    "setting",
)
BATCH = 10_000


@dataclass
class Loaded:
    incidents: int
    seconds: float


def source_database(bench: Bench, n_rows: int, source: str | None, results: Results) -> Path | None:
    """The SQLite database to copy from: --source (copied first), or built by the import."""
    if source:
        # Copied as files (its WAL too) and checkpointed here: the source is not written to.
        db = bench.workdir / "pg-source.db"
        for suffix in ("", "-wal"):
            if Path(source + suffix).exists():
                shutil.copyfile(source + suffix, str(db) + suffix)
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        return db
    csv_path, training = bench.workdir / f"incidents-{n_rows}.csv", bench.workdir / "training.csv"
    made = generate(csv_path, n_rows, training_path=training)
    if isinstance(made, str):
        results.notes.append(f"No data: {made}.")
        return None
    db = bench.workdir / f"pg-source-{n_rows}.db"
    sample, _ = import_into(bench, db, csv_path)
    if not sample.ok:
        results.notes.append(f"The SQLite import failed: {sample.error}.")
        return None
    if training.exists():
        code, _out, err = bench.run_cli(
            db, "import", str(training), "--kind", "training", "--new-store", "--new-agent"
        )
        if code != 0:
            results.notes.append(f"Training sessions were not imported: {first_line(err)}")
    return db


def load(url: str, source: Path) -> Loaded:
    """Copy every table of the SQLite database `source` into the PostgreSQL database `url`."""
    import psycopg
    from pg_floor import libpq_url

    started = time.perf_counter()
    lite = sqlite3.connect(source)
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '256MB'")
        indexes = conn.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        ).fetchall()
        with conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")
            for name, _sql in indexes:
                conn.execute(f'DROP INDEX "{name}"')
            for table in ORDER:
                _copy_table(lite, conn, table)
        for _name, sql in indexes:
            conn.execute(sql)
        serials = conn.execute(
            "SELECT table_name, pg_get_serial_sequence(table_name, 'id') "
            "FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'id'"
        ).fetchall()
        for table, serial in serials:
            if serial:
                conn.execute(
                    f"SELECT setval(%s, GREATEST((SELECT MAX(id) FROM {table}), 1))", (serial,)
                )
        conn.execute("VACUUM ANALYZE")
        incidents = conn.execute("SELECT COUNT(*) FROM incident").fetchone()[0]
    lite.close()
    return Loaded(incidents, time.perf_counter() - started)


def _copy_table(lite: sqlite3.Connection, conn: object, table: str) -> None:
    mine = [row[1] for row in lite.execute(f"PRAGMA table_info({table})")]
    if not mine:
        return
    theirs = {
        row[0]: row[1]
        for row in conn.execute(  # type: ignore[attr-defined]
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = %s",
            (table,),
        )
    }
    columns = [c for c in mine if c in theirs]
    flags = [theirs[c] == "boolean" for c in columns]
    cursor = lite.execute(f"SELECT {', '.join(columns)} FROM {table}")
    names = ", ".join(f'"{c}"' for c in columns)
    with conn.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
        while batch := cursor.fetchmany(BATCH):
            for row in batch:
                # SQLite keeps booleans as 0/1.
                copy.write_row(
                    [bool(v) if f and v is not None else v for v, f in zip(row, flags, strict=True)]
                )


# --------------------------------------------------------------------------- the reports


def measure_report(bench: Bench, case: Case, url: str, source: Path, results: Results) -> None:
    argv = case_argv(bench, case, source)  # the ids are the source's, copied as they are
    if isinstance(argv, str):
        results.lines.append(Line(f"{case.title}: query", f"n/a: {argv}"))
        return
    title = " ".join(case.argv) + (" ID" if case.key == "training" else "")
    code, out, err = bench.run_cli(url, *argv, "--format", "json")  # type: ignore[arg-type]
    if code != 0:
        results.lines.append(Line(title, f"n/a: {first_line(err) or f'exit {code}'}"))
        return
    document = json.loads(out)
    params = params_from(case.key, document, dt.date.fromisoformat(TODAY))
    expected = digest_of_document(case.key, document)
    p_json, n = json.dumps(params), bench.repeat
    own, _ = probe(
        bench.probe("own", url, case.key, p_json, TODAY, "--repeat", str(n)), env=bench.env
    )
    floor_argv = [bench.python, PG_FLOOR, url, case.key, p_json]
    sql, _ = probe([*floor_argv, "--repeat", str(n)], env=bench.env)
    for name, found in (("floor SQL", sql), ("incidentlog's report function", own)):
        if "digest" in found and found["digest"] != expected:
            results.notes.append(
                f"`{title}`: the {name} answered {found['digest']}, the command {expected}."
            )
    own_s, sql_s = _sample(own), _sample(sql)
    cost = ratio(own_s, sql_s)
    results.lines.append(
        Line(
            f"{title}: query (in-process)",
            ms(own_s),
            "SQL " + ms(sql_s),
            ratio_text(cost),
            "—",
            f"≤ {QUERY_RATIO}×",
            None if cost is None else cost <= QUERY_RATIO,
        )
    )
    e2e = repeat(
        bench.cli(url, *argv, "--format", "table"),  # type: ignore[arg-type]
        n,
        env=bench.env,
        warmup=bench.warmup,
    )
    floor_e2e = repeat(floor_argv, n, env=bench.env, warmup=bench.warmup)
    results.lines += report_lines(title, e2e, floor_e2e, "python+psycopg")


def _sample(found: dict) -> Sample:
    if "error" in found:
        return Sample(error=found["error"])
    return Sample(times_ms=list(found.get("times_ms") or []))


def measure_postgresql(bench: Bench, n_rows: int, source: str | None) -> tuple[Results, str]:
    """Start a server, load the data, time every report; the results and the server's name."""
    results = Results(rows=n_rows, recent=n_rows)
    sys.path.insert(0, str(ROOT))
    try:
        from tests import pg
    except ImportError as exc:
        results.notes.append(f"tests/pg.py is not importable ({exc}).")
        return results, ""
    print(f"\n== {n_rows:,} incidents: the SQLite source ...", file=sys.stderr)
    db = source_database(bench, n_rows, source, results)
    if db is None:
        return results, ""
    try:
        server = pg.start_server()
    except pg.PostgresUnavailable as exc:
        results.notes.append(f"No PostgreSQL server: {exc}.")
        return results, ""
    try:
        name = f"PostgreSQL {server.version // 10000}.{server.version % 10000}"
        url = server.create_database(empty=True)
        code, _out, err = bench.run_cli(url, "db", "upgrade")  # type: ignore[arg-type]
        if code != 0:
            results.notes.append(f"db upgrade failed: {first_line(err)}")
            return results, name
        print("== loading it into PostgreSQL (COPY)", file=sys.stderr)
        try:
            loaded = load(url, db)
        except Exception as exc:  # noqa: BLE001 - said in the table, not a traceback
            results.notes.append(f"Loading PostgreSQL failed: {type(exc).__name__}: {exc}")
            return results, name
        results.rows = loaded.incidents
        results.lines.append(
            Line(
                f"load {loaded.incidents:,} incidents (benchmark loader: COPY, indexes, "
                "VACUUM ANALYZE)",
                f"{loaded.seconds:,.1f} s",
            )
        )
        for case in CASES:
            print(f"== {case.title}", file=sys.stderr)
            try:
                measure_report(bench, case, url, db, results)
            except Exception as exc:  # noqa: BLE001 - one broken report must not hide the rest
                results.lines.append(Line(case.title, f"n/a: {type(exc).__name__}: {exc}"))
    finally:
        server.stop()
    return results, name
