"""JSON written as rows arrive: the same text as the whole document at once, and lazily."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidentlog.views.cells import to_json
from incidentlog.views.render import write_csv
from incidentlog.views.streaming import BATCH, encode, write_json

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.dates(),
    st.datetimes(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=5), inner, max_size=4),
        # Keys json turns into text: left to json itself, with the same result.
        st.dictionaries(st.integers() | st.none() | st.booleans(), inner, max_size=3),
    ),
    max_leaves=20,
)


def written(document: Any) -> str:
    out = io.StringIO()
    write_json(document, out)
    return out.getvalue()


@settings(max_examples=300, deadline=None)
@given(values)
def test_any_value_is_written_as_to_json_writes_it(value: Any) -> None:
    assert written(value) == to_json(value) + "\n"
    assert encode(value, 0) == to_json(value)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.text(max_size=6), values, max_size=4),
    st.lists(st.dictionaries(st.text(max_size=6), values, max_size=5), max_size=6),
)
def test_a_document_with_streamed_rows_is_the_same_text(
    head: dict[str, Any], rows: list[dict[str, Any]]
) -> None:
    document = {**head, "rows": rows, "after": 1}
    streamed = {**head, "rows": iter(rows), "after": 1}
    assert written(streamed) == to_json(document) + "\n"
    # A bare array of rows, too.
    assert written(iter(rows)) == to_json(rows) + "\n"


def test_a_report_shape_with_unicode_dates_and_no_rows() -> None:
    row = {
        "customer": 'Zoë "Z" Łukasz\u2028',
        "contact": None,
        "incidents": 3,
        "first": dt.date(2026, 5, 1),
        "rate": 0.1 + 0.2,
        "reasons": ["billing", "late\ndelivery"],
        "none": [],
        "nested": {},
    }
    for rows in ([], [row], [row, row]):
        document = {"report": "x", "period": {"start": "2026-05-01"}, "rows": rows, "n": None}
        assert written({**document, "rows": iter(rows)}) == to_json(document) + "\n"
        json.loads(written({**document, "rows": iter(rows)}))


def test_rows_are_written_before_the_last_one_is_made() -> None:
    out = io.StringIO()
    made = 0

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal made
        for n in range(BATCH * 10):
            # Long before the end, what came first is already out: nothing gathers them.
            if n == BATCH * 5:
                assert '"n": 1,' in out.getvalue(), "rows were held back"
            made += 1
            yield {"n": n, "name": f"customer {n}"}

    write_json({"report": "x", "rows": rows()}, out)
    assert made == BATCH * 10
    assert json.loads(out.getvalue())["rows"][-1] == {
        "n": BATCH * 10 - 1,
        "name": f"customer {BATCH * 10 - 1}",
    }


def test_csv_rows_are_written_before_the_last_one_is_made() -> None:
    out = io.StringIO()

    def rows() -> Iterator[dict[str, Any]]:
        for n in range(1000):
            if n == 500:
                assert "\n1,customer 1\n" in out.getvalue(), "rows were held back"
            yield {"n": n, "name": f"customer {n}"}

    write_csv(rows(), ["n", "name"], out)
    assert out.getvalue().count("\n") == 1001


def test_a_streamed_object_needs_text_keys() -> None:
    with pytest.raises(TypeError):
        written({1: iter([1])})
