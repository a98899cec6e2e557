"""The benchmark still runs: a tiny database, every measurement once, nothing timed here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = (
    "report store --compare last-month",
    "report agents --compare 3-months-ago",
    "report reasons",
    "repeat-customers",
    "summary",
    "report training",
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
