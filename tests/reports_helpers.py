"""Hand-built datasets for the report tests, and the arithmetic the tests check against.

Expected values are computed here from the dataset itself with plain Python, never by
calling the report code.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from incidentlog.records.recording import resolve_incident
from tests.factories import add_incidents, database, incident


@dataclass(frozen=True)
class Row:
    day: str  # YYYY-MM-DD
    store: str = "North"
    agent: str = "Jane"
    reason: str = "billing"
    customer: str = "Ann Lee"
    status: str = "spot"  # spot (resolved on the spot), later (resolved afterwards), open
    follow_up: str | None = None

    @property
    def date(self) -> dt.date:
        return dt.date.fromisoformat(self.day)

    @property
    def on_spot(self) -> bool:
        return self.status == "spot"


def record(rows: Iterable[Row]) -> list[int]:
    """Insert the rows (at 10:00 on their day); `later` ones are resolved two days after."""
    rows = list(rows)
    ids = add_incidents(
        incident(
            customer=r.customer,
            reason=r.reason,
            resolved=r.on_spot,
            store=r.store,
            agent=r.agent,
            at=f"{r.day} 10:00",
            follow_up=dt.date.fromisoformat(r.follow_up) if r.follow_up else None,
        )
        for r in rows
    )
    with database().connect() as conn:
        for incident_id, r in zip(ids, rows, strict=True):
            if r.status == "later":
                when = dt.datetime.combine(r.date + dt.timedelta(days=2), dt.time(12))
                resolve_incident(conn, incident_id, "called back", when)
    return ids


def between(rows: Iterable[Row], start: str, end: str) -> list[Row]:
    return [r for r in rows if start <= r.day <= end]


def wilson(successes: int, trials: int) -> tuple[float, float]:
    """The 95% Wilson score interval, written out from its textbook form."""
    z = 1.959963984540054
    p = successes / trials
    centre = p + z * z / (2 * trials)
    spread = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    denominator = 1 + z * z / trials
    return max(0.0, (centre - spread) / denominator), min(1.0, (centre + spread) / denominator)


def rate(successes: int, trials: int) -> float | None:
    return successes / trials if trials else None
