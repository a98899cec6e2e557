"""`report training-time`: minutes of training per agent, by kind, over a period."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from incidentlog.core.errors import InvalidInput
from incidentlog.core.periods import Period, months_back
from incidentlog.reports.common import (
    AGENT,
    ATTENDANCE,
    INCIDENT,
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

# A month-by-month view is read across a screen or a spreadsheet row; ten years is plenty.
MAX_MONTHS = 120


def period_months(period: Period) -> list[str]:
    """The calendar months ('YYYY-MM', oldest first) the period touches."""
    count = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    if count > MAX_MONTHS:
        raise InvalidInput(
            f"--by-month shows at most {MAX_MONTHS} months and {period.label} spans {count}; "
            "give a shorter --period."
        )
    return [months_back(period.end, back).strftime("%Y-%m") for back in range(count - 1, -1, -1)]


def training_time(
    bind: Bind, *, period: Period, store: str | None = None, months: list[str] | None = None
) -> list[dict[str, Any]]:
    """One row per agent, by name: every agent (with `store`, the agents who handled that
    store's incidents or attended its sessions), those without training with zeros — an
    agent who never role-plays is what the question is about.

    `store` keeps the sessions given at that store. Role-play per month divides by the
    calendar months the period spans (partial months by their share of days). With
    `months` (see `period_months`) each row also carries `months`: month -> minutes by kind.
    """
    with reading(bind) as conn:
        filters = [in_period(SESSION.c.day, period)]
        agents_query = select(AGENT.c.id, AGENT.c.name)
        if store:
            store_id = named_id(conn, "store", store)
            filters.append(SESSION.c.store_id == store_id)
            attended = (
                select(ATTENDANCE.c.agent_id)
                .join_from(ATTENDANCE, SESSION, ATTENDANCE.c.session_id == SESSION.c.id)
                .where(SESSION.c.store_id == store_id)
            )
            worked = select(INCIDENT.c.agent_id).where(INCIDENT.c.store_id == store_id)
            agents_query = agents_query.where(AGENT.c.id.in_(attended.union(worked)))
        found = conn.execute(
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
        ).all()
        agents = {int(r.id): _empty_row(r.name, months) for r in conn.execute(agents_query)}
    for item in found:
        row = agents.get(int(item.agent_id))
        if row is None:  # every attendee is listed; a guard against a dangling attendance row
            continue
        minutes = int(item.minutes or 0)
        row[KIND_KEYS[item.kind]] += minutes
        row["sessions"] += int(item.sessions)
        if item.kind == "roleplay":
            by_month = row["roleplay_by_month"]
            by_month[item.month] = by_month.get(item.month, 0) + minutes
        if months is not None and item.month in row["months"]:
            row["months"][item.month][KIND_KEYS[item.kind]] += minutes
    rows = [_finish(row, period) for row in agents.values()]
    rows.sort(key=lambda r: sort_key(r["agent"]))
    return rows


def _finish(row: dict[str, Any], period: Period) -> dict[str, Any]:
    row["roleplay_minutes_per_month"] = row["roleplay_minutes"] / period.months_spanned()
    review = row["review_minutes"]
    row["new_to_review_ratio"] = row["new_material_minutes"] / review if review else None
    row["roleplay_by_month"] = dict(sorted(row["roleplay_by_month"].items()))
    return row


def _empty_row(name: str, months: list[str] | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "agent": name,
        "roleplay_minutes": 0,
        "new_material_minutes": 0,
        "review_minutes": 0,
        "roleplay_minutes_per_month": 0.0,
        "new_to_review_ratio": None,
        "sessions": 0,
        "roleplay_by_month": {},
    }
    if months is not None:
        row["months"] = {month: dict.fromkeys(KIND_KEYS.values(), 0) for month in months}
    return row


def training_time_totals(
    rows: list[dict[str, Any]], period: Period, months: list[str] | None = None
) -> dict[str, Any]:
    """The "All agents" line: minutes summed over the agents listed."""
    total = _empty_row("All agents", months)
    for row in rows:
        for key in (*KIND_KEYS.values(), "sessions"):
            total[key] += row[key]
        for month, minutes in row["roleplay_by_month"].items():
            total["roleplay_by_month"][month] = total["roleplay_by_month"].get(month, 0) + minutes
        for month, kinds in row.get("months", {}).items():
            for key, minutes in kinds.items():
                total["months"][month][key] += minutes
    return _finish(total, period)


def flat(row: dict[str, Any], months: list[str] | None) -> dict[str, Any]:
    """The row for CSV: no object in a cell; each month's minutes in their own columns
    (`roleplay_minutes_2026-03`, ...)."""
    out = {k: v for k, v in row.items() if k not in ("roleplay_by_month", "months")}
    for month in months or []:
        for key, minutes in row["months"][month].items():
            out[f"{key}_{month}"] = minutes
    return out


def csv_keys(months: list[str] | None) -> list[str]:
    """The CSV columns, the same with rows or without."""
    keys = list(flat(_empty_row(""), None))
    for month in months or []:
        keys += [f"{key}_{month}" for key in KIND_KEYS.values()]
    return keys
