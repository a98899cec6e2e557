"""The data set: the demo generator's incidents as CSV, imported and exported for real."""

from __future__ import annotations

import csv
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import (
    IMPORT_RATIO,
    IMPORT_RSS_GROWTH,
    SEED,
    TODAY,
    Bench,
    Line,
    Results,
    first_line,
    mb,
    ms,
    rate,
    ratio,
    ratio_text,
)
from measure import Sample, probe, run_once


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
        sample.error = f"db upgrade: {first_line(err)}"
        return sample, None
    argv = bench.cli(db, "import", str(path), "--new-store", "--new-agent", *extra)
    done = run_once(argv, env=bench.env, capture=True)
    if done.code != 0:
        sample.error = first_line(done.stderr) or f"exit {done.code}"
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
            results.notes.append(f"Training sessions were not imported: {first_line(err)}")
    return Built(db, csv_path, training_csv if training_csv.exists() else None)


def measure_export(bench: Bench, built: Built, n_rows: int, results: Results) -> Path | None:
    """`incidentlog export` writes the CSV the pandas peer reads (timed once, for the record)."""
    assert built.db is not None
    out = bench.workdir / f"export-{n_rows}.csv"
    done = run_once(bench.cli(built.db, "export", "--output", str(out)), env=bench.env)
    if done.code != 0:
        results.lines.append(Line("export (rows/s)", f"n/a ({first_line(done.stderr)})"))
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


# --------------------------------------------------------------------------- older history


def checkpoint_copy(source: Path, target: Path) -> None:
    """Copy a SQLite database whose WAL may hold the last commits, as one file."""
    import shutil
    import sqlite3

    conn = sqlite3.connect(source)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)


def keep_base(bench: Bench, built: Built, recent: int) -> None:
    """Keep the just-imported recent database for a bigger size of the sweep, before the
    measurements (the `add` runs) write to it."""
    if built.db is None or recent not in bench.keep_bases:
        return
    base = bench.workdir / f"base-{recent}.db"
    checkpoint_copy(built.db, base)
    bench.bases[recent] = base


def span_of(db: Path) -> str:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        first, last = conn.execute("SELECT MIN(day), MAX(day) FROM incident").fetchone()
    finally:
        conn.close()
    return f"{first} – {last}"


def build_with_history(bench: Bench, n_rows: int, results: Results, *, small: int | None) -> Built:
    """`results.recent` recent incidents through the real import (or a copy of the
    database a smaller size of the sweep imported), plus older history added in SQL."""
    from history import add_history

    recent = results.recent
    db = bench.workdir / f"bench-{n_rows}.db"
    base = bench.bases.get(recent)
    if base is not None:
        print(f"   copying the {recent:,}-incident database", file=sys.stderr)
        checkpoint_copy(base, db)
        built = Built(db, bench.workdir / f"incidents-{recent}.csv", None)
        training = bench.workdir / f"training-{recent}.csv"
        built.training_csv = training if training.exists() else None
    else:
        built = measure_import(bench, recent, results, small=small)
        if built.db is None:
            return built
        checkpoint_copy(built.db, db)
        built.db.unlink()
        built.db = db
    results.span = span_of(db)
    print(f"   adding {n_rows - recent:,} older incidents in SQL", file=sys.stderr)
    code, _out, err = bench.run_cli(db, "db", "upgrade")
    if code != 0:
        return Built(None, built.csv, None, f"db upgrade: {first_line(err)}")
    try:
        results.history = add_history(db, n_rows - recent)
    except Exception as exc:  # noqa: BLE001 - said in the table, not a lost sweep
        return Built(None, built.csv, None, f"adding the history: {type(exc).__name__}: {exc}")
    code, _out, err = bench.run_cli(db, "db", "upgrade")
    if code != 0:
        return Built(None, built.csv, None, f"db upgrade after the history: {first_line(err)}")
    return built
