"""`report training`: did a training session change how its attendees resolve incidents?

The attendees' on-the-spot rate in the window before the session is set beside their rate
in each month after it, and the same for every other agent over the same windows. The
effect is the attendees' change minus the others' change (a difference in differences), so
a seasonal rise that lifts everyone is not credited to the training.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select

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
    rate_fields,
    reading,
)
from incidentlog.storage.connection import as_date
from incidentlog.views.display import signed

DEFAULT_BEFORE = 2
DEFAULT_AFTER = 3
MAX_MONTHS = 36

_NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()


@dataclass(frozen=True)
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
) -> list[dict[str, Any]]:
    """One entry per session (the one given, or every session whose topic contains `topic`):
    {"session": {...}, "rows": [a row per window], "verdict": {...}}."""
    for option, months in (("--before", before), ("--after", after)):
        if not 1 <= months <= MAX_MONTHS:
            raise InvalidInput(f"{option} must be between 1 and {MAX_MONTHS} months, not {months}.")
    with reading(bind) as conn:
        sessions = _find_sessions(conn, session_id, topic)
        reports = []
        for session in sessions:
            spans = windows(session["day"], before=before, after=after)
            counts = _window_counts(conn, spans, set(session.pop("attendee_ids")))
            rows = _rows(session["id"], spans, counts, today)
            reports.append({"session": _public(session), "rows": rows, "verdict": verdict(rows)})
    return reports


def _find_sessions(conn: Any, session_id: int | None, topic: str | None) -> list[dict[str, Any]]:
    if session_id is None and not (topic and topic.strip()):
        raise InvalidInput(
            "Name the training session: give its id (see `incidentlog training list`) or --topic."
        )
    if session_id is not None and topic:
        raise InvalidInput("Give either a training session id or --topic, not both.")
    query = select(SESSION).order_by(SESSION.c.day, SESSION.c.id)
    if session_id is not None:
        query = query.where(SESSION.c.id == session_id)
    found = [dict(row._mapping) for row in conn.execute(query)]
    if topic:
        wanted = names.key(topic)
        found = [s for s in found if wanted in names.key(s["topic"])]
    if not found:
        if session_id is not None:
            raise NotFound(f"No training session #{session_id}.")
        raise NotFound(f'No training session has a topic containing "{names.clean(topic or "")}".')
    ids = [s["id"] for s in found]
    attendance = conn.execute(
        select(ATTENDANCE.c.session_id, ATTENDANCE.c.agent_id, AGENT.c.name)
        .join_from(ATTENDANCE, AGENT, AGENT.c.id == ATTENDANCE.c.agent_id)
        .where(ATTENDANCE.c.session_id.in_(ids))
    ).all()
    for session in found:
        session["day"] = as_date(session["day"])
        mine = [a for a in attendance if a.session_id == session["id"]]
        session["attendee_ids"] = [a.agent_id for a in mine]
        session["attendees"] = sorted((a.name for a in mine), key=names.key)
    return found


def _window_counts(
    conn: Any, spans: list[Window], attendees: set[int]
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
) -> list[dict[str, Any]]:
    rows = []
    base_trained, base_others = counts.get((0, True), (0, 0)), counts.get((0, False), (0, 0))
    for n, span in enumerate(spans):
        trained, others = counts.get((n, True), (0, 0)), counts.get((n, False), (0, 0))
        row: dict[str, Any] = {
            "session": session_id,
            "window": span.name,
            "start": span.start.isoformat(),
            "end": span.end.isoformat(),
            "complete": span.end < today,
            "started": span.start <= today,
            "trained_incidents": trained[0],
            "trained_resolved_on_spot": trained[1],
            **rate_fields(trained[1], trained[0], "trained_"),
            "others_incidents": others[0],
            "others_resolved_on_spot": others[1],
            **rate_fields(others[1], others[0], "others_"),
        }
        row.update(_against_before(n, trained, others, base_trained, base_others))
        rows.append(row)
    return rows


def _against_before(
    n: int,
    trained: tuple[int, int],
    others: tuple[int, int],
    base_trained: tuple[int, int],
    base_others: tuple[int, int],
) -> dict[str, Any]:
    """Each group's change since the window before, its test, and the difference in differences."""
    result: dict[str, Any] = {}
    for group, now, base in (("trained", trained, base_trained), ("others", others, base_others)):
        p_value = None if n == 0 else stats.two_proportion_p(now[1], now[0], base[1], base[0])
        change = None
        if n > 0 and now[0] and base[0]:
            change = now[1] / now[0] - base[1] / base[0]
        result[f"{group}_change"] = change
        result[f"{group}_p_value"] = p_value
        result[f"{group}_significant"] = stats.significant(p_value)
    did = None
    if n > 0:
        did = stats.difference_in_differences(
            (base_trained[1], base_trained[0]),
            (trained[1], trained[0]),
            (base_others[1], base_others[0]),
            (others[1], others[0]),
        )
    result["effect"] = did[0] if did else None
    result["p_value"] = did[1] if did else None
    result["significant"] = stats.significant(result["p_value"])
    return result


def verdict(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """improved / no clear change / worse, and how long the effect stayed clear.

    Judged on the first month after the session when it is clear on its own; otherwise on
    the months after it taken together (pooled), so that a real effect spread over months
    with few incidents each is not called "no clear change". When nothing is clear the text
    says why: which months lack incidents, or how few there were.
    """
    base = rows[0]
    after = [r for r in rows[1:] if r["started"]]
    if not after:
        return _no_verdict("not enough data", "the first month after it has not started yet.")
    pooled = _pooled(base, after)
    first = rows[1]
    if first["effect"] is not None and first["significant"]:
        direction = 1 if first["effect"] > 0 else -1
        lasted, unsure = _lasted(rows, direction, first["effect"])
        name = "improved" if direction > 0 else "worse"
        text = (
            f"{name} — attendees {points(first['trained_change'])} points while other agents "
            f"moved {points(first['others_change'])} ({p_text(first['p_value'])}); "
            f"{_lasting(rows, lasted, unsure)}"
        )
        return _verdict(name, first["effect"], first["p_value"], rows, lasted, text, pooled)
    if pooled is not None and stats.significant(pooled["p_value"]):
        direction = 1 if pooled["effect"] > 0 else -1
        lasted, unsure = _lasted(rows, direction, pooled["effect"])
        if lasted:
            name = "improved" if direction > 0 else "worse"
            text = (
                f"{name} — over {_window_span(pooled['windows'])} taken together the "
                f"attendees' change differs from the other agents' by "
                f"{points(pooled['effect'])} points ({p_text(pooled['p_value'])}, months "
                f"pooled); {_why_unclear(first, base)}; {_lasting(rows, lasted, unsure)}"
            )
            return _verdict(name, pooled["effect"], pooled["p_value"], rows, lasted, text, pooled)
    if pooled is None:
        return _no_verdict("not enough data", f"{_missing(after, base)}.", pooled)
    return _no_verdict("no clear change", _unclear_text(first, after, base, pooled), pooled)


def _verdict(
    name: str,
    effect: float,
    p_value: float | None,
    rows: list[dict[str, Any]],
    lasted: int,
    text: str,
    pooled: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "verdict": name,
        "effect": effect,
        "p_value": p_value,
        "lasted_until": rows[lasted]["window"] if lasted else None,
        "lasted_months": lasted,
        "pooled": pooled,
        "text": text,
    }


def _no_verdict(name: str, reason: str, pooled: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "verdict": name,
        "effect": pooled["effect"] if pooled else None,
        "p_value": pooled["p_value"] if pooled else None,
        "lasted_until": None,
        "lasted_months": 0,
        "pooled": pooled,
        "text": f"{name} — {reason}",
    }


def _pooled(base: dict[str, Any], after: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The difference in differences of the `after` windows taken together against `before`."""
    counts = {
        group: (
            sum(r[f"{group}_resolved_on_spot"] for r in after),
            sum(r[f"{group}_incidents"] for r in after),
        )
        for group in ("trained", "others")
    }
    found = stats.difference_in_differences(
        (base["trained_resolved_on_spot"], base["trained_incidents"]),
        counts["trained"],
        (base["others_resolved_on_spot"], base["others_incidents"]),
        counts["others"],
    )
    if found is None:
        return None
    return {
        "windows": [r["window"] for r in after],
        "trained_incidents": counts["trained"][1],
        "others_incidents": counts["others"][1],
        "effect": found[0],
        "p_value": found[1],
    }


def _lasted(
    rows: list[dict[str, Any]], direction: int, reference: float
) -> tuple[int, list[dict[str, Any]]]:
    """How many months after the session the effect held, and which of them are clear only
    pooled with the others.

    A month keeps the effect going when its own difference is significant in the effect's
    direction, or points the same way at least half as strongly as `reference`; the effect
    lasted up to the last such month through which the months, pooled, are significant. A
    month with few incidents does not end a clear effect; a month where it faded does.
    """
    base = rows[0]
    lasted = 0
    unsure: list[dict[str, Any]] = []
    for k, row in enumerate(rows[1:], start=1):
        if not row["started"] or row["effect"] is None or row["effect"] * direction <= 0:
            break
        if not row["significant"]:
            if abs(row["effect"]) < abs(reference) / 2:
                break
            unsure.append(row)
        pooled = _pooled(base, rows[1 : k + 1])
        if pooled and stats.significant(pooled["p_value"]) and pooled["effect"] * direction > 0:
            lasted = k
    return lasted, [r for r in unsure if rows.index(r) <= lasted]


def _lasting(rows: list[dict[str, Any]], lasted: int, unsure: list[dict[str, Any]]) -> str:
    """How long the effect stayed clear, in words; `lasted` windows after the session did."""
    running = next((r["window"] for r in rows[1:] if r["started"] and not r["complete"]), None)
    suffix = f" ({running} is still running)" if running else ""
    note = ""
    if unsure:
        names = _and([r["window"] for r in unsure])
        few = _and([f"{r['trained_incidents']:,}" for r in unsure])
        if len(unsure) == 1:
            note = (
                f"; {names} alone has too few incidents to be sure ({few} by attendees) but "
                "points the same way, and pooled with the months around it the effect is clear"
            )
        else:
            note = (
                f"; {names} each have too few incidents alone to be sure ({few} by "
                "attendees) but point the same way, and pooled the effect is clear"
            )
    following = rows[lasted + 1] if lasted + 1 < len(rows) else None
    if following is None or not following["started"]:
        if lasted == 1:
            return f"clear in the first month; too early to say whether it lasts{note}{suffix}."
        return f"still clear {_months(lasted)} on{note}{suffix}."
    held = "in the first month" if lasted == 1 else f"for {_months(lasted)}"
    if following["effect"] is None:
        missing = _missing([following], rows[0])
        return f"clear {held}; {following['window']} cannot tell: {missing}{note}{suffix}."
    return (
        f"clear {held}, no longer by {following['window']}: "
        f"{points(following['effect'])} points there{note}{suffix}."
    )


def _why_unclear(first: dict[str, Any], base: dict[str, Any]) -> str:
    """Why the first month alone did not decide."""
    if first["effect"] is None:
        return f"{first['window']} alone cannot tell: {_missing([first], base)}"
    return f"{first['window']} alone ({points(first['effect'])} points) is not enough to be sure"


def _unclear_text(
    first: dict[str, Any],
    after: list[dict[str, Any]],
    base: dict[str, Any],
    pooled: dict[str, Any],
) -> str:
    """ "no clear change" with the reason: the differences, and how few incidents they rest on."""
    if len(after) == 1:
        if first["effect"] is None:
            return f"{_missing(after, base)}."
        return (
            f"attendees {points(first['trained_change'])} points, "
            f"other agents {points(first['others_change'])} ({p_text(first['p_value'])})."
        )
    shown = [r for r in after if r["effect"] is not None]
    differences = _and([f"{points(r['effect'])} in {r['window']}" for r in shown])
    text = (
        f"the attendees' change differed from the other agents' by {differences} points; "
        f"even pooled ({pooled['trained_incidents']:,} incidents by attendees, "
        f"{pooled['others_incidents']:,} by other agents since the session) that is within "
        f"what chance explains ({p_text(pooled['p_value'])})"
    )
    few = sorted({r["trained_incidents"] for r in shown} | {base["trained_incidents"]})
    if few and few[0] < SMALL_SAMPLE:
        text += "; more incidents are needed to tell"
    if len(shown) < len(after):
        text += f"; {_missing([r for r in after if r['effect'] is None], base)}"
    return text + "."


# Below this many incidents in a window a rate moves by ten points or more on one incident.
SMALL_SAMPLE = 10


def _missing(windows: list[dict[str, Any]], base: dict[str, Any]) -> str:
    """Which evidence is missing: the groups and windows without incidents."""
    gaps = []
    for group, who in (("trained", "the attendees"), ("others", "the other agents")):
        if not base[f"{group}_incidents"]:
            gaps.append(f"{who} had no incidents before the session")
        empty = [r["window"] for r in windows if not r[f"{group}_incidents"]]
        if empty:
            gaps.append(f"{who} had none in {_and(empty)}")
    if not gaps:
        return "too few incidents to compare"
    return "; ".join(gaps)


def _window_span(windows: list[str]) -> str:
    """ "after-1–after-3", or the one window."""
    return windows[0] if len(windows) == 1 else f"{windows[0]}–{windows[-1]}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _months(n: int) -> str:
    word = _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)
    return f"{word} month{'s' if n != 1 else ''}"


def points(change: float | None) -> str:
    """A change of rate in percentage points: "+28", "−8", "±0"."""
    if change is None:
        return "—"
    value = round(change * 100)
    return signed(value) if value else "±0"


def p_text(p_value: float | None) -> str:
    if p_value is None:
        return "untested"
    if p_value < 0.001:
        return "p < 0.001"
    if p_value < 0.01:
        return "p < 0.01"
    return f"p = {p_value:.3f}" if p_value < 0.1 else f"p = {p_value:.2f}"


def _public(session: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": int(session["id"]),
        "on": session["day"].isoformat(),
        "topic": session["topic"],
        "kind": session["kind"],
        "minutes": int(session["minutes"]),
        "attendees": session["attendees"],
        "trainer": session.get("trainer"),
    }
