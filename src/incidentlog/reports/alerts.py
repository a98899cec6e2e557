"""The weekly summary's alerts: what a manager should look at before the tables.

`store-spike`: a store's week far above what its own previous weeks predict. Its incidents
per week over the previous SPIKE_WEEKS weeks (those since its first incident, for a store
that opened within them) give a mean; if incidents arrived at that
rate, the week's count would follow a Poisson distribution with that mean, and the alert
fires when the count is above the distribution's 99% bound and at least SPIKE_MIN_INCIDENTS
(so a quiet store going from 1 to 3 is not an alert). By chance alone it fires for at most
1 in 100 store-weeks, fewer at small means, where the bound is conservative.

`customer-escalating`: a customer with an incident this week who had ESCALATING_VISITS or
more incidents in the ESCALATING_DAYS days ending with the week, or who went to two or
more stores during the week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

from sqlalchemy import case, distinct, func, select

from incidentlog.core.periods import Period
from incidentlog.core.stats import poisson_upper
from incidentlog.reports.common import (
    CUSTOMER,
    INCIDENT,
    STORE,
    count_if,
    day_of,
    in_period,
    known,
    on_spot,
)

SPIKE_WEEKS = 8
SPIKE_LEVEL = 0.99
SPIKE_MIN_INCIDENTS = 5
ESCALATING_VISITS = 3
ESCALATING_DAYS = 30


class StoreSpike(TypedDict):
    kind: Literal["store-spike"]
    store: str
    incidents: int
    expected: float
    bound: int


class EscalatingCustomer(TypedDict):
    kind: Literal["customer-escalating"]
    customer: str
    incidents: int
    stores: int
    days: int
    this_week: int
    week_stores: int


Alert = StoreSpike | EscalatingCustomer


@dataclass(frozen=True, slots=True)
class StoreDay:
    store: str
    day: dt.date
    incidents: int
    on_spot: int


def spike_window(week: Period) -> dt.date:
    """The first day whose incidents the store-spike alert reads: SPIKE_WEEKS weeks back."""
    return week.start - dt.timedelta(weeks=SPIKE_WEEKS)


def store_days(conn: Any, week: Period) -> list[StoreDay]:
    """Each store's incidents (and those resolved on the spot) per day, from SPIKE_WEEKS
    weeks before `week` to its end: one GROUP BY (store, day), read in the order of the
    covering (store_id, day, resolved_on_spot) index, with no sort. Bucketing the days
    into weeks in SQL (a CASE per row, then a temporary B-tree for its groups) took four
    times as long."""
    i = INCIDENT
    grouped = (
        select(
            i.c.store_id,
            i.c.day,
            func.count().label("incidents"),
            on_spot().label("on_spot"),
        )
        .where(known("store"), i.c.day.between(spike_window(week), week.end))
        .group_by(i.c.store_id, i.c.day)
        .subquery()
    )
    found = conn.execute(
        select(STORE.c.name, grouped.c.day, grouped.c.incidents, grouped.c.on_spot).join_from(
            grouped, STORE, STORE.c.id == grouped.c.store_id
        )
    ).all()
    return [StoreDay(r.name, day_of(r.day), int(r.incidents), int(r.on_spot)) for r in found]


def store_weeks(days: Sequence[StoreDay], week: Period) -> dict[str, list[int]]:
    """Each store's incidents in the SPIKE_WEEKS weeks before `week` and in it, oldest first."""
    first = spike_window(week)
    weeks: dict[str, list[int]] = {}
    for d in days:
        # Numbered 0 (the oldest) to SPIKE_WEEKS (the week itself, however long) by start.
        number = min((d.day - first).days // 7, SPIKE_WEEKS)
        weeks.setdefault(d.store, [0] * (SPIKE_WEEKS + 1))[number] += d.incidents
    return weeks


def store_spikes(weeks: dict[str, list[int]]) -> list[StoreSpike]:
    alerts: list[StoreSpike] = []
    for store, counts in weeks.items():
        *before, incidents = counts
        # A store that opened within the window is judged on the weeks since its first
        # incident, not on the empty weeks before it existed.
        opened = next((n for n, c in enumerate(before) if c), len(before))
        history = before[opened:]
        if not history:
            continue
        expected = sum(history) / len(history)
        if not expected or incidents < SPIKE_MIN_INCIDENTS:
            continue
        bound = poisson_upper(expected, SPIKE_LEVEL)
        if incidents > bound:
            alerts.append(
                {
                    "kind": "store-spike",
                    "store": store,
                    "incidents": incidents,
                    "expected": expected,
                    "bound": bound,
                }
            )
    return sorted(alerts, key=lambda a: (-a["incidents"] / a["expected"], a["store"]))


@dataclass(frozen=True, slots=True)
class WeekCustomer:
    """A customer of the week with two or more incidents up to its end: over all of them
    (the summary's customers who had been there before) and over the ESCALATING_DAYS days
    ending with the week (`recent_...`: the escalating-customer alert)."""

    name: str
    incidents: int
    this_week: int
    stores: int
    agents: int
    recent: int
    recent_this_week: int
    recent_stores: int
    recent_week_stores: int


def week_customers(conn: Any, week: Period) -> list[WeekCustomer]:
    """The customers with an incident in `week` and at least two up to its end, in name
    order (the database's, then by id): both customer lists in one pass over their
    incidents, read from the covering (customer_id, day, agent_id, store_id) index.

    Every escalating customer has two incidents or more (ESCALATING_VISITS of them, or
    the week's in two stores), so one HAVING keeps both lists' customers; it counts rows
    only, as each COUNT(DISTINCT) costs a temporary B-tree fed every row.
    """
    assert ESCALATING_VISITS >= 2
    i = INCIDENT
    since = week.end - dt.timedelta(days=ESCALATING_DAYS - 1)
    recent_week = max(since, week.start)
    recent = i.c.day >= since
    of_the_week = select(i.c.customer_id).where(in_period(i.c.day, week))
    grouped = (
        select(
            i.c.customer_id,
            func.count().label("incidents"),
            count_if(i.c.day >= week.start).label("this_week"),
            func.count(distinct(i.c.store_id)).label("stores"),
            func.count(distinct(i.c.agent_id)).label("agents"),
            count_if(recent).label("recent"),
            count_if(i.c.day >= recent_week).label("recent_this_week"),
            func.count(distinct(case((recent, i.c.store_id)))).label("recent_stores"),
            func.count(distinct(case((i.c.day >= recent_week, i.c.store_id)))).label(
                "recent_week_stores"
            ),
        )
        .where(i.c.customer_id.in_(of_the_week), i.c.day <= week.end)
        .group_by(i.c.customer_id)
        .having(func.count() >= 2)
        .subquery()
    )
    found = conn.execute(
        select(CUSTOMER.c.name, grouped)
        .join_from(grouped, CUSTOMER, CUSTOMER.c.id == grouped.c.customer_id)
        # Two customers of one name: by id, as the rows come out of the GROUP BY.
        .order_by(CUSTOMER.c.name, grouped.c.customer_id)
    ).all()
    # By position: a row's attributes by name cost more than the rest of the loop.
    return [WeekCustomer(r[0], *(int(n) for n in r[2:])) for r in found]


def escalating_customers(customers: Sequence[WeekCustomer]) -> list[EscalatingCustomer]:
    """Most incidents in the ESCALATING_DAYS days first, then most stores; ties stay in
    name order (a stable sort of the database's order)."""
    escalating = [
        c for c in customers if c.recent >= ESCALATING_VISITS or c.recent_week_stores >= 2
    ]
    escalating.sort(key=lambda c: (-c.recent, -c.recent_stores))
    return [
        {
            "kind": "customer-escalating",
            "customer": c.name,
            "incidents": c.recent,
            "stores": c.recent_stores,
            "days": ESCALATING_DAYS,
            "this_week": c.recent_this_week,
            "week_stores": c.recent_week_stores,
        }
        for c in escalating
    ]
