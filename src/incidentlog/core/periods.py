"""Period expressions (``--period``, ``--compare``, ``--week``, ``--from``/``--to``): the grammar.

``2026-Q2``, ``last month``, ``3-months-ago``, ``2026-03..2026-05`` become a `Period` (whole
days, both ends included; `period.py`). Relative forms count from the ``today`` the caller
passes, which the command line takes from its clock (`clock.py`).

Only the standard library is imported at module level: ``incidentlog add`` imports this
module and must start quickly.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from incidentlog.core.clock import EARLIEST
from incidentlog.core.dates import AmbiguousDate, parse_day
from incidentlog.core.errors import InvalidInput
from incidentlog.core.months import (
    add_months,
    day_label,
    months_back,
    natural_label,
    quarter_start,
    range_label,
)
from incidentlog.core.period import (
    Period,
    day_period,
    month_period,
    quarter_period,
    week_period,
    year_period,
)

__all__ = [
    "ACCEPTED_FORMS",
    "EARLIEST",
    "WEEK_FORMS",
    "Period",
    "add_months",
    "months_back",
    "parse_bound",
    "parse_period",
    "parse_week",
    "period_from_options",
]

ACCEPTED_FORMS = (
    "2026-03, 2026-Q2, 2026, 2026-W14, 2026-03-01..2026-05-31, today, yesterday, "
    "this-week|month|quarter|year, last-week|month|quarter|year, N-months-ago, "
    "last-N-days or last-N-months"
)
WEEK_FORMS = "2026-W14, this-week, last-week, N-weeks-ago or a date in the week"

# Counts in relative expressions are capped long before int() gets slow or dates overflow.
_MAX_COUNT_DIGITS = 7


# --------------------------------------------------------------------------- parsing


class _Bad(Exception):
    """Internal: the expression has a recognised shape but an impossible value."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _shown(text: str, limit: int = 60) -> str:
    """User text made safe to quote in a one-line message."""
    cleaned = "".join(c if c.isprintable() else "?" for c in text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _period_error(expr: str, detail: str | None = None) -> InvalidInput:
    reason = f" ({detail})" if detail else ""
    return InvalidInput(
        f'Cannot understand period "{_shown(expr.strip())}"{reason}. Use {ACCEPTED_FORMS}.'
    )


def _normalise(expr: str) -> str:
    return re.sub(r"\s+", "-", expr.strip().lower())


def _count(text: str) -> int:
    if text in ("a", "an", "one"):
        return 1
    if len(text) > _MAX_COUNT_DIGITS:
        raise _Bad(f"{text} is too large")
    n = int(text)
    if n <= 0:
        raise _Bad("the number must be a positive whole number")
    return n


_UNIT = r"(day|week|month|quarter|year)s?"
_RE_YEAR = re.compile(r"(\d{4})", re.ASCII)
_RE_MONTH = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)
_RE_QUARTER = re.compile(r"(\d{4})-q(\d)", re.ASCII)
_RE_QUARTER_FIRST = re.compile(r"q(\d)-(\d{4})", re.ASCII)
_RE_WEEK = re.compile(r"(\d{4})-w(\d{1,2})", re.ASCII)
_RE_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_RE_AGO = re.compile(rf"(\d+|an?|one)-{_UNIT}-ago", re.ASCII)
_RE_ROLLING = re.compile(rf"(?:last|past)-(\d+)-{_UNIT}", re.ASCII)


def _iso_week(year: int, week: int) -> Period:
    if not 1 <= week <= 53:
        raise _Bad("weeks are W01 to W53")
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise _Bad(f"{year} has no week {week}") from None
    return week_period(monday)


def _named(word: str, t: date) -> Period | None:
    if word == "today":
        return day_period(t, "today ")
    if word == "yesterday":
        return day_period(t - timedelta(days=1), "yesterday ")
    if word == "all":
        return Period(EARLIEST, t, "all time")
    which, _, unit = word.partition("-")
    if which not in ("this", "last"):
        return None
    back = 1 if which == "last" else 0
    if unit == "week":
        return week_period(t - timedelta(weeks=back))
    if unit == "month":
        return month_period(months_back(t, back))
    if unit == "quarter":
        return quarter_period(add_months(quarter_start(t), -3 * back))
    if unit == "year":
        return year_period(t.year - back)
    return None


def _ago(n: int, unit: str, t: date) -> Period:
    if unit == "day":
        return day_period(t - timedelta(days=n))
    if unit == "week":
        return week_period(t - timedelta(weeks=n))
    if unit == "month":
        return month_period(months_back(t, n))
    if unit == "quarter":
        return quarter_period(add_months(quarter_start(t), -3 * n))
    return year_period(t.year - n)


def _rolling(n: int, unit: str, t: date) -> Period:
    if unit in ("day", "week"):
        start = t - timedelta(days=n * (7 if unit == "week" else 1) - 1)
    else:
        months = n * {"month": 1, "quarter": 3, "year": 12}[unit]
        start = add_months(t, -months) + timedelta(days=1)
    return Period(start, t, f"last {n} {unit}{'' if n == 1 else 's'} ({range_label(start, t)})")


def _parse_single(expr: str, t: date) -> Period | None:
    """One (non-range) expression, already normalised; None when not understood."""
    if m := _RE_YEAR.fullmatch(expr):
        return year_period(int(m[1]))
    if m := _RE_MONTH.fullmatch(expr):
        month = int(m[2])
        if not 1 <= month <= 12:
            raise _Bad(f"there is no month {month}")
        return month_period(date(int(m[1]), month, 1))
    if (m := _RE_QUARTER.fullmatch(expr)) or (m := _RE_QUARTER_FIRST.fullmatch(expr)):
        year, quarter = (m[1], m[2]) if expr[0] != "q" else (m[2], m[1])
        if not 1 <= int(quarter) <= 4:
            raise _Bad("quarters are Q1 to Q4")
        return quarter_period(date(int(year), 3 * int(quarter) - 2, 1))
    if m := _RE_WEEK.fullmatch(expr):
        return _iso_week(int(m[1]), int(m[2]))
    if m := _RE_DAY.fullmatch(expr):
        try:
            d = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise _Bad("there is no such day") from None
        return day_period(d)
    if m := _RE_AGO.fullmatch(expr):
        return _ago(_count(m[1]), m[2], t)
    if m := _RE_ROLLING.fullmatch(expr):
        return _rolling(_count(m[1]), m[2], t)
    return _named(expr, t)


def _parse_side(side: str, whole: str, t: date) -> Period:
    try:
        period = _parse_single(_normalise(side), t)
    except _Bad as bad:
        raise _period_error(whole, bad.detail) from None
    except (ValueError, OverflowError):
        raise _period_error(whole, "it is out of range") from None
    if period is None:
        raise _period_error(whole)
    if period.start < EARLIEST:
        raise _period_error(whole, "periods cannot start before 1900")
    return period


def parse_period(expr: str, *, today: date) -> Period:
    """Parse a period expression such as ``2026-Q2``, ``last month`` or ``2026-03..2026-05``.

    Relative forms count from ``today``. Raises InvalidInput, listing the accepted forms,
    for anything else.
    """
    if not expr.strip():
        raise InvalidInput(f"The period is empty. Use {ACCEPTED_FORMS}.")
    if ".." in expr:
        sides = expr.split("..")
        if len(sides) != 2 or not sides[0].strip() or not sides[1].strip():
            raise _period_error(expr, "a range is FROM..TO")
        left = _parse_side(sides[0], expr, today)
        right = _parse_side(sides[1], expr, today)
        if right.end < left.start:
            raise _period_error(expr, "it ends before it starts")
        return Period(left.start, right.end, natural_label(left.start, right.end))
    return _parse_side(expr, expr, today)


def parse_bound(option: str, text: str, *, today: date) -> Period:
    """A ``--from`` / ``--to`` value: a period expression or any WHEN-style day.

    ``--from`` takes the returned period's start, ``--to`` its end. Errors name ``option``.
    """
    try:
        return parse_period(text, today=today)
    except InvalidInput:
        pass
    try:
        return day_period(parse_day(text, today=today))
    except AmbiguousDate:
        raise  # its message names both readings and the way out
    except InvalidInput:
        raise InvalidInput(
            f'Cannot understand {option} "{_shown(text.strip())}". '
            "Use a date such as 2026-03-01 or yesterday, or a period such as 2026-03."
        ) from None


def period_from_options(
    period: str | None,
    from_: str | None,
    to: str | None,
    *,
    today: date,
    default: str | None = "this-month",
) -> Period | None:
    """Resolve ``--period P`` or ``--from DATE --to DATE``.

    ``--from`` alone runs to today; ``--to`` alone runs from 1900-01-01. Each bound may be
    a date or a period expression (``--from 2026-03`` starts on 1 March, ``--to 2026-05``
    ends on 31 May). With nothing given: ``parse_period(default)``, or None (all time)
    when ``default`` is None.
    """
    if period is not None and (from_ is not None or to is not None):
        raise InvalidInput("Give either --period or --from/--to, not both.")
    if period is not None:
        return parse_period(period, today=today)
    if from_ is None and to is None:
        return None if default is None else parse_period(default, today=today)
    start = parse_bound("--from", from_, today=today).start if from_ is not None else EARLIEST
    end = parse_bound("--to", to, today=today).end if to is not None else today
    if end < start:
        if to is None:
            raise InvalidInput(f"--from {start.isoformat()} is after today ({today.isoformat()}).")
        if from_ is None:
            raise InvalidInput(f"--to {end.isoformat()} is before 1900-01-01.")
        raise InvalidInput(f"--to {end.isoformat()} is before --from {start.isoformat()}.")
    if from_ is None:
        label = f"until {day_label(end)}"
    else:
        label = natural_label(start, end)
    return Period(start, end, label)


def parse_week(expr: str, *, today: date) -> Period:
    """A week for ``summary --week W``: ``2026-W14``, ``this-week``, ``last-week``, a date.

    A date (or any single-day expression) means the ISO week containing it; any other
    period expression is accepted when it is exactly one ISO week (Monday to Sunday).
    """
    problem = f'Cannot use "{_shown(expr.strip())}" as a week. Use {WEEK_FORMS}.'
    try:
        period = parse_period(expr, today=today)
    except InvalidInput:
        try:
            day = parse_day(expr, today=today)
        except InvalidInput:
            raise InvalidInput(problem) from None
        period = day_period(day)
    if period.days() == 1:
        try:
            return week_period(period.start)
        except OverflowError:
            raise InvalidInput(problem) from None
    if period.days() == 7 and period.start.weekday() == 0:
        return week_period(period.start)
    raise InvalidInput(problem)
