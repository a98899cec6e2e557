"""Calendar arithmetic by month, quarter and ISO week, and the labels people read for them.

Only the standard library: ``incidentlog add`` imports this module and must start quickly.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

__all__ = [
    "MONTH_ABBR",
    "MONTH_NAMES",
    "add_months",
    "day_label",
    "month_end",
    "month_index",
    "month_label",
    "months_back",
    "natural_label",
    "quarter_label",
    "quarter_start",
    "range_label",
    "week_label",
    "week_start",
]

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTH_ABBR = tuple(name[:3] for name in MONTH_NAMES)


# --------------------------------------------------------------------------- arithmetic


def month_index(d: date) -> int:
    """Months since year 0: consecutive months have consecutive indexes."""
    return d.year * 12 + d.month - 1


def _first_of_index(index: int) -> date:
    year, month0 = divmod(index, 12)
    return date(year, month0 + 1, 1)


def months_back(d: date, n: int) -> date:
    """The first day of the calendar month ``n`` months before ``d``'s month."""
    return _first_of_index(month_index(d) - n)


def add_months(d: date, n: int) -> date:
    """The same day ``n`` months later (earlier if negative), clamped to the month's end.

    ``add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)``.
    """
    first = _first_of_index(month_index(d) + n)
    last_day = monthrange(first.year, first.month)[1]
    return first.replace(day=min(d.day, last_day))


def month_end(d: date) -> date:
    return d.replace(day=monthrange(d.year, d.month)[1])


def quarter_start(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def week_start(d: date) -> date:
    """The Monday of ``d``'s ISO week."""
    return d - timedelta(days=d.weekday())


# --------------------------------------------------------------------------- labels


def day_label(d: date) -> str:
    """``20 May 2026``."""
    return f"{d.day} {MONTH_ABBR[d.month - 1]} {d.year}"


def range_label(start: date, end: date) -> str:
    """``1–20 May 2026``, ``20 Apr–5 May 2026``, ``20 Dec 2025–5 Jan 2026``."""
    if start == end:
        return day_label(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {MONTH_ABBR[end.month - 1]} {end.year}"
    if start.year == end.year:
        return f"{start.day} {MONTH_ABBR[start.month - 1]}–{day_label(end)}"
    return f"{day_label(start)}–{day_label(end)}"


def month_label(d: date) -> str:
    """``May 2026``."""
    return f"{MONTH_NAMES[d.month - 1]} {d.year}"


def quarter_label(d: date) -> str:
    """``Q2 2026``."""
    return f"Q{(d.month - 1) // 3 + 1} {d.year}"


def week_label(monday: date) -> str:
    """``week 21 2026 (18–24 May)``."""
    iso_year, week, _ = monday.isocalendar()
    sunday = monday + timedelta(days=6)
    if monday.month == sunday.month:
        days = f"{monday.day}–{sunday.day} {MONTH_ABBR[sunday.month - 1]}"
    else:
        days = (
            f"{monday.day} {MONTH_ABBR[monday.month - 1]}–"
            f"{sunday.day} {MONTH_ABBR[sunday.month - 1]}"
        )
    return f"week {week} {iso_year} ({days})"


def natural_label(start: date, end: date) -> str:
    """The shortest label for an arbitrary range: a year, quarter or month when it is one."""
    if start.day == 1 and end == month_end(end):
        months = month_index(end) - month_index(start) + 1
        if months == 12 and start.month == 1:
            return str(start.year)
        if months == 3 and start.month % 3 == 1:
            return quarter_label(start)
        if months == 1:
            return month_label(start)
    return range_label(start, end)
