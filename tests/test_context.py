"""The application context: --db and --today reach the command through ctx.obj, never through
module globals or the environment, and option types name the option they refuse."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidentlog.cli import common
from incidentlog.cli.main import app
from incidentlog.core.clock import TODAY_ENV
from tests.helpers import Cli


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_the_today_option_does_not_leak_into_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(TODAY_ENV)
    code, _out, err = _invoke("--today", "2026-01-20", "list")
    assert code == 0, err
    assert TODAY_ENV not in os.environ
    monkeypatch.setenv(TODAY_ENV, "2026-05-20")
    code, _out, err = _invoke("--today", "2026-01-20", "list")
    assert code == 0, err
    assert os.environ[TODAY_ENV] == "2026-05-20"


def test_two_runs_in_one_process_keep_their_own_today(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TODAY_ENV)
    cli.add("Ann", resolved=False, at="2026-01-10 10:00", follow_up="2026-01-15")

    def overdue(today: str) -> int:
        rows = cli("--today", today, "follow-ups", "--format", "json").json()
        return int(rows[0]["overdue_days"])

    assert overdue("2026-01-20") == 5
    assert overdue("2026-02-15") == 31
    assert overdue("2026-01-20") == 5
    # the default period, this-month, counts from each run's own today
    january = cli("--today", "2026-01-31", "list", "--format", "json").json()
    february = cli("--today", "2026-02-01", "list", "--format", "json").json()
    assert [row["customer"] for row in january] == ["Ann"]
    assert february == []


def test_an_unpinned_run_after_a_pinned_one_uses_the_real_date(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TODAY_ENV)
    pinned = cli("--today", "2001-02-03", "summary", "--format", "json").json()
    assert pinned["period"]["start"] == "2001-01-22"
    unpinned = cli("summary", "--format", "json").json()
    assert unpinned["period"]["start"] != "2001-01-22"


def test_the_database_option_does_not_outlive_its_run(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    cli("--db", str(other), "add", "Ann", "-r", "billing", "--resolved", "-s", "North",
        "-a", "Jane")  # fmt: skip
    assert other.exists()
    # the next run without --db is back on INCIDENTLOG_DB, which holds nothing
    assert cli("list", "--format", "json").json() == []
    assert not hasattr(common, "STATE")


@pytest.mark.parametrize(
    ("args", "named", "detail"),
    [
        (["list", "--period", "someday"], "'--period' / '-p'", "Cannot understand period"),
        (["list", "-p", "2026-13"], "'--period' / '-p'", "there is no month 13"),
        (["report", "agents", "--compare", "soon"], "'--compare' / '-c'", "Use 2026-03"),
        (["summary", "--week", "2026-05"], "'--week' / '-w'", "as a week"),
        (["list", "--from", "whenever"], "'--from'", "Cannot understand --from"),
        (["list", "--to", "2026-02-30"], "'--to'", "Cannot understand --to"),
        (["add", "Ann", "-r", "billing", "--resolved", "-s", "North", "-a", "Jane",
          "--at", "half past never"], "'--at'", "Cannot understand date"),
        (["add", "Ann", "-r", "billing", "--resolved", "-s", "North", "-a", "Jane",
          "--at", "tomorrow 10:00"], "'--at'", "is in the future"),
        (["resolve", "1", "--resolution", "x", "--at", "blah"], "'--at'", "Cannot understand"),
        (["edit", "1", "--follow-up", "blah"], "'--follow-up'", "Cannot understand date"),
        (["training", "add", "--topic", "Calm", "--kind", "review", "--minutes", "30",
          "--agents", "Jane", "--on", "blah"], "'--on'", "Cannot understand date"),
    ],
    ids=lambda v: v if isinstance(v, str) else " ".join(v[:3]),
)  # fmt: skip
def test_a_bad_period_or_date_is_a_usage_error_naming_the_option(
    cli: Cli, args: list[str], named: str, detail: str
) -> None:
    result = cli.fails(*args, code=2)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Error: Invalid value for {named}: "), lines[0]
    assert detail in lines[0], lines[0]
    assert cli("list", "--period", "all", "--format", "json").json() == []


def test_an_option_value_counts_from_the_runs_today(cli: Cli) -> None:
    # 2026-05-21 is tomorrow by INCIDENTLOG_TODAY, but yesterday with --today 2026-05-22
    result = cli.fails("add", "Ann", "-r", "billing", "--resolved", "-s", "North", "-a", "Jane",
                       "--at", "2026-05-21 10:00", code=2)  # fmt: skip
    assert "'--at'" in result.stderr and "future" in result.stderr
    cli("--today", "2026-05-22", "add", "Ann", "-r", "billing", "--resolved", "-s", "North",
        "-a", "Jane", "--at", "2026-05-21 10:00")  # fmt: skip
    rows = cli("--today", "2026-05-22", "list", "--period", "yesterday", "--format", "json").json()
    assert [row["customer"] for row in rows] == ["Ann"]
