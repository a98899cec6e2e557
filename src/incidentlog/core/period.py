"""The `Period` every report and list covers: whole days, both ends included, with a label.

The grammar that turns ``--period`` text into one is in `periods.py`; the calendar
arithmetic and the labels in `months.py`. Only the standard library is imported.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from incidentlog.core.months import (
    add_months,
    day_label,
    month_end,
    month_index,
    month_label,
    quarter_label,
    quarter_start,
    week_label,
    week_start,
)

__all__ = ["Period", "day_period", "month_period", "quarter_period", "week_period", "year_period"]


@dataclass(frozen=True)
class Period:
    """A whole-day period; both ends are inclusive."""

    start: date
    end: date
    label: str

    def __str__(self) -> str:
        return self.label

    def days(self) -> int:
        """Number of days in the period, both ends included."""
        return (self.end - self.start).days + 1

    def contains(self, d: date) -> bool:
        """Whether ``d`` (a date; a datetime counts by its date) falls in the period."""
        if isinstance(d, datetime):
            d = d.date()
        return self.start <= d <= self.end

    def months_spanned(self) -> float:
        """Calendar months the period spans, partial months counted by their share of days.

        A quarter is 3.0, a whole month 1.0, 1–15 May is 15/31.
        """

        def position(d: date) -> Fraction:
            # Months since year 0, plus the fraction of d's month before d.
            return month_index(d) + Fraction(d.day - 1, monthrange(d.year, d.month)[1])

        # The day after the end; computed without date arithmetic so 9999-12-31 works.
        if self.end == month_end(self.end):
            after_end = Fraction(month_index(self.end) + 1)
        else:
            after_end = position(self.end + timedelta(days=1))
        return float(after_end - position(self.start))

    def days_elapsed(self, today: date) -> int:
        """Days of the period up to and including ``today`` (0 before it, all after it)."""
        if today < self.start:
            return 0
        if today >= self.end:
            return self.days()
        return (today - self.start).days + 1

    def as_json(self) -> dict[str, str]:
        """``{"start": "2026-05-01", "end": "2026-05-31"}``."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def month_period(d: date) -> Period:
    """The calendar month holding ``d``."""
    first = d.replace(day=1)
    return Period(first, month_end(first), month_label(first))


def quarter_period(d: date) -> Period:
    """The calendar quarter holding ``d``."""
    first = quarter_start(d)
    return Period(first, month_end(add_months(first, 2)), quarter_label(first))


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), str(year))


def week_period(d: date) -> Period:
    """The ISO week (Monday to Sunday) holding ``d``."""
    monday = week_start(d)
    return Period(monday, monday + timedelta(days=6), week_label(monday))


def day_period(d: date, prefix: str = "") -> Period:
    return Period(d, d, f"{prefix}{day_label(d)}")
