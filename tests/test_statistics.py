"""Planner statistics exist after a large import and after a schema upgrade.

Without them SQLite guesses its plans, and for a day range of not-on-the-spot incidents
takes the open-incidents index (1.25 s instead of 12 ms on 1,000,000 incidents); see
docs/performance.md. These tests check that the statistics are there, not how fast.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from incidentlog.storage import schema, statistics
from incidentlog.storage.statistics import AFTER_ROWS
from tests.conftest import Sql
from tests.helpers import Cli
from tests.test_upgrade import INCIDENTS, first_release, run

HEADER = "customer,reason,resolved,store,agent,at\n"
# "Incidents not resolved on the spot but resolved since, in a period": the reports' shape.
TRAP = (
    "SELECT COUNT(*) FROM incident WHERE resolved_on_spot = 0 AND resolved_at IS NOT NULL "
    "AND day BETWEEN '2026-04-01' AND '2026-04-30'"
)


def incidents_csv(path: Path, rows: int) -> Path:
    start = dt.datetime(2025, 5, 1, 9, 0)
    lines = [HEADER]
    for n in range(rows):
        at = start + dt.timedelta(hours=7 * n)
        store, agent = ("North", "Jane") if n % 3 else ("South", "Bob")
        lines.append(
            f"Customer {n % 400},billing,{'yes' if n % 2 else 'no'},{store},{agent},{at}\n"
        )
    path.write_text("".join(lines), encoding="utf-8")
    return path


def analysed(sql: Sql, backend: str) -> bool:
    """Whether the planner has statistics on the incident table."""
    if backend == "postgres":
        found = sql.scalar("SELECT COUNT(*) FROM pg_stats WHERE tablename = 'incident'")
        return int(found) > 0
    if sql.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'") == 0:
        return False
    return int(sql.scalar("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'incident'")) > 0


@pytest.mark.backends
def test_a_large_import_leaves_statistics(cli: Cli, sql: Sql, backend: str, tmp_path: Path) -> None:
    assert not analysed(sql, backend)
    path = incidents_csv(tmp_path / "big.csv", AFTER_ROWS + 200)
    cli("import", str(path), "--new-store", "--new-agent")
    assert analysed(sql, backend)
    if backend == "postgres":
        # A manual ANALYZE, in the import's transaction, not the autovacuum's later one.
        assert sql.scalar(
            "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'incident'"
        )
    else:
        # The statistics count every row, so the planner reads the period by its day.
        stat = sql.scalar(
            "SELECT stat FROM sqlite_stat1 WHERE tbl = 'incident' AND idx = 'ix_incident_day'"
        )
        assert int(stat.split()[0]) == AFTER_ROWS + 200
        plan = " ".join(r["detail"] for r in sql.rows("EXPLAIN QUERY PLAN " + TRAP))
        assert "ix_incident_day" in plan and "ix_incident_open" not in plan, plan


@pytest.mark.backends
def test_a_small_import_does_not_pause_for_them(
    cli: Cli, sql: Sql, backend: str, tmp_path: Path
) -> None:
    path = incidents_csv(tmp_path / "small.csv", 50)
    cli("import", str(path), "--new-store", "--new-agent")
    assert not analysed(sql, backend)


def test_a_schema_upgrade_leaves_statistics(tmp_path: Path) -> None:
    old = first_release(tmp_path)
    done = run(old, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    raw = sqlite3.connect(old)
    try:
        stats = dict(raw.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'incident'"))
    finally:
        raw.close()
    # Every index of incident, the ones the upgrade made included, counted over every row.
    assert {"ix_incident_day", "ix_incident_customer_day", "ix_incident_open"} <= set(stats)
    assert int(stats["ix_incident_customer_day"].split()[0]) == INCIDENTS


def test_a_lock_held_past_the_timeout_does_not_fail_the_upgrade(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = first_release(tmp_path)
    monkeypatch.setenv("INCIDENTLOG_DB", str(old))

    def locked(conn: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(statistics, "refresh_statistics", locked)
    cli("db", "upgrade")
    raw = sqlite3.connect(old)
    try:
        version = raw.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        stats = raw.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        assert (version, stats.fetchone()[0]) == (schema.HEAD, 0)
    finally:
        raw.close()
