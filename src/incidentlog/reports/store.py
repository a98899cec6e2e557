"""`report store`: incidents per store, resolved on the spot, and the trend."""

from __future__ import annotations

from typing import TypedDict

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.engine import Connection

from incidentlog.core.periods import Period, months_back
from incidentlog.reports.common import (
    INCIDENT,
    STORE,
    Bind,
    Compared,
    Partial,
    Remedies,
    compared,
    counts_by,
    named_id,
    on_spot_counts,
    rate_triple,
    reading,
    remedies,
    remedy_cents,
    sort_key,
    sum_keys,
)

SPARK_MONTHS = 6
CHART_MONTHS = 12


class StoreCounts(Compared, Remedies):
    """A store's line without its sparkline; the `compare_*` keys only with a comparison."""

    store: str
    incidents: int
    resolved_on_spot: int
    rate: float | None
    rate_low: float | None
    rate_high: float | None
    resolved_later: int
    open: int
    resolved: int
    resolved_rate: float | None
    resolved_rate_low: float | None
    resolved_rate_high: float | None
    incidents_per_resolved: float | None


class StoreRow(StoreCounts):
    """A store's line, or "All stores"."""

    # Incidents per month of `sparkline_months`, oldest first.
    last_6_months: list[int]


class StoreMonth(TypedDict):
    store: str
    month: str  # YYYY-MM
    incidents: int


def months_ending(period: Period, count: int = SPARK_MONTHS) -> list[str]:
    """`count` months ('YYYY-MM', oldest first) ending with the period's last month."""
    return [months_back(period.end, back).strftime("%Y-%m") for back in range(count - 1, -1, -1)]


def sparkline_months(period: Period) -> list[str]:
    """The six months of the `last_6_months` sparkline."""
    return months_ending(period, SPARK_MONTHS)


def _per_month(
    conn: Connection, months: list[str], filters: list[ColumnElement[bool]]
) -> dict[int, dict[str, int]]:
    """store id -> month -> incidents, in one GROUP BY month, store_id."""
    found = conn.execute(
        select(INCIDENT.c.store_id, INCIDENT.c.month, func.count())
        .where(INCIDENT.c.month.between(months[0], months[-1]), *filters)
        .group_by(INCIDENT.c.month, INCIDENT.c.store_id)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for store_id, month, count in found:
        counts.setdefault(int(store_id), {})[month] = int(count)
    return counts


def _store_filter(conn: Connection, store: str | None) -> list[ColumnElement[bool]]:
    return [INCIDENT.c.store_id == named_id(conn, "store", store)] if store else []


def incidents_by_store(
    bind: Bind,
    *,
    period: Period,
    compare: Period | None = None,
    store: str | None = None,
    partial: Partial | None = None,
) -> list[StoreRow]:
    """One row per store with incidents in the period (or the comparison period), by name.

    With `partial` (the period is not over) the change is counted against the comparison
    period's first days; the whole comparison period is counted beside, in the same query.
    """
    months = sparkline_months(period)
    to_date = partial.compare_to_date if partial else None
    with reading(bind) as conn:
        filters = _store_filter(conn, store)
        current = counts_by(conn, "store", period, *filters, later=True, remedies=True)
        before = {}
        if compare is not None:
            before = counts_by(
                conn, "store", compare, *filters, to_date=to_date.end if to_date else None
            )
        history = _per_month(conn, months, filters)
    rows = []
    for store_id in current.keys() | before.keys():
        now, then = current.get(store_id), before.get(store_id)
        compare_counts = None
        if compare is not None:
            compare_counts = (then["incidents"], then["on_spot"]) if then else (0, 0)
        same_days = None
        if to_date is not None:
            same_days = (then.get("to_date", 0), then.get("on_spot_to_date", 0)) if then else (0, 0)
        by_month = history.get(store_id, {})
        row: StoreRow = {
            **store_row(
                (current.get(store_id) or before[store_id])["name"],
                (now["incidents"], now["on_spot"], now.get("later", 0)) if now else (0, 0, 0),
                compare_counts,
                same_days,
                (now.get("cost_cents", 0), now.get("refunds", 0)) if now else (0, 0),
            ),
            "last_6_months": [by_month.get(month, 0) for month in months],
        }
        rows.append(row)
    rows.sort(key=lambda r: sort_key(r["store"]))
    return rows


def incidents_by_month(
    bind: Bind, *, period: Period, months: int = CHART_MONTHS, store: str | None = None
) -> list[StoreMonth]:
    """{store, month, incidents} for the `months` months ending with the period's last
    month, every month of every store with incidents in them (0 where there were none)."""
    shown = months_ending(period, months)
    with reading(bind) as conn:
        counts = _per_month(conn, shown, _store_filter(conn, store))
        query = select(STORE.c.id, STORE.c.name).where(STORE.c.id.in_(list(counts)))
        names = {r.id: r.name for r in conn.execute(query)} if counts else {}
    rows: list[StoreMonth] = [
        {"store": names[store_id], "month": month, "incidents": by_month.get(month, 0)}
        for store_id, by_month in counts.items()
        for month in shown
    ]
    rows.sort(key=lambda r: (sort_key(r["store"]), r["month"]))
    return rows


def store_row(
    name: str,
    counts: tuple[int, int, int],
    compare_counts: tuple[int, int] | None,
    same_days: tuple[int, int] | None = None,
    cost: tuple[int, int] = (0, 0),
) -> StoreCounts:
    """`cost`: the remedies' cost in whole cents and the number of refunds."""
    incidents, on_spot, later = (int(n) for n in counts)
    resolved = on_spot + later
    resolved_rate, resolved_low, resolved_high = rate_triple(resolved, incidents)
    comparison: Compared = {}
    if compare_counts is not None:
        compare_incidents, compare_on_spot = (int(n) for n in compare_counts)
        comparison = compared((incidents, on_spot), compare_incidents, compare_on_spot, same_days)
    return {
        "store": name,
        **on_spot_counts(incidents, on_spot),
        "resolved_later": later,
        "open": incidents - on_spot - later,
        "resolved": resolved,
        "resolved_rate": resolved_rate,
        "resolved_rate_low": resolved_low,
        "resolved_rate_high": resolved_high,
        # Q7 asks for incidents against successfully resolved ones: 1.5 means three
        # incidents for every two resolved (on the spot or later); undefined while none is.
        "incidents_per_resolved": incidents / resolved if resolved else None,
        **comparison,
        **remedies(*cost),
    }


def store_totals(
    rows: list[StoreRow], *, with_compare: bool, partial: Partial | None = None
) -> StoreRow:
    """The "All stores" line, in the same shape as a row."""
    sums = sum_keys(rows, ["incidents", "resolved_on_spot", "resolved_later", "refunds"])
    compare_sums = sum_keys(
        rows,
        [
            "compare_incidents",
            "compare_resolved_on_spot",
            "compare_to_date_incidents",
            "compare_to_date_resolved_on_spot",
        ],
    )
    same_days = None
    if with_compare and partial is not None:
        same_days = (
            compare_sums["compare_to_date_incidents"],
            compare_sums["compare_to_date_resolved_on_spot"],
        )
    total = store_row(
        "All stores",
        (sums["incidents"], sums["resolved_on_spot"], sums["resolved_later"]),
        (compare_sums["compare_incidents"], compare_sums["compare_resolved_on_spot"])
        if with_compare
        else None,
        same_days,
        (remedy_cents(rows), sums["refunds"]),
    )
    return {
        **total,
        "last_6_months": [
            sum(r["last_6_months"][month] for r in rows) for month in range(SPARK_MONTHS)
        ],
    }
