"""`report training-time`: minutes of training per agent, by kind, over a period."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from incidentlog.periods import Period
from incidentlog.reports.common import (
    AGENT,
    ATTENDANCE,
    SESSION,
    Bind,
    in_period,
    named_id,
    reading,
    sort_key,
)

KIND_KEYS = {
    "roleplay": "roleplay_minutes",
    "new-material": "new_material_minutes",
    "review": "review_minutes",
}


def training_time(bind: Bind, *, period: Period, store: str | None = None) -> list[dict[str, Any]]:
    """One row per agent who attended training in the period, by name.

    `store` keeps the sessions given at that store. Role-play per month divides by the
    calendar months the period spans (partial months by their share of days).
    """
    with reading(bind) as conn:
        filters = [in_period(SESSION.c.day, period)]
        if store:
            filters.append(SESSION.c.store_id == named_id(conn, "store", store))
        grouped = (
            select(
                ATTENDANCE.c.agent_id,
                SESSION.c.month,
                SESSION.c.kind,
                func.count().label("sessions"),
                func.sum(SESSION.c.minutes).label("minutes"),
            )
            .join_from(SESSION, ATTENDANCE, ATTENDANCE.c.session_id == SESSION.c.id)
            .where(*filters)
            .group_by(ATTENDANCE.c.agent_id, SESSION.c.month, SESSION.c.kind)
            .subquery()
        )
        found = conn.execute(
            select(AGENT.c.name, grouped).join_from(
                grouped, AGENT, AGENT.c.id == grouped.c.agent_id
            )
        ).all()
    agents: dict[int, dict[str, Any]] = {}
    for item in found:
        row = agents.setdefault(item.agent_id, _empty_row(item.name))
        minutes = int(item.minutes or 0)
        row[KIND_KEYS[item.kind]] += minutes
        row["sessions"] += int(item.sessions)
        if item.kind == "roleplay":
            by_month = row["roleplay_by_month"]
            by_month[item.month] = by_month.get(item.month, 0) + minutes
    months = period.months_spanned()
    rows = []
    for row in agents.values():
        row["roleplay_minutes_per_month"] = row["roleplay_minutes"] / months
        review = row["review_minutes"]
        row["new_to_review_ratio"] = row["new_material_minutes"] / review if review else None
        row["roleplay_by_month"] = dict(sorted(row["roleplay_by_month"].items()))
        rows.append(row)
    rows.sort(key=lambda r: sort_key(r["agent"]))
    return rows


def _empty_row(name: str) -> dict[str, Any]:
    return {
        "agent": name,
        "roleplay_minutes": 0,
        "new_material_minutes": 0,
        "review_minutes": 0,
        "roleplay_minutes_per_month": 0.0,
        "new_to_review_ratio": None,
        "sessions": 0,
        "roleplay_by_month": {},
    }


def training_time_totals(rows: list[dict[str, Any]], period: Period) -> dict[str, Any]:
    """The "All agents" line: minutes summed over the agents listed."""
    total = _empty_row("All agents")
    for row in rows:
        for key in (*KIND_KEYS.values(), "sessions"):
            total[key] += row[key]
        for month, minutes in row["roleplay_by_month"].items():
            total["roleplay_by_month"][month] = total["roleplay_by_month"].get(month, 0) + minutes
    total["roleplay_minutes_per_month"] = total["roleplay_minutes"] / period.months_spanned()
    review = total["review_minutes"]
    total["new_to_review_ratio"] = total["new_material_minutes"] / review if review else None
    return total
