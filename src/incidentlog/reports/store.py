"""`report store`: incidents per store, resolved on the spot, and the trend."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from incidentlog.core.periods import Period, months_back
from incidentlog.reports.common import (
    INCIDENT,
    STORE,
    Bind,
    Partial,
    compared,
    counts_by,
    measure,
    named_id,
    rate_fields,
    reading,
    sort_key,
    sum_keys,
)

SPARK_MONTHS = 6
CHART_MONTHS = 12


def months_ending(period: Period, count: int = SPARK_MONTHS) -> list[str]:
    """`count` months ('YYYY-MM', oldest first) ending with the period's last month."""
    return [months_back(period.end, back).strftime("%Y-%m") for back in range(count - 1, -1, -1)]


def sparkline_months(period: Period) -> list[str]:
    """The six months of the `last_6_months` sparkline."""
    return months_ending(period, SPARK_MONTHS)


def _per_month(conn: Any, months: list[str], filters: list[Any]) -> dict[int, dict[str, int]]:
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


def _store_filter(conn: Any, store: str | None) -> list[Any]:
    return [INCIDENT.c.store_id == named_id(conn, "store", store)] if store else []


def incidents_by_store(
    bind: Bind,
    *,
    period: Period,
    compare: Period | None = None,
    store: str | None = None,
    partial: Partial | None = None,
) -> list[dict[str, Any]]:
    """One row per store with incidents in the period (or the comparison period), by name.

    With `partial` (the period is not over) the change is counted against the comparison
    period's first days; the whole comparison period is counted beside, in the same query.
    """
    months = sparkline_months(period)
    to_date = partial.compare_to_date if partial else None
    with reading(bind) as conn:
        filters = _store_filter(conn, store)
        current = counts_by(conn, "store", period, *filters, later=True)
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
            same_days = (then["to_date"], then["on_spot_to_date"]) if then else (0, 0)
        row = store_row(
            (current.get(store_id) or before[store_id])["name"],
            (now["incidents"], now["on_spot"], now["later"]) if now else (0, 0, 0),
            compare_counts,
            same_days,
        )
        by_month = history.get(store_id, {})
        row["last_6_months"] = [by_month.get(month, 0) for month in months]
        rows.append(row)
    rows.sort(key=lambda r: sort_key(r["store"]))
    return rows


def incidents_by_month(
    bind: Bind, *, period: Period, months: int = CHART_MONTHS, store: str | None = None
) -> list[dict[str, Any]]:
    """{store, month, incidents} for the `months` months ending with the period's last
    month, every month of every store with incidents in them (0 where there were none)."""
    shown = months_ending(period, months)
    with reading(bind) as conn:
        counts = _per_month(conn, shown, _store_filter(conn, store))
        query = select(STORE.c.id, STORE.c.name).where(STORE.c.id.in_(list(counts)))
        names = {r.id: r.name for r in conn.execute(query)} if counts else {}
    rows = [
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
) -> dict[str, Any]:
    incidents, on_spot, later = (int(n) for n in counts)
    row: dict[str, Any] = {"store": name, **measure(incidents, on_spot, later)}
    row["resolved"] = on_spot + later
    row.update(rate_fields(on_spot + later, incidents, "resolved_"))
    # Q7 asks for incidents against successfully resolved ones: 1.5 means three incidents
    # for every two resolved (on the spot or later); undefined while none is resolved.
    row["incidents_per_resolved"] = incidents / row["resolved"] if row["resolved"] else None
    if compare_counts is not None:
        compare_incidents, compare_on_spot = (int(n) for n in compare_counts)
        row.update(compared(row, compare_incidents, compare_on_spot, same_days))
    return row


def store_totals(
    rows: list[dict[str, Any]], *, with_compare: bool, partial: Partial | None = None
) -> dict[str, Any]:
    """The "All stores" line, in the same shape as a row."""
    sums = sum_keys(rows, ["incidents", "resolved_on_spot", "resolved_later"])
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
    )
    total["last_6_months"] = [
        sum(r["last_6_months"][month] for r in rows) for month in range(SPARK_MONTHS)
    ]
    return total
