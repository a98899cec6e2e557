"""PostgreSQL under load: adds with new names while imports run are never refused.

An import locks the tables it writes (SHARE ROW EXCLUSIVE) while adds insert a new customer
and then a new reason: taken in different orders, those locks deadlock. Every write now
takes them in one order, and transient failures (deadlock, serialisation, lock timeout) are
retried by running the whole transaction again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from incidentlog.storage.database import Database

IMPORTS = 6
ROWS = 400
ADDERS = 4
ADDS = 25

ADDER = r"""
import hashlib, sys
from typer.main import get_command
from incidentlog.cli.main import app

command = get_command(app)
worker, adds = int(sys.argv[1]), int(sys.argv[2])
failures = 0
for i in range(adds):
    # Names far apart from each other, so none is taken for a typo of another.
    word = hashlib.sha256(f"{worker}-{i}".encode()).hexdigest()[:12]
    code = command.main(
        ["add", f"Customer {word}", "--reason", f"new reason {word}",
         "--resolved", "--store", "Store 1", "--agent", "Agent 1"],
        standalone_mode=False,
    )
    failures += code != 0
print("failures:", failures)
"""


@pytest.mark.postgres
def test_adds_with_new_names_during_imports_are_never_refused(
    postgres_url: str, tmp_path: Path
) -> None:
    env = {**os.environ, "INCIDENTLOG_DB": postgres_url}
    files = []
    for n in range(IMPORTS):
        path = tmp_path / f"import-{n}.csv"
        with path.open("w") as fh:
            fh.write("customer,reason,resolved,store,agent,at\n")
            for i in range(ROWS):
                fh.write(
                    f"Imported {n}-{i % 50},import reason {n}-{i % 5},yes,Store {i % 3},"
                    f"Agent {i % 4},2026-04-{1 + i % 28:02d} 10:00\n"
                )
        files.append(path)
    seed = ["add", "Seed", "--reason", "billing", "--resolved", "--store", "Store 1",
            "--agent", "Agent 1", "--new-store", "--new-agent"]  # fmt: skip
    subprocess.run([sys.executable, "-m", "incidentlog", *seed], env=env, check=True,
                   capture_output=True)  # fmt: skip

    adders = [
        subprocess.Popen(
            [sys.executable, "-c", ADDER, str(w), str(ADDS)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for w in range(ADDERS)
    ]
    imports = []
    for path in files:
        imports.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "incidentlog",
                    "import",
                    str(path),
                    "--new-store",
                    "--new-agent",
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )  # fmt: skip
        )
    import_results = [(p.wait(timeout=600), p.communicate()[1]) for p in imports]
    add_results = [p.communicate(timeout=600) for p in adders]

    assert [code for code, _ in import_results] == [0] * IMPORTS, import_results
    assert [out.strip().splitlines()[-1] for out, _err in add_results] == [
        "failures: 0"
    ] * ADDERS, add_results
    assert all("deadlock" not in err for _out, err in add_results)
    db = Database(postgres_url)
    with db.connect() as conn:
        assert conn.scalar("SELECT COUNT(*) FROM incident") == 1 + IMPORTS * ROWS + ADDERS * ADDS
        assert conn.scalar("SELECT COUNT(*) FROM reason WHERE name LIKE 'new reason %'") == (
            ADDERS * ADDS
        )
    db.dispose()
