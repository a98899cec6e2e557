"""training add|list."""

from __future__ import annotations

import pytest

from tests.helpers import Cli

pytestmark = pytest.mark.backends  # runs on SQLite and on PostgreSQL (see conftest.py)


def test_add_and_list_json(cli: Cli) -> None:
    out = cli(
        "training",
        "add",
        "--topic",
        "De-escalation",
        "--kind",
        "role-play",
        "--minutes",
        "90",
        "--agents",
        "Jane, Bob ,jane",
        "--on",
        "2026-03-10",
        "--store",
        "North",
        "--trainer",
        "Rita",
    ).stdout
    assert "Recorded training session #1" in out
    rows = cli("training", "list", "--period", "2026", "--format", "json").json()
    assert rows == [
        {
            "id": 1,
            "on": "2026-03-10",
            "topic": "De-escalation",
            "kind": "roleplay",
            "minutes": 90,
            "agents": ["Bob", "Jane"],
            "store": "North",
            "trainer": "Rita",
        }
    ]


def test_list_period_default_and_topic(cli: Cli) -> None:
    cli(
        "training",
        "add",
        "--topic",
        "Refunds",
        "--kind",
        "new-material",
        "--minutes",
        "30",
        "--agents",
        "Jane",
        "--on",
        "2026-05-02",
    )
    cli(
        "training",
        "add",
        "--topic",
        "Refund review",
        "--kind",
        "review",
        "--minutes",
        "20",
        "--agents",
        "Jane",
        "--on",
        "2026-04-02",
    )
    assert [r["id"] for r in cli("training", "list", "--format", "json").json()] == [1]
    assert (
        len(
            cli("training", "list", "-p", "2026-Q2", "--topic", "refund", "--format", "json").json()
        )
        == 2
    )
    table = cli("training", "list").stdout
    assert "Refunds" in table and "new-material" in table


def test_bad_training_input(cli: Cli) -> None:
    base = ["training", "add", "--topic", "T", "--minutes", "30", "--agents", "Jane"]
    assert "Unknown training kind" in cli.fails(*base, "--kind", "lecture", code=2).stderr
    cli.fails(
        "training",
        "add",
        "--topic",
        "T",
        "--kind",
        "review",
        "--minutes",
        "0",
        "--agents",
        "J",
        code=2,
    )
    cli.fails(
        "training",
        "add",
        "--topic",
        "T",
        "--kind",
        "review",
        "--minutes",
        "30",
        "--agents",
        " , ",
        code=2,
    )
    cli.fails(*base, "--kind", "review", "--on", "2026-06-30", code=2)
    cli.fails("training", "add", "--kind", "review", "--minutes", "30", "--agents", "J", code=2)
    assert cli("training", "list", "--period", "2026", "--format", "json").json() == []


def test_near_duplicate_attendee_refused(cli: Cli) -> None:
    cli.add("Ann", agent="Jane")
    result = cli.fails(
        "training",
        "add",
        "--topic",
        "T",
        "--kind",
        "review",
        "--minutes",
        "30",
        "--agents",
        "Jnae",
        code=2,
    )
    assert "did you mean" in result.stderr
    cli(
        "training",
        "add",
        "--topic",
        "T",
        "--kind",
        "review",
        "--minutes",
        "30",
        "--agents",
        "Jnae",
        "--new-agent",
    )


def test_undo_training_add(cli: Cli) -> None:
    cli(
        "training", "add", "--topic", "T", "--kind", "review", "--minutes", "30", "--agents", "Jane"
    )
    assert "training session #1" in cli("undo").stdout
    assert cli("training", "list", "--format", "json").json() == []
