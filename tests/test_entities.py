"""Stores, agents and reasons as named entities: look-alikes refused, list, rename, merge."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Sql
from tests.helpers import Cli

pytestmark = pytest.mark.backends

HEADER = "customer,reason,resolved,store,agent,at,description,resolution,contact,channel\n"


def add_args(reason: str, *extra: str) -> list[str]:
    return [
        "add", "Bob", "--reason", reason, "--resolved", "--store", "North", "--agent", "Jane",
        "--at", "2026-05-02 10:00", *extra,
    ]  # fmt: skip


def reason_names(sql: Sql) -> list[str]:
    return [r["name"] for r in sql.rows("SELECT name FROM reason ORDER BY id")]


# -- look-alike reasons ----------------------------------------------------------------------


@pytest.mark.parametrize("typo", ["late delivry", "late-delivery", "late deliveries"])
def test_lookalike_new_reason_is_refused_unless_confirmed(cli: Cli, sql: Sql, typo: str) -> None:
    cli.add("Ann", reason="late delivery", at="2026-05-01 10:00")
    refused = cli.fails(*add_args(typo), code=2)
    assert f'New reason "{typo}" looks like "late delivery": did you mean' in refused.stderr
    assert "--new-reason" in refused.stderr
    assert reason_names(sql) == ["late delivery"]
    assert int(sql.scalar("SELECT COUNT(*) FROM incident")) == 1
    cli(*add_args(typo, "--new-reason"))
    assert reason_names(sql) == ["late delivery", typo]


def test_same_reason_in_another_spelling_and_distinct_reasons_are_not_refused(
    cli: Cli, sql: Sql
) -> None:
    cli.add("Ann", reason="late delivery", at="2026-05-01 10:00")
    cli.add("Ann", reason="wrong item", at="2026-05-01 11:00")
    cli(*add_args(" Late  Delivery"))  # the same reason, not a new one
    cli(*add_args("wrong size"))  # shares a word, but is its own category
    assert reason_names(sql) == ["late delivery", "wrong item", "wrong size"]


def test_lookalike_reason_at_the_prompt(
    cli: Cli, sql: Sql, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.add("Ann", reason="late delivery", at="2026-05-01 10:00")
    monkeypatch.setattr("incidentlog.cli.record.is_interactive", lambda: True)
    picked = cli(*add_args("late delivry"), input="y\n")
    assert 'Reason "late delivry" is new. Did you mean "late delivery"?' in picked.stdout
    cli(*add_args("late deliveries"), input="n\ny\n")
    assert reason_names(sql) == ["late delivery", "late deliveries"]
    assert [r["reason"] for r in cli("list", "-p", "2026-05", "--format", "json").json()] == [
        "late deliveries",
        "late delivery",
        "late delivery",
    ]


def test_edit_refuses_a_lookalike_reason_unless_confirmed(cli: Cli, sql: Sql) -> None:
    cli.add("Ann", reason="late delivery", at="2026-05-01 10:00")
    cli.add("Ann", reason="billing", at="2026-05-01 11:00")
    assert "did you mean" in cli.fails("edit", "2", "--reason", "late delivry", code=2).stderr
    assert cli("show", "2", "--format", "json").json()["reason"] == "billing"
    cli("edit", "2", "--reason", "late delivry", "--new-reason")
    assert cli("show", "2", "--format", "json").json()["reason"] == "late delivry"


def test_import_accepts_a_lookalike_reason_with_a_warning_naming_the_place(
    cli: Cli, sql: Sql, tmp_path: Path
) -> None:
    cli.add("Ann", reason="late delivery", at="2026-05-01 10:00")
    path = tmp_path / "in.csv"
    path.write_text(
        HEADER
        + "Bob,late delivery,yes,North,Jane,2026-05-01 10:00,,,,\n"
        + "Cleo,late delivry,yes,North,Jane,2026-05-01 11:00,,,,\n"
    )
    result = cli("import", str(path))
    assert (
        'line 3, column reason: new reason "late delivry" looks like "late delivery"'
        in result.stderr
    )
    assert 'incidentlog reasons merge "late delivery" "late delivry"' in result.stderr
    assert reason_names(sql) == ["late delivery", "late delivry"]
