"""`repeat-customers`: customers whose incidents span many agents and stores."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import String, cast, distinct, func, select

from incidentlog.core.periods import Period
from incidentlog.reports.common import CUSTOMER, INCIDENT, REASON, Bind, in_period, reading
from incidentlog.storage.connection import as_date

# The keys of a row, in order: CSV prints them whether any customer came back or not.
ROW_KEYS = ("customer", "contact", "incidents", "agents", "stores", "first", "last", "reasons")


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
    # One pass over the period: each customer's figures, and its reasons' ids as one
    # string ("3,1,3") rather than a second visit to every repeat customer's incidents.
    repeat = (
        select(
            i.c.customer_id,
            func.count().label("incidents"),
            func.count(distinct(i.c.agent_id)).label("agents"),
            func.count(distinct(i.c.store_id)).label("stores"),
            # Typed as text: SQLite hands back ISO dates as they are, with no parsing.
            func.min(i.c.day, type_=String).label("first"),
            func.max(i.c.day, type_=String).label("last"),
            func.aggregate_strings(cast(i.c.reason_id, String), ",").label("reason_ids"),
        )
        .where(in_period(i.c.day, period))
        .group_by(i.c.customer_id)
        .having(func.count() >= min_incidents)
        .having(func.count(distinct(i.c.agent_id)) >= min_agents)
        .having(func.count(distinct(i.c.store_id)) >= min_stores)
        .subquery("repeat")
    )
    query = select(repeat, CUSTOMER.c.name, CUSTOMER.c.contact).join_from(
        repeat, CUSTOMER, CUSTOMER.c.id == repeat.c.customer_id
    )
    with reading(bind) as conn:
        found = conn.execute(query).fetchall()
        reason_names = {str(r.id): r.name for r in conn.execute(select(REASON.c.id, REASON.c.name))}
    rows = []
    for _id, n, agents, stores, first, last, reason_ids, name, contact in found:
        times = Counter(reason_ids.split(","))
        reasons = sorted(times, key=lambda r: (-times[r], reason_names[r]))
        rows.append(
            {
                "customer": name,
                "contact": contact,
                "incidents": n,
                "agents": agents,
                "stores": stores,
                "first": _iso(first),
                "last": _iso(last),
                "reasons": [reason_names[r] for r in reasons],
            }
        )
    rows.sort(key=_breadth_first)
    return rows


def _breadth_first(row: dict[str, Any]) -> tuple[int, int, int, int, str]:
    """Stores, agents, incidents (most first); ties: the latest incident first, then name."""
    last = int(row["last"].replace("-", "")) if row["last"] else 0
    return -row["stores"], -row["agents"], -row["incidents"], -last, row["customer"]


def _iso(value: Any) -> str | None:
    if isinstance(value, str):
        return value[:10]
    day = as_date(value)
    return day.isoformat() if day else None
