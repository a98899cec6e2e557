"""JSON written as it is produced: a document whose rows arrive from an iterator.

`write_json(document, out)` writes exactly the text of `to_json(document) + "\\n"`
(`views/cells.py`: two-space indent, UTF-8 as it is, dates in ISO form), but a value that
is an iterator (a generator of rows straight from the database cursor) is written one
element at a time instead of being gathered into a list first. A report of 80,000
customers then holds one batch of rows in memory rather than every row, every dict and
the whole text at once. Lists, tuples and dicts are written as `json` writes them.

The common shapes (dicts and lists of strings, numbers, booleans, None and dates) are
formatted here with the C string encoder, several times faster than `json.dumps` with an
indent, which runs in pure Python; anything else falls back to `json.dumps` itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import IO, Any

from incidentlog.views.cells import to_json

try:  # the C string encoder behind json.dumps(ensure_ascii=False)
    from _json import encode_basestring as _string  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - CPython always has it
    from json.encoder import py_encode_basestring as _string  # type: ignore[attr-defined, unused-ignore]

INDENT = "  "
# Rows written to `out` at a time: one write per batch, never the whole document.
BATCH = 256

_INF = float("inf")


class _Unusual(Exception):
    """A value the fast formatter leaves to `json.dumps` (non-text keys, other types)."""


def write_json(document: Any, out: IO[str]) -> None:
    """Write `document` as `to_json(document)` plus a newline, streaming its iterators."""
    pending: list[str] = []
    for chunk in _chunks(document, 0):
        pending.append(chunk)
        if len(pending) >= BATCH:
            out.write("".join(pending))
            pending.clear()
    pending.append("\n")
    out.write("".join(pending))


def _chunks(value: Any, level: int) -> Iterator[str]:
    """The text of `value` at nesting `level`, in pieces; iterators one element a piece."""
    if _streamed(value):
        yield from _stream_array(value, level)
    elif isinstance(value, dict) and any(_streamed(v) for v in value.values()):
        yield from _stream_object(value, level)
    else:
        yield encode(value, level)


def _streamed(value: Any) -> bool:
    # Rows are dicts: they skip the (slower) abstract-class check.
    return not isinstance(value, dict | list | str) and isinstance(value, Iterator)


def _stream_array(items: Iterator[Any], level: int) -> Iterator[str]:
    inner = "\n" + INDENT * (level + 1)
    first = True
    for item in items:
        if first:
            yield "[" + inner
            first = False
        else:
            yield "," + inner
        # A row of a streamed array is written whole (rows hold no iterators of their own).
        if _streamed(item):
            yield from _stream_array(item, level + 1)
        else:
            yield encode(item, level + 1)
    yield "[]" if first else "\n" + INDENT * level + "]"


def _stream_object(value: dict[Any, Any], level: int) -> Iterator[str]:
    if not all(isinstance(k, str) for k in value):
        # json turns numbers and None into text keys; no streamed document has such keys.
        raise TypeError("a streamed JSON object needs text keys")
    inner = "\n" + INDENT * (level + 1)
    first = True
    for key, item in value.items():
        yield ("{" if first else ",") + inner + _string(key) + ": "
        first = False
        yield from _chunks(item, level + 1)
    yield "{}" if first else "\n" + INDENT * level + "}"


def encode(value: Any, level: int = 0) -> str:
    """`value` as `to_json` writes it, placed at nesting `level` (its inner lines indented)."""
    try:
        return _encode(value, level)
    except _Unusual:
        text = to_json(value)
        return text.replace("\n", "\n" + INDENT * level) if level else text


def _encode(value: Any, level: int) -> str:
    kind = type(value)
    if kind is str:
        return str(_string(value))
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if kind is dict:
        if not value:
            return "{}"
        heads = _heads(level + 1)
        parts = []
        for key, item in value.items():
            head = heads.get(key)
            if head is None:
                if type(key) is not str:
                    raise _Unusual
                head = heads[key] = INDENT * (level + 1) + _string(key) + ": "
            # The usual cells (text, whole numbers, nothing) without a call each.
            inner = type(item)
            if inner is str:
                parts.append(head + _string(item))
            elif inner is int:
                parts.append(head + int.__repr__(item))
            elif item is None:
                parts.append(head + "null")
            else:
                parts.append(head + _encode(item, level + 1))
        return "{\n" + ",\n".join(parts) + "\n" + INDENT * level + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        pad = INDENT * (level + 1)
        if all(type(item) is str for item in value):
            body = (",\n" + pad).join([_string(item) for item in value])
        else:
            body = (",\n" + pad).join([_encode(item, level + 1) for item in value])
        return "[\n" + pad + body + "\n" + INDENT * level + "]"
    return _other(value, level)


# Per nesting level, each key as it opens its line ('    "customer": '): rows repeat them.
_HEADS: list[dict[str, str]] = []


def _heads(level: int) -> dict[str, str]:
    while len(_HEADS) <= level:
        _HEADS.append({})
    heads = _HEADS[level]
    if len(heads) > 10_000:  # keys are column names; a document of other keys stays bounded
        heads.clear()
    return heads


def _other(value: Any, level: int) -> str:
    """The rarer values: booleans, floats, subclasses, dates; anything else goes to json."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return str(_string(value))
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value == _INF:
            return "Infinity"
        if value == -_INF:
            return "-Infinity"
        return float.__repr__(value)
    if isinstance(value, dict | list | tuple):
        # A subclass: formatted as its plain form is (ReportDocument, named tuples).
        plain = dict(value) if isinstance(value, dict) else list(value)
        return _encode(plain, level)
    if isinstance(value, dt.datetime | dt.date):
        return str(_string(value.isoformat()))
    raise _Unusual
