"""Read-only media, private folders, and a PostgreSQL server that goes away mid-command."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import pg
from tests.helpers import Cli


def incidentlog(
    *args: str, env: dict[str, str], umask: int = -1
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incidentlog", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        umask=umask,
    )


@pytest.fixture
def shelf(tmp_path: Path) -> Iterator[Path]:
    """A folder whose files can be read but not written, nor new files made in it.

    As a user that is chmod; root ignores modes, so under root the folder and its files are
    made immutable (chattr +i), which stops root too, as read-only media would.
    """
    folder = tmp_path / "shelf"
    folder.mkdir()
    try:
        yield folder
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-R", "-i", str(folder)], check=False)
        folder.chmod(0o755)


def read_only_env(shelf: Path, db: Path) -> dict[str, str]:
    """Make `db` and its folder unwritable; the environment that points at it."""
    env = {
        **os.environ,
        "INCIDENTLOG_DB": str(db),
        "INCIDENTLOG_CONFIG": str(shelf.parent / "no-config.toml"),
    }
    if os.geteuid() != 0:
        db.chmod(0o444)
        shelf.chmod(0o555)
        return env
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr to make a file unwritable")
    made = subprocess.run(["chattr", "+i", str(db), str(shelf)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"chattr +i is not supported here: {made.stderr.decode().strip()}")
    return env


def make_wal_database(cli: Cli, path: Path) -> None:
    cli("--db", str(path), "add", "Ann Lee", "--reason", "billing", "--resolved",
        "--store", "North", "--agent", "Jane")  # fmt: skip
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw.close()  # the last connection's close checkpoints and removes -wal and -shm
    assert not Path(str(path) + "-shm").exists()


@pytest.mark.parametrize("command", [["list", "--format", "csv"], ["db", "info"], ["summary"]])
def test_a_database_in_a_folder_nobody_can_write_is_read(
    cli: Cli, shelf: Path, command: list[str]
) -> None:
    db = shelf / "incidents.db"
    make_wal_database(cli, db)
    env = read_only_env(shelf, db)
    result = incidentlog(*command, env=env)
    assert result.returncode == 0, result.stderr
    if command[0] == "list":
        assert "Ann Lee" in result.stdout
    assert sorted(p.name for p in shelf.iterdir()) == ["incidents.db"]  # nothing written


def test_writing_to_a_read_only_database_is_one_clear_line(cli: Cli, shelf: Path) -> None:
    db = shelf / "incidents.db"
    make_wal_database(cli, db)
    env = read_only_env(shelf, db)
    result = incidentlog(
        "add", "Bob", "--reason", "billing", "--resolved", "--store", "North", "--agent", "Jane",
        env=env,
    )  # fmt: skip
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "readonly" in result.stderr or "read-only" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_read_only_database_behind_the_schema_says_what_to_do(shelf: Path) -> None:
    import gzip

    db = shelf / "old.db"
    fixture = Path(__file__).parent / "fixtures" / "first-release-0001.db.gz"
    with gzip.open(fixture, "rb") as src, db.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    env = read_only_env(shelf, db)
    result = incidentlog("list", env=env)
    assert result.returncode == 1
    assert "is read-only" in result.stderr and "needs an upgrade" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.no_database
def test_folders_are_created_for_the_owner_only_under_umask_0(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "xdg" / "data"),
        "INCIDENTLOG_CONFIG": str(tmp_path / "conf" / "deep" / "config.toml"),
    }
    env.pop("INCIDENTLOG_DB")
    assert incidentlog("config", "set", "store", "North", env=env, umask=0).returncode == 0
    add = ["add", "Ann", "--reason", "x", "--resolved", "--store", "N", "--agent", "J"]
    assert incidentlog(*add, env=env, umask=0).returncode == 0
    named = tmp_path / "named" / "sub" / "x.db"
    assert incidentlog("--db", str(named), *add, env=env, umask=0).returncode == 0
    for folder in (
        tmp_path / "xdg",
        tmp_path / "xdg" / "data",
        tmp_path / "xdg" / "data" / "incidentlog",
        tmp_path / "conf",
        tmp_path / "conf" / "deep",
        tmp_path / "named",
        tmp_path / "named" / "sub",
    ):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE(named.stat().st_mode) == 0o600


@pytest.mark.postgres
def test_postgresql_stopping_mid_command_is_one_line(tmp_path: Path) -> None:
    try:
        server = pg.start_server()
    except pg.PostgresUnavailable as exc:
        if pg.required():
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    try:
        url = server.create_database()
        csv = tmp_path / "big.csv"
        with csv.open("w") as fh:
            fh.write("customer,reason,resolved,store,agent,at,description\n")
            for i in range(60_000):
                fh.write(
                    f"Customer {i % 3000},reason {i % 7},yes,Store {i % 5},Agent {i % 9},"
                    f"2025-{1 + i % 12:02d}-{1 + i % 28:02d} 10:{i % 60:02d},row {i}\n"
                )
        env = {**os.environ, "INCIDENTLOG_DB": url}
        proc = subprocess.Popen(
            [sys.executable, "-m", "incidentlog", "import", str(csv), "--new-store", "--new-agent"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while not server.admin(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'active' "
            "AND query ILIKE '%INSERT%'"
        ):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(0.5)
        server.halt()
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 1, err
        assert len(err.strip().splitlines()) == 1, err
        assert "error ignored" not in err and "Traceback" not in err
        assert err.startswith("Error: ")
    finally:
        server.stop()
