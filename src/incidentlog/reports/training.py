"""`report training`: did a training session change how its attendees resolve incidents?

The attendees' on-the-spot rate in the window before the session is set beside their rate
in each month after it, and the same for every other agent over the same windows. The
effect is the attendees' change minus the others' change (a difference in differences), so
a seasonal rise that lifts everyone is not credited to the training.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypedDict

from sqlalchemy import case, func, select
from sqlalchemy.engine import Connection

from incidentlog.core import names, stats
from incidentlog.core.errors import InvalidInput, NotFound
from incidentlog.core.periods import add_months
from incidentlog.reports.common import (
    AGENT,
    ATTENDANCE,
    INCIDENT,
    SESSION,
    Bind,
    known,
    rate_triple,
    reading,
)
from incidentlog.reports.training_verdict import Verdict, verdict
from incidentlog.storage.connection import as_date

DEFAULT_BEFORE = 2
DEFAULT_AFTER = 3
MAX_MONTHS = 36


class SessionInfo(TypedDict):
    id: int
    on: str  # ISO date
    topic: str
    kind: str
    minutes: int
    attendees: list[str]
    trainer: str | None


class WindowRow(TypedDict):
    """One window's counts for the attendees ("trained") and the other agents, each group's
    change since `before`, and the difference of the changes (`effect`)."""

    session: int
    window: str
    start: str
    end: str
    complete: bool
    started: bool
    trained_incidents: int
    trained_resolved_on_spot: int
    trained_rate: float | None
    trained_rate_low: float | None
    trained_rate_high: float | None
    others_incidents: int
    others_resolved_on_spot: int
    others_rate: float | None
    others_rate_low: float | None
    others_rate_high: float | None
    trained_change: float | None
    trained_p_value: float | None
    trained_significant: bool
    others_change: float | None
    others_p_value: float | None
    others_significant: bool
    effect: float | None
    p_value: float | None
    significant: bool


class TrainingEffect(TypedDict):
    session: SessionInfo
    rows: list[WindowRow]
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class _Session:
    """A session as read, with its attendees' ids for counting."""

    id: int
    day: dt.date
    topic: str
    kind: str
    minutes: int
    trainer: str | None
    attendee_ids: frozenset[int]
    attendees: list[str]

    def public(self) -> SessionInfo:
        return {
            "id": self.id,
            "on": self.day.isoformat(),
            "topic": self.topic,
            "kind": self.kind,
            "minutes": self.minutes,
            "attendees": self.attendees,
            "trainer": self.trainer,
        }


@dataclass(frozen=True, slots=True)
class Window:
    name: str
    start: dt.date
    end: dt.date


def windows(day: dt.date, *, before: int, after: int) -> list[Window]:
    """`before`: the `before` months ending the day before `day`; `after-k`: the k-th
    month starting on `day` (for 10 March, after-1 is 10 March–9 April)."""
    one_day = dt.timedelta(days=1)
    found = [Window("before", add_months(day, -before), day - one_day)]
    for k in range(1, after + 1):
        found.append(Window(f"after-{k}", add_months(day, k - 1), add_months(day, k) - one_day))
    return found


def training_effect(
    bind: Bind,
    *,
    session_id: int | None = None,
    topic: str | None = None,
    before: int = DEFAULT_BEFORE,
    after: int = DEFAULT_AFTER,
    today: dt.date,
) -> list[TrainingEffect]:
    """One entry per session (the one given, or every session whose topic contains `topic`):
    {"session": {...}, "rows": [a row per window], "verdict": {...}}."""
    for option, months in (("--before", before), ("--after", after)):
        if not 1 <= months <= MAX_MONTHS:
            raise InvalidInput(f"{option} must be between 1 and {MAX_MONTHS} months, not {months}.")
    with reading(bind) as conn:
        sessions = _find_sessions(conn, session_id, topic)
        reports: list[TrainingEffect] = []
        for session in sessions:
            spans = windows(session.day, before=before, after=after)
            counts = _window_counts(conn, spans, session.attendee_ids)
            rows = _rows(session.id, spans, counts, today)
            reports.append({"session": session.public(), "rows": rows, "verdict": verdict(rows)})
    return reports


def _find_sessions(conn: Connection, session_id: int | None, topic: str | None) -> list[_Session]:
    if session_id is None and not (topic and topic.strip()):
        raise InvalidInput(
            "Name the training session: give its id (see `incidentlog training list`) or --topic."
        )
    if session_id is not None and topic:
        raise InvalidInput("Give either a training session id or --topic, not both.")
    query = select(SESSION).order_by(SESSION.c.day, SESSION.c.id)
    if session_id is not None:
        query = query.where(SESSION.c.id == session_id)
    found = list(conn.execute(query))
    if topic:
        wanted = names.key(topic)
        found = [s for s in found if wanted in names.key(s.topic)]
    if not found:
        if session_id is not None:
            raise NotFound(f"No training session #{session_id}.")
        raise NotFound(f'No training session has a topic containing "{names.clean(topic or "")}".')
    ids = [s.id for s in found]
    attendance = conn.execute(
        select(ATTENDANCE.c.session_id, ATTENDANCE.c.agent_id, AGENT.c.name)
        .join_from(ATTENDANCE, AGENT, AGENT.c.id == ATTENDANCE.c.agent_id)
        .where(ATTENDANCE.c.session_id.in_(ids))
    ).all()
    sessions = []
    for row in found:
        mine = [a for a in attendance if a.session_id == row.id]
        day = as_date(row.day)
        assert day is not None
        sessions.append(
            _Session(
                id=int(row.id),
                day=day,
                topic=row.topic,
                kind=row.kind,
                minutes=int(row.minutes),
                trainer=row.trainer,
                attendee_ids=frozenset(int(a.agent_id) for a in mine),
                attendees=sorted((a.name for a in mine), key=names.key),
            )
        )
    return sessions


def _window_counts(
    conn: Connection, spans: list[Window], attendees: frozenset[int]
) -> dict[tuple[int, bool], tuple[int, int]]:
    """(window index, attended) -> (incidents, resolved on the spot)."""
    i = INCIDENT
    # Windows are contiguous: the index is the number of window starts at or before the day.
    index = case(
        *((i.c.day < w.start, n - 1) for n, w in enumerate(spans[1:], start=1)),
        else_=len(spans) - 1,
    )
    marked = (
        select(index.label("window"), i.c.agent_id, i.c.resolved_on_spot)
        .where(known("agent"), i.c.day.between(spans[0].start, spans[-1].end))
        .subquery()
    )
    grouped = select(
        marked.c.window,
        marked.c.agent_id,
        func.count().label("incidents"),
        func.coalesce(func.sum(case((marked.c.resolved_on_spot, 1), else_=0)), 0).label("on_spot"),
    ).group_by(marked.c.window, marked.c.agent_id)
    counts: dict[tuple[int, bool], tuple[int, int]] = {}
    for row in conn.execute(grouped):
        key = (int(row.window), row.agent_id in attendees)
        incidents, on_spot = counts.get(key, (0, 0))
        counts[key] = (incidents + int(row.incidents), on_spot + int(row.on_spot))
    return counts


def _rows(
    session_id: int,
    spans: list[Window],
    counts: dict[tuple[int, bool], tuple[int, int]],
    today: dt.date,
) -> list[WindowRow]:
    rows: list[WindowRow] = []
    base_trained, base_others = counts.get((0, True), (0, 0)), counts.get((0, False), (0, 0))
    for n, span in enumerate(spans):
        trained, others = counts.get((n, True), (0, 0)), counts.get((n, False), (0, 0))
        trained_rate, others_rate = rate_triple(trained[1], trained[0]), rate_triple(*others[::-1])
        trained_test = _change(n, trained, base_trained)
        others_test = _change(n, others, base_others)
        did = None
        if n > 0:
            did = stats.difference_in_differences(
                (base_trained[1], base_trained[0]),
                (trained[1], trained[0]),
                (base_others[1], base_others[0]),
                (others[1], others[0]),
            )
        p_value = did[1] if did else None
        rows.append(
            {
                "session": session_id,
                "window": span.name,
                "start": span.start.isoformat(),
                "end": span.end.isoformat(),
                "complete": span.end < today,
                "started": span.start <= today,
                "trained_incidents": trained[0],
                "trained_resolved_on_spot": trained[1],
                "trained_rate": trained_rate[0],
                "trained_rate_low": trained_rate[1],
                "trained_rate_high": trained_rate[2],
                "others_incidents": others[0],
                "others_resolved_on_spot": others[1],
                "others_rate": others_rate[0],
                "others_rate_low": others_rate[1],
                "others_rate_high": others_rate[2],
                "trained_change": trained_test[0],
                "trained_p_value": trained_test[1],
                "trained_significant": stats.significant(trained_test[1]),
                "others_change": others_test[0],
                "others_p_value": others_test[1],
                "others_significant": stats.significant(others_test[1]),
                "effect": did[0] if did else None,
                "p_value": p_value,
                "significant": stats.significant(p_value),
            }
        )
    return rows


def _change(
    n: int, now: tuple[int, int], base: tuple[int, int]
) -> tuple[float | None, float | None]:
    """A group's change of rate since the window before, and its test's p-value (None for
    the window before itself)."""
    if n == 0:
        return None, None
    p_value = stats.two_proportion_p(now[1], now[0], base[1], base[0])
    change = now[1] / now[0] - base[1] / base[0] if now[0] and base[0] else None
    return change, p_value
