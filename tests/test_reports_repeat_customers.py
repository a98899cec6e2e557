"""`repeat-customers`: customers whose incidents span many agents and stores."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from incidentlog.views.cells import to_json
from tests.helpers import Cli
from tests.reports_helpers import Row, between, record

pytestmark = pytest.mark.backends

LAST_12_MONTHS = ("2025-05-21", "2026-05-20")  # today is 20 May 2026

ROWS = [
    Row("2025-06-01", "North", "Jane", "billing", "Zofia Demir"),
    Row("2025-09-10", "South", "Bob", "late delivery", "Zofia Demir"),
    Row("2026-02-02", "East", "Priya", "billing", "zofia  demir"),
    Row("2026-05-10", "North", "Bob", "damaged item", "Zofia Demir"),
    Row("2025-07-01", "North", "Jane", "billing", "Ann Lee"),
    Row("2025-08-01", "North", "Jane", "billing", "Ann Lee"),
    Row("2026-01-15", "North", "Jane", "wrong item", "Ann Lee"),
    Row("2025-12-01", "North", "Jane", "billing", "Tom Hall"),
    Row("2026-03-03", "South", "Jane", "billing", "Tom Hall"),
    Row("2025-05-01", "North", "Jane", "billing", "Olga Old"),  # before the 12 months
    Row("2026-04-01", "North", "Jane", "billing", "Olga Old"),
    Row("2026-04-02", "North", "Bob", "billing", "Bo One"),
]


@pytest.fixture
def data() -> list[Row]:
    record(ROWS)
    return ROWS


def expected(rows: list[Row], period: tuple[str, str], min_incidents: int = 2) -> list[dict]:
    by_customer: dict[str, list[Row]] = {}
    for row in between(rows, *period):
        by_customer.setdefault(" ".join(row.customer.split()).title(), []).append(row)
    found = []
    for customer, mine in by_customer.items():
        if len(mine) < min_incidents:
            continue
        reasons = Counter(r.reason for r in mine)
        found.append(
            {
                "customer": customer,
                "incidents": len(mine),
                "agents": len({r.agent for r in mine}),
                "stores": len({r.store for r in mine}),
                "first": min(r.day for r in mine),
                "last": max(r.day for r in mine),
                "reasons": sorted(reasons, key=lambda k: (-reasons[k], k)),
            }
        )
    return sorted(found, key=lambda f: (-f["stores"], -f["agents"], -f["incidents"]))


KEYS = ["customer", "incidents", "agents", "stores", "first", "last", "reasons"]


def test_last_twelve_months_broadest_first(cli: Cli, data: list[Row]) -> None:
    doc = cli("repeat-customers", "--format", "json").json()
    assert doc["report"] == "repeat-customers"
    assert doc["period"] == {"start": LAST_12_MONTHS[0], "end": LAST_12_MONTHS[1]}
    assert [{k: r[k] for k in KEYS} for r in doc["rows"]] == expected(data, LAST_12_MONTHS)
    # By hand:
    assert [(r["customer"], r["incidents"], r["agents"], r["stores"]) for r in doc["rows"]] == [
        ("Zofia Demir", 4, 3, 3),
        ("Tom Hall", 2, 1, 2),
        ("Ann Lee", 3, 1, 1),
    ]
    zofia = doc["rows"][0]
    assert zofia["reasons"] == ["billing", "damaged item", "late delivery"]
    assert (zofia["first"], zofia["last"]) == ("2025-06-01", "2026-05-10")


def test_thresholds(cli: Cli, data: list[Row]) -> None:
    def names(*args: str) -> list[str]:
        doc = cli("repeat-customers", *args, "--format", "json").json()
        return [r["customer"] for r in doc["rows"]]

    assert names("--min-stores", "2") == ["Zofia Demir", "Tom Hall"]
    assert names("--min-agents", "2") == ["Zofia Demir"]
    assert names("--min-incidents", "3") == ["Zofia Demir", "Ann Lee"]
    assert names("--min-incidents", "1")[-2:] == ["Bo One", "Olga Old"]  # ties: latest first
    assert names("-p", "2026") == ["Zofia Demir"]
    rows = cli("repeat-customers", "-p", "2026", "--format", "json").json()["rows"]
    assert [{k: r[k] for k in KEYS} for r in rows] == expected(data, ("2026-01-01", "2026-12-31"))
    cli.fails("repeat-customers", "--min-incidents", "0", code=2)


def test_table_and_limit(cli: Cli, data: list[Row]) -> None:
    out = cli("repeat-customers").stdout
    assert "Customers with 2+ incidents · last 12 months" in out
    zofia = next(line for line in out.splitlines() if "Zofia" in line)
    assert zofia.split()[2:5] == ["4", "3", "3"]
    assert "billing, damaged item, late delivery" in zofia
    out = cli("repeat-customers", "--limit", "1").stdout
    assert "Zofia" in out and "Ann Lee" not in out
    assert "The 1 broadest of 3 customers" in out
    lines = cli("repeat-customers", "--format", "csv").stdout.splitlines()
    assert lines[0] == "customer,contact,incidents,agents,stores,first,last,reasons"
    assert lines[1] == (
        "Zofia Demir,,4,3,3,2025-06-01,2026-05-10,billing; damaged item; late delivery"
    )


def test_nobody_came_back(cli: Cli) -> None:
    record([Row("2026-05-01")])
    assert "No customer came back in this period." in cli("repeat-customers").stdout
    # The same columns as when somebody did, so that a script reading them does not break.
    assert cli("repeat-customers", "--format", "csv").stdout.splitlines() == [
        "customer,contact,incidents,agents,stores,first,last,reasons"
    ]


def test_ties_by_code_point_and_the_limit_counts_them_all(cli: Cli) -> None:
    # Same stores, agents, incidents and last day: the name decides, in code-point order as
    # Python sorts it ("Zoe" before "anna" before "Émile", whatever the server's collation).
    rows = [
        Row(day, store, "Jane", reason, customer)
        for customer in ("Émile Abel", "Zoe Abel", "anna Abel", "Bruno Abel")
        for day, store, reason in (
            ("2026-03-01", "North", "billing"),
            ("2026-04-01", "South", "wrong item"),
        )
    ]
    rows.append(Row("2026-04-01", "North", "Jane", "billing", "Once Only"))
    record(rows)
    doc = cli("repeat-customers", "--format", "json").json()
    assert [r["customer"] for r in doc["rows"]] == [
        "Bruno Abel",
        "Zoe Abel",
        "anna Abel",
        "Émile Abel",
    ]
    assert doc["rows"][0]["reasons"] == ["billing", "wrong item"]
    out = cli("repeat-customers", "--limit", "2").stdout
    assert "The 2 broadest of 4 customers" in out
    assert "Zoe Abel" in out and "anna Abel" not in out
    # The caption counts what passes every threshold, not every customer who came back.
    out = cli("repeat-customers", "--limit", "1", "--min-stores", "2").stdout
    assert "The 1 broadest of 4 customers" in out
    assert "No customer came back" in cli("repeat-customers", "--min-agents", "2").stdout


FIXTURE = Path(__file__).parent / "fixtures" / "repeat_customers"


@pytest.mark.parametrize(
    ("fmt", "args"),
    [
        ("json", ()),
        ("csv", ()),
        ("json", ("--min-incidents", "1")),
        ("csv", ("--min-incidents", "1")),
        ("json", ("--period", "2020-01")),
    ],
)
def test_every_customer_streams_the_bytes_the_whole_document_gave(
    cli: Cli, data: list[Row], fmt: str, args: tuple[str, ...]
) -> None:
    # Without --limit, JSON and CSV write every customer as the database hands them over;
    # the text is byte for byte what the document built whole in memory gave (the fixture
    # files were written by that renderer), and what the paged path (--limit) gives.
    out = cli("repeat-customers", "--format", fmt, *args).stdout
    name = "-".join(["all", *[a.lstrip("-") for a in args]]) + f".{fmt}"
    assert out == (FIXTURE / name).read_text("utf-8")
    assert out == cli("repeat-customers", "--format", fmt, "--limit", "1000", *args).stdout
    if fmt == "json":
        assert out == to_json(json.loads(out)) + "\n"


def test_a_page_is_the_head_of_the_whole_list_whoever_came_only_twice(cli: Cli) -> None:
    # Many customers came exactly twice; three came three times, at three stores. A page
    # of up to three is found without counting the twice-comers' stores (none can rank
    # among them); a longer page needs them, and both agree with the whole list.
    stores = ("North", "South", "East")
    rows = [
        Row(f"2026-0{m}-1{n}", store, agent, "billing", f"Often {n}")
        for n in range(3)
        for m, store, agent in zip((2, 3, 4), stores, ("Jane", "Bob", "Priya"), strict=True)
    ]
    rows += [
        Row(f"2026-0{m}-0{n}", stores[n % 2 + m % 2], "Jane", "wrong item", f"Twice {n}")
        for n in range(1, 8)
        for m in (1, 2)
    ]
    rows.append(Row("2026-04-01", "North", "Jane", "billing", "Once Only"))
    # Fourth: a twice-comer served by two agents, ahead of three visits to two stores.
    rows += [Row("2026-03-05", "North", "Jane", "billing", "Two Agents")]
    rows += [Row("2026-03-06", "South", "Bob", "billing", "Two Agents")]
    rows += [
        Row(f"2026-01-2{n}", stores[n % 2], "Jane", "billing", "Thrice Narrow") for n in (1, 2, 3)
    ]
    record(rows)
    everyone = cli("repeat-customers", "--format", "json").json()["rows"]
    assert len(everyone) == 12
    assert [r["stores"] for r in everyone[:3]] == [3, 3, 3]
    assert [r["customer"] for r in everyone[3:5]] == ["Two Agents", "Thrice Narrow"]
    for limit in (1, 2, 3, 4, 5, 11, 12, 13):
        page = cli("repeat-customers", "--format", "json", "--limit", str(limit)).json()
        assert page["rows"] == everyone[:limit], limit
        out = cli("repeat-customers", "--limit", str(limit)).stdout
        if limit < 12:
            assert f"The {limit} broadest of 12 customers" in " ".join(out.split()), out
        else:
            assert "broadest of" not in out
