"""`summary`: the weekly summary cron mails to managers."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from sqlalchemy import and_, false, func, select, union_all

from incidentlog.core.periods import Period
from incidentlog.reports.alerts import (
    SPIKE_WEEKS,
    Alert,
    StoreDay,
    WeekCustomer,
    escalating_customers,
    store_days,
    store_spikes,
    store_weeks,
    week_customers,
)
from incidentlog.reports.common import (
    AGENT,
    CUSTOMER,
    INCIDENT,
    REASON,
    STORE,
    Bind,
    OnSpot,
    day_of,
    in_period,
    known,
    on_spot_counts,
    reading,
    sort_key,
    sum_keys,
    trend,
)
from incidentlog.reports.resolution import aftercare_figures

TOP_REASONS = 3
OVERDUE_LISTED = 10


class SummaryRow(OnSpot):
    """A store's week against the week before (and the totals' line, of the same shape)."""

    store: str
    compare_incidents: int
    change: int
    trend: str


class StoreRow(SummaryRow):
    # Oldest first, the week itself last: the HTML summary's bars per store.
    weekly: list[int]


class Aftercare(TypedDict):
    satisfied: int
    not_satisfied: int
    satisfaction_rate: float | None
    remedy_cost: float


class Totals(SummaryRow, Aftercare):
    pass


class TopReason(TypedDict):
    reason: str
    incidents: int


class OverdueFollowUp(TypedDict):
    id: int
    customer: str
    store: str
    agent: str
    day: str
    follow_up: str
    days_overdue: int


class RepeatCustomer(TypedDict):
    customer: str
    incidents: int
    this_week: int
    stores: int
    agents: int


class WeeklySummary(TypedDict):
    rows: list[StoreRow]
    totals: Totals
    top_reasons: list[TopReason]
    overdue_follow_ups: list[OverdueFollowUp]
    overdue_follow_ups_count: int
    overdue_as_of: str
    repeat_customers: list[RepeatCustomer]
    alerts: list[Alert]


def week_before(week: Period) -> Period:
    start = week.start - dt.timedelta(days=7)
    return Period(start, week.start - dt.timedelta(days=1), f"week before {week.label}")


def weekly_summary(bind: Bind, *, week: Period, today: dt.date) -> WeeklySummary:
    """Per store incidents and on-the-spot rate against the week before, the top reasons,
    follow-ups overdue when the week was over (or today, for the current week), and the
    customers of the week who had been there before."""
    previous = week_before(week)
    as_of = min(today, week.end + dt.timedelta(days=1))
    with reading(bind) as conn:
        days = store_days(conn, week)
        top = _top_reasons(conn, week)
        overdue_count, overdue = _overdue(conn, week, as_of)
        customers = week_customers(conn, week)
        after = aftercare(conn, week)
    counted = _stores(days, week, previous)
    weeks = store_weeks(days, week)
    back_again = _repeat_customers(customers)
    escalating = escalating_customers(customers)
    rows: list[StoreRow] = [
        {**row, "weekly": weeks.get(row["store"], [0] * (SPIKE_WEEKS + 1))} for row in counted
    ]
    totals: Totals = {
        **summary_row(
            "All stores", sum_keys(rows, ["incidents", "resolved_on_spot", "compare_incidents"])
        ),
        **after,
    }
    alerts: list[Alert] = [*store_spikes(weeks), *escalating]
    return {
        "rows": rows,
        "totals": totals,
        "top_reasons": top,
        "overdue_follow_ups": overdue,
        "overdue_follow_ups_count": overdue_count,
        "overdue_as_of": as_of.isoformat(),
        "repeat_customers": back_again,
        "alerts": alerts,
    }


# The totals' figures of what happened after the week's incidents (not in the store rows).
AFTERCARE_KEYS = ("satisfied", "not_satisfied", "satisfaction_rate", "remedy_cost")


def aftercare(bind: Bind, week: Period) -> Aftercare:
    """The check-backs' satisfaction and the remedies' cost of the week's incidents, counted
    as `report resolution` counts them."""
    with reading(bind) as conn:
        figures = aftercare_figures(conn, week)
    return {
        "satisfied": figures.satisfied,
        "not_satisfied": figures.not_satisfied,
        "satisfaction_rate": figures.satisfaction_rate,
        # Cents are whole, so there is always a number (0.0 without a remedy).
        "remedy_cost": figures.remedy_cost_cents / 100,
    }


def summary_row(store: str, counts: dict[str, int]) -> SummaryRow:
    change = counts["incidents"] - counts["compare_incidents"]
    return {
        "store": store,
        **on_spot_counts(counts["incidents"], counts["resolved_on_spot"]),
        "compare_incidents": counts["compare_incidents"],
        "change": change,
        "trend": trend(change),
    }


def _stores(days: list[StoreDay], week: Period, previous: Period) -> list[SummaryRow]:
    """The stores with incidents in the week or the week before, from their days."""
    counts: dict[str, dict[str, int]] = {}
    for d in days:
        if d.day < previous.start:
            continue
        found = counts.setdefault(
            d.store, {"incidents": 0, "resolved_on_spot": 0, "compare_incidents": 0}
        )
        if d.day >= week.start:
            found["incidents"] += d.incidents
            found["resolved_on_spot"] += d.on_spot
        else:
            found["compare_incidents"] += d.incidents
    rows = [summary_row(store, c) for store, c in counts.items()]
    return sorted(rows, key=lambda r: sort_key(r["store"]))


def _top_reasons(conn: Any, week: Period) -> list[TopReason]:
    i = INCIDENT
    grouped = (
        select(i.c.reason_id, func.count().label("incidents"))
        .where(known("reason"), in_period(i.c.day, week))
        .group_by(i.c.reason_id)
        .subquery()
    )
    found = conn.execute(
        select(REASON.c.name, grouped.c.incidents)
        .join_from(grouped, REASON, REASON.c.id == grouped.c.reason_id)
        .order_by(grouped.c.incidents.desc(), REASON.c.name)
        .limit(TOP_REASONS)
    ).all()
    return [{"reason": r.name, "incidents": int(r.incidents)} for r in found]


def _overdue(conn: Any, week: Period, as_of: dt.date) -> tuple[int, list[OverdueFollowUp]]:
    """Incidents still open on `as_of` whose follow-up date had passed: count, most overdue.

    Open then means not resolved yet, or resolved only from `as_of` on; the two are asked
    apart so each is one range of the (resolved_on_spot, resolved_at, follow_up) index.
    """
    i = INCIDENT
    midnight = dt.datetime.combine(as_of, dt.time())
    common = [i.c.resolved_on_spot == false(), i.c.follow_up < as_of, i.c.day <= week.end]
    branches = [
        and_(*common, i.c.resolved_at.is_(None)),
        and_(*common, i.c.resolved_at >= midnight),
    ]
    count = sum(int(conn.execute(select(func.count()).where(b)).scalar() or 0) for b in branches)
    if not count:
        return 0, []
    fields = [i.c.id, i.c.customer_id, i.c.store_id, i.c.agent_id, i.c.day, i.c.follow_up]
    oldest = (
        union_all(*(select(*fields).where(b) for b in branches))
        .order_by("follow_up", "id")
        .limit(OVERDUE_LISTED)
        .subquery()
    )
    found = conn.execute(
        select(
            oldest,
            CUSTOMER.c.name.label("customer"),
            STORE.c.name.label("store"),
            AGENT.c.name.label("agent"),
        )
        .join_from(oldest, CUSTOMER, CUSTOMER.c.id == oldest.c.customer_id)
        .join(STORE, STORE.c.id == oldest.c.store_id)
        .join(AGENT, AGENT.c.id == oldest.c.agent_id)
        .order_by(oldest.c.follow_up, oldest.c.id)
    ).all()
    listed: list[OverdueFollowUp] = []
    for r in found:
        follow_up = day_of(r.follow_up)
        listed.append(
            {
                "id": int(r.id),
                "customer": r.customer,
                "store": r.store,
                "agent": r.agent,
                "day": day_of(r.day).isoformat(),
                "follow_up": follow_up.isoformat(),
                "days_overdue": (as_of - follow_up).days,
            }
        )
    return count, listed


def _repeat_customers(customers: list[WeekCustomer]) -> list[RepeatCustomer]:
    """Customers with an incident this week and at least two up to its end: most incidents
    first, then most stores, then by name (the database's order, kept by a stable sort)."""
    again = [c for c in customers if c.incidents >= 2]
    again.sort(key=lambda c: (-c.incidents, -c.stores))
    return [
        {
            "customer": c.name,
            "incidents": c.incidents,
            "this_week": c.this_week,
            "stores": c.stores,
            "agents": c.agents,
        }
        for c in again
    ]
