"""Row checks: each value of a row read as `add` reads it, the row turned into what the
staging table holds; a bad value raises BadValue naming its column."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from incidentlog.core import names
from incidentlog.core.errors import InvalidInput
from incidentlog.core.money import parse_cost
from incidentlog.core.vocabulary import CHECK_OUTCOMES, REMEDIES, SEVERITIES
from incidentlog.records import entities
from incidentlog.records.recording import normalise_channel
from incidentlog.transfer.columns import (
    BOOLEANS,
    DEMO_COLUMN,
    INCIDENT_COLUMNS,
    TRAINING_COLUMNS,
    BadValue,
)
from incidentlog.transfer.sources import Source

# Per-name caches are dropped when they grow past this, keeping memory bounded.
CACHE_LIMIT = 20_000


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
        from incidentlog.core.dates import parse_day

        try:
            return parse_day(raw, today=today)
        except InvalidInput as exc:
            raise BadValue(column, str(exc)) from None


def _boolean(column: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raw = _text(value).strip().lower()
    found = BOOLEANS.get(raw)
    if found is None:
        shown = f'"{raw}" is not' if raw else "an empty value is not"
        raise BadValue(column, f"{shown} one of yes, no, true, false, 1, 0.")
    return found


def _name(kind: str, value: Any) -> str:
    """entities.check_name, as a row error (whitespace runs collapse as names.clean does)."""
    cleaned = " ".join(_text(value).split())
    if not cleaned:
        raise BadValue(kind, f"the {kind} cannot be empty.")
    if "\x00" in cleaned:  # PostgreSQL cannot store it; refused on every backend alike
        raise BadValue(kind, "contains a NUL character (\\x00).")
    if len(cleaned) > names.MAX_NAME:
        raise BadValue(kind, f"too long ({len(cleaned)} characters; at most {names.MAX_NAME}).")
    return cleaned


def _plain_name(value: Any) -> str | None:
    """_name's answer for text that needs no message; else None (and _name decides)."""
    cleaned = " ".join(value.split()) if value.__class__ is str else ""
    ok = cleaned and len(cleaned) <= names.MAX_NAME and "\x00" not in cleaned
    return cleaned if ok else None


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
        self.new_customers: list[tuple[int, str, str, str, str | None]] = []
        self.customer_count = 0
        self._customers = _Cache()
        self._channels = _Cache()
        self._words = _Cache()
        self._costs = _Cache()

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

    def customer(self, name: Any, contact: Any) -> tuple[str, int]:
        """The customer's identity (the contact when given, else the name, as `add`) and
        its row's number in `new_customers` (a new one if the cache forgot it: see check)."""
        found = self._customers.get((name, contact))
        if found is not None:
            return found  # type: ignore[no-any-return]
        display = _plain_name(name) or _name("customer", name)
        has_contact = contact and _text(contact).strip()
        clean_contact = _plain_name(contact) or _name("contact", contact) if has_contact else None
        name_key = _fast_key(display)
        if clean_contact is None:
            identity = "name:" + name_key
        elif "@" in clean_contact:  # names.contact_key's rule for e-mails, without re-cleaning
            identity = "email:" + clean_contact.casefold()
        else:
            identity = names.contact_key(clean_contact)
        self.customer_count += 1
        self.new_customers.append((self.customer_count, identity, display, name_key, clean_contact))
        return self._customers.remember((name, contact), (identity, self.customer_count))  # type: ignore[no-any-return]

    def channel(self, value: Any) -> str | None:
        if not value:
            return None
        found = self._channels.get(value)
        if found is not None:
            return found  # type: ignore[no-any-return]
        try:
            return self._channels.remember(value, normalise_channel(_text(value)))  # type: ignore[no-any-return]
        except InvalidInput as exc:
            raise BadValue("channel", str(exc)) from None

    def word(self, column: str, value: Any, vocabulary: Sequence[str]) -> str | None:
        """A value from a fixed vocabulary (severity, remedy), in any case; empty is none."""
        if value is None or value == "":
            return None
        found = self._words.get((column, value))
        if found is not None:
            return found  # type: ignore[no-any-return]
        raw = _text(value)
        word = " ".join(raw.split()).lower()
        if not word:
            return None
        if word not in vocabulary:
            raise BadValue(column, f'"{raw.strip()[:40]}" is not one of {", ".join(vocabulary)}.')
        return self._words.remember((column, value), word)  # type: ignore[no-any-return]

    def cost(self, value: Any) -> int | None:
        """A remedy's cost in cents, read exactly (a JSON number through its shortest text);
        a file repeats the same few amounts, so each is parsed once."""
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise BadValue("cost", "must be an amount such as 12.50, not true or false.")
        found = self._costs.get(value)
        if found is not None:
            return found  # type: ignore[no-any-return]
        raw = _text(value)
        if not raw.strip():
            return None
        try:
            return self._costs.remember(value, parse_cost(raw, "the cost"))  # type: ignore[no-any-return]
        except InvalidInput as exc:
            raise BadValue("cost", str(exc)) from None


def _free_text(column: str, value: Any) -> str:
    if not value:
        return ""
    if value.__class__ is str:
        text = value.strip()
        if len(text) <= names.MAX_TEXT and "\x00" not in text:
            return text
    else:
        text = _text(value).strip()
    if "\x00" in text:
        raise BadValue(column, "contains a NUL character (\\x00).")
    if len(text) > names.MAX_TEXT:
        raise BadValue(column, f"too long ({len(text)} characters; at most {names.MAX_TEXT}).")
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
        raise BadValue(column, f"{moment:%Y-%m-%d %H:%M} is in the future.")
    if moment.year < 1900:
        raise BadValue(column, f"{moment:%Y-%m-%d} is before 1900.")
    return moment


def _any_moment(column: str, value: Any, now: dt.datetime) -> dt.datetime:
    raw = _text(value).strip()
    if not raw:
        raise BadValue(column, "a date and time is needed, e.g. 2026-05-14 15:30.")
    try:
        if len(raw) == 10:  # a bare day counts as noon, as `add --at 2026-05-14` does
            moment = dt.datetime.combine(dt.date.fromisoformat(raw), dt.time(12))
        else:
            moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        from incidentlog.core.dates import parse_when

        try:
            moment = parse_when(raw, now=now)
        except InvalidInput as exc:
            raise BadValue(column, str(exc)) from None
    if moment.tzinfo is not None:  # a UTC offset: the local wall-clock time it was
        moment = moment.astimezone().replace(tzinfo=None)
    return moment.replace(microsecond=0)


class IncidentReader:
    """Checks incident rows laid out as `columns`; each becomes a staging-table tuple."""

    def __init__(
        self, columns: Sequence[str], checker: Checker, seq: int = 0, *, structured: bool = False
    ) -> None:
        index = {c: i for i, c in enumerate(columns)}
        # Check-backs come as a list of objects, which only JSON (and generated rows) can
        # hold; a CSV `checks` column (as `list --format csv` writes it) is ignored.
        self.checks_index = index.get("checks") if structured else None
        # (seq, at, outcome, note) of the check-backs read, for the staging table.
        self.checks: list[tuple[int, str, str, str]] = []
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
            severity,
            remedy,
            cost,
            resolved_at,
            later_resolution,
            demo,
        ) = self.pick(values)
        wanted_id = _wanted_id(values[self.id_index])
        identity, cust = check.customer(customer, contact)
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
                raise BadValue(
                    "resolved_at",
                    "a later resolution time is given, but resolved says it was resolved "
                    "on the spot.",
                )
            if later < moment:
                raise BadValue(
                    "resolved_at",
                    f"{later:%Y-%m-%d %H:%M} is before the incident ({moment:%Y-%m-%d %H:%M}).",
                )
        later_text = _free_text("later_resolution", later_resolution) or None
        if later_text is not None and later is None:
            raise BadValue(
                "later_resolution",
                "a later resolution is given, but no resolved_at says when it was resolved.",
            )
        due = _day("follow_up", follow_up, check.now.date()) if follow_up and not on_spot else None
        # Stored as the text SQLite keeps (db._adapt_datetime's form), made once here;
        # what `export` writes is that text already, but for the fraction.
        if isinstance(at, str) and len(at) == 19 and at[10] == " " and at[16] == ":":
            at_text = at + ".000000"
        else:
            at_text = moment.isoformat(" ", timespec="microseconds")
        self.seq += 1
        if self.checks_index is not None and values[self.checks_index]:
            self._read_checks(values[self.checks_index], moment)
        return (
            self.seq,
            identity,
            cust,
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
            later_text,
            check.word("severity", severity, SEVERITIES),
            check.word("remedy", remedy, REMEDIES),
            check.cost(cost),
            wanted_id,
            _boolean(DEMO_COLUMN, demo) if demo not in (None, "") else False,
        )

    def _read_checks(self, value: Any, incident_at: dt.datetime) -> None:
        if not isinstance(value, list):
            raise BadValue("checks", "must be a list of check-backs {at, outcome, note}.")
        for number, item in enumerate(value, 1):
            self.checks.append((self.seq, *_check_back(number, item, incident_at, self.checker)))


def _check_back(
    number: int, item: Any, incident_at: dt.datetime, check: Checker
) -> tuple[str, str, str]:
    """One check-back of a `checks` list: (at, outcome, note)."""
    which = f"check-back {number}"
    if not isinstance(item, dict):
        raise BadValue("checks", f"{which} must be an object with at, outcome and note.")
    unknown = sorted(str(k) for k in item if k not in ("at", "outcome", "note"))
    if unknown:
        raise BadValue("checks", f"{which} has an unknown field {unknown[0][:40]!r}.")
    raw_outcome = item.get("outcome")
    outcome = (
        "-".join(raw_outcome.lower().replace("_", " ").split())
        if isinstance(raw_outcome, str)
        else ""
    )
    if outcome not in CHECK_OUTCOMES:
        shown = f'"{raw_outcome[:40]}"' if isinstance(raw_outcome, str) else "a missing outcome"
        raise BadValue("checks", f"{which}: {shown} is not one of {', '.join(CHECK_OUTCOMES)}.")
    at = item.get("at")
    if not isinstance(at, str) or not at.strip():
        raise BadValue("checks", f"{which} needs an at (when the customer was asked).")
    try:
        moment = _moment("checks", at, check.now)
    except BadValue as bad:
        raise BadValue("checks", f"{which}: {bad.problem}") from None
    if moment < incident_at:
        raise BadValue(
            "checks",
            f"{which} at {moment:%Y-%m-%d %H:%M} is before the incident "
            f"({incident_at:%Y-%m-%d %H:%M}).",
        )
    note = item.get("note")
    if note is not None and not isinstance(note, str):
        raise BadValue("checks", f"{which}: the note must be text.")
    try:
        text = _free_text("checks", note)
    except BadValue as bad:
        raise BadValue("checks", f"{which}: the note {bad.problem}") from None
    return moment.isoformat(" ", timespec="microseconds"), outcome, text


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
            raise BadValue("id", "must be a whole number such as 42.")
        if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
            raise BadValue("id", f'"{raw[:30]}" is not an incident id (a whole number such as 42).')
        number = int(raw)
    if not 1 <= number <= MAX_ID:
        raise BadValue("id", "must be a whole number from 1 up.")
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
        from incidentlog.records.training import MAX_MINUTES, normalise_kind, split_agents

        def get(column: str) -> Any:
            i = self.index[column]
            return None if i is None else values[i]

        check = self.checker
        if not _text(get("date")).strip():
            raise BadValue("date", "the day of the session is needed, e.g. 2026-03-10.")
        on = _day("date", get("date"), check.now.date())
        if on > check.now.date():
            raise BadValue("date", f"{on} is in the future; record sessions once given.")
        try:
            topic = entities.check_name("topic", _text(get("topic")))
        except InvalidInput as exc:
            raise BadValue("topic", str(exc)) from None
        try:
            kind = normalise_kind(_text(get("kind")))
        except InvalidInput as exc:
            raise BadValue("kind", str(exc)) from None
        raw_minutes = get("minutes")
        try:
            minutes = -1 if isinstance(raw_minutes, bool) else int(_text(raw_minutes).strip())
        except ValueError:
            raise BadValue("minutes", f'"{_text(raw_minutes)}" is not a whole number.') from None
        if not 1 <= minutes <= MAX_MINUTES:
            raise BadValue(
                "minutes", f"must be between 1 and {MAX_MINUTES}, not {_text(raw_minutes)}."
            )
        raw_agents = get("agents")
        if isinstance(raw_agents, list):
            listed = [_text(a) for a in raw_agents]
        else:
            text = _text(raw_agents)
            listed = split_agents(text, ";" if ";" in text else ",")
        agents = list(dict.fromkeys(check.named("agent", a) for a in listed if a.strip()))
        if not agents:
            raise BadValue("agents", 'name the agents who attended, separated by ";".')
        store = check.named("store", get("store")) if _text(get("store")).strip() else None
        trainer = None
        if _text(get("trainer")).strip():
            try:
                trainer = entities.check_name("trainer", _text(get("trainer")))
            except InvalidInput as exc:
                raise BadValue("trainer", str(exc)) from None
        demo = get(DEMO_COLUMN) if DEMO_COLUMN in self.index else None
        marked = _boolean(DEMO_COLUMN, demo) if demo not in (None, "") else False
        return SessionRow(on, topic, kind, minutes, agents, store, trainer, marked)
