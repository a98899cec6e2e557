"""`incidentlog import`: incidents or training sessions from CSV or JSON, all or nothing.

The file is read once, streaming. Every row is checked (a bad one stops the import with
its line, column and problem, before anything is written) and put in scratch tables on the
side: the checked incidents, and each distinct customer as first met, so memory stays flat
however long the file is. Then, in one transaction that is also one `undo` step, the new
names are created (a new store or agent that looks like a known one is refused, as `add`
refuses it, unless confirmed), customers are matched as `add` matches them, and the
incidents go in with one INSERT ... SELECT.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from incidentlog import entities, journal, names
from incidentlog.errors import InvalidInput, NearDuplicate
from incidentlog.recording import normalise_channel
from incidentlog.storage.connection import Conn, SqliteConn, as_date

INCIDENT_COLUMNS = (
    "customer",
    "reason",
    "resolved",
    "store",
    "agent",
    "at",
    "description",
    "resolution",
    "contact",
    "channel",
    "id",
    "follow_up",
    "resolved_at",
)
INCIDENT_REQUIRED = INCIDENT_COLUMNS[:6]
TRAINING_COLUMNS = ("date", "topic", "kind", "minutes", "agents", "store", "trainer")
TRAINING_REQUIRED = TRAINING_COLUMNS[:5]
# Marks the demo's sample records (yes/no) in either kind; `export` writes it only for a
# database that holds demo records, so everyone else's files look as before.
DEMO_COLUMN = "demo"
KINDS = ("incidents", "training")
# Keys that `list`, `search`, `follow-ups` and `training list` print but that are derived,
# so their output imports as it is.
IGNORED_COLUMNS = frozenset({"id", "status", "snippet", "days_open", "overdue_days", "rank"})
ALIASES = {"on": "date", "day": "date", "resolved_on_spot": "resolved"}
BATCH = 5000
# SQLite page caches during an import, for the database and for the staging tables.
MAIN_CACHE_KIB = 16 * 1024
SCRATCH_CACHE_KIB = 16 * 1024
SCRATCH = "import_scratch"
# Per-name caches are dropped when they grow past this, keeping memory bounded.
CACHE_LIMIT = 20_000
BOOLEANS = {
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
}

Progress = Callable[[str, int, int], None]


class RowError(InvalidInput):
    """A bad value in one row: says where, and that nothing was imported."""

    def __init__(self, where: str, column: str | None, problem: str) -> None:
        problem = problem.strip()
        if problem[:1].isupper() and not problem[1:2].isupper():
            problem = problem[0].lower() + problem[1:]
        place = f"{where}, column {column}" if column else where
        super().__init__(f"{place}: {problem} Nothing was imported.")


class _Bad(Exception):
    def __init__(self, column: str, problem: str) -> None:
        super().__init__(problem)
        self.column = column
        self.problem = problem


# --------------------------------------------------------------------------- sources


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
                    if any(v[:1] == "'" for v in values):
                        values = [_undefused(v) for v in values]
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
            raise _Bad(column, "must be a list of names (text).")
    if not ok:
        found = next(n for t, n in _JSON_TYPE_NAMES.items() if isinstance(value, t))
        wanted = " or ".join(_JSON_TYPE_NAMES[t] for t in allowed)
        raise _Bad(column, f"must be {wanted}, not {found}.")


def _json_source(path: Path, kind: str | None) -> Source:
    name = path.name
    document = _load_json(path)
    if isinstance(document, dict) and isinstance(document.get("rows"), list):
        document = document["rows"]
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
                except _Bad as bad:
                    raise RowError(f"{name} record {number}", bad.column, bad.problem) from None
            yield number, [normal.get(c) for c in columns]

    return Source(name=name, kind=kind, columns=columns, rows=rows, unit="record")


def _shown_key(key: str) -> str:
    shown = "".join(c if c.isprintable() else "?" for c in key)
    return f'"{shown[:40]}"'


# What a spreadsheet runs as a formula; `export` puts a ' before it, `import` takes it off.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _undefused(value: str) -> str:
    """A CSV cell as written before `export` defused it: one leading ' less before a formula
    start (only there, so "'tis" stays as it is)."""
    if value.startswith("'") and value.lstrip("'")[:1] in FORMULA_START and value.lstrip("'"):
        return value[1:]
    return value


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


# --------------------------------------------------------------------------- values


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ";".join(_text(v) for v in value)
    return str(value)


def _day(column: str, value: Any, today: dt.date) -> dt.date:
    raw = _text(value).strip()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        from incidentlog.dates import parse_day

        try:
            return parse_day(raw, today=today)
        except InvalidInput as exc:
            raise _Bad(column, str(exc)) from None


def _boolean(column: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raw = _text(value).strip().lower()
    found = BOOLEANS.get(raw)
    if found is None:
        shown = f'"{raw}" is not' if raw else "an empty value is not"
        raise _Bad(column, f"{shown} one of yes, no, true, false, 1, 0.")
    return found


def _name(kind: str, value: Any) -> str:
    """entities.check_name, as a row error (whitespace runs collapse as names.clean does)."""
    cleaned = " ".join(_text(value).split())
    if not cleaned:
        raise _Bad(kind, f"the {kind} cannot be empty.")
    if "\x00" in cleaned:  # PostgreSQL cannot store it; refused on every backend alike
        raise _Bad(kind, "contains a NUL character (\\x00).")
    if len(cleaned) > names.MAX_NAME:
        raise _Bad(kind, f"too long ({len(cleaned)} characters; at most {names.MAX_NAME}).")
    return cleaned


def _fast_key(display: str) -> str:
    """names.key of a cleaned name, quicker for the plain-ASCII names most files hold."""
    return display.lower() if display.isascii() else names.key(display)


class _Cache(dict[Any, Any]):
    def remember(self, key: Any, value: Any) -> Any:
        if len(self) >= CACHE_LIMIT:
            self.clear()
        self[key] = value
        return value


class Checker:
    """Turns raw values into checked ones, noting every distinct name it meets."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.source: Source | None = None
        self.number = 0  # of the row being read
        # store/agent/reason: key -> (display, where first met); few, so kept in memory.
        self.named_seen: dict[str, dict[str, tuple[str, str]]] = {
            t: {} for t in ("store", "agent", "reason")
        }
        self._named: dict[str, _Cache] = {t: _Cache() for t in ("store", "agent", "reason")}
        # Customers can be as many as the rows: new ones wait here for the staging table.
        self.new_customers: list[tuple[str, int, str, str, str | None]] = []
        self.customer_count = 0
        self._customers = _Cache()
        self._channels = _Cache()

    def here(self) -> str:
        return self.source.where(self.number) if self.source else f"row {self.number}"

    def named(self, table: str, value: Any) -> str:
        """The key of a store, agent or reason."""
        found = self._named[table].get(value)
        if found is not None:
            return found  # type: ignore[no-any-return]
        display = _name(table, value)
        if table == "reason":
            display = names.reason_name(display)
        key = _fast_key(display)
        if key not in self.named_seen[table]:
            self.named_seen[table][key] = (display, self.here())
        return self._named[table].remember(value, key)  # type: ignore[no-any-return]

    def customer(self, name: Any, contact: Any) -> str:
        """The customer's identity: the contact when given, else the name (as `add`)."""
        found = self._customers.get((name, contact))
        if found is not None:
            return found  # type: ignore[no-any-return]
        display = _name("customer", name)
        clean_contact = _name("contact", contact) if contact and _text(contact).strip() else None
        name_key = _fast_key(display)
        if clean_contact is None:
            identity = "name:" + name_key
        elif "@" in clean_contact:  # names.contact_key's rule for e-mails, without re-cleaning
            identity = "email:" + clean_contact.casefold()
        else:
            identity = names.contact_key(clean_contact)
        self.customer_count += 1
        self.new_customers.append((identity, self.customer_count, display, name_key, clean_contact))
        return self._customers.remember((name, contact), identity)  # type: ignore[no-any-return]

    def channel(self, value: Any) -> str | None:
        if not value:
            return None
        found = self._channels.get(value)
        if found is not None:
            return found  # type: ignore[no-any-return]
        try:
            return self._channels.remember(value, normalise_channel(_text(value)))  # type: ignore[no-any-return]
        except InvalidInput as exc:
            raise _Bad("channel", str(exc)) from None


def _free_text(column: str, value: Any) -> str:
    if not value:
        return ""
    text = (value if isinstance(value, str) else _text(value)).strip()
    if "\x00" in text:
        raise _Bad(column, "contains a NUL character (\\x00).")
    if len(text) > names.MAX_TEXT:
        raise _Bad(column, f"too long ({len(text)} characters; at most {names.MAX_TEXT}).")
    return text


def _moment(column: str, value: Any, now: dt.datetime) -> dt.datetime:
    """A date-time value; ISO text (what `export` writes) takes the quick path."""
    moment = None
    if isinstance(value, str) and 16 <= len(value) <= 19:
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            moment = None
    if moment is None or moment.tzinfo is not None:
        moment = _any_moment(column, value, now)
    if moment > now:
        raise _Bad(column, f"{moment:%Y-%m-%d %H:%M} is in the future.")
    if moment.year < 1900:
        raise _Bad(column, f"{moment:%Y-%m-%d} is before 1900.")
    return moment


def _any_moment(column: str, value: Any, now: dt.datetime) -> dt.datetime:
    raw = _text(value).strip()
    if not raw:
        raise _Bad(column, "a date and time is needed, e.g. 2026-05-14 15:30.")
    try:
        if len(raw) == 10:  # a bare day counts as noon, as `add --at 2026-05-14` does
            moment = dt.datetime.combine(dt.date.fromisoformat(raw), dt.time(12))
        else:
            moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        from incidentlog.dates import parse_when

        try:
            moment = parse_when(raw, now=now)
        except InvalidInput as exc:
            raise _Bad(column, str(exc)) from None
    if moment.tzinfo is not None:  # a UTC offset: the local wall-clock time it was
        moment = moment.astimezone().replace(tzinfo=None)
    return moment.replace(microsecond=0)


# --------------------------------------------------------------------------- rows

# The staging table's columns, in the order IncidentReader.read returns them.
STAGE_COLUMNS = (
    "seq",
    "customer",
    "reason",
    "store",
    "agent",
    "resolved_on_spot",
    "description",
    "resolution",
    "at",
    "day",
    "month",
    "channel",
    "follow_up",
    "resolved_at",
    "wanted_id",
    "demo",
)
STAGING_TABLES = (
    "CREATE {temporary}import_stage (seq INTEGER PRIMARY KEY, "
    "customer VARCHAR(300) NOT NULL, reason VARCHAR(200) NOT NULL, store VARCHAR(200) NOT NULL, "
    "agent VARCHAR(200) NOT NULL, resolved_on_spot BOOLEAN NOT NULL, description TEXT NOT NULL, "
    "resolution TEXT NOT NULL, at TIMESTAMP NOT NULL, day DATE NOT NULL, "
    "month VARCHAR(7) NOT NULL, channel VARCHAR(20), follow_up DATE, resolved_at TIMESTAMP, "
    # The id the file gives (kept when no incident has it), or NULL.
    "wanted_id BIGINT, demo BOOLEAN NOT NULL)",
    # One row per distinct customer identity, as first met; `id` is the customer it
    # resolves to, `final` another identity of this import it joins.
    "CREATE {temporary}import_customer (identity VARCHAR(300) PRIMARY KEY, "
    "seq INTEGER NOT NULL, name VARCHAR(200) NOT NULL, name_key VARCHAR(200) NOT NULL, "
    "contact VARCHAR(200), id INTEGER, final VARCHAR(300))",
)
CUSTOMER_COLUMNS = ("identity", "seq", "name", "name_key", "contact")


class IncidentReader:
    """Checks incident rows laid out as `columns`; each becomes a staging-table tuple."""

    def __init__(self, columns: Sequence[str], checker: Checker, seq: int = 0) -> None:
        index = {c: i for i, c in enumerate(columns)}
        self.seq = seq  # numbers the staged rows, across sources, in the order read
        # A column the file lacks reads the None appended to every row.
        self.pick = operator.itemgetter(
            *(index.get(c, len(columns)) for c in (*INCIDENT_COLUMNS, DEMO_COLUMN) if c != "id")
        )
        self.id_index = index.get("id", len(columns))
        self.checker = checker

    def read(self, values: list[Any]) -> tuple[Any, ...]:
        check = self.checker
        values.append(None)
        (
            customer,
            reason,
            resolved,
            store,
            agent,
            at,
            description,
            resolution,
            contact,
            channel,
            follow_up,
            resolved_at,
            demo,
        ) = self.pick(values)
        wanted_id = _wanted_id(values[self.id_index])
        identity = check.customer(customer, contact)
        reason_key = check.named("reason", reason)
        on_spot = BOOLEANS.get(resolved.strip().lower()) if isinstance(resolved, str) else None
        if on_spot is None:
            on_spot = _boolean("resolved", resolved)
        store_key = check.named("store", store)
        agent_key = check.named("agent", agent)
        moment = _moment("at", at, check.now)
        later = None
        if resolved_at:
            later = _moment("resolved_at", resolved_at, check.now)
            if on_spot:
                raise _Bad(
                    "resolved_at",
                    "a later resolution time is given, but resolved says it was resolved "
                    "on the spot.",
                )
            if later < moment:
                raise _Bad(
                    "resolved_at",
                    f"{later:%Y-%m-%d %H:%M} is before the incident ({moment:%Y-%m-%d %H:%M}).",
                )
        due = _day("follow_up", follow_up, check.now.date()) if follow_up and not on_spot else None
        # Stored as the text SQLite keeps (db._adapt_datetime's form), made once here;
        # what `export` writes is that text already, but for the fraction.
        if isinstance(at, str) and len(at) == 19 and at[10] == " " and at[16] == ":":
            at_text = at + ".000000"
        else:
            at_text = moment.isoformat(" ", timespec="microseconds")
        self.seq += 1
        return (
            self.seq,
            identity,
            reason_key,
            store_key,
            agent_key,
            on_spot,
            _free_text("description", description),
            _free_text("resolution", resolution),
            at_text,
            at_text[:10],
            at_text[:7],
            check.channel(channel),
            due.isoformat() if due else None,
            later.isoformat(" ", timespec="microseconds") if later else None,
            wanted_id,
            _boolean(DEMO_COLUMN, demo) if demo not in (None, "") else False,
        )


MAX_ID = 2**63 - 1


def _wanted_id(value: Any) -> int | None:
    """An `id` column's value: a whole number from 1, or nothing."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raw = value.strip() if isinstance(value, str) else None
        if not raw:
            if raw == "":
                return None
            raise _Bad("id", "must be a whole number such as 42.")
        if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
            raise _Bad("id", f'"{raw[:30]}" is not an incident id (a whole number such as 42).')
        number = int(raw)
    if not 1 <= number <= MAX_ID:
        raise _Bad("id", "must be a whole number from 1 up.")
    return number


@dataclass
class SessionRow:
    on: dt.date
    topic: str
    kind: str
    minutes: int
    agents: list[str]  # keys
    store: str | None
    trainer: str | None
    demo: bool = False


class TrainingReader:
    def __init__(self, columns: Sequence[str], checker: Checker) -> None:
        index = {c: i for i, c in enumerate(columns)}
        self.index = {c: index.get(c) for c in (*TRAINING_COLUMNS, DEMO_COLUMN)}
        self.checker = checker

    def read(self, values: Sequence[Any]) -> SessionRow:
        from incidentlog.training import MAX_MINUTES, normalise_kind, split_agents

        def get(column: str) -> Any:
            i = self.index[column]
            return None if i is None else values[i]

        check = self.checker
        if not _text(get("date")).strip():
            raise _Bad("date", "the day of the session is needed, e.g. 2026-03-10.")
        on = _day("date", get("date"), check.now.date())
        if on > check.now.date():
            raise _Bad("date", f"{on} is in the future; record sessions once given.")
        try:
            topic = entities.check_name("topic", _text(get("topic")))
        except InvalidInput as exc:
            raise _Bad("topic", str(exc)) from None
        try:
            kind = normalise_kind(_text(get("kind")))
        except InvalidInput as exc:
            raise _Bad("kind", str(exc)) from None
        raw_minutes = get("minutes")
        try:
            minutes = -1 if isinstance(raw_minutes, bool) else int(_text(raw_minutes).strip())
        except ValueError:
            raise _Bad("minutes", f'"{_text(raw_minutes)}" is not a whole number.') from None
        if not 1 <= minutes <= MAX_MINUTES:
            raise _Bad("minutes", f"must be between 1 and {MAX_MINUTES}, not {_text(raw_minutes)}.")
        raw_agents = get("agents")
        if isinstance(raw_agents, list):
            listed = [_text(a) for a in raw_agents]
        else:
            text = _text(raw_agents)
            listed = split_agents(text, ";" if ";" in text else ",")
        agents = list(dict.fromkeys(check.named("agent", a) for a in listed if a.strip()))
        if not agents:
            raise _Bad("agents", 'name the agents who attended, separated by ";".')
        store = check.named("store", get("store")) if _text(get("store")).strip() else None
        trainer = None
        if _text(get("trainer")).strip():
            try:
                trainer = entities.check_name("trainer", _text(get("trainer")))
            except InvalidInput as exc:
                raise _Bad("trainer", str(exc)) from None
        demo = get(DEMO_COLUMN) if DEMO_COLUMN in self.index else None
        marked = _boolean(DEMO_COLUMN, demo) if demo not in (None, "") else False
        return SessionRow(on, topic, kind, minutes, agents, store, trainer, marked)


# --------------------------------------------------------------------------- importing


@dataclass
class ImportResult:
    incidents: int = 0
    sessions: int = 0
    created: dict[str, int] = field(default_factory=dict)  # table -> new rows
    upgraded_customers: int = 0
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    first: dt.date | None = None
    last: dt.date | None = None
    skipped: int = 0  # incidents and sessions already recorded (or twice in the file)
    kept_ids: int = 0  # incidents that kept the id the file gave


@dataclass
class _Plan:
    ids: dict[str, dict[str, int]] = field(default_factory=dict)  # table -> key -> id
    new: dict[str, Sequence[int]] = field(default_factory=dict)  # table -> ids created
    before: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


class Importer:
    """Imports one or more Sources (the demo brings incidents and training) as one change.

    Checked incident rows wait in a temporary staging table (so memory stays flat), and
    reach the incident table in one INSERT ... SELECT once every row has passed."""

    def __init__(
        self,
        conn: Conn,
        sources: Sequence[Source],
        *,
        new_store: bool = False,
        new_agent: bool = False,
        progress: Progress | None = None,
        now: dt.datetime | None = None,
        skip_duplicates: bool = False,
    ) -> None:
        from incidentlog.dates import current

        self.conn = conn
        self.sources = list(sources)
        self.allow_new = {"store": new_store, "agent": new_agent, "reason": True}
        self.progress = progress
        self.checker = Checker((now or current()).replace(microsecond=0))
        self.result = ImportResult()
        self.sessions: list[SessionRow] = []
        self.index_prefix = ""
        self.skip_duplicates = skip_duplicates

    # -- staging --------------------------------------------------------------------------

    def _insert(
        self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]], tail: str = ""
    ) -> None:
        """executemany of plain tuples (SQLite's fastest path), in a transaction of its own
        unless one is open."""
        if not rows:
            return
        conn = self.conn
        if isinstance(conn, SqliteConn):
            marks = ", ".join("?" for _ in columns)
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}){tail}"
            raw = conn.raw
            if raw.in_transaction:
                raw.executemany(sql, rows)
                return
            raw.execute("BEGIN")
            try:
                raw.executemany(sql, rows)
            except BaseException:
                raw.rollback()
                raise
            raw.commit()
            return
        params = ", ".join(f":{c}" for c in columns)
        conn.run_many(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({params}){tail}",
            [dict(zip(columns, row, strict=True)) for row in rows],
        )

    @contextmanager
    def _staging_transaction(self) -> Iterator[None]:
        """One transaction for all the staging inserts; on SQLite a deferred one, which
        takes no lock on the database itself (the staging tables are temporary)."""
        if not isinstance(self.conn, SqliteConn):
            with self.conn.transaction():
                yield
            return
        raw = self.conn.raw
        raw.execute("BEGIN")
        try:
            yield
        except BaseException:
            raw.rollback()
            raise
        raw.commit()

    def _flush_customers(self) -> None:
        pending = self.checker.new_customers
        self._insert("import_customer", CUSTOMER_COLUMNS, pending, " ON CONFLICT DO NOTHING")
        pending.clear()

    def _create_staging(self) -> None:
        """Temporary tables on PostgreSQL; on SQLite a private scratch database attached for
        the import (unqualified names find it), which DETACH throws away at once where
        dropping a big temporary table would free it page by page."""
        self._drop_staging()
        if isinstance(self.conn, SqliteConn):
            # Bounded caches keep memory flat however long the file is; the main one is
            # room for the incident indexes the import walks.
            self.conn.run(f"PRAGMA cache_size = -{MAIN_CACHE_KIB}")
            self.conn.run(f"ATTACH DATABASE '' AS {SCRATCH}")
            self.conn.run(f"PRAGMA {SCRATCH}.cache_size = -{SCRATCH_CACHE_KIB}")
            temporary, index = f"TABLE {SCRATCH}.", f"{SCRATCH}."
        else:
            temporary, index = "TEMPORARY TABLE ", ""
        for ddl in STAGING_TABLES:
            self.conn.run(ddl.format(temporary=temporary))
        self.index_prefix = index

    def _drop_staging(self) -> None:
        try:
            if isinstance(self.conn, SqliteConn):
                attached = {r["name"] for r in self.conn.rows("PRAGMA database_list")}
                if SCRATCH in attached:
                    self.conn.run(f"DETACH DATABASE {SCRATCH}")
                return
            for table in ("import_stage", "import_customer"):
                self.conn.run(f"DROP TABLE IF EXISTS {table}")
        except Exception:  # noqa: BLE001 - a broken connection reports its own error
            pass

    def check(self) -> None:
        """Pass 1: every row checked and staged, names noted; nothing written for real."""
        self._create_staging()
        with self._staging_transaction():
            seq = 0
            for source in self.sources:
                if source.kind == "incidents":
                    seq = self._stage_incidents(source, seq)
                else:
                    self._read_sessions(source)
            self._flush_customers()
        self.conn.run(
            f"CREATE INDEX {self.index_prefix}import_customer_name ON import_customer (name_key)"
        )
        self.conn.run(
            f"CREATE INDEX {self.index_prefix}import_stage_moment ON import_stage "
            "(at, customer, store, agent, reason)"
        )
        self.conn.run(
            f"CREATE INDEX {self.index_prefix}import_stage_wanted ON import_stage (wanted_id)"
        )
        self._count_staged()
        self.result.sessions = len(self.sessions)

    def _count_staged(self) -> None:
        span = self.conn.row(
            "SELECT COUNT(*) AS n, MIN(day) AS first, MAX(day) AS last FROM import_stage"
        )
        if span:
            self.result.incidents = int(span["n"])
            self.result.first, self.result.last = as_date(span["first"]), as_date(span["last"])

    def _batches(self, source: Source, reader: Any) -> Iterator[list[Any]]:
        """The checked rows of `source`, a batch at a time; a bad row raises RowError
        naming its place."""
        checker = self.checker
        checker.source = source
        progress = self.progress if source.position is not None else None
        stage = f"Checking {source.name}"
        read = reader.read
        batch: list[Any] = []
        number = 0
        try:
            for number, values in source.rows():
                checker.number = number
                batch.append(read(values))
                if len(batch) >= BATCH:
                    yield batch
                    batch = []
                    if progress is not None:
                        progress(stage, source.position(), source.size)  # type: ignore[misc]
        except _Bad as bad:
            raise RowError(source.where(number), bad.column, bad.problem) from None
        if batch:
            yield batch
        if progress is not None:
            progress(stage, source.size, source.size)

    def _stage_incidents(self, source: Source, seq: int) -> int:
        reader = IncidentReader(source.columns, self.checker, seq)
        for batch in self._batches(source, reader):
            self._flush_customers()
            self._insert("import_stage", STAGE_COLUMNS, batch)
        self._flush_customers()
        return reader.seq

    def _read_sessions(self, source: Source) -> None:
        reader = TrainingReader(source.columns, self.checker)
        for batch in self._batches(source, reader):
            self.sessions.extend(batch)

    # -- names ----------------------------------------------------------------------------

    def _plan_named(self, table: str, plan: _Plan, dry_run: bool) -> None:
        seen = self.checker.named_seen[table]
        known = {
            r["key"]: (int(r["id"]), r["name"])
            for r in self.conn.rows(f"SELECT id, key, name FROM {table}")
        }
        ids = plan.ids.setdefault(table, {})
        fresh: list[tuple[str, str]] = []
        pool = {k: v[1] for k, v in known.items()}
        for key, (display, where) in seen.items():
            if key in known:
                ids[key] = known[key][0]
                continue
            if not self.allow_new[table]:
                close = names.lookalikes(key, pool)
                if close:
                    problem = str(NearDuplicate(table, display, close))
                    raise RowError(where, table, problem.replace(" Pass ", " Check it, or pass "))
            self.result.warnings += entities.import_lookalike_notes(
                table, key, display, pool, where
            )
            pool[key] = display
            fresh.append((key, display))
        if dry_run or not fresh:
            plan.new[table] = [0] * len(fresh)
            return
        ceiling = self._ceiling(table)
        self.conn.run_many(
            f"INSERT INTO {table} (name, key) VALUES (:name, :key)",
            [{"name": display, "key": key} for key, display in fresh],
        )
        plan.new[table] = self._new_ids(table, ceiling)
        wanted = {key for key, _display in fresh}
        for row in self.conn.iter_rows(
            f"SELECT id, key FROM {table} WHERE id > :c", {"c": ceiling}
        ):
            if row["key"] in wanted:
                ids[row["key"]] = int(row["id"])

    def _ceiling(self, table: str) -> int:
        return int(self.conn.scalar(f"SELECT COALESCE(MAX(id), 0) FROM {table}"))

    def _new_ids(self, table: str, ceiling: int) -> Sequence[int]:
        """The ids inserted above `ceiling` (while the import holds the write lock): a range
        when unbroken, which the journal keeps as two numbers."""
        span = self.conn.row(
            f"SELECT MIN(id) AS lo, MAX(id) AS hi, COUNT(*) AS n FROM {table} WHERE id > :c",
            {"c": ceiling},
        )
        if not span or not span["n"]:
            return []
        lo, hi, n = int(span["lo"]), int(span["hi"]), int(span["n"])
        if hi - lo + 1 == n:
            return range(lo, hi + 1)
        return [
            int(r["id"])
            for r in self.conn.iter_rows(f"SELECT id FROM {table} WHERE id > :c", {"c": ceiling})
        ]

    def _plan_customers(self, plan: _Plan, dry_run: bool) -> None:
        """Customers as `add` finds them, decided in SQL over the staged identities: by
        contact when given, else by name. A known customer without contact takes the
        contact of the first new customer of that name; a row without contact joins the
        one customer of that name, if there is exactly one."""
        conn = self.conn
        # Known identities.
        conn.run(
            "UPDATE import_customer SET id = c.id FROM customer c "
            "WHERE c.key = import_customer.identity"
        )
        # Known contact-less customers named like a new contact's owner.
        upgrades = conn.rows(
            "SELECT f.identity, f.name_key, f.contact, c.id AS known_id, c.key AS known_key, "
            "c.contact AS known_contact FROM customer c "
            "JOIN import_customer f ON f.name_key = substr(c.key, 6) "
            "WHERE c.key >= 'name:' AND c.key < 'name;' AND f.contact IS NOT NULL "
            "AND f.id IS NULL ORDER BY f.seq"
        )
        taken: set[str] = set()
        for row in upgrades:
            if row["name_key"] in taken:
                continue
            taken.add(row["name_key"])
            plan.before.append(
                (
                    "customer",
                    {
                        "id": row["known_id"],
                        "key": row["known_key"],
                        "contact": row["known_contact"],
                    },
                )
            )
            conn.run(
                "UPDATE import_customer SET id = :id WHERE identity = :identity",
                {"id": row["known_id"], "identity": row["identity"]},
            )
            if not dry_run:
                conn.run(
                    "UPDATE customer SET key = :key, contact = :contact WHERE id = :id",
                    {"key": row["identity"], "contact": row["contact"], "id": row["known_id"]},
                )
        self.result.upgraded_customers = len(plan.before)
        new_contacts = (
            "SELECT {what} FROM import_customer f WHERE f.name_key = import_customer.name_key "
            "AND f.contact IS NOT NULL AND f.id IS NULL"
        )
        known_named = "FROM customer c WHERE c.name_key = import_customer.name_key"
        # Without contact: the one known customer of that name ...
        conn.run(
            f"UPDATE import_customer SET id = (SELECT MIN(c.id) {known_named}) "
            "WHERE contact IS NULL AND id IS NULL "
            f"AND (SELECT COUNT(*) {known_named}) = 1 "
            f"AND NOT EXISTS ({new_contacts.format(what='1')})"
        )
        # ... or the one new customer of that name in this import.
        conn.run(
            f"UPDATE import_customer SET final = ({new_contacts.format(what='MIN(f.identity)')}) "
            "WHERE contact IS NULL AND id IS NULL "
            f"AND NOT EXISTS (SELECT 1 {known_named}) "
            f"AND ({new_contacts.format(what='COUNT(*)')}) = 1"
        )
        fresh = "import_customer.id IS NULL AND import_customer.final IS NULL"
        alike = int(
            conn.scalar(
                f"SELECT COUNT(*) FROM import_customer WHERE {fresh} "
                f"AND EXISTS (SELECT 1 {known_named})"
            )
        )
        if alike:
            self.result.warnings.append(
                f"{alike:,} new customer{'s' if alike != 1 else ''} share a name with a known "
                "customer but not the contact; if they are the same person, join them with "
                "`incidentlog customers merge`."
            )
        if dry_run:
            count = int(conn.scalar(f"SELECT COUNT(*) FROM import_customer WHERE {fresh}"))
            plan.new["customer"] = [0] * count
            return
        ceiling = self._ceiling("customer")
        conn.run(
            "INSERT INTO customer (name, name_key, key, contact) "
            f"SELECT name, name_key, identity, contact FROM import_customer WHERE {fresh} "
            "ORDER BY seq"
        )
        plan.new["customer"] = self._new_ids("customer", ceiling)
        conn.run(
            "UPDATE import_customer SET id = c.id FROM customer c "
            f"WHERE c.key = import_customer.identity AND {fresh}"
        )
        conn.run(
            "UPDATE import_customer SET id = (SELECT f.id FROM import_customer f "
            "WHERE f.identity = import_customer.final) WHERE final IS NOT NULL"
        )

    def plan(self, *, dry_run: bool) -> _Plan:
        plan = _Plan()
        for table in ("store", "agent", "reason"):
            self._plan_named(table, plan, dry_run)
        self._plan_customers(plan, dry_run)
        self.result.created = {t: len(v) for t, v in plan.new.items() if v}
        if self.skip_duplicates:
            self._skip_duplicate_incidents()
            self._skip_duplicate_sessions()
        return plan

    # -- duplicates -----------------------------------------------------------------------

    def _skip_duplicate_incidents(self) -> None:
        """Take out of the staging table the incidents already recorded (same moment,
        customer, store, agent and reason) and the repeats within the file (the first
        stays), in two set-based statements."""
        conn = self.conn
        before = self.result.incidents
        same = (
            "f.at = import_stage.at AND f.customer = import_stage.customer "
            "AND f.store = import_stage.store AND f.agent = import_stage.agent "
            "AND f.reason = import_stage.reason"
        )
        # Rows that carry different ids are different records that happen to look alike
        # (an export of a database that holds two such incidents imports whole).
        conn.run(
            "DELETE FROM import_stage WHERE EXISTS (SELECT 1 FROM import_stage f "
            f"WHERE {same} AND f.seq < import_stage.seq AND (f.wanted_id IS NULL "
            "OR import_stage.wanted_id IS NULL OR f.wanted_id = import_stage.wanted_id))"
        )
        conn.run(
            "DELETE FROM import_stage WHERE EXISTS (SELECT 1 FROM incident i "
            "JOIN import_customer ic ON ic.id = i.customer_id "
            "JOIN store st ON st.id = i.store_id JOIN agent a ON a.id = i.agent_id "
            "JOIN reason r ON r.id = i.reason_id "
            "WHERE ic.identity = import_stage.customer AND i.day = import_stage.day "
            "AND i.at = import_stage.at AND st.key = import_stage.store "
            "AND a.key = import_stage.agent AND r.key = import_stage.reason)"
        )
        self._count_staged()
        self.result.skipped += before - self.result.incidents

    def _skip_duplicate_sessions(self) -> None:
        """Sessions already recorded (same day, topic, kind and attendees), or twice in the
        file: one query for the stored sessions of the days the file covers."""
        if not self.sessions:
            return
        days = [row.on for row in self.sessions]
        stored: dict[int, tuple[dt.date | None, str, str, set[str]]] = {}
        for r in self.conn.iter_rows(
            "SELECT t.id, t.day, t.topic, t.kind, a.key FROM training_session t "
            "JOIN attendance x ON x.session_id = t.id JOIN agent a ON a.id = x.agent_id "
            "WHERE t.day BETWEEN :first AND :last",
            {"first": min(days), "last": max(days)},
        ):
            entry = stored.setdefault(
                int(r["id"]), (as_date(r["day"]), str(r["topic"]), str(r["kind"]), set())
            )
            entry[3].add(str(r["key"]))

        def identity(on: Any, topic: str, kind: str, agents: Iterable[str]) -> tuple[Any, ...]:
            return (on, " ".join(topic.casefold().split()), kind, frozenset(agents))

        seen = {identity(*entry) for entry in stored.values()}
        kept = []
        for row in self.sessions:
            key = identity(row.on, row.topic, row.kind, row.agents)
            if key in seen:
                self.result.skipped += 1
                continue
            seen.add(key)
            kept.append(row)
        self.sessions = kept
        self.result.sessions = len(kept)

    def _keep_ids(self) -> None:
        """An id from the file stays only when no incident has it and no earlier row of the
        file asks for it."""
        conn = self.conn
        conn.run(
            "UPDATE import_stage SET wanted_id = NULL WHERE wanted_id IS NOT NULL "
            "AND EXISTS (SELECT 1 FROM incident i WHERE i.id = import_stage.wanted_id)"
        )
        conn.run(
            "UPDATE import_stage SET wanted_id = NULL WHERE wanted_id IS NOT NULL AND EXISTS "
            "(SELECT 1 FROM import_stage f WHERE f.wanted_id = import_stage.wanted_id "
            "AND f.seq < import_stage.seq)"
        )

    # -- writing --------------------------------------------------------------------------

    @contextmanager
    def _search_index_in_bulk(self, ceiling: int, kept: bool) -> Iterator[None]:
        """On SQLite, fill the search index for the new incidents in one statement rather
        than through the per-row trigger, which is several times slower for big imports.
        The trigger is dropped and re-created inside the import's transaction, so other
        connections never see it missing."""
        conn = self.conn
        trigger = None
        if conn.dialect == "sqlite":
            trigger = conn.scalar(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                "AND name = 'incident_fts_insert'"
            )
        if trigger is None:
            yield
            return
        conn.run("DROP TRIGGER incident_fts_insert")
        yield
        also = (
            " OR id IN (SELECT wanted_id FROM import_stage WHERE wanted_id IS NOT NULL)"
            if kept
            else ""
        )
        conn.run(
            "INSERT INTO incident_fts (rowid, description, resolution) "
            f"SELECT id, description, resolution FROM incident WHERE id > :c{also}",
            {"c": ceiling},
        )
        conn.run(trigger)

    def _write_incidents(self) -> list[Sequence[int]]:
        """Inserts the staged incidents: first those keeping the file's id, then the others
        numbered after every incident; returns the ids of both, for the journal."""
        conn = self.conn
        self._keep_ids()
        kept = [
            int(r["wanted_id"])
            for r in conn.iter_rows(
                "SELECT wanted_id FROM import_stage WHERE wanted_id IS NOT NULL ORDER BY wanted_id"
            )
        ]
        self.result.kept_ids = len(kept)
        ceiling = self._ceiling("incident")
        now = dt.datetime.now().replace(microsecond=0)
        with self._search_index_in_bulk(ceiling, bool(kept)):
            if kept:
                self._insert_staged(now, with_id=True)
                if conn.dialect == "postgresql":
                    # Ids given explicitly leave the sequence behind; new ones must follow them.
                    conn.run(
                        "SELECT setval(pg_get_serial_sequence('incident', 'id'), "
                        "(SELECT MAX(id) FROM incident))"
                    )
            after_kept = self._ceiling("incident")
            self._insert_staged(now, with_id=False)
        kept_ids: Sequence[int] = kept
        if kept and kept[-1] - kept[0] + 1 == len(kept):
            kept_ids = range(kept[0], kept[-1] + 1)
        return [self._new_ids("incident", after_kept), kept_ids]

    def _insert_staged(self, now: dt.datetime, *, with_id: bool) -> None:
        self.conn.run(
            "INSERT INTO incident ("
            + ("id, " if with_id else "")
            + "customer_id, reason_id, store_id, agent_id, "
            "resolved_on_spot, description, resolution, at, day, month, channel, follow_up, "
            "resolved_at, created_at, updated_at, demo) "
            "SELECT "
            + ("s.wanted_id, " if with_id else "")
            + "ic.id, r.id, st.id, a.id, s.resolved_on_spot, s.description, s.resolution, "
            "s.at, s.day, s.month, s.channel, s.follow_up, s.resolved_at, :now, :now, s.demo "
            "FROM import_stage s "
            "JOIN import_customer ic ON ic.identity = s.customer "
            "JOIN reason r ON r.key = s.reason "
            "JOIN store st ON st.key = s.store "
            "JOIN agent a ON a.key = s.agent "
            + ("WHERE s.wanted_id IS NOT NULL " if with_id else "WHERE s.wanted_id IS NULL ")
            + "ORDER BY s.seq",
            {"now": now},
        )

    def _write_sessions(self, plan: _Plan) -> list[int]:
        agents, stores = plan.ids["agent"], plan.ids["store"]
        created = dt.datetime.now().replace(microsecond=0)
        ids = []
        for row in self.sessions:
            session_id = self.conn.insert(
                "INSERT INTO training_session "
                "(day, month, topic, kind, minutes, store_id, trainer, created_at, demo) "
                "VALUES (:day, :month, :topic, :kind, :minutes, :store_id, :trainer, :created_at, "
                ":demo) "
                "RETURNING id",
                {
                    "day": row.on,
                    "month": row.on.strftime("%Y-%m"),
                    "topic": row.topic,
                    "kind": row.kind,
                    "minutes": row.minutes,
                    "store_id": stores[row.store] if row.store else None,
                    "trainer": row.trainer,
                    "created_at": created,
                    "demo": row.demo,
                },
            )
            self.conn.run_many(
                "INSERT INTO attendance (session_id, agent_id) VALUES (:s, :a)",
                [{"s": session_id, "a": agents[a]} for a in row.agents],
            )
            ids.append(session_id)
        return ids

    def run(
        self, *, dry_run: bool = False, command: str = "import", label: str | None = None
    ) -> ImportResult:
        """Check every row, then (unless `dry_run`) write them all in one transaction that is
        one `undo` step, journalled as `command` and described as `label` (default: the
        sources' names)."""
        try:
            self.check()
            self.result.dry_run = dry_run
            if dry_run:
                self.plan(dry_run=True)
            elif self.result.incidents or self.sessions:
                if self._has_real_rows():
                    from incidentlog.sample import guard_real_write

                    guard_real_write(self.conn)
                self._write(command, label)
        finally:
            self._drop_staging()
        return self.result

    def _has_real_rows(self) -> bool:
        """Whether the import brings records other than the demo's (which would mix)."""
        if any(not row.demo for row in self.sessions):
            return True
        if not self.result.incidents:
            return False
        return self.conn.scalar("SELECT 1 FROM import_stage WHERE NOT demo LIMIT 1") is not None

    def _write(self, command: str, label: str | None) -> None:
        conn = self.conn
        if self.progress is not None:
            self.progress("Writing", 0, 1)
        with conn.transaction():
            if conn.dialect == "postgresql":
                # Other tills wait (as for any write) while the import runs, so the names
                # looked up stay true and the new rows get unbroken ranges of ids.
                conn.run(
                    "LOCK TABLE store, agent, reason, customer, incident, training_session "
                    "IN SHARE ROW EXCLUSIVE MODE"
                )
            plan = self.plan(dry_run=False)
            incident_ids = self._write_incidents() if self.result.incidents else []
            session_ids = self._write_sessions(plan)
            inserted = [
                *(("incident", ids) for ids in incident_ids),
                ("training_session", session_ids),
                *((t, plan.new.get(t, [])) for t in ("customer", "store", "agent", "reason")),
            ]
            if any(ids for _table, ids in inserted) or plan.before:
                journal.record(
                    conn,
                    command=command,
                    summary=self.describe(label),
                    inserted=inserted,
                    before=plan.before,
                )
        if self.progress is not None:
            self.progress("Writing", 1, 1)

    def describe(self, label: str | None = None) -> str:
        label = label or "import " + ", ".join(s.name for s in self.sources)
        return f"{label} ({counted(self.result)})"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def import_file(
    conn: Conn,
    path: Path,
    *,
    kind: str | None = None,
    dry_run: bool = False,
    new_store: bool = False,
    new_agent: bool = False,
    progress: Progress | None = None,
    allow_duplicates: bool = False,
) -> ImportResult:
    """Import a CSV or JSON file of incidents or training sessions, all or nothing."""
    return import_source(
        conn,
        open_file(path, kind),
        dry_run=dry_run,
        new_store=new_store,
        new_agent=new_agent,
        progress=progress,
        allow_duplicates=allow_duplicates,
    )


def import_source(
    conn: Conn,
    source: Source,
    *,
    dry_run: bool = False,
    new_store: bool = False,
    new_agent: bool = False,
    progress: Progress | None = None,
    allow_duplicates: bool = False,
) -> ImportResult:
    importer = Importer(
        conn,
        [source],
        new_store=new_store,
        new_agent=new_agent,
        progress=progress,
        skip_duplicates=not allow_duplicates,
    )
    return importer.run(dry_run=dry_run)


def counted(result: ImportResult) -> str:
    """ "1,204 incidents", "3 training sessions" or both."""
    parts = []
    if result.incidents or not result.sessions:
        parts.append(_plural(result.incidents, "incident"))
    if result.sessions:
        parts.append(_plural(result.sessions, "training session"))
    return ", ".join(parts)
