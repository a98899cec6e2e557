"""`report agents`: incidents and resolution on the spot per agent, against another period."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import Cli
from tests.reports_helpers import Row, between, rate, record, wilson

pytestmark = pytest.mark.backends

MAY = ("2026-05-01", "2026-05-31")
FEBRUARY = ("2026-02-01", "2026-02-28")

ROWS = [
    # Jane: May 18 of 20 on the spot, February 6 of 20; April does not count.
    *[
        Row(f"2026-05-{d:02d}", agent="Jane", status="spot" if d <= 18 else "open")
        for d in range(1, 21)
    ],
    *[
        Row(f"2026-02-{d:02d}", agent="Jane", status="spot" if d <= 6 else "later")
        for d in range(1, 21)
    ],
    Row("2026-04-15", agent="Jane", status="open"),
    # Bob: two open ones in May at South, nothing in February.
    Row("2026-05-04", store="South", agent="Bob", status="open"),
    Row("2026-05-06", store="South", agent="Bob", status="later"),
    # Priya: only February, both on the spot.
    Row("2026-02-10", agent="Priya"),
    Row("2026-02-11", agent="Priya"),
]


@pytest.fixture
def data() -> list[Row]:
    record(ROWS)
    return ROWS


def expected_rows(rows: list[Row], period: tuple[str, str], compare: tuple[str, str]) -> list[Any]:
    now, before = between(rows, *period), between(rows, *compare)
    expected = []
    for agent in sorted({r.agent for r in now + before}, key=str.casefold):
        n = [r for r in now if r.agent == agent]
        b = [r for r in before if r.agent == agent]
        spot, compare_spot = sum(r.on_spot for r in n), sum(r.on_spot for r in b)
        expected.append(
            {
                "agent": agent,
                "incidents": len(n),
                "resolved_on_spot": spot,
                "rate": rate(spot, len(n)),
                "compare_incidents": len(b),
                "compare_resolved_on_spot": compare_spot,
                "compare_rate": rate(compare_spot, len(b)),
            }
        )
    return expected


def test_this_month_against_three_months_ago(cli: Cli, data: list[Row]) -> None:
    doc = cli("report", "agents", "--compare", "3-months-ago", "--format", "json").json()
    assert doc["report"] == "agents"
    assert doc["period"] == {"start": MAY[0], "end": MAY[1]}
    assert doc["compare"] == {"start": FEBRUARY[0], "end": FEBRUARY[1]}
    keys = list(expected_rows(data, MAY, FEBRUARY)[0])
    assert [{k: r[k] for k in keys} for r in doc["rows"]] == expected_rows(data, MAY, FEBRUARY)
    bob, jane, priya = doc["rows"]
    assert (jane["incidents"], jane["resolved_on_spot"]) == (20, 18)
    assert (jane["compare_incidents"], jane["compare_resolved_on_spot"]) == (20, 6)
    assert (jane["rate_low"], jane["rate_high"]) == pytest.approx(wilson(18, 20))
    assert jane["rate_change"] == pytest.approx(0.6)
    assert jane["rate_significant"] is True and jane["rate_p_value"] < 0.001
    assert bob["compare_rate"] is None and bob["rate_change"] is None
    assert bob["rate_significant"] is False
    assert priya["rate"] is None and priya["compare_rate"] == 1.0
    assert doc["totals"]["incidents"] == 22 and doc["totals"]["compare_incidents"] == 22


def test_one_agent_answers_question_one(cli: Cli, data: list[Row]) -> None:
    doc = cli(
        "report", "agents", "--agent", "jane", "--compare", "3 months ago", "--format", "json"
    ).json()
    assert [
        (r["agent"], r["resolved_on_spot"], r["compare_resolved_on_spot"]) for r in doc["rows"]
    ] == [("Jane", 18, 6)]
    out = cli("report", "agents", "--agent", "Jane", "--compare", "3-months-ago").stdout
    assert "Resolution on the spot per agent · May 2026 vs February 2026" in out
    jane = next(line for line in out.splitlines() if line.strip().startswith("Jane"))
    low, high = wilson(18, 20)
    assert f"90%  ({round(low * 100)}–{round(high * 100)}%)" in jane
    assert jane.split()[1:3] == ["20", "18"]
    assert "+60 pts ▲" in jane
    assert "significantly different from 1–20 Feb 2026" in out
    assert "1–20 May compared with 1–20 Feb (the same 20 days" in out


def test_small_changes_are_not_marked(cli: Cli) -> None:
    record([Row("2026-05-02"), Row("2026-05-03"), Row("2026-04-02", status="open")])
    out = cli("report", "agents", "--compare", "last-month").stdout
    jane = next(line for line in out.splitlines() if line.strip().startswith("Jane"))
    assert "+100 pts" in jane and "▲" not in jane


def test_store_filter_without_compare(cli: Cli, data: list[Row]) -> None:
    doc = cli("report", "agents", "--store", "South", "--format", "json").json()
    assert doc["compare"] is None
    assert [
        (r["agent"], r["incidents"], r["resolved_on_spot"], r["rate"]) for r in doc["rows"]
    ] == [("Bob", 2, 0, 0.0)]
    assert "compare_incidents" not in doc["rows"][0]
    out = cli("report", "agents", "-p", "2026-02").stdout
    assert "All agents" in out and "February 2026" in out


def test_csv_and_errors(cli: Cli, data: list[Row]) -> None:
    lines = cli("report", "agents", "--format", "csv").stdout.splitlines()
    assert lines[0].startswith("agent,incidents,resolved_on_spot,rate,rate_low,rate_high")
    assert lines[1].startswith("Bob,2,0,0.0,")
    assert "No agent named" in cli.fails("report", "agents", "--agent", "Nobody", code=1).stderr
    cli.fails("report", "agents", "--compare", "sometime", code=2)


def test_chart(cli: Cli, data: list[Row]) -> None:
    out = cli("report", "agents", "--chart").stdout
    assert "Resolved on the spot per agent · May 2026" in out
    jane = next(line for line in out.splitlines() if line.startswith("Jane"))
    low, high = wilson(18, 20)
    assert jane.endswith(f"90% ({round(low * 100)}–{round(high * 100)}%) of 20")
    assert "Priya" not in out  # no incidents in May
    assert "100%" in out and "95% interval" in out


# Ahmed's April: 2 of 10 on the spot in the first 20 days, 10 of 10 after them; May so far
# 6 of 10. Against the whole of April (12 of 20) May looks flat; against the same days it is
# a clear rise.
AHMED = [
    *[
        Row(f"2026-04-{d:02d}", agent="Ahmed", status="spot" if d <= 2 else "open")
        for d in range(1, 11)
    ],
    *[Row(f"2026-04-{d:02d}", agent="Ahmed") for d in range(21, 31)],
    *[
        Row(f"2026-05-{d:02d}", agent="Ahmed", status="spot" if d <= 16 else "open")
        for d in range(11, 21)
    ],
]


def test_mid_month_rates_are_compared_like_for_like(cli: Cli) -> None:
    record(AHMED)
    doc = cli("report", "agents", "--compare", "last-month", "--format", "json").json()
    assert doc["partial"] == {"through": "2026-05-20", "days": 20, "of": 31}
    [ahmed] = doc["rows"]
    assert (ahmed["incidents"], ahmed["resolved_on_spot"]) == (10, 6)
    assert (ahmed["compare_to_date_incidents"], ahmed["compare_to_date_resolved_on_spot"]) == (
        10,
        2,
    )
    assert (ahmed["compare_incidents"], ahmed["compare_resolved_on_spot"]) == (20, 12)
    assert ahmed["rate_change"] == pytest.approx(0.6 - 0.2)
    assert ahmed["compare_rate"] == 0.6 and ahmed["compare_to_date_rate"] == 0.2
    assert ahmed["change"] == 0
    totals = doc["totals"]
    assert totals["compare_to_date_incidents"] == 10 and totals["rate_change"] == pytest.approx(0.4)
    out = cli("report", "agents", "--compare", "last-month").stdout
    header = next(line for line in out.splitlines() if "Agent" in line)
    assert "1–20 May" in header and "1–20 Apr" in header and "All Apr" in header
    assert "Rate change" in header
    line = next(line for line in out.splitlines() if line.strip().startswith("Ahmed"))
    assert "+40 pts" in line and "20 · 60%" in line
    assert "1–20 May compared with 1–20 Apr (the same 20 days" in out
    assert "percentage points (pts)" in out


def test_a_finished_month_against_a_whole_month(cli: Cli) -> None:
    record(AHMED)
    doc = cli(
        "--today",
        "2026-06-02",
        "report",
        "agents",
        "-p",
        "2026-05",
        "--compare",
        "2026-04",
        "--format",
        "json",
    ).json()
    assert doc["partial"] is None
    [ahmed] = doc["rows"]
    assert ahmed["compare_to_date_incidents"] is None
    assert ahmed["rate_change"] == pytest.approx(0.6 - 0.6)
    assert ahmed["change"] == 10 - 20
    out = cli(
        "--today", "2026-06-02", "report", "agents", "-p", "2026-05", "--compare", "2026-04"
    ).stdout
    assert "compared with" not in out and "All Apr" not in out and "±0 pts" in out


def test_csv_columns_do_not_depend_on_rows(cli: Cli) -> None:
    record(AHMED)
    for nothing, something in (([], []), (["--compare", "2024-12"], ["--compare", "last-month"])):
        empty = cli("report", "agents", "-p", "2025-01", *nothing, "--format", "csv").stdout
        full = cli("report", "agents", *something, "--format", "csv").stdout.splitlines()
        assert len(full) == 2 and empty.splitlines() == full[:1]
        assert full[1].endswith("0; 0; 0; 0; 12; 6")
