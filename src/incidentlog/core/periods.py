"""Period expressions (``--period``, ``--compare``, ``--week``) as whole-day inclusive ranges.

Only the standard library is imported at module level: ``incidentlog add`` imports this
module and must start quickly.
"""

from __future__ import annotations

import os
import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from incidentlog.core.errors import InvalidInput

__all__ = [
    "EARLIEST",
    "TODAY_ENV",
    "Period",
    "add_months",
    "months_back",
    "now",
    "parse_period",
    "parse_week",
    "period_from_options",
    "today",
]

TODAY_ENV = "INCIDENTLOG_TODAY"
"""Environment variable that fixes "today" (``YYYY-MM-DD``) for every relative expression."""

EARLIEST = date(1900, 1, 1)
"""The earliest date a period may start on; "all time" starts here."""

ACCEPTED_FORMS = (
    "2026-03, 2026-Q2, 2026, 2026-W14, 2026-03-01..2026-05-31, today, yesterday, "
    "this-week|month|quarter|year, last-week|month|quarter|year, N-months-ago, "
    "last-N-days or last-N-months"
)

_MONTH_NAMES = (
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
_MONTH_ABBR = tuple(name[:3] for name in _MONTH_NAMES)

# Counts in relative expressions are capped long before int() gets slow or dates overflow.
_MAX_COUNT_DIGITS = 7


# --------------------------------------------------------------------------- today / now


def _fixed_today() -> date | None:
    raw = os.environ.get(TODAY_ENV, "").strip()
    if not raw:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", raw, re.ASCII)
    try:
        if match is None:
            raise ValueError(raw)
        fixed = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise InvalidInput(
            f'{TODAY_ENV} must be a date such as 2026-05-20, not "{_shown(raw)}".'
        ) from None
    if fixed < EARLIEST:
        raise InvalidInput(f"{TODAY_ENV} must not be before 1900-01-01, not {raw}.")
    return fixed


def _current_date() -> date:
    fixed = _fixed_today()
    return fixed if fixed is not None else date.today()


def today() -> date:
    """Today's local date, or the date fixed by ``INCIDENTLOG_TODAY``."""
    return _current_date()


def now() -> datetime:
    """The naive local date-time to the second.

    With ``INCIDENTLOG_TODAY`` set, that date combined with the current wall-clock time.
    """
    current = datetime.now().replace(microsecond=0)
    fixed = _fixed_today()
    if fixed is None:
        return current
    return datetime.combine(fixed, current.time())


# --------------------------------------------------------------------------- month arithmetic


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _first_of_index(index: int) -> date:
    year, month0 = divmod(index, 12)
    return date(year, month0 + 1, 1)


def months_back(d: date, n: int) -> date:
    """The first day of the calendar month ``n`` months before ``d``'s month."""
    return _first_of_index(_month_index(d) - n)


def add_months(d: date, n: int) -> date:
    """The same day ``n`` months later (earlier if negative), clamped to the month's end.

    ``add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)``.
    """
    first = _first_of_index(_month_index(d) + n)
    last_day = monthrange(first.year, first.month)[1]
    return first.replace(day=min(d.day, last_day))


def _month_end(d: date) -> date:
    return d.replace(day=monthrange(d.year, d.month)[1])


def _quarter_start(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def _week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


# --------------------------------------------------------------------------- labels


def _day_label(d: date) -> str:
    return f"{d.day} {_MONTH_ABBR[d.month - 1]} {d.year}"


def _range_label(start: date, end: date) -> str:
    if start == end:
        return _day_label(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {_MONTH_ABBR[end.month - 1]} {end.year}"
    if start.year == end.year:
        return f"{start.day} {_MONTH_ABBR[start.month - 1]}–{_day_label(end)}"
    return f"{_day_label(start)}–{_day_label(end)}"


def _month_label(d: date) -> str:
    return f"{_MONTH_NAMES[d.month - 1]} {d.year}"


def _quarter_label(d: date) -> str:
    return f"Q{(d.month - 1) // 3 + 1} {d.year}"


def _week_label(monday: date) -> str:
    iso_year, week, _ = monday.isocalendar()
    sunday = monday + timedelta(days=6)
    if monday.month == sunday.month:
        days = f"{monday.day}–{sunday.day} {_MONTH_ABBR[sunday.month - 1]}"
    else:
        days = (
            f"{monday.day} {_MONTH_ABBR[monday.month - 1]}–"
            f"{sunday.day} {_MONTH_ABBR[sunday.month - 1]}"
        )
    return f"week {week} {iso_year} ({days})"


def _natural_label(start: date, end: date) -> str:
    """The shortest label for an arbitrary range: a year, quarter or month when it is one."""
    if start.day == 1 and end == _month_end(end):
        months = _month_index(end) - _month_index(start) + 1
        if months == 12 and start.month == 1:
            return str(start.year)
        if months == 3 and start.month % 3 == 1:
            return _quarter_label(start)
        if months == 1:
            return _month_label(start)
    return _range_label(start, end)


# --------------------------------------------------------------------------- Period


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
            return _month_index(d) + Fraction(d.day - 1, monthrange(d.year, d.month)[1])

        # The day after the end; computed without date arithmetic so 9999-12-31 works.
        if self.end == _month_end(self.end):
            after_end = Fraction(_month_index(self.end) + 1)
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


def _month(d: date) -> Period:
    first = d.replace(day=1)
    return Period(first, _month_end(first), _month_label(first))


def _quarter(d: date) -> Period:
    first = _quarter_start(d)
    return Period(first, _month_end(add_months(first, 2)), _quarter_label(first))


def _year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), str(year))


def _week(d: date) -> Period:
    monday = _week_start(d)
    return Period(monday, monday + timedelta(days=6), _week_label(monday))


def _day(d: date, prefix: str = "") -> Period:
    return Period(d, d, f"{prefix}{_day_label(d)}")


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
    return _week(monday)


def _named(word: str, t: date) -> Period | None:
    if word == "today":
        return _day(t, "today ")
    if word == "yesterday":
        return _day(t - timedelta(days=1), "yesterday ")
    if word == "all":
        return Period(EARLIEST, t, "all time")
    which, _, unit = word.partition("-")
    if which not in ("this", "last"):
        return None
    back = 1 if which == "last" else 0
    if unit == "week":
        return _week(t - timedelta(weeks=back))
    if unit == "month":
        return _month(months_back(t, back))
    if unit == "quarter":
        return _quarter(add_months(_quarter_start(t), -3 * back))
    if unit == "year":
        return _year(t.year - back)
    return None


def _ago(n: int, unit: str, t: date) -> Period:
    if unit == "day":
        return _day(t - timedelta(days=n))
    if unit == "week":
        return _week(t - timedelta(weeks=n))
    if unit == "month":
        return _month(months_back(t, n))
    if unit == "quarter":
        return _quarter(add_months(_quarter_start(t), -3 * n))
    return _year(t.year - n)


def _rolling(n: int, unit: str, t: date) -> Period:
    if unit in ("day", "week"):
        start = t - timedelta(days=n * (7 if unit == "week" else 1) - 1)
    else:
        months = n * {"month": 1, "quarter": 3, "year": 12}[unit]
        start = add_months(t, -months) + timedelta(days=1)
    return Period(start, t, f"last {n} {unit}{'' if n == 1 else 's'} ({_range_label(start, t)})")


def _parse_single(expr: str, t: date) -> Period | None:
    """One (non-range) expression, already normalised; None when not understood."""
    if m := _RE_YEAR.fullmatch(expr):
        return _year(int(m[1]))
    if m := _RE_MONTH.fullmatch(expr):
        month = int(m[2])
        if not 1 <= month <= 12:
            raise _Bad(f"there is no month {month}")
        return _month(date(int(m[1]), month, 1))
    if (m := _RE_QUARTER.fullmatch(expr)) or (m := _RE_QUARTER_FIRST.fullmatch(expr)):
        year, quarter = (m[1], m[2]) if expr[0] != "q" else (m[2], m[1])
        if not 1 <= int(quarter) <= 4:
            raise _Bad("quarters are Q1 to Q4")
        return _quarter(date(int(year), 3 * int(quarter) - 2, 1))
    if m := _RE_WEEK.fullmatch(expr):
        return _iso_week(int(m[1]), int(m[2]))
    if m := _RE_DAY.fullmatch(expr):
        try:
            d = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise _Bad("there is no such day") from None
        return _day(d)
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


def parse_period(expr: str, *, today: date | None = None) -> Period:
    """Parse a period expression such as ``2026-Q2``, ``last month`` or ``2026-03..2026-05``.

    Raises InvalidInput, listing the accepted forms, for anything else.
    """
    t = today if today is not None else _current_date()
    if not expr.strip():
        raise InvalidInput(f"The period is empty. Use {ACCEPTED_FORMS}.")
    if ".." in expr:
        sides = expr.split("..")
        if len(sides) != 2 or not sides[0].strip() or not sides[1].strip():
            raise _period_error(expr, "a range is FROM..TO")
        left = _parse_side(sides[0], expr, t)
        right = _parse_side(sides[1], expr, t)
        if right.end < left.start:
            raise _period_error(expr, "it ends before it starts")
        return Period(left.start, right.end, _natural_label(left.start, right.end))
    return _parse_side(expr, expr, t)


def _bound(option: str, text: str, t: date) -> Period:
    """A ``--from`` / ``--to`` value: a period expression or any WHEN-style day."""
    try:
        return parse_period(text, today=t)
    except InvalidInput:
        pass
    from incidentlog.core.dates import AmbiguousDate, parse_day  # dates imports this module

    try:
        return _day(parse_day(text, today=t))
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
    default: str | None = "this-month",
    today: date | None = None,
) -> Period | None:
    """Resolve ``--period P`` or ``--from DATE --to DATE``.

    ``--from`` alone runs to today; ``--to`` alone runs from 1900-01-01. Each bound may be
    a date or a period expression (``--from 2026-03`` starts on 1 March, ``--to 2026-05``
    ends on 31 May). With nothing given: ``parse_period(default)``, or None (all time)
    when ``default`` is None.
    """
    t = today if today is not None else _current_date()
    if period is not None and (from_ is not None or to is not None):
        raise InvalidInput("Give either --period or --from/--to, not both.")
    if period is not None:
        return parse_period(period, today=t)
    if from_ is None and to is None:
        return None if default is None else parse_period(default, today=t)
    start = _bound("--from", from_, t).start if from_ is not None else EARLIEST
    end = _bound("--to", to, t).end if to is not None else t
    if end < start:
        if to is None:
            raise InvalidInput(f"--from {start.isoformat()} is after today ({t.isoformat()}).")
        if from_ is None:
            raise InvalidInput(f"--to {end.isoformat()} is before 1900-01-01.")
        raise InvalidInput(f"--to {end.isoformat()} is before --from {start.isoformat()}.")
    if from_ is None:
        label = f"until {_day_label(end)}"
    else:
        label = _natural_label(start, end)
    return Period(start, end, label)


def parse_week(expr: str, *, today: date | None = None) -> Period:
    """A week for ``summary --week W``: ``2026-W14``, ``this-week``, ``last-week``, a date.

    A date (or any single-day expression) means the ISO week containing it; any other
    period expression is accepted when it is exactly one ISO week (Monday to Sunday).
    """
    t = today if today is not None else _current_date()
    problem = (
        f'Cannot use "{_shown(expr.strip())}" as a week. '
        "Use 2026-W14, this-week, last-week, N-weeks-ago or a date in the week."
    )
    try:
        period = parse_period(expr, today=t)
    except InvalidInput:
        from incidentlog.core.dates import parse_day  # dates imports this module

        try:
            day = parse_day(expr, today=t)
        except InvalidInput:
            raise InvalidInput(problem) from None
        period = _day(day)
    if period.days() == 1:
        try:
            return _week(period.start)
        except OverflowError:
            raise InvalidInput(problem) from None
    if period.days() == 7 and period.start.weekday() == 0:
        return _week(period.start)
    raise InvalidInput(problem)
