"""The measurements on one SQLite database: start-up, `add`, and every report."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

from bench import (
    ADD_RATIO,
    HELP_RATIO,
    QUERY_RATIO,
    TODAY,
    Bench,
    Line,
    Results,
    first_line,
    mb,
    ms,
    ratio,
    ratio_text,
    report_lines,
)
from cases import CASES, Case, digest_of_document, params_from
from data import Built, build_with_history, keep_base, measure_export, measure_import, span_of
from measure import Sample, probe, repeat


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
        results.lines.append(Line(f"{title}", f"n/a: {first_line(err) or f'exit {code}'}"))
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
    results.lines += report_lines(
        title,
        e2e,
        floor_e2e,
        "python+sqlite3",
        "read_csv+groupby " + ms(peer_e2e) if peer_e2e.ok else _why(peer),
        mb(peer_e2e.peak_mb) if peer_e2e.ok else "—",
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


def measure_size(
    bench: Bench, n_rows: int, *, startup: bool, small: int | None, recent: int | None = None
) -> Results:
    """Every measurement on a database of `n_rows` incidents: the `recent` of them over the
    demo's months (all, by default), the rest older history (data.build_with_history)."""
    results = Results(rows=n_rows, recent=min(n_rows, recent or n_rows))
    print(f"\n== {n_rows:,} incidents: generating and importing ...", file=sys.stderr)
    if results.recent < n_rows:
        small = max(100, results.recent // 10) if small else None
        built = build_with_history(bench, n_rows, results, small=small)
    else:
        built = measure_import(bench, n_rows, results, small=small)
        keep_base(bench, built, n_rows)
        if built.db is not None:
            results.span = span_of(built.db)
    if startup:
        print("== start-up", file=sys.stderr)
        measure_startup(bench, built.db, results)
    if built.db is None:
        results.notes.append(f"No database to report on: {built.error}.")
        return results
    # The export is the pandas peer's input; a sweep has no peer (10,000,000 rows: minutes).
    export = measure_export(bench, built, n_rows, results) if bench.export else None
    for case in CASES:
        print(f"== {case.title}", file=sys.stderr)
        try:
            measure_report(bench, case, built, export, results)
        except Exception as exc:  # noqa: BLE001 - one broken report must not hide the rest
            results.lines.append(Line(case.title, f"n/a: {type(exc).__name__}: {exc}"))
    return results
