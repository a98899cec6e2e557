"""`incidentlog customers list|merge`."""

from __future__ import annotations

import pytest

from tests.conftest import Sql
from tests.helpers import Cli

pytestmark = pytest.mark.backends


def customers(cli: Cli, *args: str) -> list[dict]:  # type: ignore[type-arg]
    return cli("customers", "list", *args, "--format", "json").json()  # type: ignore[no-any-return]


def incidents_of(cli: Cli, sql: Sql, customer_id: int) -> list[int]:
    rows = sql.rows(
        "SELECT id FROM incident WHERE customer_id = :c ORDER BY id", {"c": customer_id}
    )
    return [int(r["id"]) for r in rows]


@pytest.fixture
def shop(cli: Cli) -> None:
    cli.add("Ann Lee", store="North", agent="Jane", at="2026-03-01 10:00")
    cli.add("Ann Lee", store="South", agent="Bob", at="2026-05-02 10:00", new_store=True)
    cli.add(
        "Anne Lee", contact="anne@example.com", store="North", agent="Bob", at="2026-05-03 10:00"
    )
    cli.add("Zed", store="North", agent="Jane", at="2026-04-01 10:00")


def test_list_counts_per_customer_sorted_by_name(cli: Cli, shop: None) -> None:
    assert customers(cli) == [
        {
            "id": 1,
            "name": "Ann Lee",
            "contact": None,
            "incidents": 2,
            "stores": 2,
            "agents": 2,
            "first": "2026-03-01",
            "last": "2026-05-02",
        },
        {
            "id": 2,
            "name": "Anne Lee",
            "contact": "anne@example.com",
            "incidents": 1,
            "stores": 1,
            "agents": 1,
            "first": "2026-05-03",
            "last": "2026-05-03",
        },
        {
            "id": 3,
            "name": "Zed",
            "contact": None,
            "incidents": 1,
            "stores": 1,
            "agents": 1,
            "first": "2026-04-01",
            "last": "2026-04-01",
        },
    ]
    in_may = customers(cli, "--period", "2026-05")
    assert [(c["name"], c["incidents"]) for c in in_may] == [("Ann Lee", 1), ("Anne Lee", 1)]
    assert [c["name"] for c in customers(cli, "--limit", "1")] == ["Ann Lee"]
    table = cli("customers", "list").stdout
    assert "anne@example.com" in table and "Zed" in table
    assert cli("customers", "list", "--format", "csv").stdout.splitlines()[0] == (
        "id,name,contact,incidents,stores,agents,first,last"
    )


def test_merge_moves_incidents_and_undo_reverses_it(cli: Cli, shop: None, sql: Sql) -> None:
    out = cli("customers", "merge", "1", "2")
    assert "Merged customer #2 (Anne Lee) into #1 (Ann Lee): 1 incident moved." in out.stdout
    assert "#1 now has the contact anne@example.com" in out.stderr
    assert incidents_of(cli, sql, 1) == [1, 2, 3]
    (ann,) = [c for c in customers(cli) if c["id"] == 1]
    assert (ann["contact"], ann["incidents"], ann["stores"], ann["agents"]) == (
        "anne@example.com",
        3,
        2,
        2,
    )
    assert [c["id"] for c in customers(cli)] == [1, 3]
    # Later incidents with the contact now find the customer kept.
    cli.add("A. Lee", contact="ANNE@example.com", at="2026-05-10 10:00")
    assert incidents_of(cli, sql, 1) == [1, 2, 3, 5]
    cli("undo")  # the add
    assert "Undid: merge customer #2 (Anne Lee) into #1 (Ann Lee)" in cli("undo").stdout
    assert incidents_of(cli, sql, 1) == [1, 2] and incidents_of(cli, sql, 2) == [3]
    assert [(c["id"], c["contact"]) for c in customers(cli)] == [
        (1, None),
        (2, "anne@example.com"),
        (3, None),
    ]


def test_merge_by_name_or_contact(cli: Cli, shop: None, sql: Sql) -> None:
    cli("customers", "merge", "ann lee", "anne@example.com")
    assert incidents_of(cli, sql, 1) == [1, 2, 3]


def test_merge_refusals(cli: Cli, shop: None) -> None:
    cli.add("Zed", contact="zed@example.com", at="2026-05-05 10:00")  # Zed (#3) gets a contact
    cli.add("Zed", contact="zed@other.example", at="2026-05-05 11:00")  # another Zed
    ambiguous = cli.fails("customers", "merge", "1", "zed", code=2).stderr
    assert '2 customers are called "zed": #3 (zed@example.com), #4 (zed@other.example)' in (
        ambiguous
    )
    assert "Give the id" in ambiguous
    missing = cli.fails("customers", "merge", "1", "Anna Lee", code=1).stderr
    assert 'No customer named "Anna Lee". Did you mean' in missing
    assert "No customer #99" in cli.fails("customers", "merge", "1", "99", code=1).stderr
    same = cli.fails("customers", "merge", "#1", "Ann Lee", code=2).stderr
    assert "same customer" in same


def test_merge_keeps_the_kept_contact_and_says_which_was_dropped(cli: Cli, sql: Sql) -> None:
    cli.add("Bo", contact="bo@a.example", at="2026-05-01 10:00")
    cli.add("Bo", contact="bo@b.example", at="2026-05-02 10:00")
    result = cli("customers", "merge", "1", "2")
    assert "#2's contact bo@b.example was not kept (#1 keeps bo@a.example)" in result.stderr
    assert [(c["id"], c["contact"], c["incidents"]) for c in customers(cli)] == [
        (1, "bo@a.example", 2)
    ]


def test_lookalike_warning_only_for_whole_name_lookalikes(cli: Cli) -> None:
    cli.add("Wade Novak", at="2026-05-01 10:00")
    shared_first_name = cli(
        "add", "Wade Tanaka", "--reason", "billing", "--resolved", "--store", "North",
        "--agent", "Jane",
    )  # fmt: skip
    assert "looks like" not in shared_first_name.stderr
    typo = cli(
        "add", "Wade Tanka", "--reason", "billing", "--resolved", "--store", "North",
        "--agent", "Jane",
    )  # fmt: skip
    assert "New customer \"Wade Tanka\" looks like 'Wade Tanaka'" in typo.stderr
    assert "Wade Novak" not in typo.stderr
    assert [c["name"] for c in customers(cli)] == ["Wade Novak", "Wade Tanaka", "Wade Tanka"]
