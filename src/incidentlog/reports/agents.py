"""`report agents`: incidents and resolution on the spot per agent."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.engine import Connection

from incidentlog.core.periods import Period
from incidentlog.reports.common import (
    INCIDENT,
    Bind,
    Compared,
    OnSpot,
    Partial,
    Remedies,
    compared,
    counts_by,
    named_id,
    on_spot,
    on_spot_counts,
    reading,
    remedies,
    remedy_cents,
    sort_key,
    sum_keys,
)
from incidentlog.reports.store import sparkline_months


class AgentTotals(OnSpot, Compared, Remedies):
    """The "All agents" line, and the start of each agent's; the `compare_*` keys only with
    a comparison."""

    agent: str


class AgentRow(AgentTotals):
    # Per month of `sparkline_months`, oldest first.
    on_spot_last_6_months: list[int]


def resolution_by_agent(
    bind: Bind,
    *,
    period: Period,
    compare: Period | None = None,
    store: str | None = None,
    agent: str | None = None,
    partial: Partial | None = None,
) -> list[AgentRow]:
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
        current = counts_by(conn, "agent", period, *filters, remedies=True)
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
            same_days = (then.get("to_date", 0), then.get("on_spot_to_date", 0)) if then else (0, 0)
        counts = (now["incidents"], now["on_spot"]) if now else (0, 0)
        cost = (now.get("cost_cents", 0), now.get("refunds", 0)) if now else (0, 0)
        name = (current.get(agent_id) or before[agent_id])["name"]
        by_month = history.get(agent_id, {})
        row: AgentRow = {
            **agent_row(name, counts, compare_counts, same_days, cost),
            "on_spot_last_6_months": [by_month.get(month, 0) for month in months],
        }
        rows.append(row)
    rows.sort(key=lambda r: sort_key(r["agent"]))
    return rows


def _on_spot_per_month(
    conn: Connection, months: list[str], filters: list[ColumnElement[bool]]
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
    cost: tuple[int, int] = (0, 0),
) -> AgentTotals:
    """`cost`: the remedies' cost in whole cents and the number of refunds."""
    comparison: Compared = {}
    if compare_counts is not None:
        comparison = compared(counts, *compare_counts, same_days)
    return {
        "agent": name,
        **on_spot_counts(*counts),
        **comparison,
        **remedies(*cost),
    }


def agent_totals(
    rows: list[AgentRow], *, with_compare: bool, partial: Partial | None = None
) -> AgentTotals:
    """The "All agents" line, in the same shape as a row."""
    sums = sum_keys(
        rows,
        [
            "incidents",
            "resolved_on_spot",
            "refunds",
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
        (remedy_cents(rows), sums["refunds"]),
    )
