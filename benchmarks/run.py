#!/usr/bin/env python3
"""How fast incidentlog is, measured against the physical floor in the same run.

    python benchmarks/run.py                       # 1,000,000 incidents, writes docs/performance.md
    python benchmarks/run.py --rows 100000,1000000,3000000   # how report time grows with the data
    python benchmarks/run.py --rows sweep          # 100,000 / 1,000,000 / 10,000,000 (same months)
    python benchmarks/run.py --rows 2000 --repeat 1 --no-write   # a quick check that it still runs
    python benchmarks/run.py --concurrency 50 --seconds 60       # PostgreSQL: 50 tills adding
    python benchmarks/run.py --backend postgresql  # every report on PostgreSQL, 1,000,000

It builds a database of N incidents from the demo generator through the real
`incidentlog import` (beyond --recent incidents, the rest is older history copied back by
whole years in SQL: benchmarks/history.py), then times whole processes (start-up, `add`,
import, every report), the report queries in-process, and beside each the floor (plain
Python + sqlite3 doing the same work by hand) and the peer (pandas on the exported CSV,
when installed: the `bench` extra). See docs/performance.md.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import measure  # noqa: E402
from bench import DOC, RECENT, ROOT, Bench  # noqa: E402
from document import machine, report_text, sweep_text, write_section  # noqa: E402
from sqlite_runs import measure_size  # noqa: E402

# The sizes of `--rows sweep`: a shop's months, a chain's, and the chain's with years of
# history before them (1,000,000 recent + 9,000,000 older: the same months as 1,000,000).
SWEEP = "100000,1000000,10000000"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows",
        default="1000000",
        help=f"incidents in the database; a comma list runs a sweep ('sweep': {SWEEP})",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        metavar="TILLS",
        help="instead: TILLS tills adding at once on one PostgreSQL server",
    )
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="postgresql: every report on a PostgreSQL server the benchmark starts",
    )
    parser.add_argument(
        "--source",
        metavar="DB",
        help="with --backend postgresql: copy this SQLite benchmark database (N ignored)",
    )
    parser.add_argument(
        "--seconds", type=float, default=60.0, help="how long the tills add (default 60)"
    )
    parser.add_argument(
        "--recent",
        type=int,
        default=RECENT,
        help=f"a bigger database holds this many incidents over the demo's months and older "
        f"history for the rest (default {RECENT:,})",
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measurement")
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave docs/performance.md alone"
    )
    parser.add_argument("--workdir", help="keep the databases and CSVs here (default: a temp dir)")
    args = parser.parse_args(argv)
    if args.rows.strip() == "sweep":
        args.rows = SWEEP
    if args.backend == "postgresql" and args.rows.count(",") > 0:
        parser.error("--backend postgresql takes one --rows size")
    if args.concurrency is not None and (args.concurrency < 1 or args.seconds <= 0):
        parser.error("--concurrency takes at least 1 till, and --seconds a positive time")
    try:
        args.sizes = [int(x.replace("_", "")) for x in args.rows.split(",") if x.strip()]
    except ValueError:
        parser.error("--rows takes a number of rows, or a comma-separated list of them")
    if not args.sizes or min(args.sizes) < 100 or args.repeat < 1 or args.recent < 100:
        parser.error("--rows and --recent must be at least 100 and --repeat at least 1")
    args.sizes = sorted(set(args.sizes))
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    measure.start()  # while this process is still small (see measure.run_once)
    started = time.perf_counter()
    command = "python benchmarks/run.py " + " ".join(argv) if argv else "python benchmarks/run.py"
    owned = args.workdir is None
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="incidentlog-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.concurrency is not None:
        try:
            return run_concurrency(args, command, workdir)
        finally:
            measure.stop()
            if owned:
                shutil.rmtree(workdir, ignore_errors=True)
    if args.backend == "postgresql":
        try:
            return run_postgresql(args, command, workdir, started)
        finally:
            measure.stop()
            if owned:
                shutil.rmtree(workdir, ignore_errors=True)
    bench = Bench(workdir, args.repeat)
    if len(args.sizes) > 1:
        # A sweep is about how incidentlog's time grows: one import per size, no peer.
        bench.import_runs = 1
        bench.has_pandas, bench.no_peer = False, "not run in a sweep"
        bench.export = False
    # A bigger size copies the database of its recent incidents if the sweep imports it.
    if args.recent in args.sizes and max(args.sizes) > args.recent:
        bench.keep_bases = {args.recent}
    try:
        sweep = len(args.sizes) > 1
        all_results = []
        for i, n_rows in enumerate(args.sizes):
            small = None if sweep else max(100, n_rows // 10)
            results = measure_size(bench, n_rows, startup=i == 0, small=small, recent=args.recent)
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


def run_postgresql(args: argparse.Namespace, command: str, workdir: Path, started: float) -> int:
    from pg_runs import measure_postgresql

    bench = Bench(workdir, args.repeat)
    results, server = measure_postgresql(bench, args.sizes[0], args.source)
    results.notes.insert(
        0,
        f"{server or 'PostgreSQL'} on the same machine, started as the test suite starts one "
        "(tests/pg.py: fsync off, shared_buffers 64MB); the floor is hand-written SQL "
        "through psycopg (benchmarks/pg_floor.py).",
    )
    text = report_text(results, command, time.perf_counter() - started)
    print(f"\n### PostgreSQL: every report\n\n{text}\n")
    reported = any(ln.measurement.endswith("end to end") for ln in results.lines)
    if not args.no_write and reported:
        write_section("postgresql", text)
        print(f"Wrote {DOC.relative_to(ROOT)}.", file=sys.stderr)
    return 0


def run_concurrency(args: argparse.Namespace, command: str, workdir: Path) -> int:
    from concurrency import concurrency_text, measure_concurrency

    print(f"== {args.concurrency} tills adding for {args.seconds:g} s", file=sys.stderr)
    found = measure_concurrency(args.concurrency, args.seconds, workdir)
    text = concurrency_text(found, command, machine())
    print(f"\n### PostgreSQL: tills adding at once\n\n{text}\n")
    if not args.no_write and found.error is None:
        write_section("concurrency", text)
        print(f"Wrote {DOC.relative_to(ROOT)}.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
