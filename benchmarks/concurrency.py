"""PostgreSQL under the tills: N tills running `incidentlog add` for S seconds, one server.

The server is started as the test suite starts one (tests/pg.py: initdb in a temporary
directory, a free loopback port, fsync off: the data is disposable). Each till is a
process that runs the real `add` command again and again, in-process (through the Typer
command, as `incidentlog add …` would), so the latency measured is the command's own work
against the server (opening the database, matching the names, the insert, the journal,
the commit), not the interpreter's start-up, which the SQLite table already measures
(each till's first add, which imports the modules, is not counted).
Every till has its store and agent; each add has a new customer. A refusal is an add
that did not exit 0 (for example a lock that could not be had): the goal is none.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import ROOT, TODAY, Line, markdown_table

# The targets (docs/performance.md).
ADD_P99_MS = 1000.0
STORES = 10

TILL = r"""
import json, sys, time
from typer.main import get_command
from incidentlog.cli.main import app

command = get_command(app)
till, seconds, stores = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
store, agent = f"Store {till % stores + 1}", f"Agent {till + 1}"
latencies, refusals = [], []


def add(customer):
    args = ["add", customer, "--reason", "billing", "--resolved",
            "--store", store, "--agent", agent]
    start = time.perf_counter()
    try:
        code = command.main(args, standalone_mode=False)
    except SystemExit as exc:
        code = exc.code
    except Exception as exc:  # noqa: BLE001 - a refusal, counted and named
        code = f"{type(exc).__name__}: {exc}"
    if code not in (None, 0):
        refusals.append(str(code)[:200])
    return (time.perf_counter() - start) * 1000


add(f"Warm-up {till}")  # the first add imports the modules: start-up, not the add
deadline = time.monotonic() + seconds
n = 0
while time.monotonic() < deadline:
    n += 1
    latencies.append(add(f"Customer {till}-{n}"))
print(json.dumps({"latencies": latencies, "refusals": refusals}))
"""


@dataclass
class Concurrency:
    tills: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    error: str | None = None
    server: str = ""

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def measure_concurrency(tills: int, seconds: float, workdir: Path) -> Concurrency:
    """Start a server, make a database, run the tills, stop the server."""
    found = Concurrency(tills, seconds)
    sys.path.insert(0, str(ROOT))
    try:
        from tests import pg
    except ImportError as exc:
        found.error = f"tests/pg.py is not importable ({exc})"
        return found
    try:
        server = pg.start_server()
    except pg.PostgresUnavailable as exc:
        found.error = f"no PostgreSQL server ({exc})"
        return found
    try:
        url = server.create_database()
        found.server = f"PostgreSQL {server.version // 10000}.{server.version % 10000}"
        env = {**os.environ, "INCIDENTLOG_DB": url, "INCIDENTLOG_TODAY": TODAY}
        env["INCIDENTLOG_CONFIG"] = str(workdir / "config.toml")
        seeded = _seed(tills, workdir, env)
        if seeded:
            found.error = seeded
            return found
        _run_tills(found, env)
    finally:
        server.stop()
    return found


def _seed(tills: int, workdir: Path, env: dict[str, str]) -> str | None:
    """The stores and agents the tills use, made by one import; why not, if it failed."""
    path = workdir / "tills.csv"
    lines = ["customer,reason,resolved,store,agent,at"]
    for till in range(tills):
        store = f"Store {till % STORES + 1}"
        lines.append(f"Seed {till},billing,yes,{store},Agent {till + 1},{TODAY} 08:00")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = [sys.executable, "-m", "incidentlog", "import", str(path), "--new-store"]
    done = subprocess.run(
        [*argv, "--new-agent"], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return f"seeding the tills failed: {(done.stderr or done.stdout).strip()[-300:]}"
    return None


def _run_tills(found: Concurrency, env: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "till.py"
        script.write_text(TILL, encoding="utf-8")
        procs = [
            subprocess.Popen(
                [sys.executable, str(script), str(till), str(found.seconds), str(STORES)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for till in range(found.tills)
        ]
        for proc in procs:
            out, err = proc.communicate(timeout=found.seconds * 10 + 300)
            if proc.returncode != 0 or not out.strip():
                found.refusals.append(f"till exited {proc.returncode}: {err.strip()[-200:]}")
                continue
            result = json.loads(out.strip().splitlines()[-1])
            found.latencies += result["latencies"]
            found.refusals += result["refusals"]


def concurrency_lines(found: Concurrency) -> list[Line]:
    title = f"{found.tills} tills adding for {found.seconds:g} s"
    if found.error or not found.latencies:
        return [Line(title, f"n/a ({found.error or 'no add finished'})")]
    rate = len(found.latencies) / found.seconds
    return [
        Line(
            f"{title}: `add` latency p50 / p99",
            f"{found.percentile(50):,.0f} / {found.percentile(99):,.0f} ms",
            goal=f"p99 ≤ {ADD_P99_MS:,.0f} ms",
            met=found.percentile(99) <= ADD_P99_MS,
        ),
        Line(
            f"{title}: adds (median / max latency)",
            f"{len(found.latencies):,} ({rate:,.1f}/s; "
            f"{statistics.median(found.latencies):,.0f} / {max(found.latencies):,.0f} ms)",
        ),
        Line(f"{title}: refusals", f"{len(found.refusals):,}", goal="0", met=not found.refusals),
    ]


def concurrency_text(found: Concurrency, command: str, machine: str) -> str:
    lines = concurrency_lines(found)
    body = [[ln.measurement, ln.ours, ln.goal, ln.met_text] for ln in lines]
    parts = [
        f"`{command}` — {time.strftime('%Y-%m-%d %H:%M')}",
        "",
        f"Machine: {machine}; {found.server or 'PostgreSQL'}, tills on the same machine",
        "",
        markdown_table(["measurement", "incidentlog", "goal", "met?"], body),
    ]
    if found.refusals:
        kinds = sorted(set(found.refusals))
        parts += ["", "Refusals:"] + [f"- {k}" for k in kinds[:10]]
    return "\n".join(parts)
