"""Charts: hand-made report rows in, the picture (as plain text) out."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console, RenderableType

from incidentlog.views import charts
from tests.helpers import Cli

ESCAPE = re.compile(r"\x1b\[")


def plain(renderable: RenderableType) -> str:
    """What a pipe or a file receives."""
    out = io.StringIO()
    Console(file=out, width=200, force_terminal=False).print(renderable)
    return out.getvalue()


def on_terminal(renderable: RenderableType) -> str:
    out = io.StringIO()
    Console(file=out, width=200, force_terminal=True, color_system="truecolor").print(renderable)
    return out.getvalue()


# -- sparkline, bar, interval --------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0, 1, 2, 3, 4, 5, 6, 7], "▁▂▃▄▅▆▇█"),
        ([14, 0, 7], "█▁▅"),  # 7/14 of 7 levels = 3.5, rounds to level 4 (▅)
        ([20, 21, 20], "███"),  # scaled from zero: a steady store looks steady
        ([5, 5, 5], "███"),
        ([0, 0], "▁▁"),
        ([None, 3, None], " █ "),
        ([None, None], "  "),
        ([], ""),
        ([-2, 0, 2], "▁▅█"),  # negative values: scaled from the minimum
    ],
)
def test_sparkline(values: list[float | None], expected: str) -> None:
    assert charts.sparkline(values) == expected


def test_bar_grows_by_eighths_of_a_cell() -> None:
    assert charts.bar(0.5, 10) == "█████"
    assert charts.bar(0.05, 10) == "▌"  # half a cell
    assert charts.bar(0.0, 10) == ""
    assert charts.bar(2.0, 4) == "████"  # clamped to the track
    assert charts.bar(0.3125, 4) == "█▎"  # 1.25 cells


def test_interval_prefers_the_reports_own_bounds() -> None:
    assert charts.interval({"rate": 0.5, "rate_low": 0.4, "rate_high": 0.6}) == (0.4, 0.6)
    from_counts = charts.interval({"incidents": 10, "resolved_on_spot": 5})
    from_rate = charts.interval({"trained_incidents": 10, "trained_rate": 0.5}, "trained_")
    assert from_counts == from_rate
    low, high = from_counts  # type: ignore[misc]
    assert low == pytest.approx(0.2366, abs=1e-4)  # the Wilson interval of 5 out of 10
    assert high == pytest.approx(0.7634, abs=1e-4)
    assert charts.interval({"incidents": 0, "rate": None}) is None


def test_rate_bar_shades_the_interval_around_the_rate() -> None:
    # 8 cells, cell centres at 1/16, 3/16, ...: below 25% sure, to 50% below-rate, to 75% above
    assert charts.rate_bar(0.5, (0.25, 0.75), 8).plain == "██▓▓░░··"
    assert charts.rate_bar(None, None, 4).plain == "····"
    assert charts.rate_bar(1.0, (0.7, 1.0), 4).plain == "███▓"


def test_month_label() -> None:
    assert charts.month_label("2026-03") == "Mar"
    assert charts.month_label("2025-12", with_year=True) == "Dec 2025"


# -- the charts ----------------------------------------------------------------------------

STORE_ROWS = [
    {"store": "Harbour Street", "month": "2026-03", "incidents": 8},
    {"store": "Harbour Street", "month": "2026-04", "incidents": 4},
    {"store": "Harbour Street", "month": "2026-05", "incidents": 2},
    {"store": "Old Mill", "month": "2026-03", "incidents": 2},
    # Old Mill has no incident in April: it counts 0
    {"store": "Old Mill", "month": "2026-05", "incidents": 6},
]


def test_store_chart_draws_one_bar_per_month_per_store_on_one_scale() -> None:
    chart = charts.store_months_chart(
        STORE_ROWS,
        months=["2026-03", "2026-04", "2026-05"],
        title="Incidents per month",
        caption="May is not over.",
        partial="2026-05",
        width=8,
    )
    # The largest count (8) fills the 8 cells; the others are drawn to the same scale.
    assert plain(chart).splitlines() == [
        "Incidents per month",
        "Harbour Street",
        "  Mar ████████ 8",
        "  Apr ████     4",
        "  May ██       2 so far",
        "",
        "Old Mill",
        "  Mar ██       2",
        "  Apr          0",
        "  May ██████   6 so far",
        "May is not over.",
    ]


def test_store_chart_names_the_year_when_months_cross_one() -> None:
    rows = [{"store": "Uptown", "month": m, "incidents": 1} for m in ("2025-12", "2026-01")]
    text = plain(charts.store_months_chart(rows, width=4))
    assert "Dec 2025" in text and "Jan 2026" in text


def test_store_chart_with_no_rows_says_so() -> None:
    assert "No incidents" in plain(charts.store_months_chart([], months=["2026-05"]))


AGENT_ROWS = [
    {"agent": "Jane", "incidents": 10, "resolved_on_spot": 5, "rate": 0.5},
    {"agent": "Bob Lee", "incidents": 0, "resolved_on_spot": 0, "rate": None},
]


def test_agent_chart_shows_rate_interval_and_count() -> None:
    lines = plain(charts.agent_rates_chart(AGENT_ROWS, title="On the spot", width=10)).splitlines()
    assert lines[0] == "On the spot"
    # 5 of 10: Wilson 24–76%; cells centred below 24% are sure, to 50% below, to 76% above.
    assert lines[1] == "Jane    ██▓▓▓░░░··  50% (24–76%) of 10"
    assert lines[2] == "Bob Lee ··········    —          of 0"
    assert lines[3] == "        0%    100%"  # too narrow for the 50% mark
    assert "95% interval" in lines[4]


def test_agent_chart_with_no_rows_says_so() -> None:
    assert "No incidents" in plain(charts.agent_rates_chart([]))


TRAINING_ROWS = [
    {
        "window": "before",
        "start": "2026-01-10",
        "end": "2026-03-09",
        "trained_incidents": 10,
        "trained_rate": 0.5,
        "others_incidents": 4,
        "others_rate": 0.25,
    },
    {
        "window": "after-1",
        "start": "2026-03-10",
        "end": "2026-04-09",
        "trained_incidents": 10,
        "trained_rate": 0.9,
        "others_incidents": 0,
        "others_rate": None,
    },
]


def test_training_chart_puts_attendees_beside_other_agents_window_by_window() -> None:
    lines = plain(charts.training_chart(TRAINING_ROWS, title="Role-play", width=10)).splitlines()
    assert lines[0] == "Role-play"
    assert lines[1].startswith("before  10 Jan–9 Mar attendees ")
    assert lines[1].endswith(" 50% (24–76%) of 10")
    assert lines[2].startswith("                     others    ")
    assert lines[2].endswith(" 25% (5–70%)  of 4")
    assert lines[3] == ""
    assert lines[4].startswith("after-1 10 Mar–9 Apr attendees ")
    assert " 90% " in lines[4]
    assert lines[5].endswith("··    —          of 0")


def test_charts_are_plain_text_when_piped_and_coloured_on_a_terminal() -> None:
    for chart in (
        charts.store_months_chart(STORE_ROWS),
        charts.agent_rates_chart(AGENT_ROWS),
        charts.training_chart(TRAINING_ROWS),
    ):
        piped = plain(chart)
        assert not ESCAPE.search(piped)
        assert all(line == line.rstrip() for line in piped.splitlines()), "trailing blanks"
        assert ESCAPE.search(on_terminal(chart))


# -- through the real command: bars on a terminal, plain text in a pipe ---------------------


def _run_installed(args: list[str], *, terminal: bool, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the installed `incidentlog` with stdout a pipe, or a pseudo-terminal."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    script = str(Path(sys.executable).with_name("incidentlog"))
    if not terminal:
        done = subprocess.run([script, *args], capture_output=True, text=True, check=True)
        return done.stdout
    pty = pytest.importorskip("pty")
    primary, secondary = pty.openpty()
    process = subprocess.Popen([script, *args], stdout=secondary, stderr=secondary)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closes when the command ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert process.wait() == 0
    return b"".join(chunks).decode()


def test_store_chart_draws_bars_on_a_terminal_and_plain_text_when_piped(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    for day in ("2026-03-02", "2026-04-02", "2026-04-03", "2026-05-04"):
        cli.add("Ann Lee", store="North", at=f"{day} 10:00")
    on_screen = _run_installed(
        ["report", "store", "--chart"], terminal=True, monkeypatch=monkeypatch
    )
    assert "█" in on_screen and ESCAPE.search(on_screen)
    piped = _run_installed(["report", "store", "--chart"], terminal=False, monkeypatch=monkeypatch)
    assert not ESCAPE.search(piped)
    # Twelve months from Jun 2025 (so labels are padded to "Jun 2025"); April's two
    # incidents are the longest bar, March and May (so far) half of it.
    lines = [line for line in piped.splitlines() if line.startswith("  ")]
    assert lines[-3:] == [
        "  Mar      " + "█" * 20 + " " * 21 + "1",
        "  Apr      " + "█" * 40 + " 2",
        "  May      " + "█" * 20 + " " * 21 + "1 so far",
    ]


def test_agents_table_has_a_sparkline_of_the_last_six_months_on_the_spot(cli: Cli) -> None:
    resolved_on_the_spot = {"2025-11": 3, "2025-12": 1, "2026-02": 2, "2026-04": 4, "2026-05": 1}
    for month, n in resolved_on_the_spot.items():
        for _ in range(n):
            cli.add("Ann Lee", agent="Jane", at=f"{month}-10 10:00")
    cli.add("Ann Lee", agent="Jane", resolved=False, at="2026-02-11 10:00")  # not on the spot
    cli.add("Ann Lee", agent="Jane", resolved=False, at="2026-05-11 10:00")
    cli.add("Ann Lee", agent="Bob", at="2026-03-10 10:00")  # someone else's
    doc = cli("report", "agents", "--format", "json").json()
    jane = next(row for row in doc["rows"] if row["agent"] == "Jane")
    # December to May (November is seven months back): 1, 0, 2, 0, 4, 1 on the spot.
    assert jane["on_spot_last_6_months"] == [1, 0, 2, 0, 4, 1]
    assert doc["last_6_months"] == [
        "2025-12",
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
    ]
    table = cli("report", "agents").stdout
    jane_line = next(line for line in table.splitlines() if line.strip().startswith("Jane"))
    # Scaled to the busiest month (4 = █): 1 → ▃, 2 → ▅, 0 → ▁.
    assert jane_line.rstrip().endswith("▃▁▅▁█▃")
    assert "last 6 months" in table
