"""`report training-time`: minutes of training per agent, by kind, over a period."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NotRequired, TypedDict

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

KindKey = Literal["roleplay_minutes", "new_material_minutes", "review_minutes"]
KIND_KEYS: dict[str, KindKey] = {
    "roleplay": "roleplay_minutes",
    "new-material": "new_material_minutes",
    "review": "review_minutes",
}


class KindMinutes(TypedDict):
    roleplay_minutes: int
    new_material_minutes: int
    review_minutes: int


class TrainingTimeRow(KindMinutes):
    """One agent's minutes of training, or "All agents"."""

    agent: str
    roleplay_minutes_per_month: float
    new_to_review_ratio: float | None  # None when there was no review
    sessions: int
    roleplay_by_month: dict[str, int]  # YYYY-MM -> role-play minutes, months with some
    # With --by-month: every month of the period -> minutes by kind.
    months: NotRequired[dict[str, KindMinutes]]


def _no_minutes() -> KindMinutes:
    return {"roleplay_minutes": 0, "new_material_minutes": 0, "review_minutes": 0}


@dataclass(slots=True)
class _Tally:
    """One agent's minutes while the query's groups are added up."""

    name: str
    minutes: KindMinutes = field(default_factory=_no_minutes)
    sessions: int = 0
    roleplay_by_month: dict[str, int] = field(default_factory=dict)
    months: dict[str, KindMinutes] | None = None

    @classmethod
    def empty(cls, name: str, months: list[str] | None) -> _Tally:
        by_month = None if months is None else {month: _no_minutes() for month in months}
        return cls(name, months=by_month)

    def add(self, kind: KindKey, month: str, minutes: int, sessions: int) -> None:
        self.minutes[kind] += minutes
        self.sessions += sessions
        if kind == "roleplay_minutes":
            self.roleplay_by_month[month] = self.roleplay_by_month.get(month, 0) + minutes
        if self.months is not None and month in self.months:
            self.months[month][kind] += minutes

    def row(self, period: Period) -> TrainingTimeRow:
        review = self.minutes["review_minutes"]
        row: TrainingTimeRow = {
            "agent": self.name,
            "roleplay_minutes": self.minutes["roleplay_minutes"],
            "new_material_minutes": self.minutes["new_material_minutes"],
            "review_minutes": self.minutes["review_minutes"],
            "roleplay_minutes_per_month": self.minutes["roleplay_minutes"]
            / period.months_spanned(),
            "new_to_review_ratio": self.minutes["new_material_minutes"] / review
            if review
            else None,
            "sessions": self.sessions,
            "roleplay_by_month": dict(sorted(self.roleplay_by_month.items())),
        }
        if self.months is not None:
            row["months"] = self.months
        return row


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
) -> list[TrainingTimeRow]:
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
        agents = {int(r.id): _Tally.empty(r.name, months) for r in conn.execute(agents_query)}
    for item in found:
        tally = agents.get(int(item.agent_id))
        if tally is None:  # every attendee is listed; a guard against a dangling attendance row
            continue
        tally.add(KIND_KEYS[item.kind], item.month, int(item.minutes or 0), int(item.sessions))
    rows = [tally.row(period) for tally in agents.values()]
    rows.sort(key=lambda r: sort_key(r["agent"]))
    return rows


def training_time_totals(
    rows: list[TrainingTimeRow], period: Period, months: list[str] | None = None
) -> TrainingTimeRow:
    """The "All agents" line: minutes summed over the agents listed."""
    total = _Tally.empty("All agents", months)
    for row in rows:
        for kind in KIND_KEYS.values():
            total.minutes[kind] += row[kind]
        total.sessions += row["sessions"]
        for month, minutes in row["roleplay_by_month"].items():
            total.roleplay_by_month[month] = total.roleplay_by_month.get(month, 0) + minutes
        if total.months is not None:
            for month, kinds in row.get("months", {}).items():
                for kind in KIND_KEYS.values():
                    total.months[month][kind] += kinds[kind]
    return total.row(period)
