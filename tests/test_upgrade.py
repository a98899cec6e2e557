"""Schema upgrades of a real first-release file: atomic, serialised, with a checked copy.

`tests/fixtures/first-release-0001.db.gz` is a database at schema 0001 (the first release)
holding 4,000 incidents; `tests/fixtures/make_first_release.py` rebuilds it. Every test
works on a copy in tmp_path and drives the real `incidentlog` command in subprocesses, so
a SIGKILL is what a power cut or an OOM kill does: no handler, no clean-up.
"""

from __future__ import annotations

import gzip
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from incidentlog.storage import schema

FIXTURE = Path(__file__).parent / "fixtures" / "first-release-0001.db.gz"
INCIDENTS = 4000
# An index the first upgrade step (0002) creates: it must never exist beside version 0001.
INDEX_0002 = "ix_incident_month_store"


def first_release(folder: Path, name: str = "old.db") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with gzip.open(FIXTURE, "rb") as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return path


def command(path: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "INCIDENTLOG_DB": str(path)}
    return subprocess.Popen(
        [sys.executable, "-m", "incidentlog", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def run(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INCIDENTLOG_DB": str(path)}
    return subprocess.run(
        [sys.executable, "-m", "incidentlog", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def state(path: Path) -> tuple[str, bool]:
    """(schema version, whether a 0002 index exists), as another connection sees them."""
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        version = raw.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        indexed = raw.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = ?", (INDEX_0002,)
        ).fetchone()[0]
        return str(version), bool(indexed)
    finally:
        raw.close()


def assert_consistent(path: Path) -> str:
    version, indexed = state(path)
    assert (version, indexed) in {("0001", False), (schema.HEAD, True)}, (version, indexed)
    return version


def assert_good_copy(copy: Path) -> None:
    raw = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        assert raw.execute("SELECT COUNT(*) FROM incident").fetchone()[0] == INCIDENTS
    finally:
        raw.close()


def upgrade_started(folder: Path, before: set[str]) -> bool:
    # The pre-upgrade copy (or its temporary file) is the first new file an upgrade writes.
    return any(".bak" in name for name in set(os.listdir(folder)) - before)


# Seconds after the upgrade's first file appears: from the copy itself to well past the end.
KILL_DELAYS = [0.0, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.14, 0.2, 0.3, 0.5]


@pytest.mark.parametrize("delay", KILL_DELAYS)
def test_a_killed_upgrade_leaves_a_usable_file_with_every_row(tmp_path: Path, delay: float) -> None:
    path = first_release(tmp_path)
    before = set(os.listdir(tmp_path))
    proc = command(path, "db", "upgrade")
    deadline = time.monotonic() + 60
    while not upgrade_started(tmp_path, before) and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.0005)
    time.sleep(delay)
    # What any other till reads while the upgrade runs: the old version or the new, whole.
    assert_consistent(path)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)

    assert_consistent(path)
    for leftover in tmp_path.iterdir():
        if leftover.name.endswith(".bak"):
            assert_good_copy(leftover)  # under its final name a copy is never torn
    info = run(path, "db", "info", "--format", "json")
    assert info.returncode == 0, info.stderr
    assert '"incidents": 4000' in info.stdout
    assert state(path) == (schema.HEAD, True)
    listed = run(path, "list", "--period", "2025-03", "--format", "csv")
    assert listed.returncode == 0, listed.stderr
    assert "first-release incident" in listed.stdout
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    raw.close()
    assert_good_copy(tmp_path / f"old.db.before-{schema.HEAD}.bak")


def test_sixteen_tills_opening_an_old_file_at_once_all_succeed(tmp_path: Path) -> None:
    path = first_release(tmp_path)
    procs = [command(path, "list", "--period", "2025-03", "--format", "csv") for _ in range(16)]
    results = [(p.wait(timeout=120), p.stderr.read().decode() if p.stderr else "") for p in procs]
    for p in procs:
        if p.stdout:
            p.stdout.close()
        if p.stderr:
            p.stderr.close()
    assert [code for code, _err in results] == [0] * 16, results
    assert state(path) == (schema.HEAD, True)
    assert_good_copy(tmp_path / f"old.db.before-{schema.HEAD}.bak")
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT COUNT(*) FROM incident").fetchone()[0] == INCIDENTS
    raw.close()


def test_a_torn_pre_upgrade_copy_is_remade(tmp_path: Path) -> None:
    path = first_release(tmp_path)
    copy = tmp_path / f"old.db.before-{schema.HEAD}.bak"
    copy.write_bytes(path.read_bytes()[:50_000])  # what a kill in mid-copy used to leave
    result = run(path, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert_good_copy(copy)


def test_a_pre_upgrade_copy_at_the_wrong_version_is_remade(tmp_path: Path) -> None:
    path = first_release(tmp_path)
    copy = tmp_path / f"old.db.before-{schema.HEAD}.bak"
    stale = first_release(tmp_path / "stale")
    assert run(stale, "db", "upgrade").returncode == 0
    shutil.copy(stale, copy)
    result = run(path, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert_good_copy(copy)


def test_the_upgrade_holds_the_write_lock_until_it_commits(tmp_path: Path) -> None:
    """Another till trying to write while the upgrade runs waits, then finds HEAD."""
    path = first_release(tmp_path)
    before = set(os.listdir(tmp_path))
    proc = command(path, "db", "upgrade")
    while not upgrade_started(tmp_path, before) and proc.poll() is None:
        time.sleep(0.0005)
    raw = sqlite3.connect(path, timeout=60, isolation_level=None)
    raw.execute("BEGIN IMMEDIATE")  # waits for the upgrade's lock
    version = raw.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    raw.execute("ROLLBACK")
    raw.close()
    assert proc.wait(timeout=60) == 0
    assert version == schema.HEAD
