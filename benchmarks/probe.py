"""One measurement in its own process, printing its result as one JSON line.

    probe.py sql DB KEY PARAMS [--repeat N]         hand-written SQL through sqlite3 (the floor)
    probe.py own DB KEY PARAMS TODAY [--repeat N]   incidentlog's report function, in-process
    probe.py pandas CSV KEY PARAMS [--training CSV] [--repeat N]   the pandas peer
    probe.py executemany CSV DB                     bare sqlite3 import of the same CSV (the floor)
    probe.py read_csv CSV                           pandas reading the same CSV (the peer)

With --repeat N the query runs once to warm up, then N times, and the times are printed;
with --repeat 0 (the default) it runs once, as a user's script would: the whole process is
what the harness times then. Start-up matters for the floor, so nothing heavy is imported
at the top.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
import time
from collections.abc import Callable
from typing import Any

from cases import digest_of_document, floor_sql, own_query, peer_pandas, read_incidents

BATCH = 5000


def _timed(run: Callable[[], Any], repeat: int) -> tuple[Any, list[float]]:
    result = run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - start) * 1000)
    return result, times


def _option(args: list[str], name: str, default: str | None = None) -> str | None:
    if name in args:
        i = args.index(name)
        value = args[i + 1]
        del args[i : i + 2]
        return value
    return default


def cmd_sql(args: list[str], repeat: int) -> dict[str, Any]:
    db, key, params = args[0], args[1], json.loads(args[2])
    conn = sqlite3.connect(db)
    digest, times = _timed(lambda: floor_sql(key, conn, params), repeat)
    return {"digest": digest, "times_ms": times}


def _own_document(key: str, result: Any) -> dict[str, Any]:
    if key == "summary":
        return dict(result)
    if key == "training":
        return {"rows": [row for item in result for row in item["rows"]]}
    return {"rows": result}


def cmd_own(args: list[str], repeat: int) -> dict[str, Any]:
    import datetime as dt

    from incidentlog.storage.database import Database

    db, key, params, today = args[0], args[1], json.loads(args[2]), args[3]
    engine = Database.from_option(db).engine()
    day = dt.date.fromisoformat(today)
    result, times = _timed(lambda: own_query(key, engine, params, day), repeat)
    return {"digest": digest_of_document(key, _own_document(key, result)), "times_ms": times}


def cmd_pandas(args: list[str], repeat: int) -> dict[str, Any]:
    import pandas as pd

    training_csv = _option(args, "--training")
    path, key, params = args[0], args[1], json.loads(args[2])
    start = time.perf_counter()
    df = read_incidents(pd, path, key)
    training = None
    if training_csv is not None:
        training = pd.read_csv(training_csv, keep_default_na=False)
        match = training[(training["date"] == params["session_on"])]
        match = match[match["topic"] == params["session_topic"]]
        params["session_row"] = training.index.get_loc(match.index[0])
    read_ms = (time.perf_counter() - start) * 1000
    digest, times = _timed(lambda: peer_pandas(key, pd, df, params, training), repeat)
    return {"digest": digest, "times_ms": times, "read_ms": read_ms}


def cmd_executemany(args: list[str]) -> dict[str, Any]:
    """The floor for import: the same CSV rows into one plain table, in batches, one commit."""
    path, db = args[0], args[1]
    start = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        columns = ", ".join(f'"{c}" TEXT' for c in header)
        conn.execute(f"CREATE TABLE incident (id INTEGER PRIMARY KEY, {columns})")
        marks = ", ".join("?" for _ in header)
        sql = f"INSERT INTO incident ({', '.join(chr(34) + c + chr(34) for c in header)}) VALUES ({marks})"
        conn.execute("BEGIN")
        rows = 0
        batch: list[list[str]] = []
        for values in reader:
            batch.append(values)
            if len(batch) >= BATCH:
                conn.executemany(sql, batch)
                rows += len(batch)
                batch = []
        if batch:
            conn.executemany(sql, batch)
            rows += len(batch)
        conn.execute("COMMIT")
    conn.close()
    return {"rows": rows, "seconds": time.perf_counter() - start}


def cmd_read_csv(args: list[str]) -> dict[str, Any]:
    import pandas as pd

    start = time.perf_counter()
    df = pd.read_csv(args[0], keep_default_na=False)
    return {"rows": len(df), "seconds": time.perf_counter() - start}


def main(argv: list[str]) -> int:
    command, args = argv[0], argv[1:]
    repeat = int(_option(args, "--repeat", "0") or 0)
    if command == "sql":
        result = cmd_sql(args, repeat)
    elif command == "own":
        result = cmd_own(args, repeat)
    elif command == "pandas":
        result = cmd_pandas(args, repeat)
    elif command == "executemany":
        result = cmd_executemany(args)
    elif command == "read_csv":
        result = cmd_read_csv(args)
    else:
        print(f"unknown probe {command}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
