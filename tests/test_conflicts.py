"""Two tills changing one incident at once: exactly one wins, the other is refused with exit 1
("changed since you read it") and nothing of it is written — on SQLite and PostgreSQL alike.

The workers are separate processes running the real `incidentlog` command object; before
each incident they wait for each other, so both commands start within a millisecond or two
and their transactions overlap (on PostgreSQL both read the incident before either writes).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer

from incidentlog.records.recording import edit_incident
from incidentlog.storage.database import Database
from tests.conftest import Sql
from tests.helpers import Cli

pytestmark = pytest.mark.backends

PAIRS = 12

WORKER = r"""
import sys, time
from pathlib import Path
from typer.main import get_command
from incidentlog.cli.main import app

command = get_command(app)
worker, other, sync = sys.argv[1], sys.argv[2], Path(sys.argv[3])
steps = [s.split(":") for s in sys.argv[4:]]  # "resolve:7" or "reopen:7"
assert command.main(["list", "--format", "json"], standalone_mode=False) == 0  # warm up
for n, (verb, incident) in enumerate(steps):
    (sync / f"{worker}-{n}").touch()
    deadline = time.monotonic() + 60
    while not (sync / f"{other}-{n}").exists():
        assert time.monotonic() < deadline, "the other worker did not come"
        time.sleep(0.0005)
    args = [verb, incident]
    if verb == "resolve":
        args += ["--resolution", f"resolved by {worker}"]
    else:
        args += ["--note", f"reopened by {worker}"]
    code = command.main(args, standalone_mode=False)
    print(f"{verb} {incident} {code}", flush=True)
    print(f"-- {verb} {incident}", file=sys.stderr, flush=True)
"""


def _race(tmp_path: Path, steps: list[str]) -> tuple[dict[str, list[int]], list[str]]:
    """Runs two workers through `steps`; returns the exit codes per step and the error lines."""
    sync = tmp_path / "sync"
    sync.mkdir(exist_ok=True)
    for f in sync.iterdir():
        f.unlink()
    procs = []
    for me, other in (("a", "b"), ("b", "a")):
        with (tmp_path / f"out-{me}").open("w") as out, (tmp_path / f"err-{me}").open("w") as err:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-c", WORKER, me, other, str(sync), *steps],
                    stdout=out,
                    stderr=err,
                    text=True,
                )
            )
    for proc in procs:
        proc.wait(timeout=300)
    codes: dict[str, list[int]] = {}
    errors: list[str] = []
    for me in ("a", "b"):
        printed = (tmp_path / f"out-{me}").read_text()
        for verb, incident, code in re.findall(r"^(resolve|reopen) (\d+) (\d+)$", printed, re.M):
            codes.setdefault(f"{verb}:{incident}", []).append(int(code))
        written = (tmp_path / f"err-{me}").read_text()
        assert "Traceback" not in written, written
        errors += [line for line in written.splitlines() if not line.startswith("--")]
    assert all(p.returncode == 0 for p in procs)
    return codes, errors


def test_simultaneous_resolves_and_reopens_have_exactly_one_winner(
    cli: Cli, sql: Sql, tmp_path: Path
) -> None:
    ids = [cli.add(f"Customer {n}", resolved=False, at="2026-05-18 10:00") for n in range(PAIRS)]
    started = time.monotonic()
    codes, errors = _race(tmp_path, [f"resolve:{i}" for i in ids])
    assert sorted(codes) == sorted(f"resolve:{i}" for i in ids)
    assert all(sorted(pair) == [0, 1] for pair in codes.values()), codes
    assert len(errors) == PAIRS
    assert all("changed since you read it" in line for line in errors), errors
    # the loser wrote nothing: one resolution, one history event, one journal entry each
    rows = sql.rows("SELECT id, later_resolution FROM incident ORDER BY id")
    assert all(r["later_resolution"] in ("resolved by a", "resolved by b") for r in rows)
    assert sql.scalar("SELECT COUNT(*) FROM incident_event WHERE kind = 'resolve'") == PAIRS
    assert sql.scalar("SELECT COUNT(*) FROM journal WHERE command = 'resolve'") == PAIRS
    assert sql.scalar("SELECT COUNT(*) FROM incident WHERE version = 1") == PAIRS

    codes, errors = _race(tmp_path, [f"reopen:{i}" for i in ids])
    assert all(sorted(pair) == [0, 1] for pair in codes.values()), codes
    assert len(errors) == PAIRS
    assert sql.scalar("SELECT COUNT(*) FROM incident_event WHERE kind = 'reopen'") == PAIRS
    assert sql.scalar("SELECT COUNT(*) FROM incident WHERE resolved_at IS NULL") == PAIRS
    print(f"{PAIRS} resolve and {PAIRS} reopen pairs in {time.monotonic() - started:.1f}s")


def test_delete_refuses_an_incident_changed_while_confirming(
    cli: Cli, sql: Sql, monkeypatch: pytest.MonkeyPatch
) -> None:
    incident_id = cli.add("Ann", description="as first written")
    monkeypatch.setattr("incidentlog.cli.incidents.is_interactive", lambda: True)

    def another_till_edits_then_yes(*_args: object, **_kwargs: object) -> bool:
        db = Database.from_option(None)
        with db.connect() as conn:
            edit_incident(conn, incident_id, {"description": "corrected by another till"})
        db.dispose()
        return True

    monkeypatch.setattr(typer, "confirm", another_till_edits_then_yes)
    result = cli.fails("delete", str(incident_id), code=1)
    assert "changed since you read it" in result.stderr
    assert sql.scalar("SELECT description FROM incident") == "corrected by another till"
    assert sql.scalar("SELECT COUNT(*) FROM journal WHERE command = 'delete'") == 0
    # confirmed on what is there now, it goes
    monkeypatch.setattr(typer, "confirm", lambda *_a, **_k: True)
    cli("delete", str(incident_id))
    assert sql.scalar("SELECT COUNT(*) FROM incident") == 0
