"""Many tills at once: 8 processes × 250 `add`s into one database, with backups meanwhile.

Each worker is a separate Python process that runs the real `incidentlog add` command 250
times in a row (the CLI's command object, each call opening its own connection as a till would),
all starting together. They share the store, the agent, three reasons and 125 customers
that they meet in the same order, so they race to create the same new customer as well as
to insert incidents.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from incidentlog.storage.database import Database
from tests import pg
from tests.helpers import Cli

WORKERS = 8
ADDS = 250
CUSTOMERS = 125

WORKER = r"""
import sys, time
from pathlib import Path
from typer.main import get_command
from incidentlog.cli.main import app

# What `incidentlog ARGS` runs, built once per process as the installed script does.
command = get_command(app)

worker, adds, customers = (int(a) for a in sys.argv[1:4])
sync = Path(sys.argv[4])
# Warm up (imports, first connection) so that the first adds really coincide.
assert command.main(["list", "--format", "json"], standalone_mode=False) == 0
(sync / f"ready-{worker}").touch()
while not (sync / "go").exists():  # every worker starts at the same moment
    time.sleep(0.005)
failed = 0
for i in range(adds):
    code = command.main(
        [
            # every worker meets the same new customer at about the same time
            "add", f"Customer {i * customers // adds:03d}",
            "--reason", ("billing", "late delivery", "rude staff")[(i + worker) % 3],
            "--resolved" if i % 2 else "--unresolved",
            "--store", "North", "--agent", "Jane",
            "--at", "2026-05-01 10:00",
            "--description", f"w{worker}-{i}",
            "--quiet",
        ],
        standalone_mode=False,
    )
    failed += code != 0
print(f"failed {failed}", flush=True)
sys.exit(1 if failed else 0)
"""


class Workers:
    """The worker processes; their output goes to files so that no pipe can fill up."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.dir.mkdir()
        self.procs = []
        for w in range(WORKERS):
            with (self.dir / f"out-{w}").open("w") as out, (self.dir / f"err-{w}").open("w") as err:
                self.procs.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-c",
                            WORKER,
                            str(w),
                            str(ADDS),
                            str(CUSTOMERS),
                            str(self.dir),
                        ],
                        stdout=out,
                        stderr=err,
                        text=True,
                    )
                )
        deadline = time.monotonic() + 120
        while not all((self.dir / f"ready-{w}").exists() for w in range(WORKERS)):
            assert all(p.poll() is None for p in self.procs), self.output(0)
            assert time.monotonic() < deadline, "workers did not start"
            time.sleep(0.01)
        (self.dir / "go").touch()

    def running(self) -> bool:
        return any(p.poll() is None for p in self.procs)

    def output(self, w: int) -> tuple[str, str]:
        return (self.dir / f"out-{w}").read_text(), (self.dir / f"err-{w}").read_text()

    def finish(self) -> None:
        for w, proc in enumerate(self.procs):
            proc.wait(timeout=300)
            out, err = self.output(w)
            errors = [line for line in err.splitlines() if not line.startswith("Note:")]
            assert errors == [], f"worker {w}: {len(errors)} error lines, e.g. {errors[:3]}"
            assert proc.returncode == 0, out[-500:]
            assert "failed 0" in out
            assert len([line for line in out.splitlines() if line.isdigit()]) == ADDS


def check_complete(rows: dict[str, Any]) -> None:
    """Exactly the 2,000 incidents, each once, and no name created twice by a race."""
    assert rows["incidents"] == WORKERS * ADDS
    assert rows["distinct_descriptions"] == WORKERS * ADDS
    assert (rows["stores"], rows["agents"], rows["reasons"]) == (1, 1, 3)
    assert rows["customers"] == CUSTOMERS
    assert rows["open"] == WORKERS * ADDS // 2


SUMMARY = """
SELECT (SELECT COUNT(*) FROM incident) AS incidents,
       (SELECT COUNT(DISTINCT description) FROM incident) AS distinct_descriptions,
       (SELECT COUNT(*) FROM store) AS stores,
       (SELECT COUNT(*) FROM agent) AS agents,
       (SELECT COUNT(*) FROM reason) AS reasons,
       (SELECT COUNT(*) FROM customer) AS customers,
       (SELECT COUNT(*) FROM incident WHERE resolved_at IS NULL AND resolved_on_spot = :no) AS open
"""


def summary(db: Database) -> dict[str, Any]:
    with db.connect() as conn:
        found = conn.row(SUMMARY, {"no": False})
    db.dispose()
    assert found is not None
    return {k: int(v) for k, v in found.items()}


def check_backup(path: Path) -> int:
    """A backup opens, passes the integrity checks and holds whole changes only: for
    every worker, its first k incidents and none of its later ones."""
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        seen: dict[int, set[int]] = {w: set() for w in range(WORKERS)}
        for (text,) in raw.execute("SELECT description FROM incident"):
            worker, index = text[1:].split("-")
            seen[int(worker)].add(int(index))
        for indexes in seen.values():
            assert indexes == set(range(len(indexes)))
        return sum(len(v) for v in seen.values())
    finally:
        raw.close()


@pytest.mark.slow
def test_eight_tills_into_one_sqlite_file_with_backups(
    cli: Cli, isolated: Path, tmp_path: Path
) -> None:
    cli("db", "info")  # the schema exists before the race, as on a till in use
    started = time.monotonic()
    workers = Workers(tmp_path / "workers")
    backups: list[Path] = []
    while workers.running():
        target = tmp_path / f"backup-{len(backups)}.db"
        cli("db", "backup", str(target))
        backups.append(target)
        time.sleep(0.25)
    workers.finish()
    elapsed = time.monotonic() - started
    check_complete(summary(Database(f"sqlite:///{isolated}")))
    sizes = [check_backup(path) for path in backups]
    assert sizes == sorted(sizes)  # each copy is a later state than the one before
    assert any(0 < n < WORKERS * ADDS for n in sizes), sizes  # some taken mid-write
    print(f"sqlite: {WORKERS}x{ADDS} adds in {elapsed:.1f}s, {len(backups)} backups: {sizes}")


@pytest.mark.slow
@pytest.mark.postgres
def test_eight_tills_into_one_postgres_database(
    postgres_server: pg.PostgresServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = postgres_server.create_database()
    monkeypatch.setenv("INCIDENTLOG_DB", url)
    try:
        started = time.monotonic()
        Workers(tmp_path / "workers").finish()
        elapsed = time.monotonic() - started
        check_complete(summary(Database(url)))
        print(f"postgres: {WORKERS}x{ADDS} adds in {elapsed:.1f}s")
    finally:
        postgres_server.drop_database(url)
