"""A till killed (SIGKILL) in the middle of a 100,000-row import leaves none or all of it.

The import runs as a real `incidentlog import` process. The test waits until that process
holds the database's write lock (its one write transaction has begun), lets it run on for
a while, then kills it with SIGKILL: no handler, no clean-up, as when the power goes. The
database must then pass its integrity checks and hold exactly what it held before, or
exactly everything the file brings; and it must take the import again afterwards.
"""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import pg
from tests.helpers import Cli

ROWS = 100_000
STORES = [f"Store {c}" for c in "ABCDEFGH"]
AGENTS = ["Jane", "Bob", "Carla", "Dmitri", "Eve", "Farid", "Gwen", "Hiro", "Ines", "Jon"]
REASONS = ["billing", "late delivery", "rude staff", "wrong item", "refund"]
TABLES = ("incident", "customer", "store", "agent", "reason", "journal")


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "incidents-100k.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["customer", "reason", "resolved", "store", "agent", "at", "description"])
        for i in range(ROWS):
            out.writerow(
                [
                    f"Customer {i % 5000}",
                    REASONS[i % 5],
                    "yes" if i % 3 else "no",
                    STORES[i % 8],
                    AGENTS[i % 10],
                    f"2025-{1 + i % 12:02d}-{1 + i % 28:02d} {8 + i % 10:02d}:{i % 60:02d}",
                    f"imported row {i}",
                ]
            )
    return path


def start_import(csv_path: Path, db: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "INCIDENTLOG_DB": db}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "incidentlog",
            "import",
            str(csv_path),
            "--new-store",
            "--new-agent",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(condition: object, proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 120
    while not condition():  # type: ignore[operator]
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            pytest.fail(f"the import ended (exit {proc.returncode}) before {what}: {err}")
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.002)


def kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)


# -- SQLite ----------------------------------------------------------------------------------


def sqlite_write_lock_held(path: Path) -> bool:
    """True while another connection has a write transaction open on the file."""
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc) or "busy" in str(exc), exc
        return True
    finally:
        probe.close()


def sqlite_counts(path: Path) -> dict[str, int]:
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        return {t: raw.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        raw.close()


def copy_sqlite(source: Path, target: Path) -> Path:
    src = sqlite3.connect(source)
    dest = sqlite3.connect(target)
    try:
        src.backup(dest)
    finally:
        dest.close()
        src.close()
    return target


@pytest.mark.slow
def test_sigkill_during_import_leaves_none_or_all_sqlite(
    cli: Cli, isolated: Path, tmp_path: Path, big_csv: Path
) -> None:
    cli.add("Ann Lee", store="Store A", agent="Jane", new_store=True, new_agent=True)
    cli.add("Bob Stone", reason="refund", store="Store A", agent="Jane", resolved=False)
    base = tmp_path / "base.db"
    copy_sqlite(isolated, base)
    before = sqlite_counts(base)
    assert before["incident"] == 2

    # An import left alone: how long its write transaction lasts, and what "all" looks like.
    complete = copy_sqlite(base, tmp_path / "complete.db")
    proc = start_import(big_csv, str(complete))
    wait_for(lambda: sqlite_write_lock_held(complete), proc, "it began writing")
    began = time.monotonic()
    assert proc.wait(timeout=300) == 0, proc.stderr.read() if proc.stderr else ""
    writing = time.monotonic() - began
    after = sqlite_counts(complete)
    assert after["incident"] == before["incident"] + ROWS
    assert after["customer"] == 5000 + 2 and after["store"] == 8 and after["agent"] == 10

    outcomes = []
    for share in (0.05, 0.6):
        target = copy_sqlite(base, tmp_path / f"killed-{share}.db")
        proc = start_import(big_csv, str(target))
        wait_for(lambda t=target: sqlite_write_lock_held(t), proc, "it began writing")
        time.sleep(share * writing)
        kill(proc)
        found = sqlite_counts(target)
        assert found in (before, after), (share, found)
        outcomes.append("all" if found == after else "none")
        if share == 0.05:
            # The killed file takes new records and the same import again.
            cli(
                "--db",
                str(target),
                "add",
                "Cy Rowe",
                "--reason",
                "billing",
                "--resolved",
                "--store",
                "Store A",
                "--agent",
                "Jane",
            )
            cli("--db", str(target), "import", str(big_csv), "--new-store", "--new-agent")
            again = sqlite_counts(target)
            assert again["incident"] == before["incident"] + 1 + ROWS
    # Killed while its transaction was open, the import left nothing behind.
    assert outcomes[0] == "none", outcomes
    print(f"sqlite: write transaction {writing:.2f}s; killed at 5%, 60%: {outcomes}")


# -- PostgreSQL ------------------------------------------------------------------------------


def pg_import_locks(server: pg.PostgresServer, dbname: str) -> int:
    """Table locks an import's write transaction holds in the database."""
    return int(
        str(
            server.admin(
                "SELECT COUNT(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                f"WHERE d.datname = '{dbname}' AND l.mode = 'ShareRowExclusiveLock' AND l.granted"
            )
        )
    )


def pg_counts(url: str) -> dict[str, int]:
    from incidentlog.storage.database import Database

    db = Database(url)
    try:
        with db.connect() as conn:
            return {t: int(conn.scalar(f"SELECT COUNT(*) FROM {t}")) for t in TABLES}
    finally:
        db.dispose()


@pytest.mark.slow
@pytest.mark.postgres
def test_sigkill_during_import_leaves_none_or_all_postgres(
    cli: Cli,
    postgres_server: pg.PostgresServer,
    monkeypatch: pytest.MonkeyPatch,
    big_csv: Path,
) -> None:
    url = postgres_server.create_database()
    dbname = url.rsplit("/", 1)[1]
    monkeypatch.setenv("INCIDENTLOG_DB", url)
    try:
        cli.add("Ann Lee", store="Store A", agent="Jane", new_store=True, new_agent=True)
        before = pg_counts(url)
        proc = start_import(big_csv, url)
        wait_for(lambda: pg_import_locks(postgres_server, dbname) > 0, proc, "it began writing")
        time.sleep(0.2)
        kill(proc)
        # The server notices the dead client and rolls its transaction back.
        deadline = time.monotonic() + 60
        while pg_import_locks(postgres_server, dbname) > 0:
            assert time.monotonic() < deadline, "the killed import's transaction never ended"
            time.sleep(0.05)
        found = pg_counts(url)
        assert found == before or found["incident"] == before["incident"] + ROWS, found
        cli("import", str(big_csv), "--new-store", "--new-agent")
        assert pg_counts(url)["incident"] == found["incident"] + ROWS
    finally:
        postgres_server.drop_database(url)
