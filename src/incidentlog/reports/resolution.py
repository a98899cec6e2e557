"""`report resolution`: what happened after the incident, per store, agent or reason.

How long the incidents not resolved on the spot took, whether the follow-ups were kept,
what the customers said when someone went back to them, and what the remedies cost.
Incidents are those of the period (by their `at`); their later events (a resolution, a
reopening, a check-back) count with them whenever they happened.

Counts are GROUP BYs in the database: one over the period's incidents, one over those of
them with events. The percentiles of the days to resolve are taken in Python over the
period's incidents resolved later (the one list that must be read row by row),
interpolated between ranks as PostgreSQL's `percentile_cont` does: in SQL they need an
exact difference of two times per row and a window sort, which measured slower.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, false, func, or_, select, type_coerce
from sqlalchemy.engine import Connection

from incidentlog.core import stats
from incidentlog.core.money import cents_to_number
from incidentlog.core.periods import Period
from incidentlog.reports.common import (
    INCIDENT,
    NAMED,
    Bind,
    Partial,
    count_if,
    in_period,
    named_id,
    on_spot,
    reading,
    resolved_later,
    sort_key,
    trend,
)
from incidentlog.storage.connection import as_datetime
from incidentlog.storage.query_tables import INCIDENT_EVENT as EVENT

GROUPINGS = ("store", "agent", "reason")
ALL_NAMES = {"store": "All stores", "agent": "All agents", "reason": "All reasons"}

_COUNTS = (
    "incidents",
    "resolved_on_spot",
    "resolved_later",
    "reopened",
    "follow_ups_due",
    "follow_ups_on_time",
    "checked",
    "satisfied",
    "not_satisfied",
    "no_answer",
)


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The `fraction` percentile of sorted `values`, interpolated between the two nearest
    ranks (PostgreSQL's `percentile_cont`); None for no values."""
    if not values:
        return None
    position = fraction * (len(values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


@dataclass(frozen=True)
class Figures:
    """One group's after-the-incident figures over one period."""

    incidents: int = 0
    resolved_on_spot: int = 0
    resolved_later: int = 0
    reopened: int = 0
    follow_ups_due: int = 0
    follow_ups_on_time: int = 0
    checked: int = 0
    satisfied: int = 0
    not_satisfied: int = 0
    no_answer: int = 0
    remedy_cost_cents: int = 0
    # Days from `at` to `resolved_at` of each incident resolved later (and not reopened
    # since), sorted: the percentiles are read from it.
    days_to_resolve: tuple[float, ...] = ()

    @classmethod
    def combined(cls, parts: Iterable[Figures]) -> Figures:
        """The figures of several groups together: counts add up, the percentiles are
        taken again over every group's days."""
        parts = list(parts)
        return cls(
            **{k: sum(getattr(p, k) for p in parts) for k in _COUNTS},
            remedy_cost_cents=sum(p.remedy_cost_cents for p in parts),
            days_to_resolve=tuple(sorted(d for p in parts for d in p.days_to_resolve)),
        )

    @property
    def open(self) -> int:
        return self.incidents - self.resolved_on_spot - self.resolved_later

    @property
    def median_days_to_resolve(self) -> float | None:
        return percentile(self.days_to_resolve, 0.5)

    @property
    def p90_days_to_resolve(self) -> float | None:
        return percentile(self.days_to_resolve, 0.9)

    @property
    def answered(self) -> int:
        """Check-backs that got an answer either way: the satisfaction rate's trials."""
        return self.satisfied + self.not_satisfied

    @property
    def satisfaction_rate(self) -> float | None:
        return stats.rate(self.satisfied, self.answered)

    @property
    def satisfaction_interval(self) -> tuple[float, float] | None:
        return stats.wilson(self.satisfied, self.answered)

    @property
    def remedy_cost(self) -> float | None:
        return cents_to_number(self.remedy_cost_cents)

    @property
    def cost_per_incident(self) -> float | None:
        if not self.incidents:
            return None
        return self.remedy_cost_cents / self.incidents / 100

    def as_json(self, prefix: str = "") -> dict[str, Any]:
        interval = self.satisfaction_interval
        fields: dict[str, Any] = {k: getattr(self, k) for k in _COUNTS[:3]}
        fields["open"] = self.open
        fields["median_days_to_resolve"] = self.median_days_to_resolve
        fields["p90_days_to_resolve"] = self.p90_days_to_resolve
        fields.update({k: getattr(self, k) for k in _COUNTS[3:]})
        fields["satisfaction_rate"] = self.satisfaction_rate
        fields["satisfaction_rate_low"] = interval[0] if interval else None
        fields["satisfaction_rate_high"] = interval[1] if interval else None
        fields["remedy_cost"] = self.remedy_cost
        fields["cost_per_incident"] = self.cost_per_incident
        return {prefix + k: v for k, v in fields.items()}


# The figures a comparison sets beside the period's own (`compare_...`).
COMPARED = (
    "incidents",
    "resolved_on_spot",
    "resolved_later",
    "median_days_to_resolve",
    "p90_days_to_resolve",
    "follow_ups_due",
    "follow_ups_on_time",
    "satisfied",
    "not_satisfied",
    "satisfaction_rate",
    "satisfaction_rate_low",
    "satisfaction_rate_high",
    "remedy_cost",
    "cost_per_incident",
)


@dataclass(frozen=True)
class ResolutionRow:
    """One store, agent or reason (or the "All ..." line): the period, and with a
    comparison the comparison period (`compare`) and, while the period is not over, the
    comparison's same first days (`compare_to_date`) the changes are measured against."""

    name: str
    figures: Figures
    compare: Figures | None = None
    compare_to_date: Figures | None = None

    @property
    def against(self) -> Figures | None:
        """What the changes are measured against: like for like while the period is not over."""
        return self.compare_to_date if self.compare_to_date is not None else self.compare

    def as_json(self, by: str) -> dict[str, Any]:
        row: dict[str, Any] = {by: self.name, **self.figures.as_json()}
        if self.compare is None:
            return row
        full = self.compare.as_json("compare_")
        row.update({f"compare_{k}": full[f"compare_{k}"] for k in COMPARED})
        to_date = self.compare_to_date.as_json("compare_to_date_") if self.compare_to_date else {}
        row.update({f"compare_to_date_{k}": to_date.get(f"compare_to_date_{k}") for k in COMPARED})
        row.update(self.changes())
        return row

    def changes(self) -> dict[str, Any]:
        now, before = self.figures, self.against
        assert before is not None
        change = now.incidents - before.incidents
        p_value = stats.two_proportion_p(
            now.satisfied, now.answered, before.satisfied, before.answered
        )
        rate_now, rate_before = now.satisfaction_rate, before.satisfaction_rate
        days_now, days_before = now.median_days_to_resolve, before.median_days_to_resolve
        return {
            "change": change,
            "trend": trend(change),
            "satisfaction_rate_change": (
                None if rate_now is None or rate_before is None else rate_now - rate_before
            ),
            "satisfaction_rate_p_value": p_value,
            "satisfaction_rate_significant": stats.significant(p_value),
            "median_days_change": (
                None if days_now is None or days_before is None else days_now - days_before
            ),
            "remedy_cost_change": (now.remedy_cost_cents - before.remedy_cost_cents) / 100,
        }


@dataclass(frozen=True)
class ResolutionReport:
    by: str
    rows: list[ResolutionRow] = field(default_factory=list)
    totals: ResolutionRow = field(default_factory=lambda: ResolutionRow("", Figures()))


def resolution_report(
    bind: Bind,
    *,
    period: Period,
    by: str = "store",
    compare: Period | None = None,
    store: str | None = None,
    partial: Partial | None = None,
) -> ResolutionReport:
    """One row per store, agent or reason with incidents in the period (or the comparison
    period), by name, and the "All ..." line."""
    if by not in GROUPINGS:
        raise ValueError(f"cannot group by {by!r}")
    to_date = partial.compare_to_date if partial is not None and compare is not None else None
    with reading(bind) as conn:
        filters = [INCIDENT.c.store_id == named_id(conn, "store", store)] if store else []
        current = figures_by(conn, by, period, filters)
        before = figures_by(conn, by, compare, filters) if compare is not None else {}
        same_days = figures_by(conn, by, to_date, filters) if to_date is not None else {}
    rows = []
    for key in current.keys() | before.keys():
        name = (current.get(key) or before[key])[0]
        rows.append(
            ResolutionRow(
                name,
                current.get(key, (name, Figures()))[1],
                before.get(key, (name, Figures()))[1] if compare is not None else None,
                same_days.get(key, (name, Figures()))[1] if to_date is not None else None,
            )
        )
    rows.sort(key=lambda r: sort_key(r.name))
    totals = ResolutionRow(
        ALL_NAMES[by],
        Figures.combined(r.figures for r in rows),
        Figures.combined(r.compare for r in rows if r.compare) if compare is not None else None,
        Figures.combined(r.compare_to_date for r in rows if r.compare_to_date)
        if to_date is not None
        else None,
    )
    return ResolutionReport(by, rows, totals)


def aftercare_figures(conn: Connection, period: Period) -> Figures:
    """What the summary's totals show of the period's aftercare: the latest check-backs'
    outcomes and the remedies' cost, counted as `figures_by` counts them (and nothing else)."""
    i = INCIDENT
    where = [in_period(i.c.day, period)]
    events = _events_by(conn, i.c.store_id, where).values()
    cost = conn.execute(select(func.coalesce(func.sum(i.c.cost_cents), 0)).where(*where)).scalar()
    return Figures(
        satisfied=sum(e.satisfied for e in events),
        not_satisfied=sum(e.not_satisfied for e in events),
        remedy_cost_cents=int(cost or 0),
    )


def figures_by(
    conn: Connection, by: str, period: Period, filters: Sequence[ColumnElement[bool]] = ()
) -> dict[int, tuple[str, Figures]]:
    """id -> (name, figures) of every store, agent or reason with incidents in the period.

    Three statements, each the least the database can read for its part: the counts and
    cost from the period's rows alone (one pass, no join); the events of the period's
    incidents that have any (each incident's events found through their index); the days
    the later resolutions took, for the percentiles.
    """
    i = INCIDENT
    key = i.c[f"{by}_id"]
    where = [in_period(i.c.day, period), *filters]
    grouped = (
        select(
            key.label("id"),
            func.count().label("incidents"),
            on_spot().label("resolved_on_spot"),
            resolved_later().label("resolved_later"),
            count_if(i.c.follow_up.is_not(None)).label("follow_ups_due"),
            count_if(and_(i.c.follow_up.is_not(None), _kept())).label("kept"),
            func.coalesce(func.sum(i.c.cost_cents), 0).label("cost"),
        )
        .where(*where)
        .group_by(key)
        .subquery()
    )
    named = NAMED[by]
    query = select(named.c.name, grouped).join_from(grouped, named, named.c.id == grouped.c.id)
    events = _events_by(conn, key, where)
    days = _days_to_resolve(conn, key, where)
    found = {}
    for r in conn.execute(query):
        group = int(r.id)
        after = events.get(group, _NO_EVENTS)
        figures = Figures(
            incidents=int(r.incidents),
            resolved_on_spot=int(r.resolved_on_spot),
            resolved_later=int(r.resolved_later),
            reopened=after.reopened,
            follow_ups_due=int(r.follow_ups_due),
            follow_ups_on_time=int(r.kept) + after.kept_by_check,
            checked=after.checked,
            satisfied=after.satisfied,
            not_satisfied=after.not_satisfied,
            no_answer=after.no_answer,
            remedy_cost_cents=int(r.cost),
            days_to_resolve=tuple(sorted(days.get(group, []))),
        )
        found[group] = (str(r.name), figures)
    return found


def _kept() -> ColumnElement[bool]:
    """A follow-up kept without a check-back: resolved on the spot (by the day it named),
    or resolved later by that day."""
    i = INCIDENT
    return or_(
        and_(i.c.resolved_on_spot, i.c.day <= i.c.follow_up),
        func.date(i.c.resolved_at) <= i.c.follow_up,
    )


@dataclass(frozen=True)
class _Events:
    """One group's incidents with events: reopened, checked back and what the latest
    check-back said, and follow-ups kept only by a check-back."""

    reopened: int = 0
    checked: int = 0
    satisfied: int = 0
    not_satisfied: int = 0
    no_answer: int = 0
    kept_by_check: int = 0


_NO_EVENTS = _Events()
_KEPT_COLUMNS = [INCIDENT.c[c] for c in ("follow_up", "resolved_on_spot", "day", "resolved_at")]


def _events_by(
    conn: Connection, key: ColumnElement[Any], where: Sequence[ColumnElement[bool]]
) -> dict[int, _Events]:
    """group id -> what the events of the period's incidents say.

    Driven by the period's incidents, joined to their events through the event index, so
    an incident without events costs one index probe; each incident is grouped once (its
    columns are grouped on with it), and its latest check-back (of two at the
    same time, the one recorded last) is looked up for it alone.
    """
    i, e = INCIDENT, EVENT
    latest = e.alias("latest")
    outcome = (
        select(latest.c.outcome)
        .where(latest.c.incident_id == e.c.incident_id, latest.c.kind == "check")
        .order_by(latest.c.at.desc(), latest.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    first_check = func.min(case((e.c.kind == "check", e.c.at)))
    # Counted here only when `_kept` did not already count it (NULLs there are "not kept").
    by_check = case(
        (i.c.follow_up.is_(None), 0),
        (_kept(), 0),
        (func.date(first_check) <= i.c.follow_up, 1),
        else_=0,
    )
    per_incident = (
        select(
            key.label("id"),
            count_if(e.c.kind == "reopen").label("reopens"),
            count_if(e.c.kind == "check").label("checks"),
            outcome.label("outcome"),
            by_check.label("by_check"),
        )
        .join_from(i, e, e.c.incident_id == i.c.id)
        .where(*where)
        # By the event's incident id (and the incident's columns used, one value per id):
        # grouped by `incident.id`, SQLite would walk the whole table in id order.
        .group_by(e.c.incident_id, key, *_KEPT_COLUMNS)
        .subquery()
    )
    p = per_incident.c
    query = select(
        p.id,
        count_if(p.reopens > 0).label("reopened"),
        count_if(p.checks > 0).label("checked"),
        count_if(p.outcome == "satisfied").label("satisfied"),
        count_if(p.outcome == "not-satisfied").label("not_satisfied"),
        count_if(p.outcome == "no-answer").label("no_answer"),
        func.coalesce(func.sum(p.by_check), 0).label("by_check"),
    ).group_by(p.id)
    return {
        int(r.id): _Events(
            int(r.reopened),
            int(r.checked),
            int(r.satisfied),
            int(r.not_satisfied),
            int(r.no_answer),
            int(r.by_check),
        )
        for r in conn.execute(query)
    }


def _days_to_resolve(
    conn: Connection, key: ColumnElement[Any], where: list[ColumnElement[bool]]
) -> dict[int, list[float]]:
    """group id -> days from `at` to `resolved_at` of the period's incidents resolved later.

    A reopened incident has no `resolved_at` until it is resolved again; it then counts
    with the time its final resolution took. The two times are read as they come (ISO
    text on SQLite) and parsed here once: the column type's own conversion costs a third
    of this query on SQLite.
    """
    i = INCIDENT
    query = select(key, type_coerce(i.c.at, String), type_coerce(i.c.resolved_at, String)).where(
        *where, i.c.resolved_on_spot == false(), i.c.resolved_at.is_not(None)
    )
    days: dict[int, list[float]] = {}
    # Fetched whole: row by row, the driver's fetch per row costs as much as the parsing.
    for group, at, resolved_at in conn.execute(query).all():
        start, end = as_datetime(at), as_datetime(resolved_at)
        assert start is not None and end is not None
        days.setdefault(int(group), []).append((end - start).total_seconds() / 86400)
    return days
