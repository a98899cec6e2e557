"""`report reasons`: the most common reasons for incidents and how well each is resolved."""

from __future__ import annotations

from typing import Any

from incidentlog.core.periods import Period
from incidentlog.reports.common import (
    INCIDENT,
    Bind,
    counts_by,
    measure,
    named_id,
    reading,
    sort_key,
    sum_keys,
)


def reasons_report(
    bind: Bind, *, period: Period, top: int | None = None, store: str | None = None
) -> list[dict[str, Any]]:
    """Reasons by incidents (most first), each with its share of all incidents in the period.

    `top` keeps the N most common; shares stay shares of every incident.
    """
    with reading(bind) as conn:
        filters = []
        if store:
            filters.append(INCIDENT.c.store_id == named_id(conn, "store", store))
        counts = counts_by(conn, "reason", period, *filters, later=True)
    total = sum(c["incidents"] for c in counts.values())
    rows = []
    for c in counts.values():
        row: dict[str, Any] = {"reason": c["name"], "incidents": 0, "share": c["incidents"] / total}
        row.update(measure(c["incidents"], c["on_spot"], c["later"]))
        rows.append(row)
    rows.sort(key=lambda r: (-r["incidents"], sort_key(r["reason"])))
    return rows[:top] if top is not None else rows


def reasons_totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The line summing the reasons listed (all of them unless cut by --top)."""
    sums = sum_keys(rows, ["incidents", "resolved_on_spot", "resolved_later"])
    share = sum(r["share"] for r in rows) if rows else None
    total: dict[str, Any] = {"reason": "All reasons listed", "incidents": 0, "share": share}
    total.update(measure(sums["incidents"], sums["resolved_on_spot"], sums["resolved_later"]))
    return total


def worst_resolved(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The listed reason with the lowest on-the-spot rate (ties: the more common one)."""
    rated = [r for r in rows if r["rate"] is not None]
    return min(rated, key=lambda r: (r["rate"], -r["incidents"])) if rated else None
