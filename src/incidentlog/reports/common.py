"""What the reports share: the tables, counting expressions, name look-ups and rate fields.

Portable SQL only (SQLite and PostgreSQL): periods are filtered on the precomputed
`day` column, months grouped on `month`, booleans counted with CASE.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    false,
    func,
    select,
)
from sqlalchemy.engine import Connection, Engine

from incidentlog.core import money, names, stats
from incidentlog.core.errors import NotFound
from incidentlog.core.periods import Period
from incidentlog.storage import query_tables
from incidentlog.storage.connection import as_date

Bind = Engine | Connection

# The Core copy (storage/query_tables.py) of the SQLModel classes in storage/tables.py,
# the one schema: the reports need no ORM, and sqlmodel's import would cost each of them a
# third of its start-up.
INCIDENT = query_tables.INCIDENT
STORE = query_tables.STORE
AGENT = query_tables.AGENT
REASON = query_tables.REASON
CUSTOMER = query_tables.CUSTOMER
SESSION = query_tables.TRAINING_SESSION
ATTENDANCE = query_tables.ATTENDANCE

NAMED = {"store": STORE, "agent": AGENT, "reason": REASON}


@contextmanager
def reading(bind: Bind) -> Iterator[Connection]:
    """A connection to read from: the one given, or a new one from the engine."""
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            yield conn
    else:
        yield bind


def in_period(column: ColumnElement[Any], period: Period) -> ColumnElement[bool]:
    return column.between(period.start, period.end)


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows of the group meet `condition` (0, never NULL)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def on_spot() -> ColumnElement[int]:
    return count_if(INCIDENT.c.resolved_on_spot)


def resolved_later() -> ColumnElement[int]:
    """Not resolved on the spot, but resolved since (`incidentlog resolve`)."""
    return count_if(
        and_(INCIDENT.c.resolved_on_spot == false(), INCIDENT.c.resolved_at.is_not(None))
    )


def named_id(conn: Connection, table: str, name: str) -> int:
    """The id of the store, agent or reason called `name`; NotFound (with look-alikes) if none."""
    named = NAMED[table]
    found = conn.execute(select(named.c.id).where(named.c.key == names.key(name))).scalar()
    if found is not None:
        return int(found)
    known = {row.key: row.name for row in conn.execute(select(named.c.key, named.c.name))}
    close = names.lookalikes(names.key(name), known)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise NotFound(f'No {table} named "{names.clean(name)}".{hint}')


Rate = tuple[float | None, float | None, float | None]


def rate_triple(successes: int, trials: int) -> Rate:
    """(rate, low, high): the rate and its 95% Wilson interval; all None without trials."""
    interval = stats.wilson(successes, trials)
    low, high = interval if interval else (None, None)
    return stats.rate(successes, trials), low, high


class OnSpot(TypedDict):
    """The counts and rate every incident report shows for one group."""

    incidents: int
    resolved_on_spot: int
    rate: float | None
    rate_low: float | None
    rate_high: float | None


class Measure(OnSpot):
    # Only where the report also follows incidents resolved after the day.
    resolved_later: NotRequired[int]
    open: NotRequired[int]


class RateChange(TypedDict):
    rate_change: float | None
    rate_p_value: float | None
    rate_significant: bool


class Compared(TypedDict, total=False):
    """The comparison period's counts beside a row's (present only with --compare)."""

    compare_incidents: int
    compare_resolved_on_spot: int
    compare_rate: float | None
    compare_rate_low: float | None
    compare_rate_high: float | None
    compare_to_date_incidents: int | None
    compare_to_date_resolved_on_spot: int | None
    compare_to_date_rate: float | None
    compare_to_date_rate_low: float | None
    compare_to_date_rate_high: float | None
    rate_change: float | None
    rate_p_value: float | None
    rate_significant: bool
    change: int
    trend: str


class Remedies(TypedDict):
    """What the period's remedies cost (a JSON number in the shop's currency) and how many
    of its incidents were settled with a refund."""

    remedy_cost: float
    refunds: int


class GroupCounts(TypedDict):
    """One store's, agent's or reason's counts in a period, as `counts_by` reads them."""

    name: str
    incidents: int
    on_spot: int
    later: NotRequired[int]
    to_date: NotRequired[int]
    on_spot_to_date: NotRequired[int]
    cost_cents: NotRequired[int]
    refunds: NotRequired[int]


def rate_change_fields(x: int, n: int, compare_x: int, compare_n: int) -> RateChange:
    """The change of the on-the-spot rate against the comparison, and whether it is real."""
    now, before = stats.rate(x, n), stats.rate(compare_x, compare_n)
    p_value = stats.two_proportion_p(x, n, compare_x, compare_n)
    return {
        "rate_change": None if now is None or before is None else now - before,
        "rate_p_value": p_value,
        "rate_significant": stats.significant(p_value),
    }


def trend(change: int) -> str:
    return "up" if change > 0 else "down" if change < 0 else "flat"


def sum_keys(rows: Iterable[Mapping[str, Any]], keys: Sequence[str]) -> dict[str, int]:
    totals = dict.fromkeys(keys, 0)
    for row in rows:
        for key in keys:
            totals[key] += row.get(key) or 0
    return totals


def sort_key(name: str) -> str:
    return names.key(name)


def on_spot_counts(incidents: int, on_spot_count: int) -> OnSpot:
    rate, low, high = rate_triple(on_spot_count, incidents)
    return {
        "incidents": incidents,
        "resolved_on_spot": on_spot_count,
        "rate": rate,
        "rate_low": low,
        "rate_high": high,
    }


def measure(incidents: int, on_spot_count: int, later: int | None = None) -> Measure:
    """The counts and rate every incident report shows for one group."""
    rate, low, high = rate_triple(on_spot_count, incidents)
    row: Measure = {
        "incidents": incidents,
        "resolved_on_spot": on_spot_count,
        "rate": rate,
        "rate_low": low,
        "rate_high": high,
    }
    if later is not None:
        row["resolved_later"] = later
        row["open"] = incidents - on_spot_count - later
    return row


def remedies(cents: int, refunds: int) -> Remedies:
    return {"remedy_cost": money.cents_to_number(cents) or 0, "refunds": refunds}


def remedy_cents(rows: Iterable[Remedies]) -> int:
    """The rows' remedy costs summed in whole cents (each row's number is cents / 100, which
    `round` reads back exactly), so that a total is never off by a float's error."""
    return sum(round(row["remedy_cost"] * 100) for row in rows)


class PartialJson(TypedDict):
    through: str
    days: int
    of: int


@dataclass(frozen=True, slots=True)
class Partial:
    """A period that is not over, and the part of the comparison period it is set against.

    1–20 May (20 of 31 days) is compared with the first 20 days of the comparison period,
    clipped to its length (1–20 April; against February, 1–20 February).
    """

    through: dt.date
    days: int
    of: int
    compare_to_date: Period | None

    def as_json(self) -> PartialJson:
        return {"through": self.through.isoformat(), "days": self.days, "of": self.of}


def partial(period: Period, compare: Period | None, today: dt.date) -> Partial | None:
    """The like-for-like comparison of a period that holds today; None once it is over
    (or before it starts: then there is nothing of it to compare yet)."""
    if not period.start <= today <= period.end:
        return None
    days = period.days_elapsed(today)
    to_date = None
    if compare is not None:
        same_days = min(days, compare.days())
        end = compare.start + dt.timedelta(days=same_days - 1)
        to_date = Period(compare.start, end, f"first {same_days} days of {compare.label}")
    return Partial(today, days, period.days(), to_date)


def compared(
    now: tuple[int, int],
    incidents: int,
    on_spot_count: int,
    to_date: tuple[int, int] | None = None,
) -> Compared:
    """The comparison period's counts beside the period's (`now`: incidents, on the spot),
    and the change of the rate.

    With `to_date` (the counts of the comparison period's first days, when the period is not
    over) the rate change and its test are like for like; the whole period stays beside.
    """
    rate, low, high = rate_triple(on_spot_count, incidents)
    to_date_rate: Rate = (None, None, None)
    against = (incidents, on_spot_count)
    if to_date is not None:
        against = to_date
        to_date_rate = rate_triple(to_date[1], to_date[0])
    change = now[0] - against[0]
    return {
        "compare_incidents": incidents,
        "compare_resolved_on_spot": on_spot_count,
        "compare_rate": rate,
        "compare_rate_low": low,
        "compare_rate_high": high,
        "compare_to_date_incidents": None if to_date is None else to_date[0],
        "compare_to_date_resolved_on_spot": None if to_date is None else to_date[1],
        "compare_to_date_rate": to_date_rate[0],
        "compare_to_date_rate_low": to_date_rate[1],
        "compare_to_date_rate_high": to_date_rate[2],
        **rate_change_fields(now[1], now[0], against[1], against[0]),
        "change": change,
        "trend": trend(change),
    }


def known(table: str) -> ColumnElement[bool]:
    """`incident.<table>_id IN (SELECT id FROM <table>)`.

    Always true (a foreign key), but it lets SQLite answer from the covering
    (<table>_id, day, resolved_on_spot) index, one day range per id, instead of visiting
    every incident of the period; PostgreSQL plans it as a cheap semi-join.
    """
    return INCIDENT.c[f"{table}_id"].in_(select(NAMED[table].c.id))


def counts_by(
    conn: Connection,
    table: str,
    period: Period,
    *filters: ColumnElement[bool],
    later: bool = False,
    to_date: dt.date | None = None,
    remedies: bool = False,
) -> dict[int, GroupCounts]:
    """id -> {name, incidents, on_spot[, later][, to_date, on_spot_to_date][, cost_cents,
    refunds]} per store/agent/reason in the period.

    `to_date` also counts the period's days up to that date, in the same pass (a
    like-for-like comparison needs both the first days and the whole period). `remedies`
    sums the remedies' cost (whole cents) and counts the refunds, in the same pass too.

    Aggregated by id first, names joined to the (small) result afterwards. Counts alone come
    from the covering index (`known`); `later` (resolved later) needs `resolved_at` and
    `remedies` the cost and remedy, so then the period's incidents are read in day order
    instead, once.
    """
    key = INCIDENT.c[f"{table}_id"]
    columns = [key.label("id"), func.count().label("incidents"), on_spot().label("on_spot")]
    where = [in_period(INCIDENT.c.day, period), *filters]
    if later:
        columns.append(resolved_later().label("later"))
    if remedies:
        columns.append(func.coalesce(func.sum(INCIDENT.c.cost_cents), 0).label("cost_cents"))
        columns.append(count_if(INCIDENT.c.remedy == "refund").label("refunds"))
    if not (later or remedies):
        where.append(known(table))
    if to_date is not None:
        so_far = INCIDENT.c.day <= to_date
        columns.append(count_if(so_far).label("to_date"))
        columns.append(count_if(and_(so_far, INCIDENT.c.resolved_on_spot)).label("on_spot_to_date"))
    grouped = select(*columns).where(*where).group_by(key).subquery()
    named = NAMED[table]
    query = select(named.c.name, grouped).join_from(grouped, named, named.c.id == grouped.c.id)
    found: dict[int, GroupCounts] = {}
    for r in conn.execute(query):
        counts: GroupCounts = {
            "name": r.name,
            "incidents": int(r.incidents),
            "on_spot": int(r.on_spot),
        }
        if later:
            counts["later"] = int(r.later)
        if remedies:
            counts["cost_cents"] = int(r.cost_cents)
            counts["refunds"] = int(r.refunds)
        if to_date is not None:
            counts["to_date"] = int(r.to_date)
            counts["on_spot_to_date"] = int(r.on_spot_to_date)
        found[int(r.id)] = counts
    return found


def day_of(value: Any) -> dt.date:
    """A date column's value as a date (SQLite hands back ISO text)."""
    day = as_date(value)
    assert day is not None
    return day
