"""WHEN values: parse_when, parse_day and ensure_not_future, counted from a clock."""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidentlog.core.clock import TODAY_ENV, Clock
from incidentlog.core.dates import ensure_not_future, parse_day, parse_when
from incidentlog.core.errors import InvalidInput

NOW = datetime(2026, 5, 20, 15, 45, 10)  # a Wednesday afternoon
MORNING = datetime(2026, 5, 20, 9, 5, 0)
TODAY = NOW.date()
DT = datetime


@pytest.fixture(autouse=True)
def _no_fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TODAY_ENV, raising=False)


WHEN = [
    # ISO dates and date-times; a date alone means noon
    ("2026-05-14", DT(2026, 5, 14, 12, 0)),
    ("2024-02-29", DT(2024, 2, 29, 12, 0)),
    ("2026-05-14 15:30", DT(2026, 5, 14, 15, 30)),
    ("2026-05-14T15:30", DT(2026, 5, 14, 15, 30)),
    ("2026-05-14T15:30:00", DT(2026, 5, 14, 15, 30)),
    ("2026-05-14T15:30:45", DT(2026, 5, 14, 15, 30, 45)),
    ("2026-05-14T15:30:45.123456", DT(2026, 5, 14, 15, 30, 45)),
    ("2026-05-14t15:30", DT(2026, 5, 14, 15, 30)),
    ("2026-05-14 3pm", DT(2026, 5, 14, 15, 0)),
    ("2026-05-14 at 15:30", DT(2026, 5, 14, 15, 30)),
    # now / today / yesterday / tomorrow, with optional times
    ("now", NOW),
    ("NOW", NOW),
    ("  now  ", NOW),
    ("today", DT(2026, 5, 20, 12, 0)),
    ("yesterday", DT(2026, 5, 19, 12, 0)),
    ("tomorrow", DT(2026, 5, 21, 12, 0)),
    ("yesterday 15:30", DT(2026, 5, 19, 15, 30)),
    ("Yesterday  15:30", DT(2026, 5, 19, 15, 30)),
    ("yesterday 15:30:20", DT(2026, 5, 19, 15, 30, 20)),
    ("yesterday at 3pm", DT(2026, 5, 19, 15, 0)),
    ("yesterday at 3 pm", DT(2026, 5, 19, 15, 0)),
    ("yesterday at 3", DT(2026, 5, 19, 3, 0)),
    ("yesterday at 12am", DT(2026, 5, 19, 0, 0)),
    ("yesterday at 12pm", DT(2026, 5, 19, 12, 0)),
    ("yesterday 9.15am", DT(2026, 5, 19, 9, 15)),
    ("yesterday 9:15 p.m.", DT(2026, 5, 19, 21, 15)),
    ("yesterday noon", DT(2026, 5, 19, 12, 0)),
    ("yesterday midnight", DT(2026, 5, 19, 0, 0)),
    ("today 9am", DT(2026, 5, 20, 9, 0)),
    ("today 09:00", DT(2026, 5, 20, 9, 0)),
    ("3pm yesterday", DT(2026, 5, 19, 15, 0)),
    ("15:30 on friday", DT(2026, 5, 15, 15, 30)),
    ("tomorrow 10:00", DT(2026, 5, 21, 10, 0)),
    # a lone time is today
    ("15:30", DT(2026, 5, 20, 15, 30)),
    ("9am", DT(2026, 5, 20, 9, 0)),
    ("at 9am", DT(2026, 5, 20, 9, 0)),
    ("noon", DT(2026, 5, 20, 12, 0)),
    # N units ago keeps the time of day
    ("2 hours ago", DT(2026, 5, 20, 13, 45, 10)),
    ("2 HOURS AGO", DT(2026, 5, 20, 13, 45, 10)),
    ("2h ago", DT(2026, 5, 20, 13, 45, 10)),
    ("an hour ago", DT(2026, 5, 20, 14, 45, 10)),
    ("1 hour ago", DT(2026, 5, 20, 14, 45, 10)),
    ("30 minutes ago", DT(2026, 5, 20, 15, 15, 10)),
    ("30 mins ago", DT(2026, 5, 20, 15, 15, 10)),
    ("a minute ago", DT(2026, 5, 20, 15, 44, 10)),
    ("10 seconds ago", DT(2026, 5, 20, 15, 45, 0)),
    ("1 day ago", DT(2026, 5, 19, 15, 45, 10)),
    ("a day ago", DT(2026, 5, 19, 15, 45, 10)),
    ("3 days ago", DT(2026, 5, 17, 15, 45, 10)),
    ("2 weeks ago", DT(2026, 5, 6, 15, 45, 10)),
    ("3 months ago", DT(2026, 2, 20, 15, 45, 10)),
    ("a year ago", DT(2025, 5, 20, 15, 45, 10)),
    ("0 minutes ago", NOW),
    ("2 days ago at 10:00", DT(2026, 5, 18, 10, 0)),
    ("2 days ago 10am", DT(2026, 5, 18, 10, 0)),
    # in N units (follow-ups)
    ("in 3 days", DT(2026, 5, 23, 15, 45, 10)),
    ("in 2 weeks", DT(2026, 6, 3, 15, 45, 10)),
    ("in an hour", DT(2026, 5, 20, 16, 45, 10)),
    ("in 3 days at 9am", DT(2026, 5, 23, 9, 0)),
    # weekdays: plain = on or before today; last = strictly before; next = strictly after
    ("wednesday", DT(2026, 5, 20, 12, 0)),
    ("tuesday", DT(2026, 5, 19, 12, 0)),
    ("monday", DT(2026, 5, 18, 12, 0)),
    ("sunday", DT(2026, 5, 17, 12, 0)),
    ("friday", DT(2026, 5, 15, 12, 0)),
    ("thursday", DT(2026, 5, 14, 12, 0)),
    ("fri", DT(2026, 5, 15, 12, 0)),
    ("Friday", DT(2026, 5, 15, 12, 0)),
    ("last friday", DT(2026, 5, 15, 12, 0)),
    ("last wednesday", DT(2026, 5, 13, 12, 0)),
    ("last tuesday", DT(2026, 5, 19, 12, 0)),
    ("last thursday", DT(2026, 5, 14, 12, 0)),
    ("next friday", DT(2026, 5, 22, 12, 0)),
    ("next wednesday", DT(2026, 5, 27, 12, 0)),
    ("next tuesday", DT(2026, 5, 26, 12, 0)),
    ("last friday 15:30", DT(2026, 5, 15, 15, 30)),
    ("last friday at 3pm", DT(2026, 5, 15, 15, 0)),
    ("friday 9:15", DT(2026, 5, 15, 9, 15)),
    # dateutil fallback
    ("14 May 2026 15:30", DT(2026, 5, 14, 15, 30)),
    ("14 May 2026", DT(2026, 5, 14, 12, 0)),
    ("May 14", DT(2026, 5, 14, 12, 0)),
    ("May 14 2026 3:30pm", DT(2026, 5, 14, 15, 30)),
    ("2026/05/14", DT(2026, 5, 14, 12, 0)),
    ("05/14/2026", DT(2026, 5, 14, 12, 0)),
    ("14.05.2026 08:00", DT(2026, 5, 14, 8, 0)),
    ("May 14 00:00", DT(2026, 5, 14, 0, 0)),
    ("Thu, 14 May 2026 15:30:00 +0000", DT(2026, 5, 14, 15, 30)),
]


@pytest.mark.parametrize(("text", "expected"), WHEN)
def test_parse_when(text: str, expected: datetime) -> None:
    result = parse_when(text, now=NOW)
    assert result == expected
    assert result.tzinfo is None
    assert result.microsecond == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a date alone is noon, unless noon is still to come today: then it is now
        ("today", MORNING),
        ("wednesday", MORNING),
        ("2026-05-20", MORNING),
        ("May 20", MORNING),
        ("yesterday", DT(2026, 5, 19, 12, 0)),
        ("tomorrow", DT(2026, 5, 21, 12, 0)),
    ],
)
def test_date_alone_is_never_later_today(text: str, expected: datetime) -> None:
    assert parse_when(text, now=MORNING) == expected


@pytest.fixture
def utc_clock() -> Iterator[None]:
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05-14T15:30+02:00", DT(2026, 5, 14, 13, 30)),
        ("2026-05-14T15:30:00-05:00", DT(2026, 5, 14, 20, 30)),
        ("2026-05-14T15:30:00Z", DT(2026, 5, 14, 15, 30)),
        ("2026-05-14 15:30 +0200", DT(2026, 5, 14, 13, 30)),
        ("2026-05-14 15:30 UTC", DT(2026, 5, 14, 15, 30)),
    ],
)
def test_a_utc_offset_is_converted_to_local_time(
    utc_clock: None, text: str, expected: datetime
) -> None:
    assert parse_when(text, now=NOW) == expected


@pytest.mark.parametrize("text", ["2026-05-14 15:30 PST", "2026-05-14 15:30 XYZ"])
def test_an_unknown_zone_name_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="time zone"):
        parse_when(text, now=NOW)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13/04/2026", DT(2026, 4, 13, 12, 0)),
        ("4/13/2026 15:30", DT(2026, 4, 13, 15, 30)),
        ("04/04/26", DT(2026, 4, 4, 12, 0)),
    ],
)
def test_a_slash_date_that_reads_one_way_needs_no_setting(text: str, expected: datetime) -> None:
    assert parse_when(text, now=NOW) == expected


@pytest.mark.parametrize("text", ["03/04/2026", "3/4", "yesterday", "12/11/2025 10:00"])
def test_an_ambiguous_slash_date_is_refused(text: str) -> None:
    if "/" not in text:
        parse_when(text, now=NOW)
        return
    with pytest.raises(InvalidInput, match=r"day first\) or .* \(month first\)"):
        parse_when(text, now=NOW)


def test_now_microseconds_are_dropped() -> None:
    assert parse_when("now", now=NOW.replace(microsecond=123456)) == NOW


def test_now_from_the_real_clock() -> None:
    before = datetime.now().replace(microsecond=0)
    result = parse_when("now", now=Clock().now())
    assert before <= result <= datetime.now()
    assert result.microsecond == 0


def test_environment_fixes_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TODAY_ENV, "2026-05-20")
    clock = Clock.from_environment()
    assert parse_when("yesterday 15:30", now=clock.now()) == DT(2026, 5, 19, 15, 30)
    assert parse_when("now", now=clock.now()).date() == TODAY
    assert parse_when("last friday", now=clock.now()).date() == date(2026, 5, 15)
    assert parse_day("yesterday", today=clock.today()) == date(2026, 5, 19)
    assert parse_day("in 3 days", today=clock.today()) == date(2026, 5, 23)


def test_dateutil_warnings_are_silenced() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert parse_when("May 14 2026 15:30", now=NOW) == DT(2026, 5, 14, 15, 30)
        with pytest.raises(InvalidInput):
            parse_when("2026-05-14 15:30 XYZ", now=NOW)


ERROR_HINT = (
    'Try 2026-05-14, "2026-05-14 15:30", "yesterday 15:30", "2 hours ago" or "last friday".'
)

BAD_WHEN = [
    "",
    "   ",
    "blah",
    "yesterdayish",
    "last",
    "next",
    "ago",
    "2 fortnights ago",
    "-2 hours ago",
    "2026-02-30",
    "2026-13-01",
    "2026-05-14T25:00",
    "yesterday 25:00",
    "yesterday 15:75",
    "13pm",
    "0am",
    "1899-12-31",
    "1700-01-01 10:00",
    "0001-01-01",
    "10000-01-01",
    "200 years ago",
    "101 years ago",
    "1300 months ago",
    "60000 days ago",
    "99999999999 days ago",
    "999999999999999999999999 seconds ago",
    "99999999999",
    "999999999999999999999999999999",
    "in 200 years",
    "yesterday tomorrow",
    "at",
    "on",
]


@pytest.mark.parametrize("text", BAD_WHEN)
def test_bad_when(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_when(text, now=NOW)
    message = str(caught.value)
    assert message.endswith(ERROR_HINT)
    assert "\n" not in message


def test_bad_when_message() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_when("blah", now=NOW)
    assert str(caught.value) == f'Cannot understand date "blah". {ERROR_HINT}'


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("200 years ago", "100 years"),
        ("1850-01-01", "1900"),
        ("13pm", "1 to 12"),
        ("   ", "empty"),
    ],
)
def test_bad_when_says_why(text: str, detail: str) -> None:
    with pytest.raises(InvalidInput, match=detail):
        parse_when(text, now=NOW)


def test_hundred_years_ago_is_the_limit() -> None:
    assert parse_when("99 years ago", now=NOW) == DT(1927, 5, 20, 15, 45, 10)
    assert parse_when("100 years ago", now=NOW) == DT(1926, 5, 20, 15, 45, 10)


# --------------------------------------------------------------------------- parse_day

DAYS = [
    ("2026-05-14", date(2026, 5, 14)),
    ("2026-05-14 15:30", date(2026, 5, 14)),
    ("today", date(2026, 5, 20)),
    ("yesterday", date(2026, 5, 19)),
    ("tomorrow", date(2026, 5, 21)),
    ("friday", date(2026, 5, 15)),
    ("last friday", date(2026, 5, 15)),
    ("next friday", date(2026, 5, 22)),
    ("next wednesday", date(2026, 5, 27)),
    ("in 3 days", date(2026, 5, 23)),
    ("in 1 week", date(2026, 5, 27)),
    ("in a month", date(2026, 6, 20)),
    ("3 days ago", date(2026, 5, 17)),
    ("2 weeks ago", date(2026, 5, 6)),
    ("May 14", date(2026, 5, 14)),
    ("14 May 2026", date(2026, 5, 14)),
    ("1 June", date(2026, 6, 1)),
]


@pytest.mark.parametrize(("text", "expected"), DAYS)
def test_parse_day(text: str, expected: date) -> None:
    assert parse_day(text, today=TODAY) == expected


@pytest.mark.parametrize("text", ["", "blah", "2026-02-30", "1850-01-01", "200 years ago"])
def test_bad_day(text: str) -> None:
    with pytest.raises(InvalidInput, match="Cannot understand date|empty"):
        parse_day(text, today=TODAY)


def test_parse_day_at_new_year() -> None:
    assert parse_day("yesterday", today=date(2026, 1, 1)) == date(2025, 12, 31)
    assert parse_day("tomorrow", today=date(2025, 12, 31)) == date(2026, 1, 1)
    assert parse_day("next monday", today=date(2025, 12, 31)) == date(2026, 1, 5)
    assert parse_day("in 1 month", today=date(2026, 1, 31)) == date(2026, 2, 28)


# --------------------------------------------------------------------------- ensure_not_future


@pytest.mark.parametrize(
    "at",
    [
        NOW,
        NOW - timedelta(days=400),
        NOW + timedelta(minutes=5),
        NOW + timedelta(minutes=4, seconds=59),
    ],
)
def test_not_future_accepts(at: datetime) -> None:
    ensure_not_future(at, now=NOW)


@pytest.mark.parametrize(
    "at",
    [NOW + timedelta(minutes=5, seconds=1), NOW + timedelta(hours=2), DT(2026, 5, 21, 12, 0)],
)
def test_not_future_refuses(at: datetime) -> None:
    with pytest.raises(InvalidInput, match="is in the future"):
        ensure_not_future(at, now=NOW)


def test_not_future_with_parsed_phrases() -> None:
    ensure_not_future(parse_when("today", now=MORNING), now=MORNING)
    ensure_not_future(parse_when("yesterday", now=MORNING), now=MORNING)
    with pytest.raises(InvalidInput, match="future"):
        ensure_not_future(parse_when("tomorrow", now=MORNING), now=MORNING)


def test_not_future_by_the_real_clock() -> None:
    ensure_not_future(datetime.now(), now=Clock().now())
    with pytest.raises(InvalidInput):
        ensure_not_future(datetime.now() + timedelta(hours=1), now=Clock().now())


def test_a_day_counts_from_the_given_moment_or_the_end_of_today() -> None:
    assert parse_day("3 hours ago", today=TODAY, now=DT(2026, 5, 20, 1, 0)) == date(2026, 5, 19)
    assert parse_day("3 hours ago", today=TODAY) == TODAY


# --------------------------------------------------------------------------- properties

_FRAGMENTS = st.sampled_from(
    [
        "2026",
        "-05",
        "-14",
        "T",
        ":",
        "15",
        "30",
        " ",
        "am",
        "pm",
        "at",
        "on",
        "in",
        "ago",
        "a",
        "an",
        "hour",
        "days",
        "weeks",
        "months",
        "years",
        "99999999999",
        "today",
        "yesterday",
        "tomorrow",
        "now",
        "last",
        "next",
        "friday",
        "May",
        "+02:00",
        "Z",
        ".",
        "/",
    ]
)
_TEXTS = st.one_of(st.text(max_size=40), st.lists(_FRAGMENTS, max_size=8).map("".join))
_NOWS = st.datetimes(min_value=DT(1900, 1, 1), max_value=DT(9999, 12, 31, 23, 59, 59))


@settings(max_examples=400, deadline=None)
@given(text=_TEXTS, now=_NOWS)
def test_parse_when_returns_a_datetime_or_invalid_input(text: str, now: datetime) -> None:
    try:
        result = parse_when(text, now=now)
    except InvalidInput as error:
        assert str(error)
        return
    assert isinstance(result, datetime)
    assert result.tzinfo is None
    assert result.microsecond == 0
    assert 1900 <= result.year <= 9999


@settings(max_examples=200, deadline=None)
@given(text=_TEXTS, today=st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)))
def test_parse_day_returns_a_date_or_invalid_input(text: str, today: date) -> None:
    try:
        result = parse_day(text, today=today)
    except InvalidInput:
        return
    assert type(result) is date
