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


def expected_rows(
    rows: list[Row],
    period: tuple[str, str],
    compare: tuple[str, str],
    same_days: tuple[str, str] | None = None,
) -> list[Any]:
    """The spec's row keys, counted straight from the dataset. `same_days`: the part of the
    comparison period a period that is not over is set against."""
    now, before = between(rows, *period), between(rows, *compare)
    to_date = between(rows, *same_days) if same_days else None
    stores = sorted({r.store for r in now + before}, key=str.casefold)
    expected = []
    for store in stores:
        n = [r for r in now if r.store == store]
        b = [r for r in before if r.store == store]
        against = len(b)
        row = {
            "store": store,
            "incidents": len(n),
            "resolved_on_spot": sum(r.on_spot for r in n),
            "rate": rate(sum(r.on_spot for r in n), len(n)),
            "compare_incidents": len(b),
        }
        if to_date is not None:
            t = [r for r in to_date if r.store == store]
            row["compare_to_date_incidents"] = against = len(t)
            row["compare_to_date_resolved_on_spot"] = sum(r.on_spot for r in t)
        row["change"] = len(n) - against
        row["trend"] = "up" if len(n) > against else "down" if len(n) < against else "flat"
        expected.append(row)
    return expected


def test_may_so_far_against_the_same_days_of_april_as_json(cli: Cli, data: list[Row]) -> None:
    doc = cli("report", "store", "--compare", "last-month", "--format", "json").json()
    assert doc["report"] == "store"
    assert doc["period"] == {"start": "2026-05-01", "end": "2026-05-31"}
    assert doc["compare"] == {"start": "2026-04-01", "end": "2026-04-30"}
    assert doc["partial"] == {"through": "2026-05-15", "days": 15, "of": 31}
    expected = expected_rows(
        data,
        ("2026-05-01", "2026-05-31"),
        ("2026-04-01", "2026-04-30"),
        same_days=("2026-04-01", "2026-04-15"),
    )
    found = [{k: row[k] for k in expected[0]} for row in doc["rows"]]
    assert found == expected
    # The same numbers, worked out by hand: South's April incident was on the 30th, after
    # the first 15 days, so South rose by 2 like for like, not by 1.
    assert [
        (
            r["store"],
            r["incidents"],
            r["compare_to_date_incidents"],
            r["compare_incidents"],
            r["change"],
            r["trend"],
        )
        for r in doc["rows"]
    ] == [
        ("East", 0, 3, 3, -3, "down"),
        ("North", 5, 8, 8, -3, "down"),
        ("South", 2, 0, 1, 2, "up"),
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
    assert (totals["incidents"], totals["compare_incidents"]) == (7, 12)
    assert (totals["compare_to_date_incidents"], totals["change"]) == (11, -4)
    assert totals["resolved_on_spot"] == 5 and totals["trend"] == "down"


def test_table_says_what_is_compared_with_what(cli: Cli, data: list[Row]) -> None:
    out = cli("report", "store", "--compare", "last-month").stdout
    assert "Incidents per store · May 2026 vs April 2026" in out
    header = next(line for line in out.splitlines() if "Store" in line)
    assert "1–15 May" in header and "1–15 Apr" in header and "All Apr" in header
    assert "Change" in header and "On the spot" in header and "Last 6 months" in header
    north = next(line for line in out.splitlines() if line.strip().startswith("North"))
    assert north.split()[1:5] == ["5", "8", "−3", "▼"]
    assert north.split()[5] == "8"
    assert "60%  (23–88%)" in north
    assert "▂▁▁▃█▅" in north
    south = next(line for line in out.splitlines() if line.strip().startswith("South"))
    assert south.split()[1:6] == ["2", "0", "+2", "▲", "1"]
    total = next(line for line in out.splitlines() if "All stores" in line)
    assert total.split()[2:7] == ["7", "11", "−4", "▼", "12"]
    assert "1–15 May compared with 1–15 Apr (the same 15 days" in out
    assert "all of April beside." in out
    assert "On this pace May ends near 14 incidents." in out


def test_without_compare_and_for_one_store(cli: Cli, data: list[Row]) -> None:
    doc = cli("report", "store", "-p", "2026-04", "--store", "north", "--format", "json").json()
    assert doc["compare"] is None
    assert [(r["store"], r["incidents"], r["resolved_on_spot"]) for r in doc["rows"]] == [
        ("North", 8, 4)
    ]
    assert "change" not in doc["rows"][0]
    assert doc["partial"] is None  # April is over
    # This month, without a comparison: the document still says it is not over.
    doc = cli("report", "store", "--format", "json").json()
    assert doc["partial"] == {"through": "2026-05-15", "days": 15, "of": 31}
    assert "compare_to_date_incidents" not in doc["rows"][0]
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
    assert north["last_6_months"] == "1; 0; 0; 2; 8; 5"


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


# Like for like: on 20 May (the pinned today), May so far against 1–20 April.
LIKE_FOR_LIKE = [
    # North: April 4 in the first 20 days, 6 after them; May so far 6. Against the whole of
    # April it would look like a fall (6 against 10); against the same days it rose.
    *[Row(f"2026-04-{d:02d}", "North") for d in (2, 9, 15, 20)],
    *[Row(f"2026-04-{d:02d}", "North", status="open") for d in (21, 22, 24, 27, 29, 30)],
    *[
        Row(f"2026-05-{d:02d}", "North", status="spot" if d < 12 else "open")
        for d in (1, 4, 8, 11, 19, 20)
    ],
    # South: April 3 in the first 20 days, none after; May so far 1.
    *[Row(f"2026-04-{d:02d}", "South") for d in (1, 10, 18)],
    Row("2026-05-06", "South"),
]


def test_mid_month_compares_the_same_days_with_the_whole_month_beside(cli: Cli) -> None:
    record(LIKE_FOR_LIKE)
    doc = cli("report", "store", "--compare", "last-month", "--format", "json").json()
    assert doc["partial"] == {"through": "2026-05-20", "days": 20, "of": 31}
    expected = expected_rows(
        LIKE_FOR_LIKE,
        ("2026-05-01", "2026-05-31"),
        ("2026-04-01", "2026-04-30"),
        same_days=("2026-04-01", "2026-04-20"),
    )
    assert [{k: r[k] for k in expected[0]} for r in doc["rows"]] == expected
    north, south = doc["rows"]
    assert (north["incidents"], north["compare_to_date_incidents"], north["compare_incidents"]) == (
        6,
        4,
        10,
    )
    assert (north["change"], north["trend"]) == (2, "up")
    assert (south["change"], south["trend"]) == (-2, "down")
    # The rate is compared like for like too: 4 of 6 in May against 4 of 4 in 1–20 April
    # (the whole of April: 4 of 10).
    assert north["compare_to_date_rate"] == 1.0 and north["compare_rate"] == 0.4
    assert north["rate_change"] == pytest.approx(4 / 6 - 1.0)
    assert doc["totals"]["compare_to_date_incidents"] == 7 and doc["totals"]["change"] == 0
    out = cli("report", "store", "--compare", "last-month").stdout
    assert "1–20 May compared with 1–20 Apr (the same 20 days" in out
    assert "all of April beside." in out
    header = next(line for line in out.splitlines() if "Store" in line)
    assert "1–20 May" in header and "1–20 Apr" in header and "All Apr" in header
    row = next(line for line in out.splitlines() if line.strip().startswith("North"))
    assert row.split()[1:6] == ["6", "4", "+2", "▲", "10"]
    # 7 incidents in 20 of May's 31 days.
    assert f"On this pace May ends near {round(7 * 31 / 20)} incidents." in out


def test_a_finished_month_is_compared_whole(cli: Cli) -> None:
    record(LIKE_FOR_LIKE)
    doc = cli("report", "store", "-p", "2026-04", "--compare", "2026-03", "--format", "json").json()
    assert doc["partial"] is None
    north = doc["rows"][0]
    assert (north["store"], north["incidents"], north["compare_incidents"]) == ("North", 10, 0)
    assert north["compare_to_date_incidents"] is None and north["change"] == 10
    doc = cli(
        "--today",
        "2026-06-01",
        "report",
        "store",
        "-p",
        "2026-05",
        "--compare",
        "2026-04",
        "--format",
        "json",
    ).json()
    assert doc["partial"] is None
    assert [(r["store"], r["change"], r["trend"]) for r in doc["rows"]] == [
        ("North", -4, "down"),
        ("South", -2, "down"),
    ]
    out = cli("report", "store", "-p", "2026-04", "--compare", "2026-03").stdout
    assert "compared with" not in out and "All Mar" not in out and "pace" not in out


def test_the_same_days_are_clipped_to_a_shorter_compare_period(cli: Cli) -> None:
    record([Row("2026-02-27"), Row("2026-02-28"), Row("2026-03-30"), Row("2026-03-02")])
    doc = cli(
        "--today",
        "2026-03-30",
        "report",
        "store",
        "-p",
        "2026-03",
        "--compare",
        "2026-02",
        "--format",
        "json",
    ).json()
    assert doc["partial"] == {"through": "2026-03-30", "days": 30, "of": 31}
    north = doc["rows"][0]
    assert north["compare_to_date_incidents"] == 2 and north["change"] == 0
    doc = cli(
        "--today",
        "2026-03-26",
        "report",
        "store",
        "-p",
        "2026-03",
        "--compare",
        "2026-02",
        "--format",
        "json",
    ).json()
    assert doc["rows"][0]["compare_to_date_incidents"] == 0


def test_csv_has_the_same_columns_without_rows(cli: Cli) -> None:
    record([Row("2026-05-02")])
    for compare in ([], ["--compare", "last-month"]):
        empty = cli("report", "store", "-p", "2025-01", *compare, "--format", "csv").stdout
        full = cli("report", "store", *compare, "--format", "csv").stdout.splitlines()
        assert len(full) == 2 and empty.splitlines() == full[:1]
        assert "incidents_per_resolved" in full[0]
        assert ("compare_to_date_incidents" in full[0]) == bool(compare)


def test_ratio_of_incidents_to_resolved_ones(cli: Cli, data: list[Row]) -> None:
    doc = cli("report", "store", "-p", "2026-04", "--format", "json").json()
    by_store = {r["store"]: r for r in doc["rows"]}
    # North April: 8 incidents, 4 resolved on the spot, none later; East 3 with 1 resolved.
    assert by_store["North"]["incidents_per_resolved"] == 2.0
    assert by_store["East"]["incidents_per_resolved"] == 3.0
    # South April: 1 open incident, nothing resolved: no ratio.
    assert by_store["South"]["incidents_per_resolved"] is None
    out = cli("report", "store", "-p", "2026-04").stdout
    assert "Ratio" in out and "incidents per incident resolved" in out
    north = next(line for line in out.splitlines() if line.strip().startswith("North"))
    assert "2.00" in north
