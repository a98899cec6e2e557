"""Severity, remedy and its cost: recorded by add, edit and resolve, shown by list and show,
refused when bad with nothing written, and shown in the configured currency."""

from __future__ import annotations

import pytest

from tests.conftest import Sql
from tests.helpers import Cli

pytestmark = pytest.mark.backends


def _counts(sql: Sql) -> tuple[int, int, int]:
    return (
        sql.scalar("SELECT COUNT(*) FROM incident"),
        sql.scalar("SELECT COUNT(*) FROM journal"),
        sql.scalar("SELECT COALESCE(SUM(version), 0) FROM incident"),
    )


def test_add_records_severity_remedy_and_cost_in_cents(cli: Cli, sql: Sql) -> None:
    incident_id = cli.add(
        "Ann Lee", severity="High", remedy=" Voucher ", cost="12,50", at="2026-05-18 10:00"
    )
    plain = cli.add("Bob Ray", at="2026-05-18 11:00")
    assert sql.rows("SELECT severity, remedy, cost_cents FROM incident ORDER BY id") == [
        {"severity": "high", "remedy": "voucher", "cost_cents": 1250},
        {"severity": None, "remedy": None, "cost_cents": None},
    ]
    shown = cli("show", str(incident_id), "--format", "json").json()
    assert (shown["severity"], shown["remedy"], shown["cost"]) == ("high", "voucher", 12.5)
    listed = {r["id"]: r for r in cli("list", "--format", "json").json()}
    assert (listed[incident_id]["cost"], listed[plain]["cost"]) == (12.5, None)
    assert (listed[plain]["severity"], listed[plain]["remedy"]) == (None, None)
    for key in ("severity", "remedy", "cost", "checks"):
        assert listed[incident_id][key] == shown[key], key
    # exact to the cent, whatever a float would make of it
    cli.add("Cy", remedy="refund", cost="0.10", at="2026-05-18 12:00")
    cli.add("Di", remedy="refund", cost="0.20", at="2026-05-18 13:00")
    assert sql.scalar("SELECT SUM(cost_cents) FROM incident WHERE remedy = 'refund'") == 30


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--remedy", "refund", "--cost", "-5"], "--cost cannot be negative"),
        (["--remedy", "refund", "--cost", "ten"], "--cost must be an amount"),
        (["--remedy", "refund", "--cost", "1.234"], "--cost has at most two decimals"),
        (["--remedy", "gift"], "refund, voucher, replacement, repair, apology, other"),
        (["--severity", "urgent"], "Use one of: low, medium, high"),
        (["--cost", "10"], "A cost needs the remedy it paid for"),
    ],
    ids=[
        "negative",
        "not-a-number",
        "three-decimals",
        "unknown-remedy",
        "unknown-severity",
        "cost-without-remedy",
    ],  # fmt: skip
)
def test_bad_values_are_one_line_exit_2_and_nothing_written(
    cli: Cli, sql: Sql, options: list[str], says: str
) -> None:
    seed = cli.add("Seed", resolved=False, severity="low", at="2026-05-18 10:00")
    before = _counts(sql)
    base = ["--reason", "billing", "--resolved", "--store", "North", "--agent", "Jane"]
    for args in (
        ["add", "Ann", *base, *options],
        ["edit", str(seed), *options],
        *(
            [["resolve", str(seed), "--resolution", "done", *options]]
            if "--severity" not in options
            else []
        ),
    ):
        refused = cli.fails(*args, code=2)
        assert says in refused.stderr, (args, refused.stderr)
        assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert _counts(sql) == before
    seed_row = cli("show", str(seed), "--format", "json").json()
    assert (seed_row["status"], seed_row["severity"], seed_row["cost"]) == ("open", "low", None)


def test_edit_sets_and_clears_them_and_undo_puts_them_back(cli: Cli, sql: Sql) -> None:
    incident_id = cli.add("Ann", at="2026-05-18 10:00")
    result = cli("edit", str(incident_id), "--severity", "low", "--remedy", "refund",
                 "--cost", "24.90")  # fmt: skip
    assert "Updated incident" in result.stdout
    row = sql.rows("SELECT severity, remedy, cost_cents FROM incident")[0]
    assert row == {"severity": "low", "remedy": "refund", "cost_cents": 2490}
    # an empty value clears, as for --contact and --channel
    cli("edit", str(incident_id), "--severity", "")
    assert cli("show", str(incident_id), "--format", "json").json()["severity"] is None
    # the remedy cannot go while its cost stays
    refused = cli.fails("edit", str(incident_id), "--remedy", "", code=2)
    assert "A cost needs the remedy" in refused.stderr
    cli("edit", str(incident_id), "--cost", "")
    shown = cli("show", str(incident_id), "--format", "json").json()
    assert (shown["remedy"], shown["cost"]) == ("refund", None)
    cli("edit", str(incident_id), "--remedy", "")
    assert sql.rows("SELECT severity, remedy, cost_cents FROM incident")[0] == {
        "severity": None, "remedy": None, "cost_cents": None,
    }  # fmt: skip
    assert "edit incident #1 (remedy)" in cli("undo").stdout
    assert "edit incident #1 (cost)" in cli("undo").stdout
    assert sql.rows("SELECT remedy, cost_cents FROM incident")[0] == {
        "remedy": "refund", "cost_cents": 2490,
    }  # fmt: skip


def test_resolve_records_the_remedy_it_took(cli: Cli, sql: Sql) -> None:
    incident_id = cli.add("Ann", resolved=False, at="2026-05-18 10:00")
    out = cli("resolve", str(incident_id), "--resolution", "refund sent", "--remedy", "Refund",
              "--cost", "24.9", "--at", "2026-05-19 09:00").stdout  # fmt: skip
    assert f"Resolved incident #{incident_id} (Ann) on 2026-05-19 09:00 — refund, 24.90." in out
    assert sql.rows("SELECT remedy, cost_cents, later_resolution FROM incident") == [
        {"remedy": "refund", "cost_cents": 2490, "later_resolution": "refund sent"}
    ]
    assert "resolve incident" in cli("undo").stdout
    assert sql.rows("SELECT remedy, cost_cents, resolved_at FROM incident") == [
        {"remedy": None, "cost_cents": None, "resolved_at": None}
    ]


def test_resolve_fills_in_but_never_replaces_a_remedy_written_before(cli: Cli, sql: Sql) -> None:
    incident_id = cli.add("Ann", resolved=False, remedy="voucher", at="2026-05-18 10:00")
    journal = sql.scalar("SELECT COUNT(*) FROM journal")
    refused = cli.fails("resolve", str(incident_id), "--resolution", "done", "--remedy",
                        "refund", code=1)  # fmt: skip
    assert "already records the remedy voucher" in refused.stderr
    assert f"edit {incident_id} --remedy refund" in refused.stderr
    assert sql.scalar("SELECT COUNT(*) FROM journal") == journal
    assert sql.scalar("SELECT resolved_at FROM incident") is None
    # the cost of the voucher given at the time, known only now
    cli("resolve", str(incident_id), "--resolution", "done", "--remedy", "voucher",
        "--cost", "10")  # fmt: skip
    assert sql.rows("SELECT remedy, cost_cents FROM incident") == [
        {"remedy": "voucher", "cost_cents": 1000}
    ]


def test_costs_show_in_the_configured_currency(cli: Cli) -> None:
    incident_id = cli.add("Ann", remedy="refund", cost="1234.5", severity="medium")
    table = cli("list").stdout
    assert "1,234.50" in table and "EUR" not in table
    assert "Remedy" in table and "refund" in table and "medium" in table
    cli("config", "set", "currency", "EUR")
    assert "EUR 1,234.50" in cli("list").stdout
    card = cli("show", str(incident_id)).stdout
    assert "Cost:" in card and "EUR 1,234.50" in card and "Remedy:        refund" in card
    assert "Severity:      medium" in card
    # JSON keeps the number, whatever the currency shown
    assert cli("show", str(incident_id), "--format", "json").json()["cost"] == 1234.5
    html = cli("list", "--format", "html").stdout
    assert "EUR 1,234.50" in html


def test_list_csv_has_the_columns_with_and_without_rows(cli: Cli) -> None:
    empty = cli("list", "--format", "csv").stdout.splitlines()
    cli.add("Ann", remedy="apology", cost="0")
    full = cli("list", "--format", "csv").stdout.splitlines()
    assert full[0] == empty[0]
    header = full[0].split(",")
    assert header[-5:] == ["later_resolution", "severity", "remedy", "cost", "checks"]
    assert full[1].split(",")[-3:-1] == ["apology", "0.0"]


def test_the_clerk_is_asked_for_a_remedy_only_when_wanted(
    cli: Cli, sql: Sql, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.add("Seed", store="North", agent="Jane", reason="billing")
    monkeypatch.setattr("incidentlog.cli.incidents.is_interactive", lambda: True)
    quick = ["billing", "y", "North", "Jane", "", "", ""]  # the last: no remedy
    out = cli("add", "Ann", input="\n".join(quick) + "\n").stdout
    assert "Record a remedy? [y/N]" in out and "Remedy (" not in out
    asked = ["billing", "y", "North", "Jane", "", "", "y", "gift", "refund", "-3", "7.50"]
    result = cli("add", "Bob", input="\n".join(asked) + "\n")
    assert "Unknown remedy" in result.stderr and "cannot be negative" in result.stderr
    assert sql.rows("SELECT remedy, cost_cents FROM incident ORDER BY id") == [
        {"remedy": None, "cost_cents": None},
        {"remedy": None, "cost_cents": None},
        {"remedy": "refund", "cost_cents": 750},
    ]
    # given on the line: not asked again
    out = cli("add", "Cy", "--remedy", "apology", input="billing\ny\nNorth\nJane\n\n\n").stdout
    assert "Record a remedy" not in out
