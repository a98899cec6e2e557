"""The import's quick paths give the answers of the slow ones: customers found by number,
numbered in the file's order, a defused formula found in the joined row."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidentlog.transfer import checks
from tests.conftest import Sql
from tests.helpers import Cli

pytestmark = pytest.mark.backends

HEADER = "customer,reason,resolved,store,agent,at,description,resolution,contact,channel\n"


def _customers_by_incident(sql: Sql) -> list[tuple[str, str, str | None]]:
    return [
        (str(r["description"]), str(r["name"]), r["contact"])
        for r in sql.rows(
            "SELECT i.description, c.name, c.contact FROM incident i "
            "JOIN customer c ON c.id = i.customer_id ORDER BY i.id"
        )
    ]


@pytest.mark.parametrize("limit", [2, 20_000])
def test_customers_met_again_after_the_checker_forgot_them_join_their_first_row(
    cli: Cli, tmp_path: Path, sql: Sql, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    # With a cache of two, Ann and Bo are forgotten before they come back: their later
    # rows get new numbers, which the staging table drops, and must still find them.
    monkeypatch.setattr(checks, "CACHE_LIMIT", limit)
    cli("db", "upgrade")
    cli.add("Old Timer", at="2026-01-05 10:00", description="earlier", new_store=True,
            new_agent=True)  # fmt: skip
    rows = [
        ("Ann Lee", "", "one"),
        ("Bo", "bo@example.com", "two"),
        ("Cy", "", "three"),
        ("Di", "", "four"),
        ("ann  lee", "", "five"),
        ("Bo B.", "BO@example.com", "six"),
        ("Eve", "+44 7700 900123", "seven"),
        ("Cy", "", "eight"),
        ("Eve N", "+44 (7700) 900-123", "nine"),
        ("Old Timer", "", "ten"),
    ]
    lines = [
        f"{name},billing,yes,North,Jane,2026-04-{i + 1:02d} 10:00,{text},Done,{contact},phone\n"
        for i, (name, contact, text) in enumerate(rows)
    ]
    path = tmp_path / "in.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    cli("import", str(path))
    assert _customers_by_incident(sql) == [
        ("earlier", "Old Timer", None),
        ("one", "Ann Lee", None),
        ("two", "Bo", "bo@example.com"),
        ("three", "Cy", None),
        ("four", "Di", None),
        ("five", "Ann Lee", None),
        ("six", "Bo", "bo@example.com"),
        ("seven", "Eve", "+44 7700 900123"),
        ("eight", "Cy", None),
        ("nine", "Eve", "+44 7700 900123"),
        ("ten", "Old Timer", None),
    ]
    # New customers are numbered after the stored one, in the order the file meets them.
    assert [r["name"] for r in sql.rows("SELECT name FROM customer ORDER BY id")] == [
        "Old Timer",
        "Ann Lee",
        "Bo",
        "Cy",
        "Di",
        "Eve",
    ]
    # The next customer `add` creates follows them.
    cli.add("Fay", at="2026-05-01 10:00", description="later")
    assert sql.rows("SELECT MAX(id) AS id FROM customer")[0]["id"] == 7
    assert sql.rows("SELECT name FROM customer WHERE id = 7")[0]["name"] == "Fay"
    # Repeats within the file are still found by customer, whatever number they got.
    again = tmp_path / "again.csv"
    again.write_text(HEADER + lines[0] + lines[4] + lines[8], encoding="utf-8")
    out = cli("import", str(again))
    assert sql.rows("SELECT COUNT(*) AS n FROM incident")[0]["n"] == 12
    assert "skipped" in out.stdout + out.stderr


@pytest.mark.parametrize(
    "cell, stored",
    [
        ("'=SUM(A1)", "=SUM(A1)"),
        ("''+1", "'+1"),
        ("'tis fine", "'tis fine"),
        ("it's fine", "it's fine"),
        ("'", "'"),
        ("a\x1f'=x", "a\x1f'=x"),
    ],
)
def test_a_defused_formula_is_restored_wherever_it_stands(
    cli: Cli, tmp_path: Path, sql: Sql, cell: str, stored: str
) -> None:
    cli("db", "upgrade")
    path = tmp_path / "in.csv"
    first = f"Ann,billing,yes,North,Jane,2026-04-01 10:00,{cell},Done,,\n"
    # The same cell in the first column, where no separator precedes it.
    second = f"{cell}x,billing,yes,North,Jane,2026-04-02 10:00,plain,Done,,\n"
    path.write_text(HEADER + first + second, encoding="utf-8")
    cli("import", str(path), "--new-store", "--new-agent")
    rows = sql.rows("SELECT i.description, c.name FROM incident i JOIN customer c "
                    "ON c.id = i.customer_id ORDER BY i.id")  # fmt: skip
    assert rows[0]["description"] == stored
    from incidentlog.transfer.formulas import undefused

    assert rows[1]["name"] == " ".join(undefused(f"{cell}x").split())
