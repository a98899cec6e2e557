"""The weekly summary's alerts: a store's week far above its own recent weeks, and a
customer coming back again and again (JSON `alerts`, the text and the HTML)."""

from __future__ import annotations

import datetime as dt

import pytest

from incidentlog.core.stats import poisson_cdf, poisson_upper
from tests.helpers import Cli
from tests.reports_helpers import Row, record

pytestmark = pytest.mark.backends

WEEK = "2026-W19"  # 4–10 May 2026
MONDAY = dt.date(2026, 5, 4)


def _week(store: str, weeks_before: int, count: int, customer_base: str) -> list[Row]:
    """`count` incidents at `store` in the week `weeks_before` weeks before W19, one customer
    each (so no customer looks escalating)."""
    start = MONDAY - dt.timedelta(weeks=weeks_before)
    return [
        Row(
            (start + dt.timedelta(days=n % 7)).isoformat(),
            store=store,
            customer=f"{customer_base} {weeks_before}-{n}",
        )
        for n in range(count)
    ]


def _stores() -> list[Row]:
    rows: list[Row] = []
    for before in range(1, 9):
        rows += _week("Harbour", before, 5, "Harbour customer")
        rows += _week("Uptown", before, 30, "Uptown customer")
        rows += _week("Old Mill", before, 1, "Mill customer")
    rows += _week("Harbour", 0, 20, "Harbour customer")  # four times its usual week
    rows += _week("Uptown", 0, 36, "Uptown customer")  # busy, but as busy as it is
    rows += _week("Old Mill", 0, 3, "Mill customer")  # 1 -> 3: too few to mean anything
    return rows


def test_a_fourfold_week_is_a_spike_and_a_busy_normal_store_is_not(cli: Cli) -> None:
    record(_stores())
    found = cli("summary", "--week", WEEK, "--format", "json").json()
    spikes = [a for a in found["alerts"] if a["kind"] == "store-spike"]
    assert spikes == [
        {
            "kind": "store-spike",
            "store": "Harbour",
            "incidents": 20,
            "expected": 5.0,
            "bound": poisson_upper(5.0, 0.99),
        }
    ]
    weekly = {r["store"]: r["weekly"] for r in found["rows"]}
    assert weekly["Harbour"] == [5] * 8 + [20]
    assert weekly["Uptown"] == [30] * 8 + [36]
    text = cli("summary", "--week", WEEK).stdout
    assert "Alert: Harbour: 20 incidents this week; about 5 expected from its last 8" in text
    assert "Uptown:" not in text and "Old Mill:" not in text
    page = cli("summary", "--week", WEEK, "--format", "html").stdout
    assert "Harbour: 20 incidents this week; about 5 expected" in page
    assert page.count("<svg") == 3  # a bar chart of the nine weeks per store


def test_escalating_customers_are_flagged(cli: Cli) -> None:
    record(
        [
            # Three times within 30 days, the last in the week: escalating.
            Row("2026-04-14", customer="Zofia Demir", store="North"),
            Row("2026-04-28", customer="Zofia Demir", store="North"),
            Row("2026-05-06", customer="Zofia Demir", store="South"),
            # Two stores in the week itself: escalating.
            Row("2026-05-05", customer="Marta Sousa", store="North"),
            Row("2026-05-07", customer="Marta Sousa", store="South"),
            # Three times, but spread over more than 30 days: not escalating.
            Row("2026-03-01", customer="Ann Lee"),
            Row("2026-04-05", customer="Ann Lee"),
            Row("2026-05-06", customer="Ann Lee"),
            # Twice at one store in the week: not escalating.
            Row("2026-05-05", customer="Bob Ray"),
            Row("2026-05-08", customer="Bob Ray"),
        ]
    )
    found = cli("summary", "--week", WEEK, "--format", "json").json()
    escalating = {a["customer"]: a for a in found["alerts"] if a["kind"] == "customer-escalating"}
    assert set(escalating) == {"Zofia Demir", "Marta Sousa"}
    assert escalating["Zofia Demir"]["incidents"] == 3
    assert escalating["Zofia Demir"]["stores"] == 2
    assert escalating["Marta Sousa"]["incidents"] == 2
    assert escalating["Marta Sousa"]["stores"] == 2
    text = cli("summary", "--week", WEEK).stdout
    assert "Alert: Zofia Demir: 3 incidents in 30 days, at 2 stores." in text
    assert "Alert: Marta Sousa: 2 incidents in 30 days, at 2 stores this week." in text


def test_a_quiet_week_has_no_alerts(cli: Cli) -> None:
    # A store that opened the week before: judged on that week, not on empty weeks.
    record(_week("Harbour", 1, 5, "c") + _week("Harbour", 0, 6, "c"))
    found = cli("summary", "--week", WEEK, "--format", "json").json()
    assert found["alerts"] == []
    assert "Alert" not in cli("summary", "--week", WEEK).stdout


@pytest.mark.parametrize(("mean", "bound"), [(1.0, 4), (5.0, 11), (30.0, 43)])
def test_poisson_bound(mean: float, bound: int) -> None:
    assert poisson_upper(mean, 0.99) == bound
    assert poisson_cdf(bound, mean) >= 0.99 > poisson_cdf(bound - 1, mean)


def test_poisson_bound_of_a_busy_chain_store() -> None:
    # exp(-2000) underflows; the bound is still near mean + 2.33 standard deviations.
    bound = poisson_upper(2000.0, 0.99)
    assert 2090 < bound < 2120
    assert poisson_cdf(bound, 2000.0) >= 0.99 > poisson_cdf(bound - 1, 2000.0)


def test_escalating_and_returning_customers_each_in_their_own_order(cli: Cli) -> None:
    # Both lists come from one pass over the customers' incidents; each is ordered by its own
    # counts (escalating: the 30 days from 11 April; returning: every incident), ties by name.
    record(
        [
            # Dan Ash: 5 in all, 3 of them in the 30 days.
            Row("2026-01-10", customer="Dan Ash"),
            Row("2026-02-10", customer="Dan Ash"),
            Row("2026-04-20", customer="Dan Ash"),
            Row("2026-05-01", customer="Dan Ash"),
            Row("2026-05-06", customer="Dan Ash"),
            # Eve Ash: 4, all in the 30 days.
            *(Row(day, customer="Eve Ash") for day in ("2026-04-15", "2026-04-20", "2026-05-01")),
            Row("2026-05-06", customer="Eve Ash"),
            # Abe Ash: 3, all in the 30 days: ties with Dan Ash there, so by name.
            *(Row(day, customer="Abe Ash") for day in ("2026-04-20", "2026-05-01", "2026-05-06")),
        ]
    )
    found = cli("summary", "--week", WEEK, "--format", "json").json()
    escalating = [
        (a["customer"], a["incidents"], a["this_week"])
        for a in found["alerts"]
        if a["kind"] == "customer-escalating"
    ]
    assert escalating == [("Eve Ash", 4, 1), ("Abe Ash", 3, 1), ("Dan Ash", 3, 1)]
    returning = [(c["customer"], c["incidents"]) for c in found["repeat_customers"]]
    assert returning == [("Dan Ash", 5), ("Eve Ash", 4), ("Abe Ash", 3)]
