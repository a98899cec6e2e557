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
from typing import Any, Literal, TypedDict

from sqlalchemy import ColumnElement, Row, case, distinct, func, select

from incidentlog.core.periods import Period
from incidentlog.core.stats import poisson_upper
from incidentlog.reports.common import CUSTOMER, INCIDENT, STORE, count_if, in_period, known

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


def store_weeks(conn: Any, week: Period) -> dict[str, list[int]]:
    """Each store's incidents in the SPIKE_WEEKS weeks before `week` and in it, oldest first
    (counted in the database: GROUP BY store, week)."""
    i = INCIDENT
    first = week.start - dt.timedelta(weeks=SPIKE_WEEKS)
    # Weeks are numbered 0 (the oldest) to SPIKE_WEEKS (the week itself) by their start.
    number = case(
        *((i.c.day >= first + dt.timedelta(weeks=n), n) for n in range(SPIKE_WEEKS, 0, -1)),
        else_=0,
    ).label("week")
    # Numbered in a subquery and grouped by its column: PostgreSQL does not match a CASE
    # with bound parameters in GROUP BY to the same CASE in the select list.
    numbered = (
        select(i.c.store_id, number)
        .where(known("store"), i.c.day.between(first, week.end))
        .subquery()
    )
    grouped = (
        select(numbered.c.store_id, numbered.c.week, func.count().label("incidents"))
        .group_by(numbered.c.store_id, numbered.c.week)
        .subquery()
    )
    found = conn.execute(
        select(STORE.c.name, grouped.c.week, grouped.c.incidents).join_from(
            grouped, STORE, STORE.c.id == grouped.c.store_id
        )
    ).all()
    weeks: dict[str, list[int]] = {}
    for r in found:
        weeks.setdefault(r.name, [0] * (SPIKE_WEEKS + 1))[int(r.week)] = int(r.incidents)
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


def week_customers(
    conn: Any,
    week: Period,
    *,
    since: dt.date | None,
    extra: Sequence[ColumnElement[Any]],
    having: ColumnElement[bool],
) -> Sequence[Row[Any]]:
    """The customers with an incident in `week`, grouped over their incidents from `since`
    (or their first) to the week's end, with their name: `incidents`, `this_week`, `stores`
    and the `extra` labelled columns, most incidents first, then most stores."""
    i = INCIDENT
    of_the_week = select(i.c.customer_id).where(in_period(i.c.day, week)).distinct()
    window = i.c.day <= week.end if since is None else i.c.day.between(since, week.end)
    grouped = (
        select(
            i.c.customer_id,
            func.count().label("incidents"),
            count_if(i.c.day >= week.start).label("this_week"),
            func.count(distinct(i.c.store_id)).label("stores"),
            *extra,
        )
        .where(i.c.customer_id.in_(of_the_week), window)
        .group_by(i.c.customer_id)
        .having(having)
        .subquery()
    )
    return conn.execute(  # type: ignore[no-any-return]
        select(CUSTOMER.c.name, grouped)
        .join_from(grouped, CUSTOMER, CUSTOMER.c.id == grouped.c.customer_id)
        .order_by(grouped.c.incidents.desc(), grouped.c.stores.desc(), CUSTOMER.c.name)
    ).all()


def escalating_customers(conn: Any, week: Period) -> list[EscalatingCustomer]:
    i = INCIDENT
    week_stores = func.count(distinct(case((i.c.day >= week.start, i.c.store_id))))
    found = week_customers(
        conn,
        week,
        since=week.end - dt.timedelta(days=ESCALATING_DAYS - 1),
        extra=[week_stores.label("week_stores")],
        having=(func.count() >= ESCALATING_VISITS) | (week_stores >= 2),
    )
    return [
        {
            "kind": "customer-escalating",
            "customer": r.name,
            "incidents": int(r.incidents),
            "stores": int(r.stores),
            "days": ESCALATING_DAYS,
            "this_week": int(r.this_week),
            "week_stores": int(r.week_stores),
        }
        for r in found
    ]
