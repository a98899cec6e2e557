"""`report agents` and `report store`: what the period's remedies cost, and its refunds.

Costs and remedies are set with SQL on `incident.cost_cents` and `incident.remedy`; the
expected sums are worked out by hand below (in cents, so no float is trusted on the way).
"""

from __future__ import annotations

import pytest

from tests.factories import database
from tests.helpers import Cli
from tests.reports_helpers import Row, record

pytestmark = pytest.mark.backends

# (row, remedy, cost in cents)
CASES = [
    (Row("2026-05-02", "North", "Jane"), "refund", 1250),
    (Row("2026-05-03", "North", "Jane"), "voucher", 10),
    (Row("2026-05-04", "North", "Jane", status="open"), None, None),
    (Row("2026-05-05", "North", "Bob"), "refund", 20),
    (Row("2026-05-06", "South", "Bob"), "replacement", 10000),
    (Row("2026-05-07", "South", "Bob", status="later"), "refund", 5),
    (Row("2026-05-08", "South", "Priya"), None, None),
    # April: in the comparison period only, so it counts nowhere in May's remedies.
    (Row("2026-04-08", "South", "Ahmed"), "refund", 700),
]

# By hand: Bob 0.20 + 100.00 + 0.05, two refunds; Jane 12.50 + 0.10, one refund.
AGENTS = {
    "Ahmed": (0, 0),
    "Bob": (100.25, 2),
    "Jane": (12.60, 1),
    "Priya": (0, 0),
}
# North 12.50 + 0.10 + 0.20, two refunds; South 100.00 + 0.05, one refund.
STORES = {"North": (12.80, 2), "South": (100.05, 1)}
TOTAL = (112.85, 3)


@pytest.fixture
def priced() -> None:
    ids = record(row for row, _remedy, _cost in CASES)
    with database().connect() as conn, conn.transaction():
        for incident_id, (_row, remedy, cost) in zip(ids, CASES, strict=True):
            conn.run(
                "UPDATE incident SET remedy = :remedy, cost_cents = :cost WHERE id = :id",
                {"remedy": remedy, "cost": cost, "id": incident_id},
            )


def _by(doc: dict[str, object], key: str) -> dict[str, tuple[float, int]]:
    rows = doc["rows"]
    assert isinstance(rows, list)
    return {r[key]: (r["remedy_cost"], r["refunds"]) for r in rows}


def test_agents_sum_the_periods_remedies(cli: Cli, priced: None) -> None:
    doc = cli("report", "agents", "--compare", "last-month", "--format", "json").json()
    assert _by(doc, "agent") == AGENTS
    totals = doc["totals"]
    assert (totals["remedy_cost"], totals["refunds"]) == TOTAL
    # The new keys come after the ones scripts already read, the sparkline stays last.
    keys = list(doc["rows"][0])
    assert keys[:6] == ["agent", "incidents", "resolved_on_spot", "rate", "rate_low", "rate_high"]
    assert keys[-3:] == ["remedy_cost", "refunds", "on_spot_last_6_months"]


def test_store_sums_the_periods_remedies(cli: Cli, priced: None) -> None:
    doc = cli("report", "store", "--format", "json").json()
    assert _by(doc, "store") == STORES
    assert (doc["totals"]["remedy_cost"], doc["totals"]["refunds"]) == TOTAL
    assert (
        cli("report", "store", "--store", "South", "--format", "json").json()["totals"][
            "remedy_cost"
        ]
        == 100.05
    )


def test_remedies_are_numbers_and_zero_without_any(cli: Cli) -> None:
    record([Row("2026-05-02"), Row("2026-05-03", status="open")])
    for report in ("agents", "store"):
        doc = cli("report", report, "--format", "json").json()
        [row] = doc["rows"]
        assert row["remedy_cost"] == 0 and row["refunds"] == 0
        assert doc["totals"]["remedy_cost"] == 0
        # Nothing to compare: the table stays as it was, without a column of zeros.
        assert "Remedies" not in cli("report", report).stdout


def test_csv_carries_the_remedies(cli: Cli, priced: None) -> None:
    lines = cli("report", "store", "--format", "csv").stdout.splitlines()
    header = lines[0].split(",")
    north = dict(zip(header, lines[1].split(","), strict=True))
    assert (north["store"], north["remedy_cost"], north["refunds"]) == ("North", "12.8", "2")


def test_tables_show_the_remedies_in_the_shops_currency(cli: Cli, priced: None) -> None:
    cli("config", "set", "currency", "EUR")
    out = cli("report", "agents").stdout
    assert "Remedies" in out
    bob = next(line for line in out.splitlines() if line.strip().startswith("Bob"))
    assert "EUR 100.25 · 2 refunds" in bob
    priya = next(line for line in out.splitlines() if line.strip().startswith("Priya"))
    assert "EUR 0.00" in priya and "refund" not in priya
    total = next(line for line in out.splitlines() if "All agents" in line)
    assert "EUR 112.85 · 3 refunds" in total
    store = cli("report", "store").stdout
    north = next(line for line in store.splitlines() if line.strip().startswith("North"))
    assert "EUR 12.80 · 2 refunds" in north
    assert "Remedies: what the remedies cost (EUR)" in store


def test_remedies_step_aside_right_after_the_sparkline(
    cli: Cli, priced: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = []
    for width in range(40, 121, 4):
        monkeypatch.setenv("COLUMNS", str(width))
        out = cli("report", "agents").stdout
        lines = out.splitlines()
        assert all(len(line) <= width for line in lines), out
        header = " ".join(line for line in lines[1:3] if not line.startswith(" Bob"))
        if "Agent" not in header:  # too narrow for a table: one block per agent
            continue
        spark, remedies = "last 6 months" in header, "Remedies" in header
        seen.append((spark, remedies))
        assert remedies or not spark, f"the sparkline outlived the remedies at {width}:\n{out}"
        if not remedies:
            # Gone before any rate had to break under itself.
            jane = next(line for line in lines if line.strip().startswith("Jane"))
            assert "67%  (21–94%)" in jane, out
    assert (True, True) in seen and (False, True) in seen and (False, False) in seen
