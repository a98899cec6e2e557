"""`repeat-customers`: customers whose incidents span many agents and stores."""

from __future__ import annotations

from typing import Any

from sqlalchemy import distinct, func, select

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
    repeat = (
        select(
            i.c.customer_id,
            func.count().label("incidents"),
            func.count(distinct(i.c.agent_id)).label("agents"),
            func.count(distinct(i.c.store_id)).label("stores"),
            func.min(i.c.day).label("first"),
            func.max(i.c.day).label("last"),
        )
        .where(in_period(i.c.day, period))
        .group_by(i.c.customer_id)
        .having(func.count() >= min_incidents)
        .having(func.count(distinct(i.c.agent_id)) >= min_agents)
        .having(func.count(distinct(i.c.store_id)) >= min_stores)
        .subquery("repeat")
    )
    # One row per (customer, reason): the customers' figures repeat on each of their reasons.
    by_reason = (
        select(repeat.c.customer_id, i.c.reason_id, func.count().label("times"))
        .join_from(repeat, i, i.c.customer_id == repeat.c.customer_id)
        .where(in_period(i.c.day, period))
        .group_by(repeat.c.customer_id, i.c.reason_id)
        .subquery("by_reason")
    )
    query = (
        select(
            repeat,
            CUSTOMER.c.name,
            CUSTOMER.c.contact,
            REASON.c.name.label("reason"),
            by_reason.c.times,
        )
        .join_from(repeat, CUSTOMER, CUSTOMER.c.id == repeat.c.customer_id)
        .join(by_reason, by_reason.c.customer_id == repeat.c.customer_id)
        .join(REASON, REASON.c.id == by_reason.c.reason_id)
    )
    with reading(bind) as conn:
        found = conn.execute(query).all()
    customers: dict[int, dict[str, Any]] = {}
    reasons: dict[int, list[tuple[int, str]]] = {}
    for item in found:
        if item.customer_id not in customers:
            customers[item.customer_id] = {
                "customer": item.name,
                "contact": item.contact,
                "incidents": int(item.incidents),
                "agents": int(item.agents),
                "stores": int(item.stores),
                "first": _iso(item.first),
                "last": _iso(item.last),
                "reasons": [],
            }
        reasons.setdefault(item.customer_id, []).append((int(item.times), item.reason))
    for customer_id, row in customers.items():
        row["reasons"] = [name for _, name in sorted(reasons[customer_id], key=_most_first)]
    rows = sorted(customers.values(), key=lambda r: r["customer"])
    rows.sort(key=lambda r: r["last"] or "", reverse=True)  # ties: the most recent first
    rows.sort(key=lambda r: (-r["stores"], -r["agents"], -r["incidents"]))
    return rows


def _most_first(item: tuple[int, str]) -> tuple[int, str]:
    return -item[0], item[1]


def _iso(value: Any) -> str | None:
    day = as_date(value)
    return day.isoformat() if day else None
