"""Every report and list fits the width it is given and cuts no number, date or name.

The tables are checked against their own JSON: each count, rate, date and name of every
JSON row must be found whole in the table printed at 80 and at 120 columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import Cli
from tests.views_helpers import LONG_STORE, build_demo_db, check_holds


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_db(tmp_path_factory.mktemp("width") / "demo.db")


@pytest.fixture
def wide(demo_db: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Cli:
    monkeypatch.setenv("INCIDENTLOG_DB", str(demo_db))
    return cli


def _both(wide: Cli, monkeypatch: pytest.MonkeyPatch, *args: str, **checks: Any) -> None:
    rows = wide(*args, "--format", "json").json()
    if isinstance(rows, dict):
        rows = rows["rows"] + ([rows["totals"]] if isinstance(rows.get("totals"), dict) else [])
    assert rows, args
    for width in (80, 120):
        monkeypatch.setenv("COLUMNS", str(width))
        check_holds(wide(*args).stdout, rows, width, **checks)


@pytest.mark.parametrize("compare", [None, "last-month", "3-months-ago"])
def test_report_store_fits_80_and_120_columns(
    wide: Cli, monkeypatch: pytest.MonkeyPatch, compare: str | None
) -> None:
    args = ["report", "store", *(["--compare", compare] if compare else [])]
    counts: tuple[str, ...] = ("incidents",)
    if compare:
        counts += ("compare_incidents", "change")
    _both(wide, monkeypatch, *args, counts=counts, rates=("rate",), names=("store",))


@pytest.mark.parametrize("compare", [None, "3-months-ago"])
def test_report_agents_fits_80_and_120_columns(
    wide: Cli, monkeypatch: pytest.MonkeyPatch, compare: str | None
) -> None:
    args = ["report", "agents", *(["--compare", compare] if compare else [])]
    counts: tuple[str, ...] = ("incidents", "resolved_on_spot")
    rates: tuple[str, ...] = ("rate",)
    if compare:
        counts += ("compare_incidents",)
        rates += ("compare_rate",)
    _both(wide, monkeypatch, *args, counts=counts, rates=rates, names=("agent",))


def test_report_reasons_fits(wide: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _both(
        wide,
        monkeypatch,
        "report",
        "reasons",
        "--period",
        "last-12-months",
        counts=("incidents",),
        rates=("rate", "share"),
        names=("reason",),
    )


def test_report_training_fits(wide: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _both(
        wide,
        monkeypatch,
        "report",
        "training",
        "1",
        counts=("trained_incidents", "others_incidents"),
        rates=("trained_rate", "others_rate"),
        dates=("start", "end"),
    )


@pytest.mark.parametrize("by_month", [False, True])
def test_report_training_time_fits(
    wide: Cli, monkeypatch: pytest.MonkeyPatch, by_month: bool
) -> None:
    args = ["report", "training-time", "--period", "last-12-months"]
    if by_month:
        args.append("--by-month")
    _both(wide, monkeypatch, *args, counts=("roleplay_minutes",), names=("agent",))


def test_repeat_customers_fits(wide: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _both(
        wide,
        monkeypatch,
        "repeat-customers",
        "--min-stores",
        "2",
        "--limit",
        "20",
        counts=("incidents", "stores", "agents"),
        names=("customer",),
        dates=("first", "last"),
    )


def test_summary_fits(wide: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _both(
        wide,
        monkeypatch,
        "summary",
        counts=("incidents", "change"),
        rates=("rate",),
        names=("store",),
    )


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--limit", "30"),
        ("list", "--store", LONG_STORE),
        ("follow-ups", "--limit", "30"),
    ],
)
def test_incident_lists_fit(wide: Cli, monkeypatch: pytest.MonkeyPatch, args: tuple[str]) -> None:
    _both(
        wide,
        monkeypatch,
        *args,
        counts=("id",),
        names=("customer", "reason", "store", "agent"),
        dates=("at",),
    )


def test_search_fits(wide: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    # Snippets are excerpts and start or end with "…" by design; ids, names and dates are whole.
    _both(
        wide,
        monkeypatch,
        "search",
        "refund",
        "--limit",
        "10",
        counts=("id",),
        names=("reason", "store"),
        dates=("at",),
        cut_ok=True,
    )


def test_customers_list_fits(wide: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _both(
        wide,
        monkeypatch,
        "customers",
        "list",
        counts=("incidents", "stores", "agents"),
        names=("name", "contact"),
        dates=("first", "last"),
    )


def test_training_list_fits(wide: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _both(
        wide,
        monkeypatch,
        "training",
        "list",
        "--period",
        "last-12-months",
        counts=("id", "minutes"),
        names=("topic", "agents", "trainer"),
        dates=("on",),
    )


@pytest.mark.parametrize("report", ["agents", "store"])
def test_reports_with_remedies_fit_or_leave_the_remedies_out(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli, report: str
) -> None:
    import shutil
    import sqlite3

    from incidentlog.core.money import format_cost

    db = tmp_path / "priced.db"
    shutil.copy(demo_db, db)
    with sqlite3.connect(db) as conn:  # large amounts: the widest cells a shop would see
        conn.execute(
            "UPDATE incident SET remedy = 'refund', cost_cents = 123456789 "
            "WHERE day >= '2026-05-01' AND id % 3 = 0"
        )
    monkeypatch.setenv("INCIDENTLOG_DB", str(db))
    cli("config", "set", "currency", "EUR")
    doc = cli("report", report, "--format", "json").json()
    rows = [*doc["rows"], doc["totals"]]
    assert doc["totals"]["refunds"] > 0
    key = "agent" if report == "agents" else "store"
    shown_at = []
    for width in (80, 120, 160):
        monkeypatch.setenv("COLUMNS", str(width))
        out = cli("report", report).stdout
        check_holds(out, rows, width, counts=("incidents",), rates=("rate",), names=(key,))
        header = [line for line in out.splitlines()[1:4] if line.strip()]
        if any("Remedies" in line for line in header):
            shown_at.append(width)
            for row in rows:
                amount = format_cost(round(row["remedy_cost"] * 100), "EUR")
                assert amount in out, f"{amount} cut at {width} columns:\n{out}"
    assert 160 in shown_at


@pytest.mark.parametrize(
    "args",
    [
        ("report", "store", "--compare", "last-month"),
        ("report", "agents", "--compare", "3-months-ago"),
        ("report", "resolution", "--period", "2026-Q1"),
    ],
)
def test_a_column_steps_aside_before_a_name_or_a_rate_wraps(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """On the demo at 110 columns these tables fit on one line a row once the sparkline or
    the remedies leave: no name or interval is broken over two lines to keep them."""
    cli("demo")
    monkeypatch.setenv("COLUMNS", "110")
    out = cli(*args).stdout
    rows = cli(*args, "--format", "json").json()["rows"]
    key = {"store": "store", "agents": "agent", "resolution": "store"}[args[1]]
    lines = out.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("─"))
    body = []
    for line in lines[rule + 1 :]:
        if not line.strip():
            break
        body.append(line)
    assert len(body) == len(rows), out
    for line, row in zip(body, rows, strict=True):
        assert line.startswith(f" {row[key]} "), (row[key], out)


@pytest.mark.parametrize("width", [80, 120])
def test_follow_ups_header_reads_as_what_the_column_holds(
    wide: Cli, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    """Read down the "Follow up" header: wide it is one column beside Status; narrow, where
    the status goes under the date, it says both ("Follow up / status"), not "Follow up
    Status" as if that were one thing."""
    import re

    monkeypatch.setenv("COLUMNS", str(width))
    lines = wide("follow-ups", "--limit", "30").stdout.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("─"))
    header = lines[1:rule]
    top = next(i for i, line in enumerate(header) if "Follow" in line)
    x = header[top].index("Follow")
    words = [re.split(r"\s{2,}", line[x:].strip())[0] for line in header[top:]]
    heading = " ".join(w for w in words if w)
    if width == 120:
        assert heading == "Follow up", header
        assert "Status" in header[-1].split(), header
    else:
        assert heading == "Follow up / status", header


@pytest.mark.parametrize("report", ["agents", "store"])
def test_remedies_note_only_under_a_table_that_shows_remedies(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli, report: str
) -> None:
    """At 80 columns the Remedies column steps aside and its "Remedies: ..." line goes with
    it; wide, both are printed; HTML, which always has the column, keeps the line."""
    import shutil
    import sqlite3

    db = tmp_path / "priced.db"
    shutil.copy(demo_db, db)
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE incident SET remedy = 'refund', cost_cents = 123456789 "
            "WHERE day >= '2026-05-01' AND id % 3 = 0"
        )
    monkeypatch.setenv("INCIDENTLOG_DB", str(db))
    for width, shown in ((80, False), (200, True)):
        monkeypatch.setenv("COLUMNS", str(width))
        out = cli("report", report).stdout
        lines = out.splitlines()
        rule = next(i for i, line in enumerate(lines) if line.startswith("─"))
        assert ("Remedies" in " ".join(lines[:rule])) is shown, out
        assert ("Remedies: what the remedies cost" in out) is shown, out
        # The table's other notes stay whatever the width.
        assert "is not over" in out.split("─")[-1], out
    page = cli("report", report, "--format", "html").stdout
    assert '<th class="num">Remedies</th>' in page
    assert "Remedies: what the remedies cost" in page
