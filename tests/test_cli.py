"""The command line as a whole: help texts, global options, errors, start-up imports."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.main import get_command

from incidentlog.cli.main import app
from tests.helpers import Cli


def all_commands() -> list[list[str]]:
    found: list[list[str]] = []

    def walk(command, path: list[str]) -> None:  # type: ignore[no-untyped-def]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(sub, [*path, name])
        else:
            found.append(path)

    walk(get_command(app), [])
    return found


@pytest.mark.parametrize("path", all_commands(), ids=lambda p: " ".join(p))
def test_every_command_has_help_with_an_example(cli: Cli, path: list[str]) -> None:
    out = cli(*path, "--help").stdout
    assert "Usage: " in out
    assert "Example: incidentlog" in out, f"{' '.join(path)} --help has no example"


def test_version(cli: Cli) -> None:
    assert cli("--version").stdout.startswith("incidentlog ")


def test_no_command_on_an_empty_database_explains_what_to_do(cli: Cli) -> None:
    out = cli().stdout
    assert "incidentlog demo" in out and "incidentlog add" in out and "config set store" in out


def test_today_option_overrides_the_date(cli: Cli) -> None:
    cli.add("Ann", at="2026-01-15 10:00")
    assert cli("--today", "2026-01-20", "list", "--format", "json").json()[0]["customer"] == "Ann"


@pytest.mark.parametrize("value", ["not-a-date", "2026-02-30", "1800-01-01"])
def test_a_bad_today_option_is_blamed_on_the_option(cli: Cli, value: str) -> None:
    stderr = cli.fails("--today", value, "list", code=2).stderr
    assert stderr.startswith("Error: --today must") and value in stderr, stderr
    assert "INCIDENTLOG_TODAY" not in stderr
    # the refused value did not become today for what runs next in the same process
    cli("list")


def test_unknown_command_is_exit_2(cli: Cli) -> None:
    result = cli.fails("frobnicate", code=2)
    assert "No such command" in result.stderr


def test_help_and_add_do_not_import_heavy_libraries(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import sys\n"
        "from incidentlog.cli.main import app\n"
        "try:\n"
        "    app(['--db', sys.argv[1], 'add', 'Ann', '--reason', 'x', '--resolved', '--store', 'N', '--agent', 'J'])\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0, e.code\n"
        "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'rich.table', 'alembic', 'incidentlog.reports') if m in sys.modules]\n"
        "print(','.join(heavy) or 'none')\n"
    )
    # The first open creates the schema (alembic); time the second, as a clerk would meet it.
    subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "a.db")], check=True, capture_output=True
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "a.db")],
        check=True,
        capture_output=True,
        text=True,
    )
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("Recorded incident #2")
    assert lines[-1] == "none"
