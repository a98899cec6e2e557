"""What a command costs before its work: a report opens the database once for its schema
and once for its queries, and nothing loads what the command does not use (Rich for a
JSON or CSV report, the database layer for `--help`)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import Sql
from tests.helpers import Cli

REPORTS = [
    ("report", "store"),
    ("report", "agents"),
    ("report", "reasons"),
    ("repeat-customers",),
    ("repeat-customers", "--format", "json"),
    ("summary",),
]


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every SQLite connection opened from now on (the stdlib's and SQLAlchemy's alike)."""
    opened: list[Any] = []
    real = sqlite3.connect

    def counting(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        opened.append(args[0] if args else kwargs.get("database"))
        return real(*args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", counting)
    monkeypatch.setattr(sqlite3.dbapi2, "connect", counting)  # what SQLAlchemy calls
    return opened


@pytest.mark.parametrize("args", REPORTS)
def test_a_report_with_the_demo_in_it_opens_the_database_twice_not_three_times(
    cli: Cli, sql: Sql, opens: list[Any], args: tuple[str, ...]
) -> None:
    cli("demo")
    opens.clear()
    out = cli(*args, "--format", "json") if "--format" not in args and args[0] == "report" else None
    if out is not None:
        # The demo's records are counted in the report's period, on the report's connection.
        assert out.json()["demo_records"] == sql.scalar(
            "SELECT COUNT(*) FROM incident WHERE demo AND day BETWEEN '2026-05-01' AND '2026-05-31'"
        )
    opens.clear()
    cli(*args)
    # One to check (and bring up to date) the schema, one for the report's engine; the
    # question about the demo's records reuses the engine's pooled connection.
    assert len(opens) == 2, opens


def _imported_after(args: list[str], db: str, heavy: tuple[str, ...]) -> list[str]:
    code = (
        "import sys\n"
        "from incidentlog.cli.main import app\n"
        "try:\n"
        f"    app(['--db', sys.argv[1], *{args!r}])\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0, e.code\n"
        f"print(','.join(m for m in {heavy!r} if m in sys.modules) or 'none')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, db], check=True, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1].split(",")


def test_json_and_csv_reports_do_not_import_rich(cli: Cli, tmp_path: Any) -> None:
    db = str(tmp_path / "r.db")
    cli("--db", db, "add", "Ann Lee", "--reason", "billing", "--resolved", "--store", "N",
        "--agent", "J")  # fmt: skip
    for args in (
        ["report", "store", "--format", "json"],
        ["repeat-customers", "--format", "csv"],
        ["repeat-customers", "--format", "json"],
    ):
        assert _imported_after(args, db, ("rich", "rich.table", "rich.console")) == ["none"], args


def test_help_does_not_load_the_database_layer(tmp_path: Any) -> None:
    # Opening a database (locations, schema, migrations) waits for a command that needs one.
    heavy = ("incidentlog.storage.database", "incidentlog.storage.schema")
    assert _imported_after(["--help"], str(tmp_path / "h.db"), heavy) == ["none"]
