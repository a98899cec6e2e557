"""The verdict of `report training`: improved, no clear change or worse, how long the
effect lasted, and the sentence that says so with its reasons."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from incidentlog.core import stats
from incidentlog.core.numbers import signed

if TYPE_CHECKING:
    from incidentlog.reports.training import WindowRow

_NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()


class Pooled(TypedDict):
    windows: list[str]
    trained_incidents: int
    others_incidents: int
    effect: float
    p_value: float | None


class Verdict(TypedDict):
    verdict: str  # improved, worse, no clear change, not enough data
    effect: float | None
    p_value: float | None
    lasted_until: str | None
    lasted_months: int
    pooled: Pooled | None
    text: str


def _group(row: WindowRow, group: str) -> tuple[int, int]:
    """(resolved on the spot, incidents) of the attendees ("trained") or the others."""
    if group == "trained":
        return row["trained_resolved_on_spot"], row["trained_incidents"]
    return row["others_resolved_on_spot"], row["others_incidents"]


def verdict(rows: list[WindowRow]) -> Verdict:
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
    rows: list[WindowRow],
    lasted: int,
    text: str,
    pooled: Pooled | None,
) -> Verdict:
    return {
        "verdict": name,
        "effect": effect,
        "p_value": p_value,
        "lasted_until": rows[lasted]["window"] if lasted else None,
        "lasted_months": lasted,
        "pooled": pooled,
        "text": text,
    }


def _no_verdict(name: str, reason: str, pooled: Pooled | None = None) -> Verdict:
    return {
        "verdict": name,
        "effect": pooled["effect"] if pooled else None,
        "p_value": pooled["p_value"] if pooled else None,
        "lasted_until": None,
        "lasted_months": 0,
        "pooled": pooled,
        "text": f"{name} — {reason}",
    }


def _pooled(base: WindowRow, after: list[WindowRow]) -> Pooled | None:
    """The difference in differences of the `after` windows taken together against `before`."""
    counts = {
        group: (
            sum(_group(r, group)[0] for r in after),
            sum(_group(r, group)[1] for r in after),
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


def _lasted(rows: list[WindowRow], direction: int, reference: float) -> tuple[int, list[WindowRow]]:
    """How many months after the session the effect held, and which of them are clear only
    pooled with the others.

    A month keeps the effect going when its own difference is significant in the effect's
    direction, or points the same way at least half as strongly as `reference`; the effect
    lasted up to the last such month through which the months, pooled, are significant. A
    month with few incidents does not end a clear effect; a month where it faded does.
    """
    base = rows[0]
    lasted = 0
    unsure: list[WindowRow] = []
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


def _lasting(rows: list[WindowRow], lasted: int, unsure: list[WindowRow]) -> str:
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


def _why_unclear(first: WindowRow, base: WindowRow) -> str:
    """Why the first month alone did not decide."""
    if first["effect"] is None:
        return f"{first['window']} alone cannot tell: {_missing([first], base)}"
    return f"{first['window']} alone ({points(first['effect'])} points) is not enough to be sure"


def _unclear_text(
    first: WindowRow,
    after: list[WindowRow],
    base: WindowRow,
    pooled: Pooled,
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


def _missing(windows: list[WindowRow], base: WindowRow) -> str:
    """Which evidence is missing: the groups and windows without incidents."""
    gaps = []
    for group, who in (("trained", "the attendees"), ("others", "the other agents")):
        if not _group(base, group)[1]:
            gaps.append(f"{who} had no incidents before the session")
        empty = [r["window"] for r in windows if not _group(r, group)[1]]
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
