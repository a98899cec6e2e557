#!/usr/bin/env python3
"""How fast incidentlog is, measured against the physical floor in the same run.

    python benchmarks/run.py                       # 1,000,000 incidents, writes docs/performance.md
    python benchmarks/run.py --rows 100000,1000000,3000000   # how report time grows with the data
    python benchmarks/run.py --rows 2000 --repeat 1 --no-write   # a quick check that it still runs

It builds a database of N incidents from the demo generator through the real
`incidentlog import`, then times whole processes (start-up, `add`, import, every report),
the report queries in-process, and beside each the floor (plain Python + sqlite3 doing the
same work by hand) and the peer (pandas on the exported CSV, when installed: the `bench`
extra). See docs/performance.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import measure  # noqa: E402
from cases import CASES, Case, digest_of_document, params_from  # noqa: E402
from measure import Sample, probe, repeat, run_once  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PROBE = str(Path(__file__).resolve().parent / "probe.py")
DOC = ROOT / "docs" / "performance.md"
TODAY = "2026-05-20"
SEED = 2026  # the demo's own

# The targets (docs/performance.md explains each).
HELP_RATIO = 10.0
ADD_RATIO = 12.0
QUERY_RATIO = 1.5
REPORT_MS = 1000.0
IMPORT_RATIO = 8.0  # import at least 1/8 of the bare executemany rate
REPORT_RSS_MB = 150.0
IMPORT_RSS_GROWTH = 1.25  # peak RSS importing N rows vs N/10 rows: flat
GROWTH_EXPONENT = 1.1  # time ∝ rows^k; k ≤ 1 is linear, the 0.1 absorbs noise


# --------------------------------------------------------------------------- table


@dataclass
class Line:
    measurement: str
    ours: str
    floor: str = "—"
    ratio: str = "—"
    peer: str = "—"
    goal: str = "—"
    met: bool | None = None
    note: str = ""

    @property
    def met_text(self) -> str:
        return "—" if self.met is None else "yes" if self.met else "**no**"


@dataclass
class Results:
    rows: int
    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    growth: dict[str, dict[str, float]] = field(default_factory=dict)  # case -> {query, e2e}
    import_rate: float | None = None
    import_rss: float | None = None


def ms(sample: Sample) -> str:
    if not sample.ok:
        return f"n/a ({sample.error})" if sample.error else "n/a"
    return f"{sample.min:,.0f} / {sample.median:,.0f} ms"


def mb(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:,.0f} MB"


def rate(rows: int, sample: Sample) -> str:
    if not sample.ok:
        return f"n/a ({sample.error})" if sample.error else "n/a"
    best, typical = rows / (sample.min / 1000), rows / (sample.median / 1000)
    return f"{best / 1000:,.0f}k / {typical / 1000:,.0f}k rows/s"


def ratio(ours: Sample, floor: Sample) -> float | None:
    """Median over median: what a user typically sees, against the floor's typical cost."""
    if not (ours.ok and floor.ok) or floor.median <= 0:
        return None
    return ours.median / floor.median


def ratio_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}×"


def markdown_table(header: list[str], body: list[list[str]]) -> str:
    """A Markdown table with padded columns, readable as plain text too."""
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]

    def line(values: list[str]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(row) for row in body)])


def render_table(lines: list[Line]) -> str:
    header = ["measurement", "incidentlog", "floor", "ratio", "peer", "goal", "met?"]
    body = [
        [ln.measurement, ln.ours, ln.floor, ln.ratio, ln.peer, ln.goal, ln.met_text] for ln in lines
    ]
    return markdown_table(header, body)


# --------------------------------------------------------------------------- environment


class Bench:
    """Where the run happens and how to call incidentlog, the floor and the peer."""

    def __init__(self, workdir: Path, repeat: int) -> None:
        self.workdir = workdir
        self.repeat = repeat
        # One run means a quick check: no warm-up run either.
        self.warmup = 1 if repeat > 1 else 0
        self.python = sys.executable
        script = Path(sys.executable).with_name("incidentlog")
        self.incidentlog = [str(script)] if script.exists() else [self.python, "-m", "incidentlog"]
        self.env = {
            **os.environ,
            "INCIDENTLOG_TODAY": TODAY,
            "INCIDENTLOG_CONFIG": str(workdir / "config.toml"),
            "NO_COLOR": "1",
            "COLUMNS": "120",
        }
        self.env.pop("INCIDENTLOG_DB", None)
        self.has_pandas = _has_module("pandas")
        self.no_peer = "pandas not installed"
        self.import_runs = max(1, min(repeat, 3))

    def cli(self, db: Path, *args: str) -> list[str]:
        return [*self.incidentlog, "--db", str(db), *args]

    def probe(self, *args: str) -> list[str]:
        return [self.python, PROBE, *args]

    def run_cli(self, db: Path, *args: str) -> tuple[int, str, str]:
        done = run_once(self.cli(db, *args), env=self.env, capture=True)
        return done.code, done.stdout, done.stderr


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1][:160] if lines else ""


# --------------------------------------------------------------------------- data


def generate(path: Path, n_rows: int, *, training_path: Path | None = None) -> int | str:
    """Write the demo generator's incidents (and training sessions) as CSV; the row count,
    or why it could not."""
    try:
        from incidentlog.demo import build as demo
    except ImportError as exc:
        return f"the demo generator is not available ({exc})"
    today = dt.date.fromisoformat(TODAY)
    try:
        rows = demo.generate_incidents(n_rows=n_rows, seed=SEED, today=today)
        count = _write_csv(path, rows)
        if training_path is not None and hasattr(demo, "generate_training"):
            _write_csv(training_path, demo.generate_training(seed=SEED, today=today))
    except Exception as exc:  # noqa: BLE001 - reported in the table, not a crash
        return f"the demo generator failed: {type(exc).__name__}: {exc}"
    return count


def _write_csv(path: Path, rows: Any) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        writer: Any = None
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(f, fieldnames=list(row), lineterminator="\n")
                writer.writeheader()
            writer.writerow(row)
            count += 1
    return count


@dataclass
class Built:
    db: Path | None
    csv: Path
    training_csv: Path | None
    error: str | None = None


def import_into(bench: Bench, db: Path, path: Path, *extra: str) -> tuple[Sample, Any]:
    """One timed `incidentlog import` into a fresh database whose schema is already made."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    code, _out, err = bench.run_cli(db, "db", "upgrade")
    sample = Sample()
    if code != 0:
        sample.error = f"db upgrade: {_first_line(err)}"
        return sample, None
    argv = bench.cli(db, "import", str(path), "--new-store", "--new-agent", *extra)
    done = run_once(argv, env=bench.env, capture=True)
    if done.code != 0:
        sample.error = _first_line(done.stderr) or f"exit {done.code}"
        return sample, done
    sample.times_ms.append(done.ms)
    sample.rss_mb.append(done.rss_mb)
    return sample, done


def measure_import(bench: Bench, n_rows: int, results: Results, *, small: int | None) -> Built:
    """Build the database through `incidentlog import`, timing it against the floor and peer."""
    work = bench.workdir
    csv_path, training_csv = work / f"incidents-{n_rows}.csv", work / f"training-{n_rows}.csv"
    generated = generate(csv_path, n_rows, training_path=training_csv)
    if isinstance(generated, str):
        results.lines.append(Line(f"import {n_rows:,} incidents", f"n/a: {generated}"))
        return Built(None, csv_path, None, generated)
    db = work / f"bench-{n_rows}.db"
    times = bench.import_runs
    ours = Sample()
    for _ in range(times):
        one, _ = import_into(bench, db, csv_path)
        if not one.ok:
            ours.error = one.error
            break
        ours.times_ms += one.times_ms
        ours.rss_mb += one.rss_mb
    floor = Sample()
    for _ in range(times):
        scratch = work / "floor-import.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(scratch) + suffix).unlink(missing_ok=True)
        found, run = probe(bench.probe("executemany", str(csv_path), str(scratch)), env=bench.env)
        if "error" in found:
            floor.error = found["error"]
            break
        floor.times_ms.append(run.ms)
        floor.rss_mb.append(run.rss_mb)
    peer = Sample(error=bench.no_peer) if not bench.has_pandas else Sample()
    if bench.has_pandas:
        for _ in range(times):
            found, run = probe(bench.probe("read_csv", str(csv_path)), env=bench.env)
            if "error" in found:
                peer.error = found["error"]
                break
            peer.times_ms.append(run.ms)
            peer.rss_mb.append(run.rss_mb)
    cost = ratio(ours, floor)
    results.lines.append(
        Line(
            f"import {n_rows:,} incidents (rows/s, best / typical)",
            rate(n_rows, ours),
            "executemany " + rate(n_rows, floor),
            ratio_text(cost),
            "read_csv " + rate(n_rows, peer) if bench.has_pandas else bench.no_peer,
            f"≤ {IMPORT_RATIO:.0f}× (≥ 1/{IMPORT_RATIO:.0f} of the floor's rate)",
            None if cost is None else cost <= IMPORT_RATIO,
        )
    )
    if ours.ok:
        results.import_rate = n_rows / (ours.median / 1000)
        results.import_rss = ours.peak_mb
    # Memory flat in the file size: the same import of a tenth of the rows.
    growth_goal = "flat: see the growth table" if not small else "flat"
    small_rss = None
    if small and ours.ok:
        small_csv = work / f"incidents-{small}.csv"
        made = generate(small_csv, small)
        if not isinstance(made, str):
            one, _ = import_into(bench, work / "small-import.db", small_csv)
            small_rss = one.peak_mb if one.ok else None
            growth_goal = (
                f"flat: ≤ {IMPORT_RSS_GROWTH}× the {mb(small_rss)} importing {small:,} rows"
            )
    met = None
    if small_rss and ours.ok:
        met = ours.peak_mb <= IMPORT_RSS_GROWTH * small_rss
    results.lines.append(
        Line(
            f"import {n_rows:,} incidents: peak RSS",
            mb(ours.peak_mb) if ours.ok else ms(ours),
            mb(floor.peak_mb) if floor.ok else "n/a",
            ratio_text(ours.peak_mb / floor.peak_mb) if ours.ok and floor.ok else "n/a",
            mb(peer.peak_mb) if peer.ok else "—",
            growth_goal,
            met,
        )
    )
    if not ours.ok:
        return Built(None, csv_path, None, ours.error)
    if training_csv.exists():
        code, _out, err = bench.run_cli(
            db, "import", str(training_csv), "--kind", "training", "--new-store", "--new-agent"
        )
        if code != 0:
            results.notes.append(f"Training sessions were not imported: {_first_line(err)}")
    return Built(db, csv_path, training_csv if training_csv.exists() else None)


def measure_export(bench: Bench, built: Built, n_rows: int, results: Results) -> Path | None:
    """`incidentlog export` writes the CSV the pandas peer reads (timed once, for the record)."""
    assert built.db is not None
    out = bench.workdir / f"export-{n_rows}.csv"
    done = run_once(bench.cli(built.db, "export", "--output", str(out)), env=bench.env)
    if done.code != 0:
        results.lines.append(Line("export (rows/s)", f"n/a ({_first_line(done.stderr)})"))
        return None
    sample = Sample(times_ms=[done.ms], rss_mb=[done.rss_mb])
    results.lines.append(
        Line(
            f"export {n_rows:,} incidents to CSV (rows/s, peak RSS)",
            f"{rate(n_rows, sample).split(' / ')[0]} rows/s, {mb(done.rss_mb)}",
        )
    )
    if built.training_csv is not None:
        training_out = bench.workdir / f"export-training-{n_rows}.csv"
        run_once(
            bench.cli(built.db, "export", "--kind", "training", "--output", str(training_out)),
            env=bench.env,
        )
    return out


# --------------------------------------------------------------------------- start-up


def measure_startup(bench: Bench, db: Path | None, results: Results) -> None:
    floor = repeat(
        [bench.python, "-c", "import sqlite3"], bench.repeat * 3, env=bench.env, warmup=bench.warmup
    )
    floor_text = 'python -c "import sqlite3" ' + ms(floor)
    help_ = repeat(
        [*bench.incidentlog, "--help"], bench.repeat * 3, env=bench.env, warmup=bench.warmup
    )
    cost = ratio(help_, floor)
    results.lines.append(
        Line(
            "incidentlog --help",
            ms(help_),
            floor_text,
            ratio_text(cost),
            "—",
            f"≤ {HELP_RATIO:.0f}×",
            None if cost is None else cost <= HELP_RATIO,
        )
    )
    target = db if db is not None else bench.workdir / "add.db"
    store, agent = _some_names(target)
    add = repeat(
        bench.cli(
            target,
            "add",
            "Bench Customer",
            "--reason",
            "billing",
            "--resolved",
            "--store",
            store,
            "--agent",
            agent,
            "--new-store",
            "--new-agent",
        ),
        bench.repeat * 3,
        env=bench.env,
        warmup=bench.warmup,
    )
    cost = ratio(add, floor)
    results.lines.append(
        Line(
            f"incidentlog add … (into the {results.rows:,}-incident database)",
            ms(add),
            floor_text,
            ratio_text(cost),
            "—",
            f"≤ {ADD_RATIO:.0f}×",
            None if cost is None else cost <= ADD_RATIO,
        )
    )


def _some_names(db: Path) -> tuple[str, str]:
    """A store and an agent the database knows, so `add` takes the clerk's usual path."""
    try:
        conn = sqlite3.connect(db)
        store = conn.execute("SELECT name FROM store ORDER BY id LIMIT 1").fetchone()
        agent = conn.execute("SELECT name FROM agent ORDER BY id LIMIT 1").fetchone()
        conn.close()
        if store and agent:
            return store[0], agent[0]
    except sqlite3.Error:
        pass
    return "North", "Jane"


# --------------------------------------------------------------------------- reports


def case_argv(bench: Bench, case: Case, db: Path) -> tuple[str, ...] | str:
    """The command line of a case; the training report needs a session of the data."""
    if case.key != "training":
        return case.argv
    try:
        conn = sqlite3.connect(db)
        # A session three months back, so its before and after windows hold data.
        found = conn.execute(
            "SELECT id FROM training_session WHERE day <= date(:today, '-3 months') "
            "ORDER BY day DESC, id LIMIT 1",
            {"today": TODAY},
        ).fetchone()
        conn.close()
    except sqlite3.Error as exc:
        return f"no training sessions ({exc})"
    if not found:
        return "no training session in the data"
    return (*case.argv, str(found[0]))


def measure_report(
    bench: Bench, case: Case, built: Built, export: Path | None, results: Results
) -> None:
    assert built.db is not None
    db = built.db
    argv = case_argv(bench, case, db)
    title = case.title
    if isinstance(argv, str):
        results.lines.append(Line(f"{title}: query", f"n/a: {argv}"))
        return
    title = " ".join(case.argv) + (" ID" if case.key == "training" else "")
    code, out, err = bench.run_cli(db, *argv, "--format", "json")
    if code != 0:
        results.lines.append(Line(f"{title}", f"n/a: {_first_line(err) or f'exit {code}'}"))
        return
    document = json.loads(out)
    today = dt.date.fromisoformat(TODAY)
    params = params_from(case.key, document, today)
    expected = digest_of_document(case.key, document)
    p_json = json.dumps(params)
    n = bench.repeat

    # The query alone, in-process and warm: incidentlog's report function vs the SQL.
    own, _ = probe(
        bench.probe("own", str(db), case.key, p_json, TODAY, "--repeat", str(n)), env=bench.env
    )
    sql, _ = probe(bench.probe("sql", str(db), case.key, p_json, "--repeat", str(n)), env=bench.env)
    peer: dict[str, Any] = {"error": bench.no_peer}
    peer_args: list[str] = []
    if bench.has_pandas and export is not None:
        peer_args = [str(export), case.key, p_json]
        training_export = bench.workdir / f"export-training-{results.rows}.csv"
        if case.key == "training":
            peer_args += ["--training", str(training_export)]
        peer, _ = probe(bench.probe("pandas", *peer_args, "--repeat", str(n)), env=bench.env)
    own_s, sql_s, peer_s = (_sample(x) for x in (own, sql, peer))
    for name, found in (
        ("floor SQL", sql),
        ("incidentlog's report function", own),
        ("pandas peer", peer),
    ):
        if "digest" in found and found["digest"] != expected:
            results.notes.append(
                f"`{title}`: the {name} answered {found['digest']}, the command {expected}."
            )
    cost = ratio(own_s, sql_s)
    results.lines.append(
        Line(
            f"{title}: query (in-process)",
            ms(own_s),
            "SQL " + ms(sql_s),
            ratio_text(cost),
            "groupby " + ms(peer_s) if peer_s.ok else _why(peer),
            f"≤ {QUERY_RATIO}×",
            None if cost is None else cost <= QUERY_RATIO,
        )
    )

    # The whole process, as a user runs it.
    e2e = repeat(bench.cli(db, *argv, "--format", "table"), n, env=bench.env, warmup=bench.warmup)
    floor_e2e = repeat(
        bench.probe("sql", str(db), case.key, p_json), n, env=bench.env, warmup=bench.warmup
    )
    peer_e2e = Sample(error=peer.get("error"))
    if bench.has_pandas and export is not None and "error" not in peer:
        peer_e2e = repeat(
            bench.probe("pandas", *peer_args), max(1, min(n, 3)), env=bench.env, warmup=0
        )
    results.lines.append(
        Line(
            f"{title}: end to end",
            ms(e2e),
            "python+sqlite3 " + ms(floor_e2e),
            ratio_text(ratio(e2e, floor_e2e)),
            "read_csv+groupby " + ms(peer_e2e) if peer_e2e.ok else _why(peer),
            f"≤ {REPORT_MS:,.0f} ms",
            e2e.median <= REPORT_MS if e2e.ok else None,
        )
    )
    results.lines.append(
        Line(
            f"{title}: peak RSS",
            mb(e2e.peak_mb) if e2e.ok else "n/a",
            mb(floor_e2e.peak_mb) if floor_e2e.ok else "n/a",
            ratio_text(e2e.peak_mb / floor_e2e.peak_mb) if e2e.ok and floor_e2e.ok else "n/a",
            mb(peer_e2e.peak_mb) if peer_e2e.ok else "—",
            f"≤ {REPORT_RSS_MB:.0f} MB",
            e2e.peak_mb <= REPORT_RSS_MB if e2e.ok else None,
        )
    )
    results.growth[title] = {
        "query": own_s.median if own_s.ok else float("nan"),
        "e2e": e2e.median if e2e.ok else float("nan"),
    }


def _sample(found: dict[str, Any]) -> Sample:
    if "error" in found:
        return Sample(error=found["error"])
    return Sample(times_ms=list(found.get("times_ms") or []))


def _why(found: dict[str, Any]) -> str:
    return f"n/a ({found['error']})" if "error" in found else "n/a"


# --------------------------------------------------------------------------- one size


def measure_size(bench: Bench, n_rows: int, *, startup: bool, small: int | None) -> Results:
    results = Results(rows=n_rows)
    print(f"\n== {n_rows:,} incidents: generating and importing ...", file=sys.stderr)
    built = measure_import(bench, n_rows, results, small=small)
    if startup:
        print("== start-up", file=sys.stderr)
        measure_startup(bench, built.db, results)
    if built.db is None:
        results.notes.append(f"No database to report on: {built.error}.")
        return results
    export = measure_export(bench, built, n_rows, results)
    for case in CASES:
        print(f"== {case.title}", file=sys.stderr)
        try:
            measure_report(bench, case, built, export, results)
        except Exception as exc:  # noqa: BLE001 - one broken report must not hide the rest
            results.lines.append(Line(case.title, f"n/a: {type(exc).__name__}: {exc}"))
    return results


# --------------------------------------------------------------------------- sweep


def growth_table(all_results: list[Results]) -> tuple[str, list[str]]:
    """Each report's time at every size, and how it grows (time ∝ rows^k)."""
    sizes = [r.rows for r in all_results]
    titles = list(all_results[0].growth) if all_results else []
    header = [
        "report",
        *(f"{n:,} rows: query / end to end" for n in sizes),
        "k (query)",
        f"goal k ≤ {GROWTH_EXPONENT}",
        "met?",
    ]
    body, unmet = [], []
    for title in titles:
        cells = [title]
        queries = []
        for r in all_results:
            found = r.growth.get(title, {})
            q, e = found.get("query", float("nan")), found.get("e2e", float("nan"))
            queries.append(q)
            cells.append(f"{q:,.1f} / {e:,.0f} ms")
        exponents = [
            math.log(queries[i + 1] / queries[i]) / math.log(sizes[i + 1] / sizes[i])
            for i in range(len(sizes) - 1)
            if queries[i] > 0 and queries[i + 1] > 0 and sizes[i + 1] != sizes[i]
        ]
        k = max(exponents) if exponents else float("nan")
        met = None if math.isnan(k) else k <= GROWTH_EXPONENT
        if met is False:
            unmet.append(f"`{title}` grows as rows^{k:.2f}")
        cells += ["n/a" if math.isnan(k) else f"{k:.2f}", "linear", _met(met)]
        body.append(cells)
    imports = ["import (rows/s, peak RSS)"]
    for r in all_results:
        imports.append(
            "n/a"
            if r.import_rate is None
            else f"{r.import_rate / 1000:,.0f}k rows/s, {mb(r.import_rss)}"
        )
    body.append([*imports, "—", "RSS flat", "—"])
    return markdown_table(header, body), unmet


def _met(value: bool | None) -> str:
    return "—" if value is None else "yes" if value else "**no**"


# --------------------------------------------------------------------------- the document


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    versions = []
    for package in ("typer", "sqlalchemy", "sqlmodel", "rich", "pandas"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    load = ""
    if hasattr(os, "getloadavg"):
        load = " (load average {:.1f} {:.1f} {:.1f} when written)".format(*os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}{load}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; "
        + ", ".join(versions)
    )


def unmet_lines(results: Results) -> list[str]:
    return [
        f"{ln.measurement}: {ln.ours} (goal {ln.goal})" for ln in results.lines if ln.met is False
    ]


def report_text(results: Results, command: str, seconds: float) -> str:
    parts = [
        f"`{command}` — {dt.datetime.now():%Y-%m-%d %H:%M}, {seconds / 60:.1f} min",
        "",
        f"Machine: {machine()}",
        "",
        render_table(results.lines),
        "",
        "Times are min / median of the runs; the ratio is median over median.",
    ]
    unmet = unmet_lines(results)
    missing = [
        ln.measurement
        for ln in results.lines
        if ln.met is None and ln.goal != "—" and "growth table" not in ln.goal
    ]
    if unmet:
        parts += ["", "Targets not met in this run:"] + [f"- {u}" for u in unmet]
    if missing:
        parts += ["", "Not measured in this run:"] + [f"- {m}" for m in missing]
    if not unmet and not missing:
        parts += ["", "Every target was met in this run."]
    if results.notes:
        parts += ["", "Notes:"] + [f"- {n}" for n in results.notes]
    return "\n".join(parts)


def sweep_text(all_results: list[Results], command: str, seconds: float) -> str:
    table, unmet = growth_table(all_results)
    parts = [
        f"`{command}` — {dt.datetime.now():%Y-%m-%d %H:%M}, {seconds / 60:.1f} min",
        "",
        f"Machine: {machine()}",
        "",
        table,
        "",
        "Medians. k is the largest exponent between two neighbouring sizes "
        "(time ∝ rows^k; 1 is linear).",
    ]
    parts += ["", "Growth faster than linear:" if unmet else "No report grew faster than linearly."]
    parts += [f"- {u}" for u in unmet]
    for r in all_results:
        notes = r.notes + [f"{u}" for u in unmet_lines(r)]
        if notes:
            parts += ["", f"At {r.rows:,} rows:"] + [f"- {n}" for n in notes]
    return "\n".join(parts)


def write_section(name: str, text: str) -> None:
    """Replace the generated section `name` of docs/performance.md, keeping the prose."""
    begin, end = f"<!-- BEGIN {name} (benchmarks/run.py) -->", f"<!-- END {name} -->"
    block = f"{begin}\n{text}\n{end}"
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    if begin in doc and end in doc:
        head, rest = doc.split(begin, 1)
        tail = rest.split(end, 1)[1]
        doc = head + block + tail
    else:
        doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(doc, encoding="utf-8")


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows", default="1000000", help="incidents in the database; a comma list runs a sweep"
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measurement")
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave docs/performance.md alone"
    )
    parser.add_argument("--workdir", help="keep the databases and CSVs here (default: a temp dir)")
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(x.replace("_", "")) for x in args.rows.split(",") if x.strip()]
    except ValueError:
        parser.error("--rows takes a number of rows, or a comma-separated list of them")
    if not args.sizes or min(args.sizes) < 100 or args.repeat < 1:
        parser.error("--rows must be at least 100 and --repeat at least 1")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    measure.start()  # while this process is still small (see measure.run_once)
    started = time.perf_counter()
    command = "python benchmarks/run.py " + " ".join(argv) if argv else "python benchmarks/run.py"
    owned = args.workdir is None
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="incidentlog-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    bench = Bench(workdir, args.repeat)
    if len(args.sizes) > 1:
        # A sweep is about how incidentlog's time grows: one import per size, no peer.
        bench.import_runs = 1
        bench.has_pandas, bench.no_peer = False, "not run in a sweep"
    try:
        sweep = len(args.sizes) > 1
        all_results = []
        for i, n_rows in enumerate(args.sizes):
            small = None if sweep else max(100, n_rows // 10)
            results = measure_size(bench, n_rows, startup=i == 0, small=small)
            all_results.append(results)
            text = report_text(results, command, time.perf_counter() - started)
            print(f"\n### {n_rows:,} incidents\n\n{text}\n")
        seconds = time.perf_counter() - started
        if sweep:
            text = sweep_text(all_results, command, seconds)
            print(f"\n### How report time grows with the data\n\n{text}\n")
            if not args.no_write:
                write_section("sweep", text)
        elif not args.no_write:
            write_section("results", report_text(all_results[0], command, seconds))
        if not args.no_write:
            print(f"Wrote {DOC.relative_to(ROOT)}.", file=sys.stderr)
    finally:
        measure.stop()
        if owned:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
