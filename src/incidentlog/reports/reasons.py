"""`report reasons`: the most common reasons for incidents and how well each is resolved."""

from __future__ import annotations

from typing import TypedDict

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


class ReasonRow(TypedDict):
    """One reason's line, or the line of all the reasons listed."""

    reason: str
    incidents: int
    # Of every incident in the period (None on the totals line of no reasons).
    share: float | None
    resolved_on_spot: int
    rate: float | None
    rate_low: float | None
    rate_high: float | None
    resolved_later: int
    open: int


def _reason_row(name: str, share: float | None, counts: tuple[int, int, int]) -> ReasonRow:
    incidents, on_spot, later = counts
    m = measure(incidents, on_spot, later)
    return {
        "reason": name,
        "incidents": incidents,
        "share": share,
        "resolved_on_spot": on_spot,
        "rate": m["rate"],
        "rate_low": m["rate_low"],
        "rate_high": m["rate_high"],
        "resolved_later": later,
        "open": incidents - on_spot - later,
    }


def reasons_report(
    bind: Bind, *, period: Period, top: int | None = None, store: str | None = None
) -> list[ReasonRow]:
    """Reasons by incidents (most first), each with its share of all incidents in the period.

    `top` keeps the N most common; shares stay shares of every incident.
    """
    with reading(bind) as conn:
        filters = []
        if store:
            filters.append(INCIDENT.c.store_id == named_id(conn, "store", store))
        counts = counts_by(conn, "reason", period, *filters, later=True)
    total = sum(c["incidents"] for c in counts.values())
    rows = [
        _reason_row(
            c["name"], c["incidents"] / total, (c["incidents"], c["on_spot"], c.get("later", 0))
        )
        for c in counts.values()
    ]
    rows.sort(key=lambda r: (-r["incidents"], sort_key(r["reason"])))
    return rows[:top] if top is not None else rows


def reasons_totals(rows: list[ReasonRow]) -> ReasonRow:
    """The line summing the reasons listed (all of them unless cut by --top)."""
    sums = sum_keys(rows, ["incidents", "resolved_on_spot", "resolved_later"])
    share = sum(r["share"] or 0 for r in rows) if rows else None
    return _reason_row(
        "All reasons listed",
        share,
        (sums["incidents"], sums["resolved_on_spot"], sums["resolved_later"]),
    )


def worst_resolved(rows: list[ReasonRow]) -> ReasonRow | None:
    """The listed reason with the lowest on-the-spot rate (ties: the more common one)."""
    rated = [(r["rate"], r) for r in rows if r["rate"] is not None]
    if not rated:
        return None
    return min(rated, key=lambda pair: (pair[0], -pair[1]["incidents"]))[1]
