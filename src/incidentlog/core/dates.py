"""The WHEN values people type: ``2026-05-14 15:30``, ``yesterday 3pm``, ``2 hours ago``.

Relative phrases count from the ``now`` (or ``today``) the caller passes, which the command
line takes from its clock (`clock.py`). Only the standard library is imported at module
level (``incidentlog add`` must start quickly); python-dateutil is imported lazily for the
free-form fallback.
"""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime, time, timedelta

from incidentlog.core.clock import EARLIEST, END_OF_DAY
from incidentlog.core.errors import InvalidInput
from incidentlog.core.months import MONTH_NAMES, add_months

__all__ = [
    "FUTURE_SLACK",
    "AmbiguousDate",
    "ensure_not_future",
    "parse_day",
    "parse_follow_up",
    "parse_when",
]

FUTURE_SLACK = timedelta(minutes=5)
"""How far past "now" an incident time may be (clock skew between tills)."""

_EXAMPLES = 'Try 2026-05-14, "2026-05-14 15:30", "yesterday 15:30", "2 hours ago" or "last friday".'
_MAX_AGO = timedelta(days=36525)  # 100 years
_MAX_AGO_MONTHS = 1200
_MIN_YEAR, _MAX_YEAR = EARLIEST.year, 9999
_NOON = time(12, 0)

_WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}

# Units of "N <unit> ago" / "in N <unit>": the timedelta keyword (or "months") and a factor.
_UNIT_GROUPS: tuple[tuple[tuple[str, ...], tuple[str, int]], ...] = (
    (("s", "sec", "secs", "second", "seconds"), ("seconds", 1)),
    (("m", "min", "mins", "minute", "minutes"), ("minutes", 1)),
    (("h", "hr", "hrs", "hour", "hours"), ("hours", 1)),
    (("d", "day", "days"), ("days", 1)),
    (("w", "wk", "wks", "week", "weeks"), ("weeks", 1)),
    (("mo", "month", "months"), ("months", 1)),
    (("y", "yr", "yrs", "year", "years"), ("months", 12)),
)
_UNITS = {name: unit for names, unit in _UNIT_GROUPS for name in names}
_DAY_UNITS = {"days", "weeks", "months"}  # units that name a day, so a time may follow

_COUNT = r"(?P<n>\d+|an?|one)"
_UNIT_RE = r"(?P<unit>[a-z]+)"
_RE_AGO = re.compile(rf"{_COUNT}\s*{_UNIT_RE}\s+ago", re.ASCII)
_RE_IN = re.compile(rf"in\s+{_COUNT}\s*{_UNIT_RE}", re.ASCII)
_RE_TIME = re.compile(
    r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2})(?::(?P<s>\d{2}))?)?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?",
    re.ASCII,
)
_RE_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_RE_ISO_PREFIX = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d", re.ASCII)
# 03/04/2026, 3/4/26, 03/04 (this year); not part of a longer run of digits or slashes.
_RE_SLASH_DAY = re.compile(
    r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?![\d/])", re.ASCII
)
DATE_ORDER_KEY = "date-order"
DATE_ORDERS = ("dmy", "mdy")


class AmbiguousDate(InvalidInput):
    """A slash date that reads two ways, with no `date-order` chosen."""


class _Bad(Exception):
    """Internal: the text has a recognised shape but cannot be used."""


def _shown(text: str, limit: int = 60) -> str:
    """User text made safe to quote in a one-line message."""
    cleaned = "".join(c if c.isprintable() else "?" for c in text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _error(text: str, detail: str | None = None) -> InvalidInput:
    shown = _shown(text.strip())
    reason = f" ({detail})" if detail else ""
    return InvalidInput(f'Cannot understand date "{shown}"{reason}. {_EXAMPLES}')


def _clean_now(now: datetime) -> datetime:
    return now.replace(microsecond=0, tzinfo=None)


def _date_order() -> str | None:
    """`config set date-order dmy|mdy`, or None when not chosen."""
    from incidentlog.core import config  # lazily: only slash dates need it

    chosen = config.load().get(DATE_ORDER_KEY)
    return chosen.lower() if chosen and chosen.lower() in DATE_ORDERS else None


def _reading(day: int, month: int, year: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _long(d: date) -> str:
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def _slash_dates(raw: str, base: datetime) -> str:
    """Slash dates rewritten as ISO days, read by the configured date order; without one,
    a date that reads two ways is refused, naming both."""
    match = _RE_SLASH_DAY.search(raw)
    if match is None:
        return raw
    a, b = int(match["a"]), int(match["b"])
    year = base.year
    if match["y"] is not None:
        year = int(match["y"]) + (2000 if len(match["y"]) == 2 else 0)
    order = _date_order()
    day_first, month_first = _reading(a, b, year), _reading(b, a, year)
    shown = match[0]
    if order == "dmy":
        chosen = day_first
    elif order == "mdy":
        chosen = month_first
    elif day_first and month_first and day_first != month_first:
        raise AmbiguousDate(
            f'The date "{_shown(shown)}" could be {_long(day_first)} (day first) or '
            f"{_long(month_first)} (month first). Write it as {day_first.isoformat()}, or "
            "choose once with `incidentlog config set date-order dmy` (or mdy)."
        )
    else:
        chosen = day_first or month_first
    if chosen is None:
        how = f" read {order}" if order else ""
        raise _error(raw, f"there is no such day{how}")
    return raw[: match.start()] + chosen.isoformat() + raw[match.end() :]


def _local(moment: datetime) -> datetime:
    """A moment with a UTC offset as the local wall-clock time; a naive one as it is."""
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    return moment


# --------------------------------------------------------------------------- pieces


def _count(text: str) -> int:
    if text in ("a", "an", "one"):
        return 1
    if len(text) > 9:
        raise _Bad("more than 100 years away")
    return int(text)


def _offset(n: int, unit: str, sign: int, base: datetime) -> datetime:
    """``base`` moved ``n`` units into the past (sign -1) or future (sign +1)."""
    kind, factor = _UNITS[unit]
    if kind == "months":
        months = n * factor
        if months > _MAX_AGO_MONTHS:
            raise _Bad("more than 100 years away")
        day = add_months(base.date(), sign * months)
        return datetime.combine(day, base.time())
    delta = timedelta(**{kind: n})
    if delta > _MAX_AGO:
        raise _Bad("more than 100 years away")
    return base + sign * delta


def _relative(text: str, base: datetime) -> tuple[datetime, str] | None:
    """``N units ago`` / ``in N units``: the moment, and the unit kind."""
    for pattern, sign in ((_RE_AGO, -1), (_RE_IN, 1)):
        m = pattern.fullmatch(text)
        if m is not None and m["unit"] in _UNITS:
            unit = m["unit"]
            return _offset(_count(m["n"]), unit, sign, base), _UNITS[unit][0]
    return None


def _weekday(text: str, today: date) -> date | None:
    which, _, name = text.rpartition(" ")
    if name not in _WEEKDAYS or which not in ("", "last", "next"):
        return None
    target = _WEEKDAYS[name]
    if which == "next":  # the first such day after today
        return today + timedelta(days=(target - today.weekday() - 1) % 7 + 1)
    back = (today.weekday() - target) % 7  # the most recent on or before today
    if which == "last" and back == 0:  # strictly before today
        back = 7
    return today - timedelta(days=back)


def _day_phrase(text: str, base: datetime) -> date | None:
    """A phrase naming a day (no time), or None."""
    today = base.date()
    if text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    if text == "tomorrow":
        return today + timedelta(days=1)
    if m := _RE_ISO_DAY.fullmatch(text):
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise _Bad("there is no such day") from None
    relative = _relative(text, base)
    if relative is not None and relative[1] in _DAY_UNITS:
        return relative[0].date()
    return _weekday(text, today)


def _time_phrase(text: str) -> time | None:
    """``15:30``, ``3pm``, ``9.15 am``, ``at 15:30``, ``at 3``, ``noon``, ``midnight``."""
    at = text.startswith("at ")
    if at:
        text = text[3:].strip()
    if text == "noon":
        return _NOON
    if text == "midnight":
        return time(0, 0)
    m = _RE_TIME.fullmatch(text)
    if m is None:
        return None
    if m["m"] is None and m["ampm"] is None and not at:
        return None  # a bare number is a time only after "at"
    hour, minute, second = int(m["h"]), int(m["m"] or 0), int(m["s"] or 0)
    if m["ampm"]:
        if not 1 <= hour <= 12:
            raise _Bad("hours with am/pm run from 1 to 12")
        hour = hour % 12 + (12 if m["ampm"].startswith("p") else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise _Bad("there is no such time")
    return time(hour, minute, second)


def _day_and_time(text: str, base: datetime) -> tuple[date, time | None] | None:
    """A day phrase, optionally with a time before or after it, or a lone time (today)."""
    day = _day_phrase(text, base)
    if day is not None:
        return day, None
    alone = _time_phrase(text)
    if alone is not None:
        return base.date(), alone
    words = text.split(" ")
    for i in range(1, len(words)):
        left, right = " ".join(words[:i]), " ".join(words[i:])
        try:
            day = _day_phrase(left, base)
            if day is not None and (at := _time_phrase(right)) is not None:
                return day, at
            at = _time_phrase(left)
            if at is not None:
                day = _day_phrase(right.removeprefix("on "), base)
                if day is not None:
                    return day, at
        except _Bad:
            continue  # e.g. "30.05 2026" is not a time; dateutil may still read it
    return None


def _date_only(day: date, base: datetime) -> datetime:
    """A day without a time: noon, or now if that is earlier today (not in the future)."""
    moment = datetime.combine(day, _NOON)
    return base if day == base.date() and moment > base else moment


def _iso(raw: str) -> datetime | None:
    """ISO date-times (``2026-05-14T15:30:00``; with an offset or Z, converted to local)."""
    text = raw.upper()
    if not _RE_ISO_PREFIX.match(text):
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return _local(parsed).replace(microsecond=0)


def _dateutil(raw: str, base: datetime) -> datetime | None:
    from dateutil import parser  # lazily: keeps `incidentlog add` quick to start

    midnight = datetime.combine(base.date(), time(0))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            parsed = parser.parse(raw, dayfirst=False, default=midnight)
            probe = parser.parse(raw, dayfirst=False, default=midnight.replace(hour=12))
    except Exception:  # ParserError, ValueError, OverflowError, and whatever else it raises
        return None
    if not isinstance(parsed, datetime) or not isinstance(probe, datetime):
        return None
    for warning in caught:
        if issubclass(warning.category, parser.UnknownTimezoneWarning):
            # "PST" could be several offsets: guessing would store a wrong time.
            zone = re.search(r"tzname (\S+)", str(warning.message))
            name = zone[1] if zone else "given"
            raise _Bad(f"the time zone {_shown(name)} is not known; give an offset such as -08:00")
    try:
        parsed = _local(parsed).replace(microsecond=0)
    except (ValueError, OverflowError):
        raise _Bad("it is out of range") from None
    if parsed.hour != probe.hour:  # no time was given
        return _date_only(parsed.date(), base)
    return parsed


def _parse(text: str, base: datetime) -> datetime:
    raw = text.strip()
    if not raw:
        raise InvalidInput(f"The date is empty. {_EXAMPLES}")
    raw = _slash_dates(raw, base)
    s = " ".join(raw.lower().split())
    try:
        result: datetime | None
        if s == "now":
            result = base
        else:
            result = _iso(raw)
        if result is None and (relative := _relative(s, base)) is not None:
            result = relative[0]
        if result is None and (found := _day_and_time(s, base)) is not None:
            day, at = found
            result = _date_only(day, base) if at is None else datetime.combine(day, at)
        if result is None:
            result = _dateutil(raw, base)
    except _Bad as bad:
        raise _error(raw, str(bad)) from None
    except (ValueError, OverflowError):
        raise _error(raw, "it is out of range") from None
    if result is None:
        raise _error(raw)
    if not _MIN_YEAR <= result.year <= _MAX_YEAR:
        raise _error(raw, "years run from 1900 to 9999")
    return result


# --------------------------------------------------------------------------- public


def parse_when(text: str, *, now: datetime) -> datetime:
    """A WHEN value as a naive local date-time (to the second), relative phrases counted
    from ``now`` (the command's clock).

    Day phrases without a time (``yesterday``, ``2026-05-14``, ``last friday``) mean noon
    that day, or now when that is earlier today. ``N units ago`` keeps the time of day.
    Slash dates follow ``config set date-order``; without it one that reads two ways is
    refused. A time with a UTC offset is converted to local time; an unknown zone name is
    refused.
    """
    return _parse(text, _clean_now(now))


def parse_day(text: str, *, today: date, now: datetime | None = None) -> date:
    """A day for ``--on`` / ``--follow-up``: the same phrases as :func:`parse_when`.

    ``tomorrow``, ``next friday`` and ``in 3 days`` name future days. Phrases finer than a
    day (``3 hours ago``) count from ``now`` when given, else from the end of ``today``.
    """
    base = datetime.combine(today, END_OF_DAY) if now is None else _clean_now(now)
    if base.date() != today:
        base = datetime.combine(today, base.time())
    return _parse(text, base).date()


def ensure_not_future(at: datetime, *, now: datetime) -> None:
    """Refuse a moment more than five minutes after ``now``."""
    current = _clean_now(now)
    if at.replace(tzinfo=None) > current + FUTURE_SLACK:
        raise InvalidInput(
            f"{at:%Y-%m-%d %H:%M} is in the future (it is now {current:%Y-%m-%d %H:%M})."
        )


def parse_follow_up(
    text: str, *, today: date, since: date | None = None, now: datetime | None = None
) -> date:
    """A follow-up day: a bare weekday looks forward ("thursday" on a Wednesday is tomorrow).

    A day before ``today`` is refused. An incident recorded afterwards (``--at`` an earlier
    day) may have had a follow-up that is now past: then the day must not be before
    ``since``, the incident's day."""
    words = text.strip().lower().split()
    if words and words[0] in _WEEKDAYS:
        text = "next " + text.strip()
    day = parse_day(text, today=today, now=now)
    earliest = min(since, today) if since is not None else today
    if day < earliest:
        if earliest == today:
            problem = f"is in the past (today is {today.isoformat()})"
        else:
            problem = f"is before the incident ({earliest.isoformat()})"
        raise InvalidInput(f"The follow-up date {day.isoformat()} {problem}.")
    return day
