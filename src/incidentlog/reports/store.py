"""`report store`: incidents per store, resolved on the spot, and the trend."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from incidentlog.periods import Period, months_back
from incidentlog.reports.common import (
    INCIDENT,
    Bind,
    compared,
    counts_by,
    measure,
    named_id,
    rate_fields,
    reading,
    sort_key,
    sum_keys,
    trend,
)

SPARK_MONTHS = 6


def sparkline_months(period: Period) -> list[str]:
    """The six months ('YYYY-MM', oldest first) ending with the period's last month."""
    return [
        months_back(period.end, back).strftime("%Y-%m") for back in range(SPARK_MONTHS - 1, -1, -1)
    ]


def incidents_by_store(
    bind: Bind, *, period: Period, compare: Period | None = None, store: str | None = None
) -> list[dict[str, Any]]:
    """One row per store with incidents in the period (or the comparison period), by name."""
    with reading(bind) as conn:
        filters = []
        if store:
            filters.append(INCIDENT.c.store_id == named_id(conn, "store", store))
        current = counts_by(conn, "store", period, *filters, later=True)
        before = counts_by(conn, "store", compare, *filters) if compare else {}
        months = sparkline_months(period)
        monthly = conn.execute(
            select(INCIDENT.c.store_id, INCIDENT.c.month, func.count())
            .where(INCIDENT.c.month.between(months[0], months[-1]), *filters)
            .group_by(INCIDENT.c.month, INCIDENT.c.store_id)
        ).all()
    history: dict[int, list[int]] = {}
    for store_id, month, count in monthly:
        history.setdefault(int(store_id), [0] * SPARK_MONTHS)[months.index(month)] = int(count)
    rows = []
    for store_id in current.keys() | before.keys():
        now, then = current.get(store_id), before.get(store_id)
        compare_counts = None
        if compare is not None:
            compare_counts = (then["incidents"], then["on_spot"]) if then else (0, 0)
        row = store_row(
            (current.get(store_id) or before[store_id])["name"],
            (now["incidents"], now["on_spot"], now["later"]) if now else (0, 0, 0),
            compare_counts,
        )
        row["last_6_months"] = history.get(store_id, [0] * SPARK_MONTHS)
        rows.append(row)
    rows.sort(key=lambda r: sort_key(r["store"]))
    return rows


def store_row(
    name: str, counts: tuple[int, int, int], compare_counts: tuple[int, int] | None
) -> dict[str, Any]:
    incidents, on_spot, later = (int(n) for n in counts)
    row: dict[str, Any] = {"store": name, **measure(incidents, on_spot, later)}
    row["resolved"] = on_spot + later
    row.update(rate_fields(on_spot + later, incidents, "resolved_"))
    if compare_counts is not None:
        compare_incidents, compare_on_spot = (int(n) for n in compare_counts)
        row.update(compared(row, compare_incidents, compare_on_spot))
        row["change"] = incidents - compare_incidents
        row["trend"] = trend(row["change"])
    return row


def store_totals(rows: list[dict[str, Any]], *, with_compare: bool) -> dict[str, Any]:
    """The "All stores" line, in the same shape as a row."""
    sums = sum_keys(rows, ["incidents", "resolved_on_spot", "resolved_later"])
    compare_sums = sum_keys(rows, ["compare_incidents", "compare_resolved_on_spot"])
    total = store_row(
        "All stores",
        (sums["incidents"], sums["resolved_on_spot"], sums["resolved_later"]),
        (compare_sums["compare_incidents"], compare_sums["compare_resolved_on_spot"])
        if with_compare
        else None,
    )
    total["last_6_months"] = [
        sum(r["last_6_months"][month] for r in rows) for month in range(SPARK_MONTHS)
    ]
    return total
