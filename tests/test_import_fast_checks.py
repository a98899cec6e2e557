"""The quick paths of the import's row checks answer as the full checks do: the same value,
or the same message."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from incidentlog.core import names
from incidentlog.transfer import checks
from incidentlog.transfer.columns import BadValue
from incidentlog.transfer.sources import may_be_defused

# Text around the edges the checks care about: spaces of every kind, NUL, quotes, the
# separator the joined row uses, and lengths either side of the limits.
EDGY = st.sampled_from([" ", "\t", "\n", "\u00a0", "\u2003", "\x00", "'", "\x1f", "=", "é", "a"])
TEXT = st.one_of(
    st.text(),
    st.lists(EDGY, max_size=12).map("".join),
    st.integers(names.MAX_NAME - 2, names.MAX_NAME + 2).map(lambda n: " x" + "y" * n + " "),
    st.integers(names.MAX_TEXT - 2, names.MAX_TEXT + 2).map(lambda n: " " + "z" * n),
)
VALUE = st.one_of(TEXT, st.none(), st.integers(), st.booleans(), st.lists(TEXT, max_size=3))


def _outcome(check: Any, *args: Any) -> tuple[str, Any]:
    try:
        return ("value", check(*args))
    except BadValue as bad:
        return ("error", (bad.column, bad.problem))


def _slow_free_text(column: str, value: Any) -> str:
    """_free_text as it was before its quick path."""
    if not value:
        return ""
    text = (value if isinstance(value, str) else checks._text(value)).strip()
    if "\x00" in text:
        raise BadValue(column, "contains a NUL character (\\x00).")
    if len(text) > names.MAX_TEXT:
        raise BadValue(column, f"too long ({len(text)} characters; at most {names.MAX_TEXT}).")
    return text


@given(VALUE)
def test_plain_name_is_the_name_check_or_defers_to_it(value: Any) -> None:
    quick = checks._plain_name(value)
    full = _outcome(checks._name, "customer", value)
    if quick is not None:
        assert full == ("value", quick)


@given(VALUE)
def test_free_text_quick_path_answers_as_the_full_check(value: Any) -> None:
    assert _outcome(checks._free_text, "description", value) == _outcome(
        _slow_free_text, "description", value
    )


@given(st.lists(TEXT, min_size=1, max_size=8))
def test_the_joined_row_search_misses_no_defused_value(values: list[str]) -> None:
    if any(v[:1] == "'" for v in values):
        assert may_be_defused(values)
    else:
        # A false alarm is allowed only where a value holds the separator itself.
        assert not may_be_defused(values) or any("\x1f" in v for v in values)


@given(st.text(), st.one_of(st.none(), st.text()))
def test_customer_identity_is_the_one_add_gives(name: str, contact: str | None) -> None:
    import datetime as dt

    checker = checks.Checker(dt.datetime(2026, 5, 20, 12))
    try:
        identity, number = checker.customer(name, contact)
    except BadValue:
        return
    assert number == 1
    assert identity == names.customer_key(" ".join(name.split()), contact)
    assert checker.customer(name, contact) == (identity, 1)
