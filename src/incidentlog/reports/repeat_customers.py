"""`repeat-customers`: customers whose incidents span many agents and stores."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from sqlalchemy import Select, String, Subquery, cast, distinct, func, select
from sqlalchemy.engine import Connection, Row

from incidentlog.core.periods import Period
from incidentlog.reports.common import CUSTOMER, INCIDENT, REASON, Bind, in_period, reading
from incidentlog.storage.connection import as_date

# The keys of a row, in order: CSV prints them whether any customer came back or not.
ROW_KEYS = ("customer", "contact", "incidents", "agents", "stores", "first", "last", "reasons")
# Up to this many customers shown, their reasons are looked up by id afterwards (well
# under every backend's limit on bound parameters).
SEEK_CUSTOMERS = 500
# Rows fetched at a time when every customer is written out (JSON, CSV).
STREAM_BATCH = 1000


class RepeatCustomer(TypedDict):
    """One customer who came back: the JSON row, its keys in this order."""

    customer: str
    contact: str | None
    incidents: int
    agents: int
    stores: int
    first: str | None
    last: str | None
    reasons: list[str]


@dataclass
class RepeatCustomers:
    """The broadest `rows` (all of them unless a limit was asked), and how many there are."""

    rows: list[RepeatCustomer]
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
    # A page of customers has its reasons looked up by id afterwards; all of them (JSON,
    # CSV), in the same pass as the counts rather than a second one over the period.
    with_reasons = limit is None or limit > SEEK_CUSTOMERS
    thresholds = (min_incidents, min_agents, min_stores)
    with reading(bind) as conn:
        shown = None
        if limit is not None and not with_reasons and conn.dialect.name == "sqlite":
            shown = _first_beyond_the_fewest(conn, period, thresholds, limit)
        if shown is None:
            query = _broadest_first(conn, period, thresholds, with_reasons=with_reasons)
            query = query.add_columns(func.count().over().label("found")).limit(limit)
            shown = conn.execute(query).fetchall()
        reason_names = _reason_names(conn)
        if with_reasons:
            reasons = {r.customer_id: _ranked(r.reason_ids, reason_names) for r in shown}
        else:
            reasons = _reasons(conn, [r.customer_id for r in shown], period, reason_names)
    rows = [_row(r, reasons.get(r.customer_id, [])) for r in shown]
    return RepeatCustomers(rows, shown[0].found if shown else 0)


def each_repeat_customer(
    conn: Connection,
    *,
    period: Period,
    min_incidents: int = 2,
    min_agents: int = 1,
    min_stores: int = 1,
) -> Generator[RepeatCustomer, None, None]:
    """Every customer `repeat_customers` finds, in its order, one at a time as the database
    hands them over: JSON and CSV of tens of thousands of customers are written as they
    come instead of being held. The query runs on the first `next()`, on `conn`, which
    must stay open until the last row."""
    thresholds = (min_incidents, min_agents, min_stores)
    reason_names = _reason_names(conn)
    query = _broadest_first(conn, period, thresholds, with_reasons=True)
    # PostgreSQL sends the rows in batches through a server-side cursor; SQLite steps
    # through its sorted result as they are fetched.
    result = conn.execute(query.execution_options(yield_per=STREAM_BATCH))
    try:
        for r in result:
            yield _row(r, _ranked(r.reason_ids, reason_names))
    finally:
        result.close()


def _first_beyond_the_fewest(
    conn: Connection, period: Period, thresholds: tuple[int, int, int], limit: int
) -> Sequence[Row[Any]] | None:
    """The first `limit` customers (with `found`, the count of all) when the customers who
    came exactly `min_incidents` times cannot be among them; None when they could be.

    Most customers who come back come back once: 50,700 of the 82,500 on a million
    incidents. They have at most `min_incidents` stores and agents, so when the table's
    last customer has more stores than that, none of them can be shown, and their
    distinct agents and stores (the costly part, a temporary B-tree each) need not be
    counted; `found` still counts them.
    """
    min_incidents, min_agents, min_stores = thresholds
    if min_agents > 1 or min_stores > 1:
        return None  # `found` counts who passes those; that takes everyone's spread
    i = INCIDENT
    came = (
        select(i.c.customer_id, func.count().label("n"))
        .where(in_period(i.c.day, period))
        .group_by(i.c.customer_id)
        .having(func.count() >= min_incidents)
        .cte("came")
    )
    more = select(came.c.customer_id).where(came.c.n > min_incidents)
    query = _broadest_first(conn, period, thresholds, with_reasons=False, among=more)
    everyone = select(func.count()).select_from(came).scalar_subquery()
    shown = conn.execute(query.add_columns(everyone.label("found")).limit(limit)).fetchall()
    if len(shown) == limit and shown[-1].stores > min_incidents:
        return shown
    return None


def _broadest_first(
    conn: Connection,
    period: Period,
    thresholds: tuple[int, int, int],
    *,
    with_reasons: bool,
    among: Select[Any] | None = None,
) -> Select[Any]:
    """The returning customers with their names, broadest first: stores, then agents, then
    incidents; ties go to the latest incident, then the name."""
    dialect = conn.dialect.name
    found = _spread(dialect, period, thresholds, with_reasons=with_reasons, among=among)
    # Python orders names by code point, as the C collation does (SQLite's BINARY too).
    name = CUSTOMER.c.name if dialect == "sqlite" else CUSTOMER.c.name.collate("C")
    return (
        select(found, CUSTOMER.c.name, CUSTOMER.c.contact)
        .join_from(found, CUSTOMER, CUSTOMER.c.id == found.c.customer_id)
        .order_by(
            found.c.stores.desc(),
            found.c.agents.desc(),
            found.c.incidents.desc(),
            found.c.last.desc(),
            name,
            found.c.customer_id,
        )
    )


def _reason_names(conn: Connection) -> dict[int, str]:
    return {r.id: r.name for r in conn.execute(select(REASON.c.id, REASON.c.name))}


def _row(r: Row[Any], reasons: list[str]) -> RepeatCustomer:
    return {
        "customer": r.name,
        "contact": r.contact,
        "incidents": r.incidents,
        "agents": r.agents,
        "stores": r.stores,
        "first": _iso(r.first),
        "last": _iso(r.last),
        "reasons": reasons,
    }


def _spread(
    dialect: str,
    period: Period,
    thresholds: tuple[int, int, int],
    *,
    with_reasons: bool,
    among: Select[Any] | None = None,
) -> Subquery:
    """Each returning customer's incidents, distinct agents and stores, first and last day,
    and (`with_reasons`) its reasons' ids as one string ("3,1,3"). On SQLite, `among`
    (the ids of customers known to have come back) replaces the count that finds them."""
    min_incidents, min_agents, min_stores = thresholds
    i = INCIDENT
    agents = func.count(distinct(i.c.agent_id))
    stores = func.count(distinct(i.c.store_id))
    columns = [
        i.c.customer_id,
        func.count().label("incidents"),
        agents.label("agents"),
        stores.label("stores"),
        # Typed as text: SQLite hands back ISO dates as they are, with no parsing.
        func.min(i.c.day, type_=String).label("first"),
        func.max(i.c.day, type_=String).label("last"),
    ]
    if with_reasons:
        reason_ids = func.aggregate_strings(cast(i.c.reason_id, String), ",")
        columns.append(reason_ids.label("reason_ids"))
    spread = select(*columns).where(in_period(i.c.day, period))
    if dialect == "sqlite":
        # Most customers of a period come once. The cheap count finds the ones who came
        # back (from the covering (day, customer_id) index: the period's entries only);
        # the distinct agents and stores, a small temporary B-tree per customer, are then
        # counted for those alone, from the covering (customer_id, day, agent_id,
        # store_id, reason_id) index.
        came_back = among
        if came_back is None:
            came_back = (
                select(i.c.customer_id)
                .where(in_period(i.c.day, period))
                .group_by(i.c.customer_id)
                .having(func.count() >= min_incidents)
            )
        spread = spread.where(i.c.customer_id.in_(came_back))
    else:
        # PostgreSQL reads the table, not the index alone, until a VACUUM marks its pages
        # visible: one sorted pass over the period beats scanning it twice (EXPLAIN ANALYZE
        # in docs/performance.md).
        spread = spread.having(func.count() >= min_incidents)
    spread = spread.group_by(i.c.customer_id)
    if min_agents > 1:
        spread = spread.having(agents >= min_agents)
    if min_stores > 1:
        spread = spread.having(stores >= min_stores)
    return spread.subquery("spread")


def _reasons(
    conn: Connection, customers: Sequence[int], period: Period, names: dict[int, str]
) -> dict[int, list[str]]:
    """Each customer's reasons in the period, most frequent first (ties by name), found
    through each customer's index entries."""
    i = INCIDENT
    query = (
        select(i.c.customer_id, i.c.reason_id, func.count())
        .where(i.c.customer_id.in_(customers), in_period(i.c.day, period))
        .group_by(i.c.customer_id, i.c.reason_id)
    )
    counted: dict[int, list[tuple[int, str]]] = {}
    for customer, reason, times in conn.execute(query):
        counted.setdefault(customer, []).append((-times, names[reason]))
    return {customer: [name for _n, name in sorted(found)] for customer, found in counted.items()}


def _ranked(reason_ids: str, names: dict[int, str]) -> list[str]:
    """ "3,1,3" -> the names of 3 then 1: most frequent first, ties by name."""
    ids = reason_ids.split(",")
    if len(ids) == 1:  # most customers of a long list: done without counting
        return [names[int(ids[0])]]
    times: dict[str, int] = {}
    for r in ids:
        times[r] = times.get(r, 0) + 1
    ranked = sorted((-n, names[int(r)]) for r, n in times.items())
    return [name for _n, name in ranked]


def _iso(value: Any) -> str | None:
    if isinstance(value, str):
        return value[:10]
    day = as_date(value)
    return day.isoformat() if day else None
