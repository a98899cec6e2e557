"""Every report and list fits the width it is given and cuts no number, date or name.

The tables are checked against their own JSON: each count, rate, date and name of every
JSON row must be found whole in the table printed at 80 and at 120 columns.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import Cli

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
LONG_STORE = "Northern Industrial Estate Superstore"
LONG_CUSTOMER = "Maximiliane Oberhuber-Wittgenstein"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo sample plus one incident with long names, built once for the module."""
    path = tmp_path_factory.mktemp("width") / "demo.db"
    mp = pytest.MonkeyPatch()
    try:
        tmp = path.parent
        mp.setenv("INCIDENTLOG_DB", str(path))
        mp.setenv("INCIDENTLOG_CONFIG", str(tmp / "config.toml"))
        mp.setenv("INCIDENTLOG_TODAY", "2026-05-20")
        mp.setenv("NO_COLOR", "1")
        cli = Cli()
        cli("demo")
        # Where the demo sample must be kept explicitly before real records join it.
        cli("demo", "--keep", ok=False)
        for day in ("2026-05-04", "2026-05-12", "2026-05-14"):
            cli(
                "add",
                LONG_CUSTOMER,
                "--contact",
                "maximiliane.oberhuber-wittgenstein@example.com",
                "--reason",
                "billing error",
                "--unresolved",
                "--store",
                LONG_STORE,
                "--agent",
                "Jane",
                "--at",
                f"{day} 11:00",
                "--follow-up",
                "2026-05-15",
                "--new-store",
            )
    finally:
        mp.undo()
    return path


@pytest.fixture
def wide(demo_db: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Cli:
    monkeypatch.setenv("INCIDENTLOG_DB", str(demo_db))
    return cli


def _tokens(text: str) -> set[str]:
    return set(text.split())


def _date_forms(value: str) -> list[str]:
    day = dt.date.fromisoformat(value[:10])
    return [value[:10], str(day.day)]


def _expect_number(out: set[str], value: Any, shown: str, where: str) -> None:
    assert shown in out or any(shown in t for t in out), f"{where}: {shown} missing"


def _check(
    text: str,
    rows: list[dict[str, Any]],
    width: int,
    *,
    counts: tuple[str, ...] = (),
    rates: tuple[str, ...] = (),
    names: tuple[str, ...] = (),
    dates: tuple[str, ...] = (),
    cut_ok: bool = False,
) -> None:
    for line in text.splitlines():
        assert len(line) <= width, f"line wider than {width}: {line!r}"
    if not cut_ok:
        assert "…" not in text, text
    out = _tokens(text)
    joined = " ".join(text.split())
    for row in rows:
        for key in counts:
            value = row[key]
            if value is None:
                continue
            forms = {f"{abs(value):,}", str(abs(value))}
            assert any(
                re.search(rf"(?<![\d,.]){re.escape(shown)}(?![\d,])", t)
                for t in out
                for shown in forms
            ), f"{key}={value} missing at {width} columns:\n{text}"
        for key in rates:
            value = row[key]
            if value is None:
                continue
            shown = f"{value * 100:.0f}%"
            assert shown in joined, f"{key}={shown} missing at {width} columns:\n{text}"
        for key in names:
            value = row[key]
            if not value or str(value).startswith("All "):
                continue
            if isinstance(value, list):
                value = " ".join(value)
            # A contact may break before its "@" in a narrow column.
            for word in str(value).replace("@", " @").split():
                assert word in out or any(word in t for t in out), (
                    f"{key}={value!r}: {word!r} missing at {width} columns:\n{text}"
                )
        for key in dates:
            value = row[key]
            if not value:
                continue
            day = dt.date.fromisoformat(str(value)[:10])
            forms = (str(value)[:10], f"{day.day} {MONTHS[day.month - 1]}")
            # A narrow date may wrap between its day and its month; both parts stay whole.
            assert any(f in joined for f in forms) or (
                str(day.day) in out and MONTHS[day.month - 1] in out
            ), f"{key}={value} missing at {width} columns:\n{text}"


def _both(wide: Cli, monkeypatch: pytest.MonkeyPatch, *args: str, **checks: Any) -> None:
    rows = wide(*args, "--format", "json").json()
    if isinstance(rows, dict):
        rows = rows["rows"] + ([rows["totals"]] if isinstance(rows.get("totals"), dict) else [])
    assert rows, args
    for width in (80, 120):
        monkeypatch.setenv("COLUMNS", str(width))
        _check(wide(*args).stdout, rows, width, **checks)


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
