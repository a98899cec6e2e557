"""add, list, show, edit, resolve, delete, follow-ups and undo through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Sql
from tests.helpers import Cli

pytestmark = pytest.mark.backends  # runs on SQLite and on PostgreSQL (see conftest.py)


def count(_db: Path, table: str = "incident") -> int:
    """Rows in `table` of the test's database, whichever backend it is."""
    queries = Sql()
    try:
        return int(queries.scalar(f"SELECT COUNT(*) FROM {table}"))
    finally:
        queries.close()


def test_add_prints_id_and_list_json_has_spec_keys(cli: Cli, tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    result = cli(
        "--db",
        db,
        "add",
        "Ann Lee",
        "--reason",
        "billing",
        "--resolved",
        "--store",
        "North",
        "--agent",
        "Jane",
    )
    assert "Recorded incident #1 for Ann Lee at North (agent Jane)" in result.stdout
    rows = cli("--db", db, "list", "--format", "json").json()
    assert len(rows) == 1
    row = rows[0]
    for key in (
        "id",
        "customer",
        "reason",
        "resolved",
        "store",
        "agent",
        "at",
        "description",
        "resolution",
    ):
        assert key in row
    assert row["id"] == 1 and row["customer"] == "Ann Lee" and row["resolved"] is True
    assert row["at"].startswith("2026-05-20T")


def test_add_quiet_prints_only_the_id(cli: Cli) -> None:
    out = cli(
        "add", "Ann", "--reason", "billing", "--resolved", "--store", "N", "--agent", "J", "-q"
    ).stdout
    assert out.strip() == "1"


def test_add_all_fields_are_stored(cli: Cli) -> None:
    incident_id = cli.add(
        "  Marta   Sousa ",
        reason="Late  Delivery",
        resolved=False,
        store="Harbour Street",
        agent="Priya Nair",
        description="parcel late",
        resolution="voucher offered",
        at="2026-05-18 15:30",
        contact="marta@example.com",
        channel="phone",
        follow_up="2026-05-21",
    )
    row = cli("show", str(incident_id), "--format", "json").json()
    assert row["customer"] == "Marta Sousa"
    assert row["reason"] == "late delivery"
    assert row["resolved"] is False and row["status"] == "open"
    assert row["at"] == "2026-05-18T15:30"
    assert row["contact"] == "marta@example.com"
    assert row["channel"] == "phone"
    assert row["follow_up"] == "2026-05-21"
    assert (row["description"], row["resolution"]) == ("parcel late", "voucher offered")


def test_names_match_case_accent_and_space_insensitively(cli: Cli) -> None:
    cli.add("Zoë Demir", store="Café Central", agent="José", reason="Billing")
    cli.add("zoe  demir", store="cafe central", agent="JOSE", reason="billing ")
    rows = cli("list", "--format", "json").json()
    assert {r["store"] for r in rows} == {"Café Central"}
    assert {r["agent"] for r in rows} == {"José"}
    assert {r["reason"] for r in rows} == {"billing"}
    assert {r["customer"] for r in rows} == {"Zoë Demir"}


def test_earlier_incidents_are_noted(cli: Cli) -> None:
    cli.add("Zofia", store="North", agent="Jane")
    cli.add("Zofia", store="South", agent="Bob")
    result = cli(
        "add", "Zofia", "--reason", "billing", "--resolved", "--store", "North", "--agent", "Jane"
    )
    assert "Zofia has 2 earlier incidents (2 stores, 2 agents)" in result.stderr


@pytest.mark.parametrize(
    ("kind", "typo", "flag"), [("agent", "Jnae", "--new-agent"), ("store", "Nroth", "--new-store")]
)
def test_near_duplicate_store_or_agent_is_refused_unless_confirmed(
    cli: Cli, isolated: Path, kind: str, typo: str, flag: str
) -> None:
    cli.add("Ann", store="North", agent="Jane")
    args = ["add", "Bob", "--reason", "x", "--resolved", "--store", "North", "--agent", "Jane"]
    args[args.index("--" + kind) + 1] = typo
    result = cli.fails(*args, code=2)
    assert "did you mean" in result.stderr and ("Jane" in result.stderr or "North" in result.stderr)
    assert count(isolated) == 1
    cli(*args, flag)
    assert count(isolated) == 2


def test_near_duplicate_customer_only_warns(cli: Cli, isolated: Path) -> None:
    cli.add("Ann Lee")
    result = cli(
        "add", "Ann Lea", "--reason", "x", "--resolved", "--store", "North", "--agent", "Jane"
    )
    assert "looks like 'Ann Lee'" in result.stderr
    assert count(isolated) == 2


def test_contact_identifies_the_customer(cli: Cli) -> None:
    cli.add("Ann Lee", contact="ann@example.com")
    cli.add("A. Lee", contact="ANN@example.com")
    cli.add("Ann Lee", contact="other@example.com")
    rows = cli("list", "--format", "json").json()
    by_id = {r["id"]: r for r in rows}
    assert by_id[2]["customer"] == "Ann Lee"  # same contact, same customer
    assert cli("list", "--customer", "ann@example.com", "--format", "json").json()[0]["id"] in (
        1,
        2,
    )
    assert len(cli("list", "--customer", "ann@example.com", "--format", "json").json()) == 2


def test_defaults_from_config(cli: Cli) -> None:
    cli("config", "set", "store", "Harbour Street")
    cli("config", "set", "agent", "Priya Nair")
    result = cli("add", "Ann", "--reason", "billing", "--resolved")
    assert "at Harbour Street (agent Priya Nair)" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["add", "--reason", "x", "--resolved", "--store", "N", "--agent", "J"],
            "Missing CUSTOMER",
        ),
        (["add", "Ann", "--resolved", "--store", "N", "--agent", "J"], "--reason"),
        (
            ["add", "Ann", "--reason", "x", "--store", "N", "--agent", "J"],
            "--resolved/--unresolved",
        ),
        (["add", "Ann", "--reason", "x", "--resolved", "--agent", "J"], "--store"),
        (["add", "Ann", "--reason", "x", "--resolved", "--store", "N"], "--agent"),
        (
            ["add", "   ", "--reason", "x", "--resolved", "--store", "N", "--agent", "J"],
            "customer cannot be empty",
        ),
        (
            ["add", "Ann", "--reason", " ", "--resolved", "--store", "N", "--agent", "J"],
            "reason cannot be empty",
        ),
        (
            [
                "add",
                "Ann",
                "--reason",
                "x",
                "--resolved",
                "--store",
                "N",
                "--agent",
                "J",
                "--at",
                "soonish",
            ],
            "Cannot understand date",
        ),
        (
            [
                "add",
                "Ann",
                "--reason",
                "x",
                "--resolved",
                "--store",
                "N",
                "--agent",
                "J",
                "--at",
                "tomorrow 10:00",
            ],
            "future",
        ),
        (
            [
                "add",
                "Ann",
                "--reason",
                "x",
                "--resolved",
                "--store",
                "N",
                "--agent",
                "J",
                "--channel",
                "pigeon",
            ],
            "Unknown channel",
        ),
        (
            [
                "add",
                "Ann",
                "--reason",
                "x",
                "--resolved",
                "--store",
                "N",
                "--agent",
                "J",
                "--description",
                "x" * 5001,
            ],
            "too long",
        ),
        (
            ["add", "A" * 201, "--reason", "x", "--resolved", "--store", "N", "--agent", "J"],
            "too long",
        ),
        (["add", "Ann", "--bogus"], "No such option"),
        (["list", "--period", "someday"], "Cannot understand period"),
        (["list", "--format", "xml"], "Unknown format"),
    ],
)
def test_bad_input_is_exit_2_one_line_nothing_written(
    cli: Cli, isolated: Path, args: list[str], message: str
) -> None:
    cli.add("Existing")
    result = cli.fails(*args, code=2)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert count(isolated) == 1


@pytest.mark.parametrize(
    "command",
    [
        ["show", "99"],
        ["edit", "99", "--reason", "x"],
        ["delete", "99", "--yes"],
        ["resolve", "99", "--resolution", "done"],
    ],
)
def test_unknown_id_is_exit_1(cli: Cli, command: list[str]) -> None:
    result = cli.fails(*command, code=1)
    assert "No incident #99" in result.stderr


def test_list_filters_and_limit(cli: Cli) -> None:
    cli.add("Ann", store="North", agent="Jane", at="2026-05-02 10:00")
    cli.add(
        "Bob",
        store="South",
        agent="Bob",
        reason="late delivery",
        at="2026-05-03 10:00",
        new_agent=True,
    )
    cli.add("Cy", store="North", agent="Bob", resolved=False, at="2026-05-04 10:00")
    cli.add("Dee", store="North", agent="Jane", at="2026-04-30 10:00")

    def ids(*args: str) -> list[int]:
        return [r["id"] for r in cli("list", *args, "--format", "json").json()]

    assert ids() == [3, 2, 1]  # this month (May), newest first
    assert ids("--period", "2026-04") == [4]
    assert ids("--from", "2026-04-30", "--to", "2026-05-02") == [1, 4]
    assert ids("--store", "north") == [3, 1]
    assert ids("--agent", "Bob") == [3, 2]
    assert ids("--reason", "Late Delivery") == [2]
    assert ids("--customer", "cy") == [3]
    assert ids("--open") == [3]
    assert ids("--limit", "2") == [3, 2]
    assert ids("--period", "2026-05-03") == [2]
    unknown = cli.fails("list", "--store", "Nroth", code=1)
    assert "Did you mean 'North'" in unknown.stderr


def test_list_table_and_csv(cli: Cli) -> None:
    cli.add("Ann Lee", reason="billing")
    table = cli("list").stdout
    assert "Ann Lee" in table and "billing" in table and "resolved on the spot" in table
    assert "\x1b[" not in table
    csv_text = cli("list", "--format", "csv").stdout.splitlines()
    assert csv_text[0].startswith("id,customer,contact,reason,resolved")
    assert "Ann Lee" in csv_text[1]
    assert "No incidents match" in cli("list", "--period", "2025").stdout


def test_edit_changes_only_given_fields(cli: Cli) -> None:
    incident_id = cli.add("Ann", reason="billing", at="2026-05-10 09:00", description="first")
    result = cli(
        "edit",
        str(incident_id),
        "--reason",
        "Late Delivery",
        "--at",
        "2026-04-30 18:00",
        "--agent",
        "Bob",
        "--new-agent",
    )
    assert "Updated incident #1" in result.stdout
    row = cli("show", "1", "--format", "json").json()
    assert (
        row["reason"] == "late delivery"
        and row["at"] == "2026-04-30T18:00"
        and row["agent"] == "Bob"
    )
    assert row["description"] == "first" and row["customer"] == "Ann"
    assert cli("list", "--period", "2026-04", "--format", "json").json()[0]["id"] == 1
    cli.fails("edit", "1", code=2)


def test_resolve_records_the_later_resolution(cli: Cli) -> None:
    incident_id = cli.add("Ann", resolved=False, at="2026-05-18 10:00", follow_up="2026-05-19")
    cli("resolve", str(incident_id), "--resolution", "refund sent", "--at", "2026-05-19 11:00")
    row = cli("show", "1", "--format", "json").json()
    assert row["status"] == "resolved later" and row["later_resolution"] == "refund sent"
    assert row["resolution"] == ""  # what was written at the time is not overwritten
    assert row["resolved_at"] == "2026-05-19T11:00" and row["resolved"] is False
    again = cli.fails("resolve", "1", "--resolution", "again", code=1)
    assert "already resolved" in again.stderr and "changed since you read it" in again.stderr
    on_spot = cli.add("Bob")
    assert (
        "resolved on the spot"
        in cli.fails("resolve", str(on_spot), "--resolution", "x", code=1).stderr
    )
    early = cli.add("Cy", resolved=False, at="2026-05-18 10:00")
    cli.fails("resolve", str(early), "--resolution", "x", "--at", "2026-05-17 10:00", code=2)


def test_delete_asks_or_needs_yes_and_undo_restores(cli: Cli, isolated: Path) -> None:
    cli.add("Ann", description="keep me")
    result = cli.fails("delete", "1", code=2)
    assert "--yes" in result.stderr
    assert count(isolated) == 1
    cli("delete", "1", "--yes")
    assert count(isolated) == 0
    assert "Undid: delete incident #1" in cli("undo").stdout
    assert cli("show", "1", "--format", "json").json()["description"] == "keep me"


def test_follow_ups_overdue_first(cli: Cli) -> None:
    cli.add("Late", resolved=False, at="2026-05-01 10:00", follow_up="2026-05-10")
    cli.add("Later", resolved=False, at="2026-05-02 10:00", follow_up="2026-05-05")
    cli.add("Due", resolved=False, at="2026-04-01 10:00", follow_up="2026-05-25")
    cli.add("None", resolved=False, at="2026-03-01 10:00")
    cli.add("Done")
    rows = cli("follow-ups", "--format", "json").json()
    assert [r["customer"] for r in rows] == ["Later", "Late", "None", "Due"]
    assert rows[0]["overdue_days"] == 15 and rows[1]["overdue_days"] == 10
    assert rows[2]["overdue_days"] == 0
    assert "Overdue" in cli("follow-ups").stdout


def test_undo_walks_back_add_edit_resolve(cli: Cli, isolated: Path) -> None:
    cli.add("Ann", resolved=False, at="2026-05-18 10:00", store="North", agent="Jane")
    cli("edit", "1", "--description", "edited")
    cli("resolve", "1", "--resolution", "fixed")
    assert "resolve incident #1" in cli("undo").stdout
    assert cli("show", "1", "--format", "json").json()["status"] == "open"
    assert "edit incident #1" in cli("undo").stdout
    assert cli("show", "1", "--format", "json").json()["description"] == ""
    assert "add incident #1" in cli("undo").stdout
    assert count(isolated) == 0
    # the store, agent and customer the add created went with it
    stores = count(isolated, "store")
    assert stores == 0
    assert "Nothing to undo" in cli.fails("undo", code=1).stderr


def test_deleted_ids_are_never_reused(cli: Cli) -> None:
    cli.add("Ann")
    cli.add("Bob")
    cli("delete", "2", "--yes")
    assert cli.add("Cy") == 3


def test_prompts_for_missing_values_on_a_terminal(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.add("Seed", store="Harbour Street", agent="Priya Nair", reason="late delivery")
    monkeypatch.setattr("incidentlog.cli.incidents.is_interactive", lambda: True)
    answers = "\n".join(
        [
            "late delivery",
            "n",
            "Harbour Street",
            "Priya Nair",
            "parcel late",
            "call back",
            "2026-05-22",
            "",  # no remedy: the clerk's default
        ]
    )
    result = cli("add", "Marta Sousa", input=answers + "\n")
    assert "Reason (late delivery or a new one)" in result.stdout
    assert "Record a remedy? [y/N]" in result.stdout
    assert "Recorded incident #2 for Marta Sousa at Harbour Street" in result.stdout
    row = cli("show", "2", "--format", "json").json()
    assert row["follow_up"] == "2026-05-22" and row["description"] == "parcel late"
    assert row["resolved"] is False


def test_lookalike_at_the_prompt_can_pick_the_known_name(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.add("Seed", agent="Jane")
    monkeypatch.setattr("incidentlog.cli.incidents.is_interactive", lambda: True)
    cli(
        "add",
        "Bob",
        "--reason",
        "x",
        "--resolved",
        "--store",
        "North",
        "--agent",
        "Jnae",
        input="y\n",
    )
    assert cli("show", "2", "--format", "json").json()["agent"] == "Jane"


def test_show_table(cli: Cli) -> None:
    cli.add("Ann Lee", description="printer jam", contact="+351 912 345 678")
    out = cli("show", "1").stdout
    assert "Incident #1" in out and "printer jam" in out and "+351 912 345 678" in out


def test_undo_reverses_only_this_tills_changes(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("incidentlog.records.journal.actor", lambda: "clerk@till-1")
    cli.add("Ann")
    monkeypatch.setattr("incidentlog.records.journal.actor", lambda: "clerk@till-2")
    cli.add("Bob")
    monkeypatch.setattr("incidentlog.records.journal.actor", lambda: "clerk@till-1")
    assert "Ann" in cli("undo").stdout
    assert [r["customer"] for r in cli("list", "--format", "json").json()] == ["Bob"]


def test_journal_keeps_a_bounded_history(
    cli: Cli, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("incidentlog.records.journal.KEEP", 3)
    for name in ("A", "B", "C", "D", "E"):
        cli.add(name)
    entries = count(isolated, "journal")
    assert entries == 3


def test_follow_up_weekday_looks_forward(cli: Cli) -> None:
    # 2026-05-20 is a Wednesday
    cli.add("Ann", resolved=False, follow_up="thursday")
    cli.add("Bob", resolved=False, follow_up="wed 10:00")
    rows = {r["customer"]: r for r in cli("list", "--format", "json").json()}
    assert rows["Ann"]["follow_up"] == "2026-05-21"
    assert rows["Bob"]["follow_up"] == "2026-05-27"
