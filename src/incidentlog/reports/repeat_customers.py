"""`repeat-customers`: customers whose incidents span many agents and stores."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, distinct, func, select
from sqlalchemy.engine import Connection

from incidentlog.core.periods import Period
from incidentlog.reports.common import CUSTOMER, INCIDENT, REASON, Bind, in_period, reading
from incidentlog.storage.connection import as_date

# The keys of a row, in order: CSV prints them whether any customer came back or not.
ROW_KEYS = ("customer", "contact", "incidents", "agents", "stores", "first", "last", "reasons")
# Customers whose reasons are counted in one statement: well under every backend's limit
# on bound parameters.
REASON_CHUNK = 500


@dataclass
class RepeatCustomers:
    """The broadest `rows` (all of them unless a limit was asked), and how many there are."""

    rows: list[dict[str, Any]]
    found: int


def repeat_customers(
    bind: Bind,
    *,
    period: Period,
    min_incidents: int = 2,
    min_agents: int = 1,
    min_stores: int = 1,
    limit: int | None = None,
) -> RepeatCustomers:
    """Customers with at least `min_incidents` incidents in the period (and as many agents
    and stores as asked), broadest first: stores, then agents, then incidents; ties go to
    the latest incident, then the name. At most `limit` rows, with the count of them all.

    `reasons` lists each customer's reasons, most frequent first.
    """
    i = INCIDENT
    # Most customers of a period come once. The cheap count finds the ones who came back
    # (from the covering (day, customer_id) index, reading only the period); the distinct
    # agents and stores, which cost a small temporary table per customer, are counted for
    # those alone, each read from the covering (customer_id, day, agent_id, store_id,
    # reason_id) index.
    came_back = (
        select(i.c.customer_id)
        .where(in_period(i.c.day, period))
        .group_by(i.c.customer_id)
        .having(func.count() >= min_incidents)
    )
    agents = func.count(distinct(i.c.agent_id))
    stores = func.count(distinct(i.c.store_id))
    spread = select(
        i.c.customer_id,
        func.count().label("incidents"),
        agents.label("agents"),
        stores.label("stores"),
        # Typed as text: SQLite hands back ISO dates as they are, with no parsing.
        func.min(i.c.day, type_=String).label("first"),
        func.max(i.c.day, type_=String).label("last"),
    ).where(in_period(i.c.day, period), i.c.customer_id.in_(came_back))
    spread = spread.group_by(i.c.customer_id)
    if min_agents > 1:
        spread = spread.having(agents >= min_agents)
    if min_stores > 1:
        spread = spread.having(stores >= min_stores)
    found = spread.subquery("spread")
    with reading(bind) as conn:
        # Python orders names by code point, as the C collation does (SQLite's BINARY too).
        name = CUSTOMER.c.name if conn.dialect.name == "sqlite" else CUSTOMER.c.name.collate("C")
        query = (
            select(found, CUSTOMER.c.name, CUSTOMER.c.contact, func.count().over().label("found"))
            .join_from(found, CUSTOMER, CUSTOMER.c.id == found.c.customer_id)
            .order_by(
                found.c.stores.desc(),
                found.c.agents.desc(),
                found.c.incidents.desc(),
                found.c.last.desc(),
                name,
                found.c.customer_id,
            )
            .limit(limit)
        )
        shown = conn.execute(query).fetchall()
        reasons = _reasons(conn, [r.customer_id for r in shown], period)
    rows = [
        {
            "customer": r.name,
            "contact": r.contact,
            "incidents": r.incidents,
            "agents": r.agents,
            "stores": r.stores,
            "first": _iso(r.first),
            "last": _iso(r.last),
            "reasons": reasons.get(r.customer_id, []),
        }
        for r in shown
    ]
    return RepeatCustomers(rows, shown[0].found if shown else 0)


def _reasons(conn: Connection, customers: Sequence[int], period: Period) -> dict[int, list[str]]:
    """Each customer's reasons in the period, most frequent first (ties by name)."""
    i = INCIDENT
    names = {r.id: r.name for r in conn.execute(select(REASON.c.id, REASON.c.name))}
    counted: dict[int, list[tuple[int, str]]] = {}
    for start in range(0, len(customers), REASON_CHUNK):
        chunk = customers[start : start + REASON_CHUNK]
        query = (
            select(i.c.customer_id, i.c.reason_id, func.count())
            .where(i.c.customer_id.in_(chunk), in_period(i.c.day, period))
            .group_by(i.c.customer_id, i.c.reason_id)
        )
        for customer, reason, times in conn.execute(query):
            counted.setdefault(customer, []).append((-times, names[reason]))
    return {customer: [name for _n, name in sorted(found)] for customer, found in counted.items()}


def _iso(value: Any) -> str | None:
    if isinstance(value, str):
        return value[:10]
    day = as_date(value)
    return day.isoformat() if day else None
