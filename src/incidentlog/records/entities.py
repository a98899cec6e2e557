"""Find or create the named entities an incident or training session refers to."""

from __future__ import annotations

from dataclasses import dataclass, field

from incidentlog.core import names
from incidentlog.core.errors import InvalidInput, NearDuplicate, NotFound
from incidentlog.storage.connection import Conn

NAMED_TABLES = ("store", "agent", "reason")


@dataclass
class Resolved:
    """Ids found or created while resolving names, for the journal and for notes."""

    created: dict[str, list[int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def note_created(self, table: str, entity_id: int) -> None:
        self.created.setdefault(table, []).append(entity_id)


def check_name(kind: str, value: str | None) -> str:
    cleaned = names.clean(value or "")
    if not cleaned:
        raise InvalidInput(f"The {kind} cannot be empty.")
    if "\x00" in cleaned:  # PostgreSQL cannot store it; refused on every backend alike
        raise InvalidInput(f"The {kind} contains a NUL character (\\x00).")
    if len(cleaned) > names.MAX_NAME:
        raise InvalidInput(
            f"The {kind} is too long ({len(cleaned)} characters; at most {names.MAX_NAME})."
        )
    return cleaned


def known_names(conn: Conn, table: str) -> dict[str, str]:
    """key -> display name for every store, agent or reason."""
    return {r["key"]: r["name"] for r in conn.rows(f"SELECT key, name FROM {table}")}


def find_named(conn: Conn, table: str, name: str) -> int | None:
    found = conn.scalar(f"SELECT id FROM {table} WHERE key = :key", {"key": names.key(name)})
    return None if found is None else int(found)


def require_named(conn: Conn, table: str, name: str) -> int:
    """The id of an existing store/agent/reason, or NotFound with the near names."""
    entity_id = find_named(conn, table, name)
    if entity_id is not None:
        return entity_id
    close = names.lookalikes(names.key(name), known_names(conn, table))
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise NotFound(f'No {table} named "{names.clean(name)}".{hint}')


def named(conn: Conn, table: str, name: str, *, allow_new: bool, resolved: Resolved) -> int:
    """Id of the store, agent or reason called `name`, creating it when new.

    A new store, agent or reason close to a known one is refused unless `allow_new`: a
    typo must not split one store, or one reason's statistics, into two.
    """
    display = names.reason_name(name) if table == "reason" else names.clean(name)
    key = names.key(display)
    found = conn.scalar(f"SELECT id FROM {table} WHERE key = :key", {"key": key})
    if found is not None:
        return int(found)
    if not allow_new:
        known = known_names(conn, table)
        # Another till may have created this very name since we looked: that is the same
        # one, not a look-alike of it.
        close = names.lookalikes(key, {k: v for k, v in known.items() if k != key})
        if close and key not in known:
            raise NearDuplicate(table, display, close)
    return insert_or_find(conn, table, {"name": display, "key": key}, resolved)


def import_lookalike_notes(
    table: str, key: str, display: str, known: dict[str, str], where: str
) -> list[str]:
    """The warning an import gives for a new reason that looks like a known one.

    An import is accepted with the look-alike rather than refused: the file is a record
    of what was written elsewhere, and `reasons merge` joins the two afterwards."""
    if table != "reason":
        return []
    close = names.lookalikes(key, {k: v for k, v in known.items() if k != key})
    if not close:
        return []
    options = " or ".join(f'"{c}"' for c in close)
    return [
        f'{where}, column reason: new reason "{display}" looks like {options}; imported as a '
        f"new reason. If it is the same, join them with "
        f'`incidentlog reasons merge "{close[0]}" "{display}"`.'
    ]


def insert_or_find(
    conn: Conn, table: str, values: dict[str, str | None], resolved: Resolved
) -> int:
    """Insert a row with a new `key`, or take the one another till inserted a moment ago.

    Two tills may meet the same new store or customer at once; both looked and found
    nothing, so one insert must quietly yield to the other instead of failing.
    """
    cols = ", ".join(values)
    params = ", ".join(":" + c for c in values)
    row = conn.row(
        f"INSERT INTO {table} ({cols}) VALUES ({params}) ON CONFLICT (key) DO NOTHING RETURNING id",
        values,
    )
    if row is None:
        return int(conn.scalar(f"SELECT id FROM {table} WHERE key = :key", {"key": values["key"]}))
    resolved.note_created(table, int(row["id"]))
    return int(row["id"])


def customer(conn: Conn, name: str, contact: str | None, *, resolved: Resolved) -> int:
    """Id of the customer: matched by contact when given, else by normalised name."""
    display = names.clean(name)
    name_key = names.key(display)
    contact = names.clean(contact) if contact else None
    if contact:
        found = conn.row(
            "SELECT id FROM customer WHERE key = :key",
            {"key": names.customer_key(display, contact)},
        )
        if found:
            return int(found["id"])
        # The same name recorded earlier without a contact is taken to be this person.
        unnamed = conn.row(
            "SELECT id FROM customer WHERE key = :key", {"key": names.customer_key(display, None)}
        )
        if unnamed:
            conn.run(
                "UPDATE customer SET key = :key, contact = :contact WHERE id = :id",
                {
                    "key": names.customer_key(display, contact),
                    "contact": contact,
                    "id": unnamed["id"],
                },
            )
            return int(unnamed["id"])
    else:
        found = conn.row(
            "SELECT id FROM customer WHERE key = :key", {"key": names.customer_key(display, None)}
        )
        if found:
            return int(found["id"])
        same_name = conn.rows("SELECT id FROM customer WHERE name_key = :nk", {"nk": name_key})
        if len(same_name) == 1:
            return int(same_name[0]["id"])
    _warn_lookalike_customer(conn, display, name_key, resolved)
    return insert_or_find(
        conn,
        "customer",
        {
            "name": display,
            "name_key": name_key,
            "key": names.customer_key(display, contact),
            "contact": contact,
        },
        resolved,
    )


def _warn_lookalike_customer(conn: Conn, display: str, name_key: str, resolved: Resolved) -> None:
    same = conn.scalar("SELECT COUNT(*) FROM customer WHERE name_key = :nk", {"nk": name_key})
    if same:
        resolved.warnings.append(
            f'There is already a customer named "{display}" with other contact details; '
            "recorded as a separate customer (join them with `incidentlog customers merge`)."
        )
        return
    # Only customers sharing the first letter are compared, so this stays cheap on big tables.
    rows = conn.rows(
        "SELECT name, name_key FROM customer WHERE name_key LIKE :prefix",
        {"prefix": name_key[:1] + "%"},
    )
    close = names.lookalikes(name_key, {r["name_key"]: r["name"] for r in rows})
    if close:
        resolved.warnings.append(
            f'New customer "{display}" looks like {" or ".join(repr(c) for c in close)}; '
            "if they are the same person, join them with `incidentlog customers merge`."
        )
