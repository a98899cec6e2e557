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
    assert "significantly different from February 2026" in out


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
