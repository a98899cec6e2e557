"""Charts for the terminal: bars and sparklines drawn with Rich.

Every function here is pure: it takes the plain rows a report returns and gives back a Rich
renderable (or a string). Printed on a terminal the bars are coloured; printed to a pipe or a
file (cron mail, `> report.txt`) the same console writes plain text with no escape codes, and
the bar shapes alone still carry the picture (█ ▓ ░ for rate, interval and the rest).

Rich is imported inside the functions so that importing this module stays cheap.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from incidentlog.core import stats

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

__all__ = [
    "SPARK_LEVELS",
    "agent_rates_chart",
    "bar",
    "interval",
    "month_label",
    "rate_bar",
    "sparkline",
    "store_months_chart",
    "training_chart",
]

SPARK_LEVELS = "▁▂▃▄▅▆▇█"
# Horizontal bars grow by eighths of a cell, so small differences still show.
_EIGHTHS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")
FULL = "█"
# The three shades of a rate bar: sure part, interval below the rate, interval above it.
SURE, BELOW, ABOVE = "█", "▓", "░"

BAR_WIDTH = 40
RATE_WIDTH = 30

COLOURS = ("cyan", "magenta", "green", "yellow", "blue", "red")


# --------------------------------------------------------------------------- small pieces


def sparkline(values: Sequence[float | None]) -> str:
    """One character per value, ▁ (lowest) to █ (highest); a gap for a missing value.

    Counts are scaled from zero, so a store going 20, 21, 20 reads as steady (███) rather
    than as a swing; a series with negative values is scaled from its minimum.
    """
    present = [v for v in values if v is not None]
    if not present:
        return " " * len(values)
    top = max(present)
    floor = min(0.0, min(present))
    span = top - floor
    top_level = len(SPARK_LEVELS) - 1
    out = []
    for value in values:
        if value is None:
            out.append(" ")
        elif span == 0:
            out.append(SPARK_LEVELS[0])
        else:
            out.append(SPARK_LEVELS[round((value - floor) / span * top_level)])
    return "".join(out)


def bar(fraction: float, width: int) -> str:
    """A horizontal bar `fraction` (0–1) of `width` cells long, to an eighth of a cell."""
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    return FULL * (eighths // 8) + _EIGHTHS[eighths % 8]


def interval(row: Mapping[str, Any], prefix: str = "") -> tuple[float, float] | None:
    """The interval of a row's rate: the row's own `rate_low`/`rate_high` when the report
    gives them, else the Wilson interval of `resolved_on_spot` out of `incidents`.

    `prefix` picks a family of keys: `interval(row, "trained_")` reads `trained_rate_low` ...
    or works from `trained_incidents` and `trained_rate`.
    """
    low, high = row.get(f"{prefix}rate_low"), row.get(f"{prefix}rate_high")
    if low is not None and high is not None:
        return float(low), float(high)
    n = row.get(f"{prefix}incidents") or 0
    successes = row.get(f"{prefix}resolved_on_spot")
    if successes is None:
        rate = row.get(f"{prefix}rate")
        if rate is None:
            return None
        successes = round(rate * n)
    return stats.wilson(int(successes), int(n))


def rate_bar(rate: float | None, bounds: tuple[float, float] | None, width: int) -> Text:
    """A 0–100% track: █ up to the interval's low end, ▓ from there to the rate, ░ from the
    rate to the interval's high end, then · for the rest of the track."""
    from rich.text import Text

    if rate is None:
        return Text("·" * width, style="dim")
    low, high = bounds if bounds is not None else (rate, rate)
    low, high = min(low, rate), max(high, rate)
    cells = "".join(_cell(i, width, low, rate, high) for i in range(width))
    text = Text()
    for run in re.findall(r"(█+|▓+|░+|·+)", cells):
        text.append(run, style=_RATE_STYLES[run[0]])
    return text


_RATE_STYLES = {SURE: "green", BELOW: "green dim", ABOVE: "bright_black", "·": "dim"}


def _cell(i: int, width: int, low: float, rate: float, high: float) -> str:
    middle = (i + 0.5) / width  # a cell takes the shade of its centre
    if middle < low:
        return SURE
    if middle < rate:
        return BELOW
    if middle < high:
        return ABOVE
    return "·"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def percent_range(bounds: tuple[float, float] | None) -> str:
    if bounds is None:
        return ""
    return f"({bounds[0] * 100:.0f}–{bounds[1] * 100:.0f}%)"


def month_label(month: str, *, with_year: bool = False) -> str:
    """'2026-03' → 'Mar' (or 'Mar 2026')."""
    year, number = month.split("-")
    label = date(int(year), int(number), 1).strftime("%b")
    return f"{label} {year}" if with_year else label


def _heading(title: str | None) -> list[RenderableType]:
    from rich.text import Text

    return [Text(title, style="bold")] if title else []


def _footer(caption: str | None) -> list[RenderableType]:
    from rich.text import Text

    return [Text(caption, style="dim")] if caption else []


def _group(parts: Sequence[RenderableType]) -> RenderableType:
    from rich.console import Group

    return Group(*parts)


Cell = tuple["Text | str", int, str]  # content, width, "left" | "right"


def _line(*cells: Cell) -> Text:
    """Cells padded to their widths and joined by a space, with no trailing blanks (so that
    piped output is clean text)."""
    from rich.cells import cell_len
    from rich.text import Text

    line = Text(no_wrap=True, overflow="ignore", end="\n")
    for index, (content, width, justify) in enumerate(cells):
        piece = content if isinstance(content, Text) else Text(str(content))
        gap = max(0, width - cell_len(piece.plain))
        if index:
            line.append(" ")
        if justify == "right":
            line.append(" " * gap)
        line.append_text(piece)
        if justify != "right":
            line.append(" " * gap)
    line.rstrip()
    return line


def _widest(values: Sequence[str]) -> int:
    from rich.cells import cell_len

    return max((cell_len(v) for v in values), default=0)


def _rate_scale(width: int, indent: int) -> Text:
    """'0% ... 50% ... 100%' under a 0–100% track that starts `indent` cells in."""
    from rich.text import Text

    line = [" "] * width
    for label, at in (("0%", 0), ("100%", width - 4), ("50%", width // 2 - 1)):
        # A label goes in only with a blank either side of it (narrow tracks drop 50%).
        if at >= 0 and all(c == " " for c in line[max(0, at - 1) : at + len(label) + 1]):
            line[at : at + len(label)] = label
    return Text(" " * indent + "".join(line).rstrip(), style="dim")


def _legend() -> Text:
    from rich.text import Text

    return Text(f"{SURE}{BELOW} resolved on the spot   {BELOW}{ABOVE} 95% interval", style="dim")


# --------------------------------------------------------------------------- the charts


def store_months_chart(
    rows: Sequence[Mapping[str, Any]],
    *,
    months: Sequence[str] | None = None,
    title: str | None = None,
    caption: str | None = None,
    partial: str | None = None,
    width: int = BAR_WIDTH,
) -> RenderableType:
    """Incidents per month per store as horizontal bars, one block per store.

    `rows` are `{"store", "month" ('YYYY-MM'), "incidents"}`; `months` the months to show,
    oldest first (default: every month in the rows), a month with no row counting 0. All
    stores share one scale so their bars compare. `partial` names a month not yet over
    (its bar is dimmed and marked "so far").
    """
    from rich.text import Text

    shown = list(months) if months is not None else sorted({str(r["month"]) for r in rows})
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(str(row["store"]), {})[str(row["month"])] = int(row["incidents"] or 0)
    parts = _heading(title)
    if not counts or not shown:
        return _group([*parts, Text("No incidents in these months.")])
    top = max((counts[s].get(m, 0) for s in counts for m in shown), default=0)
    spans_years = len({m[:4] for m in shown}) > 1
    labels = {
        m: month_label(m, with_year=spans_years and (m == shown[0] or m.endswith("-01")))
        for m in shown
    }
    label_width = _widest(list(labels.values()))
    number_width = len(str(top))
    for index, store in enumerate(counts):
        colour = COLOURS[index % len(COLOURS)]
        parts.append(Text(("\n" if index else "") + store, style="bold"))
        for month in shown:
            n = counts[store].get(month, 0)
            so_far = month == partial
            parts.append(
                _line(
                    ("  " + labels[month], label_width + 2, "left"),
                    (
                        Text(bar(n / top if top else 0, width), style=colour + " dim" * so_far),
                        width,
                        "left",
                    ),
                    (str(n), number_width, "right"),
                    (Text("so far" if so_far else "", style="dim"), 0, "left"),
                )
            )
    return _group([*parts, *_footer(caption)])


def agent_rates_chart(
    rows: Sequence[Mapping[str, Any]],
    *,
    title: str | None = None,
    caption: str | None = None,
    width: int = RATE_WIDTH,
    label: str = "agent",
) -> RenderableType:
    """The on-the-spot rate per agent as a bar on a 0–100% track with its 95% interval.

    `rows` are report rows with `agent`, `incidents`, `resolved_on_spot`, `rate` (and, if the
    report computes them, `rate_low`/`rate_high`), in the order to show them.
    """
    from rich.text import Text

    parts = _heading(title)
    if not rows:
        return _group([*parts, Text("No incidents in this period.")])
    names = [str(r[label]) for r in rows]
    name_width = _widest(names)
    ranges = [percent_range(interval(r)) for r in rows]
    range_width = _widest(ranges)
    for name, row, shown_range in zip(names, rows, ranges, strict=True):
        parts.append(
            _line(
                (name, name_width, "left"),
                (rate_bar(row.get("rate"), interval(row), width), width, "left"),
                (percent(row.get("rate")), 4, "right"),
                (Text(shown_range, style="dim"), range_width, "left"),
                (Text(f"of {row.get('incidents') or 0}", style="dim"), 0, "left"),
            )
        )
    parts += [_rate_scale(width, name_width + 1), _legend()]
    return _group([*parts, *_footer(caption)])


def training_chart(
    rows: Sequence[Mapping[str, Any]],
    *,
    title: str | None = None,
    caption: str | None = None,
    width: int = RATE_WIDTH,
) -> RenderableType:
    """Attendees' and other agents' on-the-spot rates, window by window (before, after-1 ...).

    `rows` are `report training` rows: `window`, `start`, `end`, `trained_incidents`,
    `trained_rate`, `others_incidents`, `others_rate` (optionally `trained_resolved_on_spot`
    and `others_resolved_on_spot`, or `..._rate_low`/`..._rate_high`).
    """
    from rich.text import Text

    parts = _heading(title)
    if not rows:
        return _group([*parts, Text("No windows to show.")])
    windows = [str(r.get("window", "")) for r in rows]
    spans = [_span(r.get("start"), r.get("end")) for r in rows]
    window_width, span_width, who_width = _widest(windows), _widest(spans), len("attendees")
    ranges = [percent_range(interval(r, p)) for r in rows for p in ("trained_", "others_")]
    range_width = _widest(ranges)
    for index, row in enumerate(rows):
        if index:
            parts.append(Text(""))
        for who, prefix in (("attendees", "trained_"), ("others", "others_")):
            first = prefix == "trained_"
            rate = row.get(f"{prefix}rate")
            bounds = interval(row, prefix)
            parts.append(
                _line(
                    (Text(windows[index] if first else "", style="bold"), window_width, "left"),
                    (Text(spans[index] if first else "", style="dim"), span_width, "left"),
                    (who, who_width, "left"),
                    (rate_bar(rate, bounds, width), width, "left"),
                    (percent(rate), 4, "right"),
                    (Text(percent_range(bounds), style="dim"), range_width, "left"),
                    (Text(f"of {row.get(f'{prefix}incidents') or 0}", style="dim"), 0, "left"),
                )
            )
    parts += [_rate_scale(width, window_width + span_width + who_width + 3), _legend()]
    return _group([*parts, *_footer(caption)])


def _span(start: Any, end: Any) -> str:
    """'10 Feb–9 Mar' for a window's inclusive dates."""
    if not start or not end:
        return ""
    first = start if isinstance(start, date) else date.fromisoformat(str(start))
    last = end if isinstance(end, date) else date.fromisoformat(str(end))
    return f"{first.day} {first:%b}–{last.day} {last:%b}"
