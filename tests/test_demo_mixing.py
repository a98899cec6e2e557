"""Demo records never mix with real ones unnoticed: the first real write asks or is refused,
`demo --remove` (undoable) and `demo --keep` are the ways out, and reports say when they mix."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import Sql
from tests.helpers import Cli

pytestmark = pytest.mark.backends

ADD = ("add", "Real Customer", "--reason", "late delivery", "--resolved", "--store",
       "North Street", "--agent", "Jane")  # fmt: skip


@pytest.fixture
def demo_loaded(cli: Cli, sql: Sql) -> int:
    """The demo on the tests' today; returns how many incidents it made."""
    cli("demo")
    return int(sql.scalar("SELECT COUNT(*) FROM incident"))


def _demo_in_may(sql: Sql) -> int:
    return int(
        sql.scalar(
            "SELECT COUNT(*) FROM incident WHERE demo AND day BETWEEN '2026-05-01' AND '2026-05-31'"
        )
    )


def test_the_demo_marks_every_record_it_makes(demo_loaded: int, sql: Sql) -> None:
    assert sql.scalar("SELECT COUNT(*) FROM incident WHERE NOT demo") == 0
    assert sql.scalar("SELECT COUNT(*) FROM training_session WHERE NOT demo") == 0
    assert sql.scalar("SELECT COUNT(*) FROM training_session") > 0


def test_a_real_add_without_a_terminal_is_refused_naming_both_ways_out(
    demo_loaded: int, cli: Cli, sql: Sql
) -> None:
    result = cli.fails(*ADD, code=1)
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "`incidentlog demo --remove`" in message and "`incidentlog demo --keep`" in message
    assert f"{demo_loaded:,} incidents" in message and "Nothing was written" in message
    assert sql.scalar("SELECT COUNT(*) FROM incident") == demo_loaded
    assert sql.scalar("SELECT COUNT(*) FROM customer WHERE name = 'Real Customer'") == 0


def test_training_add_and_a_real_import_are_refused_too(
    demo_loaded: int, cli: Cli, sql: Sql, tmp_path: Path
) -> None:
    sessions = sql.scalar("SELECT COUNT(*) FROM training_session")
    result = cli.fails(
        "training", "add", "--topic", "Refunds", "--kind", "review", "--minutes", "30",
        "--agents", "Jane", "--on", "2026-05-19", code=1,
    )  # fmt: skip
    assert "demo --keep" in result.stderr
    assert sql.scalar("SELECT COUNT(*) FROM training_session") == sessions
    real = tmp_path / "real.csv"
    real.write_text(
        "customer,reason,resolved,store,agent,at\n"
        "Ola Nord,billing error,yes,North Street,Jane,2026-05-19 10:00\n"
    )
    result = cli.fails("import", str(real), code=1)
    assert "demo --remove" in result.stderr
    assert sql.scalar("SELECT COUNT(*) FROM incident") == demo_loaded


def test_changes_to_records_already_there_are_not_asked_about(
    demo_loaded: int, cli: Cli, sql: Sql
) -> None:
    open_id = sql.scalar(
        "SELECT MIN(id) FROM incident WHERE NOT resolved_on_spot AND resolved_at IS NULL"
    )
    cli("resolve", str(open_id), "--resolution", "Called back; refunded.")
    assert sql.scalar("SELECT COUNT(*) FROM incident") == demo_loaded


def test_remove_then_the_same_add_is_recorded_and_reports_show_only_it(
    demo_loaded: int, cli: Cli, sql: Sql
) -> None:
    out = cli("demo", "--remove").stdout
    assert f"{demo_loaded:,} incidents" in out and "`incidentlog undo`" in out
    assert sql.scalar("SELECT COUNT(*) FROM incident") == 0
    assert sql.scalar("SELECT COUNT(*) FROM training_session") == 0
    # The names only the demo used went with it.
    assert sql.scalar("SELECT COUNT(*) FROM store") == 0
    assert sql.scalar("SELECT COUNT(*) FROM customer") == 0
    new_id = cli(*ADD).new_id
    listed = cli("list", "--format", "json").json()
    assert [i["id"] for i in listed] == [new_id]
    report = cli("report", "store", "--format", "json").json()
    assert [(r["store"], r["incidents"]) for r in report["rows"]] == [("North Street", 1)]
    assert "demo_records" not in report
    assert "demo" not in cli("report", "store").stdout.lower()


def test_undo_brings_the_removed_sample_back_as_it_was(
    demo_loaded: int, cli: Cli, sql: Sql
) -> None:
    def snapshot() -> list[tuple[object, ...]]:
        rows = sql.rows(
            "SELECT i.id, c.name AS customer, s.name AS store, a.name AS agent, "
            "r.name AS reason, i.at, i.resolved_on_spot, i.resolved_at, i.demo "
            "FROM incident i JOIN customer c ON c.id = i.customer_id "
            "JOIN store s ON s.id = i.store_id JOIN agent a ON a.id = i.agent_id "
            "JOIN reason r ON r.id = i.reason_id ORDER BY i.id"
        )
        return [tuple(str(v) for v in row.values()) for row in rows]

    before = snapshot()
    attendance = sql.scalar("SELECT COUNT(*) FROM attendance")
    searched = len(cli("search", "refund", "--format", "json").json())
    assert searched > 0
    cli("demo", "--remove")
    assert cli("undo").stdout.startswith("Undid: remove the demo data")
    assert snapshot() == before
    assert sql.scalar("SELECT COUNT(*) FROM attendance") == attendance
    assert len(cli("search", "refund", "--format", "json").json()) == searched
    # Still demo data: a real add is refused again.
    cli.fails(*ADD, code=1)


def test_keep_lets_real_records_join_and_reports_count_the_sample(
    demo_loaded: int, cli: Cli, sql: Sql
) -> None:
    report = cli("report", "store", "--format", "json").json()
    in_may = _demo_in_may(sql)
    assert report["demo_records"] == in_may > 0  # a demo-only database says so in JSON
    assert "Mixed data" not in cli("report", "store").stdout  # ... and its tables are the tour's
    out = cli("demo", "--keep").stdout
    assert "Keeping the demo data" in out
    cli(*ADD)
    cli(*ADD[:1], "Second Real", *ADD[2:])  # asked once: the choice is remembered
    assert sql.scalar("SELECT COUNT(*) FROM incident WHERE NOT demo") == 2
    report = cli("report", "store", "--format", "json").json()
    assert report["demo_records"] == in_may
    assert sum(r["incidents"] for r in report["rows"]) == in_may + 2
    table = cli("report", "store").stdout
    footer = [line for line in table.splitlines() if line.startswith("Mixed data")]
    assert footer and f"{in_may:,} demo incidents" in footer[0]
    assert "incidentlog demo --remove" in footer[0]
    agents = cli("report", "agents", "--period", "2026-04", "--format", "json").json()
    assert agents["demo_records"] == sql.scalar(
        "SELECT COUNT(*) FROM incident WHERE demo AND month = '2026-04'"
    )
    assert "Mixed data" in cli("report", "reasons").stdout
    week = sql.scalar(
        "SELECT COUNT(*) FROM incident WHERE demo AND day BETWEEN '2026-05-11' AND '2026-05-17'"
    )
    summary = cli("summary").stdout.splitlines()
    assert summary[-1].startswith(f"Mixed data: this period holds {week:,} demo incidents")
    assert cli("summary", "--format", "json").json()["demo_records"] == week
    # Removing the sample keeps the real records, and forgets the choice.
    cli("demo", "--remove")
    assert sql.scalar("SELECT COUNT(*) FROM incident") == 2
    assert "demo_records" not in cli("report", "store", "--format", "json").json()


def test_remove_and_keep_on_a_database_without_demo_data_say_so(cli: Cli) -> None:
    cli(*ADD[:-4], "--store", "North", "--agent", "Jane")
    assert "no demo data" in cli.fails("demo", "--remove", code=2).stderr
    assert "no demo data" in cli.fails("demo", "--keep", code=2).stderr
    assert "exclude each other" in cli.fails("demo", "--remove", "--keep", code=2).stderr


def test_the_mark_goes_through_export_and_import(
    demo_loaded: int, cli: Cli, sql: Sql, tmp_path: Path
) -> None:
    cli("demo", "--keep")
    cli(*ADD)
    csv_file, json_file = tmp_path / "all.csv", tmp_path / "all.json"
    training = tmp_path / "training.csv"
    cli("export", "--output", str(csv_file))
    cli("export", "--format", "json", "--output", str(json_file))
    cli("export", "--kind", "training", "--output", str(training))
    header = csv_file.read_text().splitlines()[0]
    assert header.endswith(",resolved_at,later_resolution,demo")
    assert csv_file.read_text().splitlines()[-1].endswith(",no")
    items = json.loads(json_file.read_text())
    assert sum(1 for i in items if i["demo"]) == demo_loaded and not items[-1]["demo"]
    sessions = sql.scalar("SELECT COUNT(*) FROM training_session")
    for source in (csv_file, json_file):
        other = tmp_path / f"{source.suffix[1:]}.db"
        cli("--db", str(other), "import", str(source), "--new-store", "--new-agent")
        cli("--db", str(other), "import", str(training), "--new-store", "--new-agent")
        listing = ("--db", str(other), "training", "list", "-p", "2020-01-01..2026-05-20")
        assert len(cli(*listing, "--format", "json").json()) == sessions
        counts = cli("--db", str(other), "report", "store", "--format", "json").json()
        assert counts["demo_records"] == _demo_in_may(sql)
        # The imported sample is a sample again: a real add there asks first.
        cli.fails("--db", str(other), *ADD, code=1)
        cli("--db", str(other), "demo", "--remove")
        listed = cli("--db", str(other), "list", "--format", "json").json()
        assert [i["customer"] for i in listed] == ["Real Customer"]
        assert cli(*listing, "--format", "json").json() == []


def test_an_export_without_demo_data_has_no_demo_column(cli: Cli, tmp_path: Path) -> None:
    cli(*ADD[:-4], "--store", "North", "--agent", "Jane")
    assert "demo" not in cli("export").stdout.splitlines()[0]
    assert "demo" not in cli("export", "--format", "json").json()[0]


# --------------------------------------------------------------------------- a terminal

SCRIPT = Path(sys.executable).with_name("incidentlog")


def _on_a_terminal(args: list[str], answer: str) -> tuple[int, str]:
    """Run the installed script with stdin and stdout on a pseudo-terminal; type `answer`
    once it asks."""
    controller, terminal = pty.openpty()
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [str(SCRIPT), *args], stdin=terminal, stdout=terminal, stderr=terminal, env=env
    )
    os.close(terminal)
    seen = b""
    answered = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _w, _x = select.select([controller], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(controller, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        if not answered and b"(s)?" in seen:
            os.write(controller, answer.encode() + b"\n")
            answered = True
        if proc.poll() is not None and not ready:
            break
    proc.wait(timeout=10)
    os.close(controller)
    return proc.returncode, seen.decode(errors="replace")


@pytest.mark.parametrize("answer", ["k", "r", "s"])
def test_on_a_terminal_the_first_real_add_asks(answer: str, demo_loaded: int, sql: Sql) -> None:
    code, shown = _on_a_terminal(list(ADD), answer)
    assert "demo's sample data" in shown
    real = sql.scalar("SELECT COUNT(*) FROM incident WHERE NOT demo")
    demo_rows = sql.scalar("SELECT COUNT(*) FROM incident WHERE demo")
    if answer == "s":
        assert code == 1 and real == 0 and demo_rows == demo_loaded
    else:
        assert code == 0, shown
        assert real == 1
        assert demo_rows == (demo_loaded if answer == "k" else 0)


def test_remove_takes_the_demos_check_backs_out_and_undo_brings_them_back(
    demo_loaded: int, cli: Cli, sql: Sql
) -> None:
    from incidentlog.storage.database import Database, resolve_location

    def checks() -> list[tuple[str, ...]]:
        rows = sql.rows(
            "SELECT id, incident_id, at, outcome, note, actor FROM incident_event "
            "WHERE kind = 'check' ORDER BY id"
        )
        return [tuple(str(v) for v in row.values()) for row in rows]

    sample = checks()
    assert len(sample) > 1000
    cli("demo", "--keep")
    real = cli.add("Real Customer", store="North Street", agent="Jane", resolved=False)
    db = Database(resolve_location(None))
    try:
        with db.connect() as conn, conn.transaction():
            conn.run(
                "INSERT INTO incident_event (incident_id, kind, at, outcome, note, actor, "
                "created_at) VALUES (:i, 'check', :at, 'satisfied', 'real one', 'till', :at)",
                {"i": real, "at": "2026-05-20 09:00:00"},
            )
    finally:
        db.dispose()
    with_real = checks()
    cli("demo", "--remove")
    # Only the real incident's check-back is left: none hangs on a removed incident.
    assert [c[4] for c in checks()] == ["real one"]
    assert (
        sql.scalar(
            "SELECT COUNT(*) FROM incident_event e WHERE NOT EXISTS "
            "(SELECT 1 FROM incident i WHERE i.id = e.incident_id)"
        )
        == 0
    )
    assert cli("undo").stdout.startswith("Undid: remove the demo data")
    assert checks() == with_real and with_real[: len(sample)] == sample
