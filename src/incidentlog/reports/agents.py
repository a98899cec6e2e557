"""`report agents`: incidents and resolution on the spot per agent."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from incidentlog.core.periods import Period
from incidentlog.reports.common import (
    INCIDENT,
    Bind,
    Partial,
    compared,
    counts_by,
    measure,
    named_id,
    on_spot,
    reading,
    sort_key,
    sum_keys,
)
from incidentlog.reports.store import sparkline_months


def resolution_by_agent(
    bind: Bind,
    *,
    period: Period,
    compare: Period | None = None,
    store: str | None = None,
    agent: str | None = None,
    partial: Partial | None = None,
) -> list[dict[str, Any]]:
    """One row per agent with incidents in the period (or the comparison period), by name.

    With `partial` (the period is not over) the rate change is like for like: against the
    comparison period's first days, counted in the same query as the whole of it.
    """
    to_date = partial.compare_to_date if partial else None
    with reading(bind) as conn:
        filters = []
        if store:
            filters.append(INCIDENT.c.store_id == named_id(conn, "store", store))
        if agent:
            filters.append(INCIDENT.c.agent_id == named_id(conn, "agent", agent))
        current = counts_by(conn, "agent", period, *filters)
        before = {}
        if compare is not None:
            before = counts_by(
                conn, "agent", compare, *filters, to_date=to_date.end if to_date else None
            )
        months = sparkline_months(period)
        history = _on_spot_per_month(conn, months, filters)
    rows = []
    for agent_id in current.keys() | before.keys():
        now, then = current.get(agent_id), before.get(agent_id)
        compare_counts = None
        if compare is not None:
            compare_counts = (then["incidents"], then["on_spot"]) if then else (0, 0)
        same_days = None
        if to_date is not None:
            same_days = (then["to_date"], then["on_spot_to_date"]) if then else (0, 0)
        counts = (now["incidents"], now["on_spot"]) if now else (0, 0)
        name = (current.get(agent_id) or before[agent_id])["name"]
        row = agent_row(name, counts, compare_counts, same_days)
        by_month = history.get(agent_id, {})
        row["on_spot_last_6_months"] = [by_month.get(month, 0) for month in months]
        rows.append(row)
    rows.sort(key=lambda r: sort_key(r["agent"]))
    return rows


def _on_spot_per_month(
    conn: Any, months: list[str], filters: list[Any]
) -> dict[int, dict[str, int]]:
    """agent id -> month -> incidents resolved on the spot, in one GROUP BY month, agent_id."""
    found = conn.execute(
        select(INCIDENT.c.agent_id, INCIDENT.c.month, on_spot())
        .where(INCIDENT.c.month.between(months[0], months[-1]), *filters)
        .group_by(INCIDENT.c.month, INCIDENT.c.agent_id)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for agent_id, month, count in found:
        counts.setdefault(int(agent_id), {})[month] = int(count)
    return counts


def agent_row(
    name: str,
    counts: tuple[int, int],
    compare_counts: tuple[int, int] | None,
    same_days: tuple[int, int] | None = None,
) -> dict[str, Any]:
    incidents, on_spot = counts
    row: dict[str, Any] = {"agent": name, **measure(incidents, on_spot)}
    if compare_counts is not None:
        row.update(compared(row, *compare_counts, same_days))
    return row


def agent_totals(
    rows: list[dict[str, Any]], *, with_compare: bool, partial: Partial | None = None
) -> dict[str, Any]:
    """The "All agents" line, in the same shape as a row."""
    sums = sum_keys(
        rows,
        [
            "incidents",
            "resolved_on_spot",
            "compare_incidents",
            "compare_resolved_on_spot",
            "compare_to_date_incidents",
            "compare_to_date_resolved_on_spot",
        ],
    )
    same_days = None
    if with_compare and partial is not None:
        same_days = (sums["compare_to_date_incidents"], sums["compare_to_date_resolved_on_spot"])
    return agent_row(
        "All agents",
        (sums["incidents"], sums["resolved_on_spot"]),
        (sums["compare_incidents"], sums["compare_resolved_on_spot"]) if with_compare else None,
        same_days,
    )
