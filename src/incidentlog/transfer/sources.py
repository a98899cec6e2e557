"""Where imported rows come from: a CSV or JSON file read streaming, or generated rows."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from incidentlog.core.errors import InvalidInput
from incidentlog.transfer.columns import (
    ALIASES,
    DEMO_COLUMN,
    IGNORED_COLUMNS,
    INCIDENT_COLUMNS,
    INCIDENT_REQUIRED,
    KINDS,
    TRAINING_COLUMNS,
    TRAINING_REQUIRED,
    BadValue,
    RowError,
)
from incidentlog.transfer.formulas import undefused


@dataclass
class Source:
    """Rows to import: `rows()` yields (number, values), values in `columns` order; `unit`
    names what the number counts ("line" of a CSV file, "record" of a JSON array, "row" of
    generated data)."""

    name: str
    kind: str
    columns: list[str]
    rows: Callable[[], Iterator[tuple[int, Sequence[Any]]]]
    unit: str = "line"
    size: int = 0
    position: Callable[[], int] | None = None

    def where(self, number: int) -> str:
        return f"{self.name} {self.unit} {number}"


def normalise_column(name: str) -> str:
    column = "_".join(str(name).strip().lower().replace("-", " ").split())
    return ALIASES.get(column, column)


def open_file(path: Path, kind: str | None = None) -> Source:
    """A CSV or JSON file as a Source; the kind is taken from its columns unless given."""
    if kind is not None and kind not in KINDS:
        raise InvalidInput(f'Unknown kind "{kind}". Use incidents or training.')
    if not path.exists():
        raise InvalidInput(f"No such file: {path}.")
    if path.is_dir():
        raise InvalidInput(f"{path} is a directory, not a CSV or JSON file.")
    try:
        with path.open("rb") as raw:
            start = raw.read(4096)
    except OSError as exc:
        raise InvalidInput(f"Cannot read {path}: {exc.strerror}.") from exc
    if start.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
        return _json_source(path, kind)
    return _csv_source(path, kind)


def _check_columns(source_name: str, columns: list[str], kind: str | None) -> str:
    present = set(columns)
    if kind is None:
        if "customer" in present:
            kind = "incidents"
        elif present & {"topic", "agents", "minutes"}:
            kind = "training"
        else:
            raise InvalidInput(
                f"{source_name}: cannot tell whether it holds incidents or training sessions "
                "(no customer or topic column); pass --kind incidents or --kind training."
            )
    expected = INCIDENT_COLUMNS if kind == "incidents" else TRAINING_COLUMNS
    required = INCIDENT_REQUIRED if kind == "incidents" else TRAINING_REQUIRED
    missing = [c for c in required if c not in present]
    if missing:
        raise InvalidInput(
            f"{source_name} line 1: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (the {kind} columns are {','.join(expected)})."
        )
    unknown = [
        c for c in columns if c not in expected and c not in IGNORED_COLUMNS and c != DEMO_COLUMN
    ]
    if unknown:
        raise InvalidInput(
            f"{source_name} line 1: unknown column{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(unknown)} (the {kind} columns are {','.join(expected)})."
        )
    seen: set[str] = set()
    for column in columns:
        if column in seen and column not in IGNORED_COLUMNS:
            raise InvalidInput(f"{source_name} line 1: column {column} appears twice.")
        seen.add(column)
    return kind


class _CountingReader(io.RawIOBase):
    """Counts the bytes the CSV reader has taken from the file, for the progress bar."""

    def __init__(self, raw: io.BufferedReader) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer)
        self.count += n or 0
        return n or 0


def _first_bad_utf8_line(path: Path) -> int:
    with path.open("rb") as raw:
        for number, line in enumerate(raw, 1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1


def may_be_defused(values: list[str]) -> bool:
    """Whether a value of the row may start with a ' (a defused formula): one search of
    the joined row rather than a look at each value; a separator inside a value only
    costs the look at each value it spares."""
    return "\x1f'" in "\x1f".join(values) or values[0][:1] == "'"


def _csv_source(path: Path, kind: str | None) -> Source:
    name = path.name
    try:
        with path.open(encoding="utf-8-sig", newline="") as text:
            first = text.readline()
    except UnicodeDecodeError:
        # The first read decodes a whole buffer: find the line the bad byte is really on.
        raise InvalidInput(
            f"{name} line {_first_bad_utf8_line(path)}: the file is not UTF-8 text; "
            "save it as CSV UTF-8."
        ) from None
    if not first.strip():
        raise InvalidInput(f"{name}: the file is empty; it needs a header row of column names.")
    # Spreadsheets in many countries write `;` or tabs between values.
    delimiter = max((",", ";", "\t"), key=first.count)
    header = next(csv.reader([first], delimiter=delimiter))
    columns = [normalise_column(c) for c in header]
    kind = _check_columns(name, columns, kind)
    width = len(columns)
    counter: list[_CountingReader] = []

    def rows() -> Iterator[tuple[int, Sequence[Any]]]:
        with path.open("rb") as binary:
            counting = _CountingReader(binary)
            counter[:] = [counting]
            text = io.TextIOWrapper(io.BufferedReader(counting), encoding="utf-8-sig", newline="")
            reader = csv.reader(text, delimiter=delimiter, strict=True)
            line = 0
            try:
                next(reader)
                for values in reader:
                    number, line = line + 1 if line else 2, reader.line_num
                    if len(values) != width:
                        if not any(v.strip() for v in values):
                            continue  # a blank line
                        raise RowError(
                            f"{name} line {number}",
                            None,
                            f"{len(values)} values, but the header names {width} columns.",
                        )
                    if may_be_defused(values):
                        values = [undefused(v) for v in values]
                    yield number, values
            except UnicodeDecodeError:
                bad = _first_bad_utf8_line(path)
                raise InvalidInput(
                    f"{name} line {bad}: the file is not UTF-8 text; save it as CSV UTF-8. "
                    "Nothing was imported."
                ) from None
            except csv.Error as exc:
                raise InvalidInput(
                    f"{name} line {reader.line_num}: malformed CSV ({exc}). Nothing was imported."
                ) from None

    return Source(
        name=name,
        kind=kind,
        columns=columns,
        rows=rows,
        size=path.stat().st_size,
        position=lambda: counter[0].count if counter else 0,
    )


class _JsonObject(dict[str, Any]):
    """A JSON object that remembers a key it met twice (json keeps the last silently)."""

    twice: str | None = None


def _json_object(pairs: list[tuple[str, Any]]) -> _JsonObject:
    obj = _JsonObject()
    for key, value in pairs:
        if key in obj and obj.twice is None:
            obj.twice = key
        obj[key] = value
    return obj


# Longer numbers are no count, id or minutes anyone means (and slow to convert).
MAX_JSON_DIGITS = 30


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_JSON_DIGITS:
        raise ValueError(f"a number of {len(text.lstrip('-')):,} digits")
    return int(text)


def _json_constant(text: str) -> Any:
    raise ValueError(f"{text} is not a JSON number")


def _load_json(path: Path) -> Any:
    name = path.name
    try:
        return json.loads(
            path.read_text(encoding="utf-8-sig"),
            object_pairs_hook=_json_object,
            parse_int=_json_int,
            parse_constant=_json_constant,
        )
    except UnicodeDecodeError:
        raise InvalidInput(
            f"{name} line {_first_bad_utf8_line(path)}: the file is not UTF-8 text."
        ) from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{name} line {exc.lineno}: malformed JSON ({exc.msg}).") from None
    except RecursionError:
        raise InvalidInput(
            f"{name}: the JSON is nested too deeply; expected an array of flat objects, "
            "as `export` writes."
        ) from None
    except ValueError as exc:  # from the hooks above, or a float out of range
        raise InvalidInput(f"{name}: cannot read the JSON ({exc}).") from None


# What a JSON value must be in each column: text (or null) unless listed here.
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "resolved": (bool, str),
    "minutes": (int, str),
    "id": (int, str),
    "agents": (list, str),
    "cost": (int, float, str),
}
_JSON_TYPE_NAMES = {
    bool: "true or false",
    int: "a number",
    float: "a number",
    list: "a list",
    dict: "an object",
    str: "text",
}


def _check_json_value(column: str, value: Any) -> None:
    """No silent coercion: 5 or {"x": 1} is not a name."""
    if value is None:
        return
    if column not in INCIDENT_COLUMNS and column not in TRAINING_COLUMNS:
        return  # derived keys of `list` output, ignored
    allowed = _JSON_TYPES.get(column, (str,))
    ok = isinstance(value, allowed) and not (isinstance(value, bool) and bool not in allowed)
    if column == "resolved" and type(value) is int and value in (0, 1):
        ok = True
    if column == "agents" and isinstance(value, list):
        ok = all(isinstance(v, str) for v in value)
        if not ok:
            raise BadValue(column, "must be a list of names (text).")
    if not ok:
        found = next(n for t, n in _JSON_TYPE_NAMES.items() if isinstance(value, t))
        wanted = " or ".join(_JSON_TYPE_NAMES[t] for t in allowed)
        raise BadValue(column, f"must be {wanted}, not {found}.")


def _json_source(path: Path, kind: str | None) -> Source:
    name = path.name
    document = _load_json(path)
    if isinstance(document, dict) and isinstance(document.get("rows"), list):
        document = document["rows"]
    elif isinstance(document, dict) and "customer" in document:
        document = [document]  # one incident, as `show --format json` prints it
    if not isinstance(document, list):
        raise InvalidInput(f"{name}: expected a JSON array of objects, as `export` writes.")
    columns: list[str] = []
    for number, item in enumerate(document, 1):
        if not isinstance(item, dict):
            raise InvalidInput(f"{name} record {number} is not a JSON object.")
        if isinstance(item, _JsonObject) and item.twice is not None:
            raise InvalidInput(
                f"{name} record {number}: the field {_shown_key(item.twice)} appears twice. "
                "Nothing was imported."
            )
        for key in item:
            column = normalise_column(key)
            if column not in columns:
                columns.append(column)
    if not document:
        columns = list(INCIDENT_COLUMNS if kind != "training" else TRAINING_COLUMNS)
    kind = _check_columns(name, columns, kind)

    numbered = list(enumerate(document, 1))
    if all(isinstance(item.get("id"), int) for item in document):
        # `list` prints newest first: records that carry ids go in in id order, so the
        # incidents keep the order of their ids.
        numbered.sort(key=lambda pair: pair[1]["id"])

    def rows() -> Iterator[tuple[int, Sequence[Any]]]:
        for number, item in numbered:
            normal = {normalise_column(k): v for k, v in item.items()}
            for column, value in normal.items():
                try:
                    _check_json_value(column, value)
                except BadValue as bad:
                    raise RowError(f"{name} record {number}", bad.column, bad.problem) from None
            yield number, [normal.get(c) for c in columns]

    return Source(name=name, kind=kind, columns=columns, rows=rows, unit="record")


def _shown_key(key: str) -> str:
    shown = "".join(c if c.isprintable() else "?" for c in key)
    return f'"{shown[:40]}"'


def rows_source(
    name: str,
    kind: str,
    rows: Callable[[], Iterable[dict[str, Any]]],
    *,
    unit: str = "row",
    total: int = 0,
) -> Source:
    """Generated rows (dicts keyed by column) as a Source; `total`, when known, lets a
    progress bar show how far the import is."""
    columns = [*(INCIDENT_COLUMNS if kind == "incidents" else TRAINING_COLUMNS), DEMO_COLUMN]
    if kind == "incidents":
        columns.append("checks")  # lists of {at, outcome, note}, as a JSON file holds them
    done = [0]

    def numbered() -> Iterator[tuple[int, Sequence[Any]]]:
        for number, row in enumerate(rows(), 1):
            done[0] = number
            yield number, [row.get(c) for c in columns]

    return Source(
        name=name,
        kind=kind,
        columns=columns,
        rows=numbered,
        unit=unit,
        size=total,
        position=(lambda: done[0]) if total else None,
    )
