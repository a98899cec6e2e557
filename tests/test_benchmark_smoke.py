"""The benchmark still runs: a tiny database, every measurement once, nothing timed here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REPORTS = (
    "report store --compare last-month",
    "report agents --compare 3-months-ago",
    "report reasons",
    "repeat-customers",
    "summary",
    "report training",
    "report resolution",
)


def test_benchmark_runs_and_prints_its_table(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCIDENTLOG_")}
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--rows",
            "2000",
            "--repeat",
            "1",
            "--no-write",
            "--workdir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "| measurement" in out and "| incidentlog" in out
    lines = [line for line in out.splitlines() if line.startswith("| ")]
    measured = {line.split("|")[1].strip(): line.split("|")[2].strip() for line in lines[1:]}
    for title in ("incidentlog --help", "import 2,000 incidents (rows/s, best / typical)"):
        assert title in measured
    for report in REPORTS:
        mine = {k: v for k, v in measured.items() if k.startswith(report)}
        assert len(mine) == 3, f"{report}: {sorted(mine)}"  # query, end to end, peak RSS
    # Every command ran: a missing or broken one shows as "n/a" in incidentlog's column.
    broken = {k: v for k, v in measured.items() if v.startswith("n/a")}
    assert not broken, broken
    # The floor's hand-written SQL and incidentlog answered the same question.
    assert "the floor SQL answered" not in out
    assert "incidentlog's report function answered" not in out


def test_sweep_sizes_and_options() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    assert run.parse_args(["--rows", "sweep"]).sizes == [100_000, 1_000_000, 10_000_000]
    args = run.parse_args(["--concurrency", "4", "--seconds", "2"])
    assert (args.concurrency, args.seconds) == (4, 2.0)


def test_concurrency_run_on_postgresql(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCIDENTLOG_")}
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--concurrency",
            "2",
            "--seconds",
            "2",
            "--no-write",
            "--workdir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    if "n/a (no PostgreSQL server" in done.stdout:
        pytest.skip("no PostgreSQL server for the concurrency run")
    lines = [line for line in done.stdout.splitlines() if line.startswith("| 2 tills")]
    measured = {line.split("|")[1].strip(): line.split("|")[2].strip() for line in lines}
    latency = measured["2 tills adding for 2 s: `add` latency p50 / p99"]
    assert latency.endswith(" ms") and "n/a" not in latency
    assert measured["2 tills adding for 2 s: refusals"] == "0"
