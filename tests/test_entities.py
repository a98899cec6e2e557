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
    monkeypatch.setattr("incidentlog.cli.incidents.is_interactive", lambda: True)
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


# -- list ------------------------------------------------------------------------------------


def test_list_counts_incidents_and_training_with_first_and_last_seen(cli: Cli) -> None:
    cli.add("Ann", store="North", agent="Jane", at="2026-04-03 10:00")
    cli.add("Bob", store="North", agent="Bob", at="2026-05-02 10:00", new_agent=True)
    cli.add("Cy", store="South", agent="Jane", reason="late delivery", at="2026-05-04 10:00")
    cli("training", "add", "--topic", "calm", "--kind", "roleplay", "--minutes", "30",
        "--agents", "Jane,Bob", "--on", "2026-03-30", "--store", "South")  # fmt: skip
    assert cli("stores", "list", "--format", "json").json() == [
        {"store": "North", "incidents": 2, "training_sessions": 0,
         "first": "2026-04-03", "last": "2026-05-02"},
        {"store": "South", "incidents": 1, "training_sessions": 1,
         "first": "2026-03-30", "last": "2026-05-04"},
    ]  # fmt: skip
    assert cli("agents", "list", "--format", "csv").stdout.splitlines() == [
        "agent,incidents,training_sessions,first,last",
        "Bob,1,1,2026-03-30,2026-05-02",
        "Jane,2,1,2026-03-30,2026-05-04",
    ]
    assert cli("reasons", "list", "--format", "json").json() == [
        {"reason": "billing", "incidents": 2, "first": "2026-04-03", "last": "2026-05-02"},
        {"reason": "late delivery", "incidents": 1, "first": "2026-05-04", "last": "2026-05-04"},
    ]
    table = cli("stores", "list").stdout
    assert "North" in table and "First seen" in table


@pytest.mark.parametrize(
    ("group", "header"),
    [
        ("stores", "store,incidents,training_sessions,first,last"),
        ("agents", "agent,incidents,training_sessions,first,last"),
        ("reasons", "reason,incidents,first,last"),
    ],
)
def test_list_has_the_same_columns_without_rows(cli: Cli, group: str, header: str) -> None:
    cli("training", "list")  # opens (creates) an empty database
    cli.add("Ann")
    cli("undo")
    assert cli(group, "list", "--format", "csv").stdout.splitlines() == [header]
    assert cli(group, "list", "--format", "json").json() == []
    assert f"No {group} yet." in cli(group, "list").stdout


# -- rename ----------------------------------------------------------------------------------


def test_rename_shows_in_every_report_and_undo_puts_it_back(cli: Cli) -> None:
    cli.add("Ann", store="north street", at="2026-05-01 10:00")
    cli.add("Bob", store="North  Street", at="2026-05-02 10:00")
    out = cli("stores", "rename", "north street", "North Street")
    assert 'Renamed store "north street" to "North Street" (2 incidents' in out.stdout

    def shown() -> tuple[list[str], list[str], str]:
        report = cli("report", "store", "-p", "2026-05", "--format", "json").json()
        listed = cli("list", "-p", "2026-05", "--format", "json").json()
        return (
            [r["store"] for r in report["rows"]],
            sorted({r["store"] for r in listed}),
            cli("show", "1", "--format", "json").json()["store"],
        )

    assert shown() == (["North Street"], ["North Street"], "North Street")
    assert "North Street" in cli("report", "store", "-p", "2026-05").stdout
    assert 'Undid: rename store "north street" to "North Street"' in cli("undo").stdout
    assert shown() == (["north street"], ["north street"], "north street")


def test_rename_to_a_new_spelling_then_old_name_is_unknown(cli: Cli) -> None:
    cli.add("Ann", agent="Jnae", at="2026-05-01 10:00")
    cli("agents", "rename", "jnae", "Jane")
    assert cli("list", "-p", "2026-05", "--format", "json").json()[0]["agent"] == "Jane"
    missing = cli.fails("agents", "rename", "Jnae", "Janet", code=1).stderr
    assert 'No agent named "Jnae". Did you mean' in missing and "'Jane'" in missing
    cli.add("Bob", agent="jane", at="2026-05-02 10:00")  # the new name is the one known
    assert [a["agent"] for a in cli("agents", "list", "--format", "json").json()] == ["Jane"]


def test_reason_rename_keeps_the_canonical_lower_case(cli: Cli) -> None:
    cli.add("Ann", reason="late delivry", at="2026-05-01 10:00")
    cli("reasons", "rename", "late delivry", "Late Delivery")
    report = cli("report", "reasons", "-p", "2026-05", "--format", "json").json()
    assert [r["reason"] for r in report["rows"]] == ["late delivery"]


def test_rename_onto_another_existing_name_is_refused_suggesting_merge(cli: Cli, sql: Sql) -> None:
    cli.add("Ann", store="North Street", at="2026-05-01 10:00")
    cli.add("Bob", store="Nort Street", new_store=True, at="2026-05-02 10:00")
    refused = cli.fails("stores", "rename", "Nort Street", "north street", code=1).stderr
    assert 'There is already a store "North Street"' in refused
    assert '`incidentlog stores merge "North Street" "Nort Street"`' in refused
    assert sorted(r["name"] for r in sql.rows("SELECT name FROM store")) == [
        "Nort Street",
        "North Street",
    ]
    assert "Undid: add incident #2" in cli("undo").stdout  # the refusal left no undo step


@pytest.mark.parametrize("group", ["stores", "agents", "reasons"])
def test_unknown_names_are_refused(cli: Cli, group: str) -> None:
    cli.add("Ann")
    kind = group[:-1]
    assert (
        f'No {kind} named "Nowhere".' in cli.fails(group, "rename", "Nowhere", "X", code=1).stderr
    )
    assert f'No {kind} named "Nowhere".' in cli.fails(group, "merge", "Nowhere", "Y", code=1).stderr
    assert "cannot be empty" in cli.fails(group, "rename", " ", "x", code=2).stderr


# -- merge -----------------------------------------------------------------------------------


def snapshot(sql: Sql) -> dict[str, list[tuple[object, ...]]]:
    tables = {
        "store": "SELECT id, name, key FROM store ORDER BY id",
        "agent": "SELECT id, name, key FROM agent ORDER BY id",
        "reason": "SELECT id, name, key FROM reason ORDER BY id",
        "incident": "SELECT id, store_id, agent_id, reason_id FROM incident ORDER BY id",
        "training_session": "SELECT id, store_id FROM training_session ORDER BY id",
        "attendance": "SELECT session_id, agent_id FROM attendance ORDER BY session_id, agent_id",
    }
    return {t: [tuple(r.values()) for r in sql.rows(q)] for t, q in tables.items()}


def test_store_merge_moves_incidents_and_sessions_and_undo_restores_both(
    cli: Cli, sql: Sql
) -> None:
    cli.add("Ann", store="North Street", at="2026-05-01 10:00")
    cli.add("Bob", store="Nort Street", new_store=True, at="2026-05-02 10:00")
    cli.add("Cy", store="Nort Street", at="2026-05-03 10:00")
    cli("training", "add", "--topic", "calm", "--kind", "review", "--minutes", "20",
        "--agents", "Jane", "--on", "2026-05-04", "--store", "Nort Street")  # fmt: skip
    before = snapshot(sql)
    out = cli("stores", "merge", "north street", "nort street").stdout
    assert 'Merged store "Nort Street" into "North Street": 2 incidents, 1 training session' in out
    report = cli("report", "store", "-p", "2026-05", "--format", "json").json()
    assert [(r["store"], r["incidents"]) for r in report["rows"]] == [("North Street", 3)]
    assert cli("training", "list", "-p", "2026-05", "--format", "json").json()[0]["store"] == (
        "North Street"
    )
    assert [s["store"] for s in cli("stores", "list", "--format", "json").json()] == [
        "North Street"
    ]
    assert 'Undid: merge store "Nort Street" into "North Street"' in cli("undo").stdout
    assert snapshot(sql) == before
    report = cli("report", "store", "-p", "2026-05", "--format", "json").json()
    assert sorted((r["store"], r["incidents"]) for r in report["rows"]) == [
        ("Nort Street", 2),
        ("North Street", 1),
    ]


def test_agent_merge_joins_attendance_once_and_undo_restores_it(cli: Cli, sql: Sql) -> None:
    cli.add("Ann", agent="Jane", at="2026-05-01 10:00")
    cli.add("Bob", agent="Jnae", new_agent=True, at="2026-05-02 10:00")
    both = ["--kind", "roleplay", "--minutes", "30", "--on", "2026-05-05"]
    cli("training", "add", "--topic", "both", "--agents", "Jane,Jnae", *both)
    cli("training", "add", "--topic", "typo only", "--agents", "Jnae", *both)
    cli("training", "add", "--topic", "jane only", "--agents", "Jane", *both)
    before = snapshot(sql)
    out = cli("agents", "merge", "Jane", "Jnae").stdout
    assert "1 incident, 2 training attendances moved" in out
    sessions = cli("training", "list", "-p", "2026-05", "--format", "json").json()
    assert sorted((s["topic"], s["agents"]) for s in sessions) == [
        ("both", ["Jane"]),
        ("jane only", ["Jane"]),
        ("typo only", ["Jane"]),
    ]
    time = cli("report", "training-time", "-p", "2026-05", "--format", "json").json()
    assert [(r["agent"], r["roleplay_minutes"]) for r in time["rows"]] == [("Jane", 90)]
    cli("undo")
    assert snapshot(sql) == before


def test_reason_merge_joins_the_statistics_and_undo_splits_them_again(cli: Cli) -> None:
    cli.add("Ann", reason="late delivery", at="2026-05-01 10:00")
    cli.add("Bob", reason="late delivry", new_reason=True, at="2026-05-02 10:00")
    cli.add("Cy", reason="late delivry", at="2026-05-03 10:00")

    def reasons() -> list[tuple[str, int]]:
        report = cli("report", "reasons", "-p", "2026-05", "--format", "json").json()
        return [(r["reason"], r["incidents"]) for r in report["rows"]]

    assert reasons() == [("late delivry", 2), ("late delivery", 1)]
    cli("reasons", "merge", "late delivery", "late delivry")
    assert reasons() == [("late delivery", 3)]
    cli("undo")
    assert reasons() == [("late delivry", 2), ("late delivery", 1)]


def test_merge_of_one_entity_with_itself_is_refused(cli: Cli) -> None:
    cli.add("Ann", store="North")
    refused = cli.fails("stores", "merge", "North", " north ", code=2).stderr
    assert "same store" in refused and "nothing to merge" in refused


def test_rename_and_merge_note_this_tills_default_if_it_still_names_the_old(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INCIDENTLOG_CONFIG", str(tmp_path / "config.toml"))
    cli("config", "set", "store", "Nort")
    cli.add("Ann", store="Nort", at="2026-05-01 10:00")
    out = cli("stores", "rename", "Nort", "North")
    assert 'this till\'s default store is still "Nort"' in out.stderr
    assert '`incidentlog config set store "North"`' in out.stderr
    assert "default" not in cli("stores", "rename", "North", "NORTH").stderr
