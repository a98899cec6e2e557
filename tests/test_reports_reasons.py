"""`report reasons`: the biggest reasons, their share, and how well each is resolved."""

from __future__ import annotations

import pytest

from tests.helpers import Cli
from tests.reports_helpers import Row, between, rate, record, wilson

pytestmark = pytest.mark.backends

Q1 = ("2026-01-01", "2026-03-31")


def r(day: str, reason: str, status: str = "spot", store: str = "North") -> Row:
    return Row(day, store=store, reason=reason, status=status)


ROWS = [
    # billing: 6 in Q1 (2 on the spot, 3 resolved later, 1 open); one typed "Billing ".
    r("2026-01-05", "billing"),
    r("2026-01-06", "Billing "),
    r("2026-02-01", "billing", "later"),
    r("2026-02-02", "billing", "later"),
    r("2026-03-03", "billing", "later"),
    r("2026-03-31", "billing", "open"),
    # late delivery: 4 (3 on the spot, 1 open), two of them at South.
    r("2026-01-10", "late delivery"),
    r("2026-02-10", "late delivery", store="South"),
    r("2026-03-10", "late delivery", store="South"),
    r("2026-03-11", "late delivery", "open"),
    # damaged item: 3 (none on the spot, 1 resolved later, 2 open).
    r("2026-01-20", "damaged item", "later"),
    r("2026-02-20", "damaged item", "open"),
    r("2026-03-20", "damaged item", "open"),
    # rude staff: 1, on the spot.
    r("2026-02-14", "rude staff"),
    # Outside the quarter.
    r("2026-04-01", "billing", "open"),
    r("2025-12-31", "damaged item"),
]


@pytest.fixture
def data() -> list[Row]:
    record(ROWS)
    return ROWS


def expected_rows(rows: list[Row]) -> list[dict[str, object]]:
    quarter = between(rows, *Q1)
    total = len(quarter)
    by_reason: dict[str, list[Row]] = {}
    for row in quarter:
        by_reason.setdefault(row.reason.strip().lower(), []).append(row)
    expected = []
    for reason, found in by_reason.items():
        spot = sum(x.on_spot for x in found)
        expected.append(
            {
                "reason": reason,
                "incidents": len(found),
                "share": len(found) / total,
                "resolved_on_spot": spot,
                "rate": rate(spot, len(found)),
                "resolved_later": sum(x.status == "later" for x in found),
            }
        )
    return sorted(expected, key=lambda e: (-e["incidents"], e["reason"]))  # type: ignore[operator]


def test_reasons_of_a_quarter(cli: Cli, data: list[Row]) -> None:
    doc = cli("report", "reasons", "-p", "2026-Q1", "--format", "json").json()
    assert doc["report"] == "reasons"
    assert doc["period"] == {"start": Q1[0], "end": Q1[1]} and doc["compare"] is None
    keys = ["reason", "incidents", "share", "resolved_on_spot", "rate", "resolved_later"]
    assert [{k: row[k] for k in keys} for row in doc["rows"]] == expected_rows(data)
    # By hand: 14 incidents in the quarter.
    assert [
        (x["reason"], x["incidents"], x["resolved_on_spot"], x["resolved_later"], x["open"])
        for x in doc["rows"]
    ] == [
        ("billing", 6, 2, 3, 1),
        ("late delivery", 4, 3, 0, 1),
        ("damaged item", 3, 0, 1, 2),
        ("rude staff", 1, 1, 0, 0),
    ]
    billing = doc["rows"][0]
    assert billing["share"] == pytest.approx(6 / 14)
    assert (billing["rate_low"], billing["rate_high"]) == pytest.approx(wilson(2, 6))
    assert doc["totals"]["incidents"] == 14 and doc["totals"]["share"] == pytest.approx(1.0)


def test_top_keeps_shares_of_everything(cli: Cli, data: list[Row]) -> None:
    doc = cli("report", "reasons", "-p", "2026-Q1", "--top", "2", "--format", "json").json()
    assert [(x["reason"], x["share"]) for x in doc["rows"]] == [
        ("billing", pytest.approx(6 / 14)),
        ("late delivery", pytest.approx(4 / 14)),
    ]
    cli.fails("report", "reasons", "--top", "0", code=2)


def test_table_names_the_worst_resolved(cli: Cli, data: list[Row]) -> None:
    out = cli("report", "reasons", "--period", "2026-Q1").stdout
    assert "Reasons for incidents · Q1 2026" in out
    billing = next(line for line in out.splitlines() if line.strip().startswith("billing"))
    assert billing.split()[1:3] == ["6", "43%"]
    low, high = wilson(0, 3)
    assert (
        f"Resolved worst: damaged item — 0% on the spot ({round(low * 100)}–{round(high * 100)}%)"
        in out
    )
    out = cli("report", "reasons", "--period", "2026-Q1", "--top", "5").stdout
    assert "top 5" in out


def test_store_filter_and_csv(cli: Cli, data: list[Row]) -> None:
    doc = cli("report", "reasons", "-p", "2026-Q1", "--store", "South", "--format", "json").json()
    assert [(x["reason"], x["incidents"], x["share"]) for x in doc["rows"]] == [
        ("late delivery", 2, 1.0)
    ]
    lines = cli("report", "reasons", "-p", "2026-Q1", "--format", "csv").stdout.splitlines()
    assert lines[0].startswith("reason,incidents,share,resolved_on_spot,rate")
    assert lines[1].startswith("billing,6,")
    assert len(lines) == 5


def test_empty_period(cli: Cli, data: list[Row]) -> None:
    assert "No incidents in June 2026." in cli("report", "reasons", "-p", "2026-06").stdout
    assert cli("report", "reasons", "-p", "2026-06", "--format", "json").json()["rows"] == []
    empty = cli("report", "reasons", "-p", "2026-06", "--format", "csv").stdout.splitlines()
    full = cli("report", "reasons", "-p", "2026-Q1", "--format", "csv").stdout.splitlines()
    assert empty == full[:1]
