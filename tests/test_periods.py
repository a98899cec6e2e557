"""Period expressions: parse_period, period_from_options, parse_week, month arithmetic, and
the clock relative expressions count from."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidentlog.core import periods
from incidentlog.core.clock import TODAY_ENV, Clock
from incidentlog.core.errors import InvalidInput
from incidentlog.core.periods import (
    EARLIEST,
    Period,
    add_months,
    months_back,
    parse_period,
    parse_week,
    period_from_options,
)

TODAY = date(2026, 5, 20)  # a Wednesday
D = date


@pytest.fixture(autouse=True)
def _no_fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TODAY_ENV, raising=False)


def span(expr: str, today: date = TODAY) -> tuple[date, date]:
    period = parse_period(expr, today=today)
    return period.start, period.end


# --------------------------------------------------------------------------- absolute forms

ABSOLUTE = [
    # months, including month ends and leap years
    ("2026-01", D(2026, 1, 1), D(2026, 1, 31)),
    ("2026-02", D(2026, 2, 1), D(2026, 2, 28)),
    ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
    ("2000-02", D(2000, 2, 1), D(2000, 2, 29)),
    ("1900-02", D(1900, 2, 1), D(1900, 2, 28)),
    ("2026-03", D(2026, 3, 1), D(2026, 3, 31)),
    ("2026-04", D(2026, 4, 1), D(2026, 4, 30)),
    ("2026-12", D(2026, 12, 1), D(2026, 12, 31)),
    ("2026-3", D(2026, 3, 1), D(2026, 3, 31)),
    # quarters
    ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
    ("2026-Q2", D(2026, 4, 1), D(2026, 6, 30)),
    ("2026-q2", D(2026, 4, 1), D(2026, 6, 30)),
    ("2026-Q3", D(2026, 7, 1), D(2026, 9, 30)),
    ("2026-Q4", D(2026, 10, 1), D(2026, 12, 31)),
    ("2026 Q2", D(2026, 4, 1), D(2026, 6, 30)),
    ("Q2 2026", D(2026, 4, 1), D(2026, 6, 30)),
    # years
    ("2026", D(2026, 1, 1), D(2026, 12, 31)),
    ("2024", D(2024, 1, 1), D(2024, 12, 31)),
    ("1900", D(1900, 1, 1), D(1900, 12, 31)),
    ("9999", D(9999, 1, 1), D(9999, 12, 31)),
    # ISO weeks, Monday to Sunday, ISO-year semantics across the new year
    ("2026-W14", D(2026, 3, 30), D(2026, 4, 5)),
    ("2026-w14", D(2026, 3, 30), D(2026, 4, 5)),
    ("2026-W01", D(2025, 12, 29), D(2026, 1, 4)),
    ("2026-W1", D(2025, 12, 29), D(2026, 1, 4)),
    ("2026-W53", D(2026, 12, 28), D(2027, 1, 3)),
    ("2020-W53", D(2020, 12, 28), D(2021, 1, 3)),
    ("2021-W01", D(2021, 1, 4), D(2021, 1, 10)),
    ("2021-W52", D(2021, 12, 27), D(2022, 1, 2)),
    ("2015-W53", D(2015, 12, 28), D(2016, 1, 3)),
    ("2027-W01", D(2027, 1, 4), D(2027, 1, 10)),
    # single days
    ("2026-03-01", D(2026, 3, 1), D(2026, 3, 1)),
    ("2024-02-29", D(2024, 2, 29), D(2024, 2, 29)),
    ("2026-12-31", D(2026, 12, 31), D(2026, 12, 31)),
    ("2026-3-1", D(2026, 3, 1), D(2026, 3, 1)),
    # inclusive ranges; each side may be any expression
    ("2026-03-01..2026-05-31", D(2026, 3, 1), D(2026, 5, 31)),
    ("2026-03-01 .. 2026-05-31", D(2026, 3, 1), D(2026, 5, 31)),
    ("2026-03..2026-05", D(2026, 3, 1), D(2026, 5, 31)),
    ("2026-Q1..2026-Q2", D(2026, 1, 1), D(2026, 6, 30)),
    ("2025..2026", D(2025, 1, 1), D(2026, 12, 31)),
    ("2026-W01..2026-W02", D(2025, 12, 29), D(2026, 1, 11)),
    ("2026-05-01..2026-05-01", D(2026, 5, 1), D(2026, 5, 1)),
    ("2026-03..2026-03-10", D(2026, 3, 1), D(2026, 3, 10)),
    ("2024-02..2024-02-29", D(2024, 2, 1), D(2024, 2, 29)),
    ("2026-03-15..2026-03", D(2026, 3, 15), D(2026, 3, 31)),
    ("2025-12-20..2026-01-05", D(2025, 12, 20), D(2026, 1, 5)),
    # case and whitespace
    ("  2026-03  ", D(2026, 3, 1), D(2026, 3, 31)),
]


@pytest.mark.parametrize(("expr", "start", "end"), ABSOLUTE)
def test_absolute_forms(expr: str, start: date, end: date) -> None:
    assert span(expr) == (start, end)


@pytest.mark.parametrize(("expr", "start", "end"), ABSOLUTE)
def test_absolute_forms_do_not_depend_on_today(expr: str, start: date, end: date) -> None:
    assert span(expr, today=D(2031, 1, 1)) == (start, end)


# --------------------------------------------------------------------------- relative forms

RELATIVE = [
    ("today", D(2026, 5, 20), D(2026, 5, 20)),
    ("TODAY", D(2026, 5, 20), D(2026, 5, 20)),
    ("yesterday", D(2026, 5, 19), D(2026, 5, 19)),
    ("this-week", D(2026, 5, 18), D(2026, 5, 24)),
    ("this week", D(2026, 5, 18), D(2026, 5, 24)),
    ("last-week", D(2026, 5, 11), D(2026, 5, 17)),
    ("Last Week", D(2026, 5, 11), D(2026, 5, 17)),
    ("this-month", D(2026, 5, 1), D(2026, 5, 31)),
    ("last-month", D(2026, 4, 1), D(2026, 4, 30)),
    ("last month", D(2026, 4, 1), D(2026, 4, 30)),
    ("  last   month ", D(2026, 4, 1), D(2026, 4, 30)),
    ("this-quarter", D(2026, 4, 1), D(2026, 6, 30)),
    ("last-quarter", D(2026, 1, 1), D(2026, 3, 31)),
    ("this-year", D(2026, 1, 1), D(2026, 12, 31)),
    ("last-year", D(2025, 1, 1), D(2025, 12, 31)),
    ("1-month-ago", D(2026, 4, 1), D(2026, 4, 30)),
    ("1-months-ago", D(2026, 4, 1), D(2026, 4, 30)),
    ("a month ago", D(2026, 4, 1), D(2026, 4, 30)),
    ("3-months-ago", D(2026, 2, 1), D(2026, 2, 28)),
    ("3 months ago", D(2026, 2, 1), D(2026, 2, 28)),
    ("5-months-ago", D(2025, 12, 1), D(2025, 12, 31)),
    ("12-months-ago", D(2025, 5, 1), D(2025, 5, 31)),
    ("27-months-ago", D(2024, 2, 1), D(2024, 2, 29)),
    ("1-week-ago", D(2026, 5, 11), D(2026, 5, 17)),
    ("2-weeks-ago", D(2026, 5, 4), D(2026, 5, 10)),
    ("2 weeks ago", D(2026, 5, 4), D(2026, 5, 10)),
    ("21-weeks-ago", D(2025, 12, 22), D(2025, 12, 28)),
    ("3-days-ago", D(2026, 5, 17), D(2026, 5, 17)),
    ("1-quarter-ago", D(2026, 1, 1), D(2026, 3, 31)),
    ("2-quarters-ago", D(2025, 10, 1), D(2025, 12, 31)),
    ("2-years-ago", D(2024, 1, 1), D(2024, 12, 31)),
    ("last-7-days", D(2026, 5, 14), D(2026, 5, 20)),
    ("last 7 days", D(2026, 5, 14), D(2026, 5, 20)),
    ("last-1-day", D(2026, 5, 20), D(2026, 5, 20)),
    ("last-30-days", D(2026, 4, 21), D(2026, 5, 20)),
    ("past 30 days", D(2026, 4, 21), D(2026, 5, 20)),
    ("last-2-weeks", D(2026, 5, 7), D(2026, 5, 20)),
    ("last-1-month", D(2026, 4, 21), D(2026, 5, 20)),
    ("last-3-months", D(2026, 2, 21), D(2026, 5, 20)),
    ("last 3 months", D(2026, 2, 21), D(2026, 5, 20)),
    ("last-12-months", D(2025, 5, 21), D(2026, 5, 20)),
    ("last-1-year", D(2025, 5, 21), D(2026, 5, 20)),
    ("all", EARLIEST, D(2026, 5, 20)),
    ("3 months ago..today", D(2026, 2, 1), D(2026, 5, 20)),
    ("last-month..this-month", D(2026, 4, 1), D(2026, 5, 31)),
]


@pytest.mark.parametrize(("expr", "start", "end"), RELATIVE)
def test_relative_forms(expr: str, start: date, end: date) -> None:
    assert span(expr) == (start, end)


@pytest.mark.parametrize(("expr", "start", "end"), RELATIVE)
def test_relative_forms_from_environment(
    monkeypatch: pytest.MonkeyPatch, expr: str, start: date, end: date
) -> None:
    monkeypatch.setenv(TODAY_ENV, "2026-05-20")
    period = parse_period(expr, today=Clock.from_environment().today())
    assert (period.start, period.end) == (start, end)


EDGE_TODAYS = [
    # (today, expression, start, end)
    (D(2026, 1, 1), "last-month", D(2025, 12, 1), D(2025, 12, 31)),
    (D(2026, 1, 1), "this-week", D(2025, 12, 29), D(2026, 1, 4)),
    (D(2026, 1, 1), "last-week", D(2025, 12, 22), D(2025, 12, 28)),
    (D(2026, 1, 1), "last-quarter", D(2025, 10, 1), D(2025, 12, 31)),
    (D(2026, 1, 1), "yesterday", D(2025, 12, 31), D(2025, 12, 31)),
    (D(2026, 3, 31), "1-month-ago", D(2026, 2, 1), D(2026, 2, 28)),
    (D(2026, 3, 31), "last-1-month", D(2026, 3, 1), D(2026, 3, 31)),
    (D(2024, 3, 31), "last-1-month", D(2024, 3, 1), D(2024, 3, 31)),
    (D(2024, 2, 29), "last-12-months", D(2023, 3, 1), D(2024, 2, 29)),
    (D(2026, 5, 18), "this-week", D(2026, 5, 18), D(2026, 5, 24)),  # a Monday
    (D(2026, 5, 24), "this-week", D(2026, 5, 18), D(2026, 5, 24)),  # a Sunday
    (D(2026, 5, 31), "this-month", D(2026, 5, 1), D(2026, 5, 31)),
    (D(2026, 3, 31), "this-quarter", D(2026, 1, 1), D(2026, 3, 31)),
    (D(2026, 4, 1), "this-quarter", D(2026, 4, 1), D(2026, 6, 30)),
    (D(2026, 12, 31), "this-quarter", D(2026, 10, 1), D(2026, 12, 31)),
    (D(2026, 2, 15), "last-quarter", D(2025, 10, 1), D(2025, 12, 31)),
    (D(2024, 3, 1), "last-7-days", D(2024, 2, 24), D(2024, 3, 1)),
]


@pytest.mark.parametrize(("today", "expr", "start", "end"), EDGE_TODAYS)
def test_relative_forms_at_edges(today: date, expr: str, start: date, end: date) -> None:
    assert span(expr, today=today) == (start, end)


def test_named_periods_are_whole() -> None:
    this_month = parse_period("this-month", today=TODAY)
    assert this_month == parse_period("2026-05", today=TODAY)
    assert parse_period("this-week", today=TODAY) == parse_period("2026-W21", today=TODAY)
    assert parse_period("this-quarter", today=TODAY) == parse_period("2026-Q2", today=TODAY)


# --------------------------------------------------------------------------- labels

LABELS = [
    ("2026-05", "May 2026"),
    ("2026-03", "March 2026"),
    ("2026-Q2", "Q2 2026"),
    ("2026", "2026"),
    ("2026-W14", "week 14 2026 (30 Mar–5 Apr)"),
    ("2026-W21", "week 21 2026 (18–24 May)"),
    ("2026-W01", "week 1 2026 (29 Dec–4 Jan)"),
    ("2026-03-01", "1 Mar 2026"),
    ("today", "today 20 May 2026"),
    ("yesterday", "yesterday 19 May 2026"),
    ("this-month", "May 2026"),
    ("last-month", "April 2026"),
    ("this-quarter", "Q2 2026"),
    ("last-year", "2025"),
    ("this-week", "week 21 2026 (18–24 May)"),
    ("2026-03-01..2026-05-31", "1 Mar–31 May 2026"),
    ("2026-05-01..2026-05-15", "1–15 May 2026"),
    ("2025-12-20..2026-01-05", "20 Dec 2025–5 Jan 2026"),
    ("2026-04-01..2026-06-30", "Q2 2026"),
    ("2026-05-01..2026-05-31", "May 2026"),
    ("2026-01-01..2026-12-31", "2026"),
    ("last-7-days", "last 7 days (14–20 May 2026)"),
    ("last-1-day", "last 1 day (20 May 2026)"),
    ("last-3-months", "last 3 months (21 Feb–20 May 2026)"),
    ("all", "all time"),
]


@pytest.mark.parametrize(("expr", "label"), LABELS)
def test_labels(expr: str, label: str) -> None:
    period = parse_period(expr, today=TODAY)
    assert period.label == label
    assert str(period) == label


# --------------------------------------------------------------------------- bad input

BAD = [
    "",
    "   ",
    "foo",
    "next-month",
    "this-decade",
    "2026-13",
    "2026-00",
    "2026-Q0",
    "2026-Q5",
    "2026-W00",
    "2026-W54",
    "2021-W53",
    "2019-W53",
    "2026-02-29",
    "2026-04-31",
    "2026-13-01",
    "0-months-ago",
    "0-weeks-ago",
    "last-0-days",
    "last-0-months",
    "-3-months-ago",
    "last--3-days",
    "1.5-months-ago",
    "99999999999999999999-months-ago",
    "last-99999999999999999999999-days",
    "last-9999999-days",
    "last-5000-years",
    "200000-months-ago",
    "1850",
    "1899-12",
    "0001-01-01",
    "26-03",
    "20260",
    "2026-05-31..2026-05-01",
    "2026-05..2026-04",
    "this-month..last-month",
    "2026-03..",
    "..2026-03",
    "..",
    "2026-03..2026-04..2026-05",
    "2026-03...2026-05",
    "2026-03..foo",
    "foo..2026-03",
    "last-month-ago",
    "monthly",
    "2026-03-01T10:00",
    "3-fortnights-ago",
    "२०२६",  # non-ASCII digits
    "２０２６-０３",
]


@pytest.mark.parametrize("expr", BAD)
def test_bad_expressions_list_accepted_forms(expr: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_period(expr, today=TODAY)
    message = str(caught.value)
    assert "2026-Q2" in message
    assert "last-N-days" in message
    assert "this-week" in message
    assert "\n" not in message
    assert message.count(". ") <= 2


def test_bad_expression_message_names_the_input() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_period("foo", today=TODAY)
    assert str(caught.value) == (
        'Cannot understand period "foo". Use 2026-03, 2026-Q2, 2026, 2026-W14, '
        "2026-03-01..2026-05-31, today, yesterday, this-week|month|quarter|year, "
        "last-week|month|quarter|year, N-months-ago, last-N-days or last-N-months."
    )


@pytest.mark.parametrize(
    ("expr", "detail"),
    [
        ("2021-W53", "2021 has no week 53"),
        ("2026-13", "no month 13"),
        ("2026-Q5", "Q1 to Q4"),
        ("0-months-ago", "positive"),
        ("2026-05..2026-04", "ends before it starts"),
        ("2026-02-30", "no such day"),
    ],
)
def test_bad_expression_messages_say_what_is_wrong(expr: str, detail: str) -> None:
    with pytest.raises(InvalidInput, match=detail):
        parse_period(expr, today=TODAY)


def test_long_or_unprintable_input_is_quoted_safely() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_period("x\n" * 200, today=TODAY)
    message = str(caught.value)
    assert "\n" not in message
    assert len(message) < 400


@pytest.mark.parametrize(
    ("today", "expr"),
    [
        (D(9999, 12, 31), "this-week"),
        (D(9999, 12, 31), "9999-W52"),
        (D(1900, 1, 1), "last-month"),
        (D(1900, 1, 1), "yesterday"),
        (D(1900, 3, 1), "last-3-months"),
    ],
)
def test_out_of_range_is_invalid_input(today: date, expr: str) -> None:
    with pytest.raises(InvalidInput):
        parse_period(expr, today=today)


# --------------------------------------------------------------------------- Period methods


def test_days_and_contains() -> None:
    may = parse_period("2026-05", today=TODAY)
    assert may.days() == 31
    assert may.contains(D(2026, 5, 1))
    assert may.contains(D(2026, 5, 31))
    assert not may.contains(D(2026, 4, 30))
    assert not may.contains(D(2026, 6, 1))
    assert may.contains(datetime(2026, 5, 31, 23, 59, 59))
    assert not may.contains(datetime(2026, 6, 1, 0, 0))
    assert parse_period("2024", today=TODAY).days() == 366
    assert parse_period("2026-W14", today=TODAY).days() == 7
    assert parse_period("2026-03-01", today=TODAY).days() == 1


MONTHS_SPANNED = [
    ("2026-Q2", 3.0),
    ("2026-Q1", 3.0),
    ("2026-05", 1.0),
    ("2026-02", 1.0),
    ("2024-02", 1.0),
    ("2026", 12.0),
    ("2026-05-01..2026-05-15", 15 / 31),
    ("2026-05-01", 1 / 31),
    ("2024-02-01..2024-02-15", 15 / 29),
    ("2026-04-16..2026-05-15", 15 / 30 + 15 / 31),
    ("2026-04-21..2026-05-20", 10 / 30 + 20 / 31),
    ("2025-12-17..2026-01-31", 15 / 31 + 1.0),
    ("2026-03..2026-05", 3.0),
    ("9999-12", 1.0),
]


@pytest.mark.parametrize(("expr", "months"), MONTHS_SPANNED)
def test_months_spanned(expr: str, months: float) -> None:
    assert parse_period(expr, today=TODAY).months_spanned() == pytest.approx(months, abs=1e-12)


def test_months_spanned_is_exact_for_whole_months() -> None:
    assert parse_period("2026-Q2", today=TODAY).months_spanned() == 3.0
    assert parse_period("2026-05", today=TODAY).months_spanned() == 1.0
    assert parse_period("last-12-months", today=TODAY).months_spanned() == 12.0


@pytest.mark.parametrize(
    ("today", "elapsed"),
    [
        (D(2026, 4, 30), 0),
        (D(2026, 5, 1), 1),
        (D(2026, 5, 20), 20),
        (D(2026, 5, 31), 31),
        (D(2026, 6, 1), 31),
        (D(2027, 1, 1), 31),
    ],
)
def test_days_elapsed(today: date, elapsed: int) -> None:
    assert parse_period("2026-05", today=TODAY).days_elapsed(today) == elapsed


def test_as_json() -> None:
    assert parse_period("2026-05", today=TODAY).as_json() == {
        "start": "2026-05-01",
        "end": "2026-05-31",
    }
    assert parse_period("2026-W01", today=TODAY).as_json() == {
        "start": "2025-12-29",
        "end": "2026-01-04",
    }


def test_period_is_frozen_and_hashable() -> None:
    period = Period(D(2026, 5, 1), D(2026, 5, 31), "May 2026")
    with pytest.raises(AttributeError):
        period.start = D(2026, 1, 1)  # type: ignore[misc]
    assert {period, parse_period("2026-05", today=TODAY)} == {period}


# --------------------------------------------------------------------------- month arithmetic

ADD_MONTHS = [
    (D(2026, 1, 31), 1, D(2026, 2, 28)),
    (D(2024, 1, 31), 1, D(2024, 2, 29)),
    (D(2024, 2, 29), 12, D(2025, 2, 28)),
    (D(2024, 2, 29), 48, D(2028, 2, 29)),
    (D(2024, 2, 29), -12, D(2023, 2, 28)),
    (D(2026, 3, 31), -1, D(2026, 2, 28)),
    (D(2026, 5, 31), 1, D(2026, 6, 30)),
    (D(2026, 5, 15), 0, D(2026, 5, 15)),
    (D(2026, 5, 20), -3, D(2026, 2, 20)),
    (D(2026, 12, 15), 1, D(2027, 1, 15)),
    (D(2026, 1, 15), -1, D(2025, 12, 15)),
    (D(2026, 8, 31), 6, D(2027, 2, 28)),
    (D(2026, 5, 20), -25, D(2024, 4, 20)),
]


@pytest.mark.parametrize(("d", "n", "expected"), ADD_MONTHS)
def test_add_months(d: date, n: int, expected: date) -> None:
    assert add_months(d, n) == expected


MONTHS_BACK = [
    (D(2026, 5, 20), 0, D(2026, 5, 1)),
    (D(2026, 5, 20), 1, D(2026, 4, 1)),
    (D(2026, 5, 31), 3, D(2026, 2, 1)),
    (D(2026, 1, 31), 1, D(2025, 12, 1)),
    (D(2026, 5, 20), 12, D(2025, 5, 1)),
    (D(2026, 5, 20), 17, D(2024, 12, 1)),
    (D(2026, 5, 20), -1, D(2026, 6, 1)),
]


@pytest.mark.parametrize(("d", "n", "expected"), MONTHS_BACK)
def test_months_back(d: date, n: int, expected: date) -> None:
    assert months_back(d, n) == expected


# --------------------------------------------------------------------------- today / now


def test_today_defaults_to_the_real_date() -> None:
    assert Clock.from_environment().today() == date.today()
    assert Clock().today() == date.today()


def test_today_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TODAY_ENV, "2026-05-20")
    assert Clock.from_environment().today() == TODAY
    monkeypatch.setenv(TODAY_ENV, " 2026-05-20 ")
    assert Clock.from_environment().today() == TODAY
    monkeypatch.setenv(TODAY_ENV, "")
    assert Clock.from_environment().today() == date.today()


@pytest.mark.parametrize(
    "value", ["yesterday", "2026-02-30", "20260520", "2026-5-20", "1850-01-01"]
)
def test_invalid_today_in_environment(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(TODAY_ENV, value)
    with pytest.raises(InvalidInput, match=TODAY_ENV):
        Clock.from_environment()
    with pytest.raises(InvalidInput, match="--today"):
        Clock.pinned_to(value, "--today")


def test_now(monkeypatch: pytest.MonkeyPatch) -> None:
    before = datetime.now().replace(microsecond=0)
    current = Clock.from_environment().now()
    assert current.tzinfo is None
    assert current.microsecond == 0
    assert before <= current <= datetime.now()
    monkeypatch.setenv(TODAY_ENV, "2026-05-20")
    fixed = Clock.from_environment().now()
    assert fixed.date() == TODAY
    assert fixed.microsecond == 0
    # a pinned day's "now" is its last second, whatever the hour
    assert fixed == datetime(2026, 5, 20, 23, 59, 59)


def test_explicit_today_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TODAY_ENV, "2020-01-15")
    assert span("this-month", today=TODAY) == (D(2026, 5, 1), D(2026, 5, 31))
    from_environment = Clock.from_environment().today()
    assert parse_period("this-month", today=from_environment).start == D(2020, 1, 1)


# --------------------------------------------------------------------------- period_from_options


def options(
    period: str | None = None,
    from_: str | None = None,
    to: str | None = None,
    default: str | None = "this-month",
) -> tuple[date, date] | None:
    result = period_from_options(period, from_, to, default=default, today=TODAY)
    return None if result is None else (result.start, result.end)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, (D(2026, 5, 1), D(2026, 5, 31))),
        ({"default": "last-12-months"}, (D(2025, 5, 21), D(2026, 5, 20))),
        ({"default": None}, None),
        ({"period": "last-month"}, (D(2026, 4, 1), D(2026, 4, 30))),
        ({"period": "last-month", "default": None}, (D(2026, 4, 1), D(2026, 4, 30))),
        ({"from_": "2026-03-01", "to": "2026-05-31"}, (D(2026, 3, 1), D(2026, 5, 31))),
        ({"from_": "2026-03", "to": "2026-05"}, (D(2026, 3, 1), D(2026, 5, 31))),
        ({"from_": "2026-05-20", "to": "2026-05-20"}, (D(2026, 5, 20), D(2026, 5, 20))),
        ({"from_": "2026-03-01"}, (D(2026, 3, 1), TODAY)),
        ({"from_": "last-month"}, (D(2026, 4, 1), TODAY)),
        ({"from_": "last friday"}, (D(2026, 5, 15), TODAY)),
        ({"from_": "May 1"}, (D(2026, 5, 1), TODAY)),
        ({"to": "2026-03-31"}, (EARLIEST, D(2026, 3, 31))),
        ({"to": "2026-Q1"}, (EARLIEST, D(2026, 3, 31))),
        ({"from_": "yesterday", "to": "tomorrow"}, (D(2026, 5, 19), D(2026, 5, 21))),
    ],
)
def test_period_from_options(
    kwargs: dict[str, str | None], expected: tuple[date, date] | None
) -> None:
    assert options(**kwargs) == expected


def test_period_from_options_labels() -> None:
    def label(**kwargs: str) -> str:
        result = period_from_options(
            kwargs.get("period"), kwargs.get("from_"), kwargs.get("to"), today=TODAY
        )
        assert result is not None
        return result.label

    assert label(from_="2026-03-01", to="2026-05-31") == "1 Mar–31 May 2026"
    assert label(from_="2026-05-01", to="2026-05-31") == "May 2026"
    assert label(from_="2026-03-01") == "1 Mar–20 May 2026"
    assert label(to="2026-03-31") == "until 31 Mar 2026"
    assert label() == "May 2026"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"period": "this-month", "from_": "2026-03-01"}, "not both"),
        ({"period": "this-month", "to": "2026-03-01"}, "not both"),
        ({"period": "this-month", "from_": "2026-01-01", "to": "2026-03-01"}, "not both"),
        ({"from_": "2026-05-31", "to": "2026-05-01"}, "before --from"),
        ({"from_": "2026-06-01"}, "after today"),
        ({"from_": "blah", "to": "2026-05-01"}, '--from "blah"'),
        ({"from_": "2026-05-01", "to": "blah"}, '--to "blah"'),
        ({"period": "blah"}, "last-N-days"),
        ({"default": "blah"}, "last-N-days"),
        ({"period": ""}, "empty"),
        ({"from_": ""}, "--from"),
    ],
)
def test_period_from_options_errors(kwargs: dict[str, str | None], match: str) -> None:
    with pytest.raises(InvalidInput, match=match):
        options(**kwargs)


def test_period_from_options_uses_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TODAY_ENV, "2026-05-20")
    today = Clock.from_environment().today()
    result = period_from_options(None, None, None, today=today)
    assert result is not None
    assert (result.start, result.end) == (D(2026, 5, 1), D(2026, 5, 31))
    result = period_from_options(None, "2026-05-01", None, today=today)
    assert result is not None
    assert result.end == TODAY


# --------------------------------------------------------------------------- parse_week

WEEKS = [
    ("2026-W14", D(2026, 3, 30)),
    ("2026-w01", D(2025, 12, 29)),
    ("2020-W53", D(2020, 12, 28)),
    ("this-week", D(2026, 5, 18)),
    ("this week", D(2026, 5, 18)),
    ("last-week", D(2026, 5, 11)),
    ("2-weeks-ago", D(2026, 5, 4)),
    ("2026-05-14", D(2026, 5, 11)),
    ("2026-05-17", D(2026, 5, 11)),  # a Sunday
    ("2026-05-18", D(2026, 5, 18)),  # a Monday
    ("2026-01-01", D(2025, 12, 29)),
    ("today", D(2026, 5, 18)),
    ("yesterday", D(2026, 5, 18)),
    ("last friday", D(2026, 5, 11)),
    ("2026-05-11..2026-05-17", D(2026, 5, 11)),
    ("last-7-days", None),
]


@pytest.mark.parametrize(("expr", "monday"), WEEKS)
def test_parse_week(expr: str, monday: date | None) -> None:
    if monday is None:
        with pytest.raises(InvalidInput, match="as a week"):
            parse_week(expr, today=TODAY)
        return
    week = parse_week(expr, today=TODAY)
    assert week.start == monday
    assert week.days() == 7
    assert week.label.startswith("week ")


@pytest.mark.parametrize(
    "expr",
    ["2026-05", "2026-Q2", "this-month", "2026-05-12..2026-05-18", "2021-W53", "blah", ""],
)
def test_parse_week_rejects_non_weeks(expr: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_week(expr, today=TODAY)
    assert "2026-W14" in str(caught.value)


def test_parse_week_uses_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TODAY_ENV, "2026-05-20")
    assert parse_week("last-week", today=Clock.from_environment().today()).start == D(2026, 5, 11)


# --------------------------------------------------------------------------- properties

_FRAGMENTS = st.sampled_from(
    [
        "2026",
        "-",
        "..",
        " ",
        "q",
        "Q2",
        "w",
        "W53",
        "03",
        "13",
        "0",
        "00",
        "1",
        "99999999",
        "last",
        "this",
        "past",
        "month",
        "months",
        "week",
        "weeks",
        "day",
        "days",
        "quarter",
        "year",
        "ago",
        "a",
        "today",
        "yesterday",
        "all",
    ]
)
_EXPRESSIONS = st.one_of(st.text(max_size=40), st.lists(_FRAGMENTS, max_size=8).map("".join))
_TODAYS = st.dates(min_value=D(1900, 1, 1), max_value=D(9999, 12, 31))


@settings(max_examples=400, deadline=None)
@given(expr=_EXPRESSIONS, today=_TODAYS)
def test_parse_period_returns_a_period_or_invalid_input(expr: str, today: date) -> None:
    try:
        period = parse_period(expr, today=today)
    except InvalidInput as error:
        assert str(error)
        return
    assert EARLIEST <= period.start <= period.end
    assert period.days() >= 1
    assert period.label
    assert period.months_spanned() > 0


@settings(max_examples=200, deadline=None)
@given(expr=_EXPRESSIONS, today=_TODAYS)
def test_parse_week_returns_a_week_or_invalid_input(expr: str, today: date) -> None:
    try:
        week = parse_week(expr, today=today)
    except InvalidInput:
        return
    assert week.start.weekday() == 0
    assert week.days() == 7


@settings(max_examples=200, deadline=None)
@given(d=_TODAYS, n=st.integers(min_value=-1200, max_value=1200))
def test_add_months_properties(d: date, n: int) -> None:
    try:
        result = add_months(d, n)
    except (ValueError, OverflowError):
        return
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == n
    assert result.day == d.day or result.day < d.day
    assert months_back(d, -n) == result.replace(day=1)


# --------------------------------------------------------------------------- start-up cost


def test_modules_import_only_the_standard_library() -> None:
    src = Path(periods.__file__).resolve().parents[1]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]),
    }
    code = (
        "import sys, incidentlog\n"
        "before = set(sys.modules)\n"
        "import incidentlog.core.periods, incidentlog.core.dates, incidentlog.core.clock\n"
        "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "bad = sorted(new - set(sys.stdlib_module_names) - {'incidentlog'})\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dates_does_not_import_periods() -> None:
    """The clock is the bottom; periods reads days with dates, and dates needs no periods."""
    src = Path(periods.__file__).resolve().parents[1]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]),
    }
    code = (
        "import sys, incidentlog.core.dates\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('incidentlog.'))\n"
        "print(loaded)\n"
        "sys.exit(1 if 'incidentlog.core.periods' in loaded else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "incidentlog.core.clock" in result.stdout
