"""`report store`: incidents per store, on the spot, change against another period, trend."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import Cli
from tests.reports_helpers import Row, between, rate, record, wilson

pytestmark = pytest.mark.backends

ROWS = [
    # North: May 5 (3 on the spot, 1 resolved later, 1 open), April 8 (4 on the spot).
    Row("2026-05-02", "North"),
    Row("2026-05-05", "North"),
    Row("2026-05-09", "North"),
    Row("2026-05-11", "North", status="later"),
    Row("2026-05-14", "North", status="open"),
    *[Row(f"2026-04-0{d}", "North", status="spot" if d <= 4 else "open") for d in range(1, 9)],
    Row("2026-03-10", "North"),
    Row("2026-03-31", "North", status="open"),
    Row("2025-12-24", "North"),
    Row("2025-11-30", "North"),  # before the six months of the sparkline
    # South: May 2 (both on the spot), April 1 (open).
    Row("2026-05-03", "South"),
    Row("2026-05-15", "South"),
    Row("2026-04-30", "South", status="open"),
    # East: only April, 3 (1 on the spot).
    Row("2026-04-10", "East"),
    Row("2026-04-11", "East", status="open"),
    Row("2026-04-12", "East", status="open"),
    # West: only March; not in a May-vs-April report.
    Row("2026-03-15", "West"),
]


@pytest.fixture
def data(monkeypatch: pytest.MonkeyPatch) -> list[Row]:
    monkeypatch.setenv("INCIDENTLOG_TODAY", "2026-05-15")
    record(ROWS)
    return ROWS


def expected_rows(rows: list[Row], period: tuple[str, str], compare: tuple[str, str]) -> list[Any]:
    """The spec's row keys, counted straight from the dataset."""
    now, before = between(rows, *period), between(rows, *compare)
    stores = sorted({r.store for r in now + before}, key=str.casefold)
    expected = []
    for store in stores:
        n = [r for r in now if r.store == store]
        b = [r for r in before if r.store == store]
        spot = sum(r.on_spot for r in n)
        expected.append(
            {
                "store": store,
                "incidents": len(n),
                "resolved_on_spot": spot,
                "rate": rate(spot, len(n)),
                "compare_incidents": len(b),
                "change": len(n) - len(b),
                "trend": "up" if len(n) > len(b) else "down" if len(n) < len(b) else "flat",
            }
        )
    return expected


def test_may_against_april_as_json(cli: Cli, data: list[Row]) -> None:
    doc = cli("report", "store", "--compare", "last-month", "--format", "json").json()
    assert doc["report"] == "store"
    assert doc["period"] == {"start": "2026-05-01", "end": "2026-05-31"}
    assert doc["compare"] == {"start": "2026-04-01", "end": "2026-04-30"}
    keys = [
        "store",
        "incidents",
        "resolved_on_spot",
        "rate",
        "compare_incidents",
        "change",
        "trend",
    ]
    found = [{k: row[k] for k in keys} for row in doc["rows"]]
    assert found == expected_rows(data, ("2026-05-01", "2026-05-31"), ("2026-04-01", "2026-04-30"))
    # The same numbers, worked out by hand.
    assert [
        (r["store"], r["incidents"], r["compare_incidents"], r["change"], r["trend"])
        for r in doc["rows"]
    ] == [
        ("East", 0, 3, -3, "down"),
        ("North", 5, 8, -3, "down"),
        ("South", 2, 1, 1, "up"),
    ]


def test_rows_carry_intervals_later_resolutions_and_six_months(cli: Cli, data: list[Row]) -> None:
    doc = cli("report", "store", "--compare", "last-month", "--format", "json").json()
    east, north, south = doc["rows"]
    assert north["rate"] == 0.6
    assert (north["rate_low"], north["rate_high"]) == pytest.approx(wilson(3, 5))
    assert north["compare_rate"] == 0.5
    assert north["compare_resolved_on_spot"] == 4
    assert (north["resolved_later"], north["open"]) == (1, 1)
    assert north["rate_change"] == pytest.approx(0.1)
    assert north["rate_significant"] is False
    assert east["rate"] is None and east["rate_low"] is None and east["rate_high"] is None
    assert south["rate"] == 1.0 and south["rate_high"] == 1.0
    assert doc["last_6_months"] == [
        "2025-12",
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
    ]
    assert north["last_6_months"] == [1, 0, 0, 2, 8, 5]
    assert south["last_6_months"] == [0, 0, 0, 0, 1, 2]
    assert east["last_6_months"] == [0, 0, 0, 0, 3, 0]
    totals = doc["totals"]
    assert (totals["incidents"], totals["compare_incidents"], totals["change"]) == (7, 12, -5)
    assert totals["resolved_on_spot"] == 5 and totals["trend"] == "down"


def test_table_reads_like_the_mockup(cli: Cli, data: list[Row]) -> None:
    out = cli("report", "store", "--compare", "last-month").stdout
    assert "Incidents per store · May 2026 vs April 2026" in out
    header = next(line for line in out.splitlines() if "Store" in line)
    assert "May" in header and "Apr" in header and "Change" in header
    assert "On the spot" in header and "Last 6 months" in header
    north = next(line for line in out.splitlines() if line.strip().startswith("North"))
    assert north.split()[1:3] == ["5", "8"]
    assert "−3 ▼" in north
    assert "60%  (23–88%)" in north
    assert "▂▁▁▃█▅" in north
    south = next(line for line in out.splitlines() if line.strip().startswith("South"))
    assert "+1 ▲" in south
    total = next(line for line in out.splitlines() if "All stores" in line)
    assert total.split()[2:5] == ["7", "12", "−5"]
    assert "May is not over: 15 of 31 days counted." in out


def test_without_compare_and_for_one_store(cli: Cli, data: list[Row]) -> None:
    doc = cli("report", "store", "-p", "2026-04", "--store", "north", "--format", "json").json()
    assert doc["compare"] is None
    assert [(r["store"], r["incidents"], r["resolved_on_spot"]) for r in doc["rows"]] == [
        ("North", 8, 4)
    ]
    assert "change" not in doc["rows"][0]
    out = cli("report", "store", "--from", "2026-03-01", "--to", "2026-03-31").stdout
    assert "Incidents per store · March 2026" in out
    assert "is not over" not in out


def test_csv(cli: Cli, data: list[Row]) -> None:
    out = cli("report", "store", "--compare", "last-month", "--format", "csv").stdout
    lines = out.splitlines()
    header = lines[0].split(",")
    assert header[:4] == ["store", "incidents", "resolved_on_spot", "rate"]
    assert {"compare_incidents", "change", "trend", "last_6_months"} <= set(header)
    north = dict(zip(header, lines[2].split(","), strict=True))
    assert (north["store"], north["incidents"], north["change"], north["trend"]) == (
        "North",
        "5",
        "-3",
        "down",
    )
    assert north["last_6_months"] == "1;0;0;2;8;5"


def test_empty_database(cli: Cli) -> None:
    out = cli("report", "store").stdout
    assert "No incidents in May 2026." in out
    doc = cli("report", "store", "--format", "json").json()
    assert doc["rows"] == [] and doc["totals"]["incidents"] == 0


def test_bad_input(cli: Cli, data: list[Row]) -> None:
    assert "Did you mean 'North'" in cli.fails("report", "store", "--store", "Nrth", code=1).stderr
    assert (
        "Cannot understand period"
        in cli.fails("report", "store", "--compare", "lastmonth", code=2).stderr
    )
    cli.fails("report", "store", "--period", "2026-13", code=2)
    cli.fails("report", "store", "--format", "xml", code=2)
    cli.fails("report", "store", "--period", "2026-05", "--from", "2026-04-01", code=2)


def test_chart_of_the_last_twelve_months(cli: Cli, data: list[Row]) -> None:
    months = [f"2025-{m:02d}" for m in range(6, 13)] + [f"2026-{m:02d}" for m in range(1, 6)]
    doc = cli("report", "store", "--chart", "--format", "json").json()
    assert doc["report"] == "store-months"
    assert doc["period"] == {"start": "2025-06-01", "end": "2026-05-31"}
    expected = [
        {
            "store": store,
            "month": month,
            "incidents": sum(r.day[:7] == month for r in data if r.store == store),
        }
        for store in sorted({r.store for r in data})
        for month in months
    ]
    assert doc["rows"] == expected
    out = cli("report", "store", "--chart").stdout
    assert "Incidents per store per month · Jun 2025–May 2026" in out
    assert "West" in out and "so far" in out
    assert "\x1b[" not in out
    out = cli("report", "store", "--chart", "--store", "West", "-p", "2026-03").stdout
    assert "Apr 2025–Mar 2026" in out and "North" not in out and "so far" not in out
