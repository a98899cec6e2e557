"""Only writers create a database; readers of a missing one say so and create nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import Cli

pytestmark = pytest.mark.no_database

READS = [
    ["list"],
    ["show", "1"],
    ["summary"],
    ["report", "store"],
    ["report", "agents", "--format", "json"],
    ["repeat-customers"],
    ["search", "billing"],
    ["follow-ups"],
    ["training", "list"],
    ["customers", "list"],
    ["export"],
    ["undo"],
    ["resolve", "1", "--resolution", "refunded"],
    ["db", "info"],
    ["import", "IMPORT_FILE", "--dry-run"],
]


def _args(args: list[str], tmp_path: Path) -> list[str]:
    csv = tmp_path / "in.csv"
    csv.write_text(
        "customer,reason,resolved,store,agent,at\nAnn,billing,yes,North,Jane,2026-05-02 10:00\n"
    )
    return [str(csv) if a == "IMPORT_FILE" else a for a in args]


@pytest.mark.parametrize("args", READS, ids=lambda a: " ".join(a))
def test_a_read_of_a_missing_named_database_fails_and_creates_nothing(
    cli: Cli, tmp_path: Path, args: list[str]
) -> None:
    missing = tmp_path / "typo" / "incidents.db"
    result = cli.fails("--db", str(missing), *_args(args, tmp_path), code=1)
    assert result.stderr.strip() == f"Error: No database at {missing}."
    assert result.stdout == ""
    assert not missing.parent.exists()


def test_the_environment_and_the_config_name_a_database_too(
    cli: Cli, tmp_path: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert f"No database at {isolated}" in cli.fails("summary", code=1).stderr
    monkeypatch.delenv("INCIDENTLOG_DB")
    configured = tmp_path / "configured.db"
    cli("config", "set", "db", str(configured))
    assert f"No database at {configured}" in cli.fails("list", code=1).stderr
    assert not isolated.exists() and not configured.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["add", "Ann", "--reason", "billing", "--resolved", "--store", "N", "--agent", "J"],
        [
            "training",
            "add",
            "--topic",
            "T",
            "--kind",
            "review",
            "--minutes",
            "30",
            "--agents",
            "Jane",
            "--new-agent",
        ],
        ["import", "IMPORT_FILE", "--new-store", "--new-agent"],
        ["demo"],
        ["db", "upgrade"],
    ],
    ids=lambda a: a[0] if a[0] != "training" else "training add",
)
def test_a_write_creates_the_database_and_says_so(
    cli: Cli, tmp_path: Path, args: list[str]
) -> None:
    target = tmp_path / "new" / "incidents.db"
    result = cli("--db", str(target), *_args(args, tmp_path))
    assert f"Created a new database at {target}." in result.stderr
    assert target.exists()
    again = cli("--db", str(target), *_args(args, tmp_path), ok=False)
    assert "Created a new database" not in again.stderr
    info = json.loads(cli("--db", str(target), "db", "info", "--format", "json").stdout)
    assert info["location"] == str(target)


def test_reads_of_the_default_location_before_the_first_write_show_the_welcome(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INCIDENTLOG_DB")
    for args in (["list"], ["report", "store"], ["db", "info"], []):
        result = cli(*args)
        assert "No incidents yet" in result.stdout
        assert "incidentlog demo" in result.stdout
    assert not (tmp_path / "data").exists()
    cli.add("Ann")
    assert (tmp_path / "data" / "incidentlog" / "incidentlog.db").exists()
    assert "Ann" in cli("list").stdout
