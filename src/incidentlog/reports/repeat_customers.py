"""`repeat-customers`: customers whose incidents span many agents and stores."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, distinct, func, select

from incidentlog.db import as_date
from incidentlog.periods import Period
from incidentlog.reports.common import CUSTOMER, INCIDENT, REASON, Bind, in_period, reading


def repeat_customers(
    bind: Bind,
    *,
    period: Period,
    min_incidents: int = 2,
    min_agents: int = 1,
    min_stores: int = 1,
) -> list[dict[str, Any]]:
    """Customers with at least `min_incidents` incidents in the period (and as many agents
    and stores as asked), broadest first: stores, then agents, then incidents.

    `reasons` lists each customer's reasons, most frequent first.
    """
    i = INCIDENT
    # A CTE, so the database finds the repeat customers once for both uses below.
    repeat = (
        select(
            i.c.customer_id,
            func.count().label("incidents"),
            func.count(distinct(i.c.agent_id)).label("agents"),
            func.count(distinct(i.c.store_id)).label("stores"),
            # Typed as text: SQLite hands back ISO dates as they are, with no parsing.
            func.min(i.c.day, type_=String).label("first"),
            func.max(i.c.day, type_=String).label("last"),
        )
        .where(in_period(i.c.day, period))
        .group_by(i.c.customer_id)
        .having(func.count() >= min_incidents)
        .having(func.count(distinct(i.c.agent_id)) >= min_agents)
        .having(func.count(distinct(i.c.store_id)) >= min_stores)
        .cte("repeat")
    )
    by_reason = (
        select(i.c.customer_id, i.c.reason_id, func.count().label("times"))
        .where(in_period(i.c.day, period), i.c.customer_id.in_(select(repeat.c.customer_id)))
        .group_by(i.c.customer_id, i.c.reason_id)
        .subquery("by_reason")
    )
    # One row per (customer, reason): the customer's figures repeat on each of its reasons.
    query = (
        select(
            repeat.c.customer_id,
            repeat.c.incidents,
            repeat.c.agents,
            repeat.c.stores,
            repeat.c["first"],
            repeat.c["last"],
            CUSTOMER.c.name,
            CUSTOMER.c.contact,
            REASON.c.name,
            by_reason.c.times,
        )
        .join_from(repeat, CUSTOMER, CUSTOMER.c.id == repeat.c.customer_id)
        .join(by_reason, by_reason.c.customer_id == repeat.c.customer_id)
        .join(REASON, REASON.c.id == by_reason.c.reason_id)
    )
    customers: dict[int, dict[str, Any]] = {}
    reasons: dict[int, list[tuple[int, str]]] = {}
    with reading(bind) as conn:
        found = conn.execute(query).fetchall()
    for customer_id, n, agents, stores, first, last, name, contact, reason, times in found:
        if customer_id not in customers:
            customers[customer_id] = {
                "customer": name,
                "contact": contact,
                "incidents": n,
                "agents": agents,
                "stores": stores,
                "first": _iso(first),
                "last": _iso(last),
                "reasons": [],
            }
            reasons[customer_id] = []
        reasons[customer_id].append((-times, reason))
    for customer_id, row in customers.items():
        row["reasons"] = [name for _, name in sorted(reasons[customer_id])]
    return sorted(customers.values(), key=_breadth_first)


def _breadth_first(row: dict[str, Any]) -> tuple[int, int, int, int, str]:
    """Stores, agents, incidents (most first); ties: the latest incident first, then name."""
    last = int(row["last"].replace("-", "")) if row["last"] else 0
    return -row["stores"], -row["agents"], -row["incidents"], -last, row["customer"]


def _iso(value: Any) -> str | None:
    if isinstance(value, str):
        return value[:10]
    day = as_date(value)
    return day.isoformat() if day else None
