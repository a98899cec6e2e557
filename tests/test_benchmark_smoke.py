"""The benchmark still runs: a tiny database, every measurement once, nothing timed here."""

from __future__ import annotations

import os
import sqlite3
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


def _run_benchmark(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCIDENTLOG_")}
    return subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), *args, "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


def _table(out: str, first: str) -> dict[str, list[str]]:
    """The rows of the Markdown table whose header starts with `first`, by their first cell."""
    found: dict[str, list[str]] = {}
    lines = out.splitlines()
    for i, line in enumerate(lines[:-1]):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and cells[0] == first and lines[i + 1].startswith("|-"):
            for row in lines[i + 2 :]:
                if not row.startswith("| "):
                    break
                cells = [c.strip() for c in row.strip().strip("|").split("|")]
                found[cells[0]] = cells[1:]
            break
    return found


def test_sweep_holds_the_same_months_and_adds_older_history(tmp_path: Path) -> None:
    done = _run_benchmark(
        tmp_path, "--rows", "300,600", "--recent", "300", "--repeat", "1", "--no-write"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout.split("### How report time grows with the data", 1)[1]
    table = _table(out, "report")
    assert "600 / 300: query" in out and "goal ≤ 1.5×" in out
    for report in REPORTS:
        (cells,) = [v for k, v in table.items() if k.startswith(report)]
        # 300 rows, 600 rows, 600/300 query, 600/300 end to end, goal, met?
        assert "n/a" not in " ".join(cells[:4]), (report, cells)
        assert cells[2].endswith("×") and cells[3].endswith("×")
    assert "- 600: the same 300 recent incidents over 2024-12-" in out
    assert " – 2026-05-19, imported, plus 300 older ones from " in out

    # The bigger database holds the smaller one's incidents as they were imported, plus
    # 300 older ones before the first of them, all found by the search index.
    base, big = tmp_path / "base-300.db", tmp_path / "bench-600.db"
    with sqlite3.connect(base) as small, sqlite3.connect(big) as large:
        recent = small.execute("SELECT * FROM incident ORDER BY id").fetchall()
        top = max(row[0] for row in recent)
        assert large.execute("SELECT * FROM incident WHERE id <= ?", (top,)).fetchall() == recent
        first = small.execute("SELECT MIN(day) FROM incident").fetchone()[0]
        older = large.execute(
            "SELECT COUNT(*), MAX(day) FROM incident WHERE id > ?", (top,)
        ).fetchone()
        assert older[0] == 300 and older[1] < first
        assert large.execute("SELECT COUNT(*) FROM incident_fts").fetchone() == (600,)
        word = large.execute("SELECT description FROM incident LIMIT 1").fetchone()[0].split()[0]
        hits = large.execute(
            "SELECT COUNT(*) FROM incident_fts WHERE incident_fts MATCH ?", (f'"{word}"',)
        ).fetchone()[0]
        like = large.execute(
            "SELECT COUNT(*) FROM incident WHERE description LIKE ?", (f"%{word}%",)
        ).fetchone()[0]
        assert hits >= 2 and hits <= like
        # Statistics as the end of a large import leaves them: they count all 600.
        stat = large.execute(
            "SELECT stat FROM sqlite_stat1 WHERE tbl = 'incident' AND idx = 'ix_incident_day'"
        ).fetchone()
        assert stat is not None and stat[0].split()[0] == "600"
        indexes = {
            row[0] for row in large.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        assert indexes == {
            row[0] for row in small.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }


def test_reports_on_postgresql(tmp_path: Path) -> None:
    done = _run_benchmark(
        tmp_path, "--backend", "postgresql", "--rows", "300", "--repeat", "1", "--no-write"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "No PostgreSQL server" not in done.stdout, done.stdout[-2000:]
    measured = _table(done.stdout, "measurement")
    assert measured["load 300 incidents (benchmark loader: COPY, indexes, VACUUM ANALYZE)"]
    for report in REPORTS:
        mine = {k: v for k, v in measured.items() if k.startswith(report)}
        assert len(mine) == 3, f"{report}: {sorted(mine)}"  # query, end to end, peak RSS
        for title, cells in mine.items():
            assert not cells[0].startswith("n/a") and not cells[1].startswith("n/a"), title
    # The hand-written PostgreSQL SQL and incidentlog answered the same question.
    assert "answered" not in done.stdout, done.stdout[-3000:]


def test_sweep_sizes_and_options() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    args = run.parse_args(["--rows", "sweep"])
    assert args.sizes == [100_000, 1_000_000, 10_000_000] and args.recent == 1_000_000
    assert run.parse_args(["--backend", "postgresql"]).backend == "postgresql"
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
    # The test suite runs a PostgreSQL server: the benchmark must be able to start one too.
    assert "n/a (no PostgreSQL server" not in done.stdout, done.stdout[-2000:]
    lines = [line for line in done.stdout.splitlines() if line.startswith("| 2 tills")]
    measured = {line.split("|")[1].strip(): line.split("|")[2].strip() for line in lines}
    latency = measured["2 tills adding for 2 s: `add` latency p50 / p99"]
    assert latency.endswith(" ms") and "n/a" not in latency
    assert measured["2 tills adding for 2 s: refusals"] == "0"
