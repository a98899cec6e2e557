"""Before an import writes: the names and customers it creates or finds, and the records
already stored that it skips."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from incidentlog.core import names
from incidentlog.core.errors import NearDuplicate
from incidentlog.records import entities
from incidentlog.storage.connection import Conn, as_date
from incidentlog.transfer.checks import Checker, SessionRow
from incidentlog.transfer.columns import RowError


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
    checks: int = 0  # check-backs of the incidents imported (from a JSON file's `checks`)


@dataclass
class Plan:
    ids: dict[str, dict[str, int]] = field(default_factory=dict)  # table -> key -> id
    new: dict[str, Sequence[int]] = field(default_factory=dict)  # table -> ids created
    before: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


class Planner:
    """What an import will create, find and skip, decided over its staging tables."""

    conn: Conn
    checker: Checker
    allow_new: dict[str, bool]
    result: ImportResult
    sessions: list[SessionRow]
    skip_duplicates: bool
    # Staging's: drops a table's indexes before a bulk insert, gives their CREATE statements.
    _dropped_indexes: Callable[[int, str], list[str]]

    def _count_staged(self) -> None:
        span = self.conn.row(
            "SELECT COUNT(*) AS n, MIN(day) AS first, MAX(day) AS last FROM import_stage"
        )
        if span:
            self.result.incidents = int(span["n"])
            self.result.first, self.result.last = as_date(span["first"]), as_date(span["last"])
        self.result.checks = int(
            self.conn.scalar(
                "SELECT COUNT(*) FROM import_check c JOIN import_stage s ON s.seq = c.seq"
            )
        )

    def _plan_named(self, table: str, plan: Plan, dry_run: bool) -> None:
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

    def _plan_customers(self, plan: Plan, dry_run: bool) -> None:
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
        if conn.dialect == "sqlite":
            self._insert_numbered_customers(ceiling, fresh)
        else:
            # PostgreSQL joins the new rows back by key in one hash join, quicker there
            # than the numbering statement (measured: 0.73 s against 1.00 s for 50,000).
            conn.run(
                "INSERT INTO customer (name, name_key, key, contact) "
                f"SELECT name, name_key, identity, contact FROM import_customer WHERE {fresh} "
                "ORDER BY seq"
            )
            conn.run(
                "UPDATE import_customer SET id = c.id FROM customer c "
                f"WHERE c.key = import_customer.identity AND {fresh}"
            )
        plan.new["customer"] = self._new_ids("customer", ceiling)
        conn.run(
            "UPDATE import_customer SET id = (SELECT f.id FROM import_customer f "
            "WHERE f.identity = import_customer.final) WHERE final IS NOT NULL"
        )

    def _insert_numbered_customers(self, ceiling: int, fresh: str) -> None:
        """SQLite: the new customers numbered after every stored one, in the file's order,
        before the insert: looking each one up again by its key afterwards was a random
        probe of the customer index per customer. A large import rebuilds the name index
        afterwards (one sort), as it does the incident indexes; the unique key's index
        stays (a constraint)."""
        conn = self.conn
        conn.run(
            "UPDATE import_customer SET id = n.id FROM (SELECT seq, "
            "ROW_NUMBER() OVER (ORDER BY seq) + :base AS id "
            f"FROM import_customer WHERE {fresh}) n WHERE import_customer.seq = n.seq",
            {"base": ceiling},
        )
        count = conn.scalar(
            "SELECT COUNT(*) FROM import_customer WHERE id > :base", {"base": ceiling}
        )
        rebuilt = self._dropped_indexes(int(count), "customer")
        conn.run(
            "INSERT INTO customer (id, name, name_key, key, contact) "
            "SELECT id, name, name_key, identity, contact FROM import_customer "
            "WHERE id > :base AND final IS NULL ORDER BY seq",
            {"base": ceiling},
        )
        for create in rebuilt:
            conn.run(create)

    def plan(self, *, dry_run: bool) -> Plan:
        plan = Plan()
        for table in ("store", "agent", "reason"):
            self._plan_named(table, plan, dry_run)
        self._plan_customers(plan, dry_run)
        self.result.created = {t: len(v) for t, v in plan.new.items() if v}
        if self.skip_duplicates:
            self._skip_duplicate_incidents()
            self._skip_duplicate_sessions()
        return plan

    def _skip_duplicate_incidents(self) -> None:
        """Take out of the staging table the incidents already recorded (same moment,
        customer, store, agent and reason) and the repeats within the file (the first
        stays), in two set-based statements."""
        conn = self.conn
        before = self.result.incidents
        same = (
            "f.at = import_stage.at AND f.cust = import_stage.cust "
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
        # One probe of the day index spares the per-row search when no stored incident
        # falls in the file's days (an import into a new database, or of a new month).
        stored = conn.scalar(
            "SELECT 1 FROM incident WHERE day BETWEEN :first AND :last LIMIT 1",
            {"first": self.result.first, "last": self.result.last},
        )
        if stored is not None:
            self._skip_stored_incidents()
        self._count_staged()
        self.result.skipped += before - self.result.incidents

    def _skip_stored_incidents(self) -> None:
        self.conn.run(
            "DELETE FROM import_stage WHERE EXISTS (SELECT 1 FROM incident i "
            "JOIN import_customer ic ON ic.id = i.customer_id "
            "JOIN store st ON st.id = i.store_id JOIN agent a ON a.id = i.agent_id "
            "JOIN reason r ON r.id = i.reason_id "
            "WHERE ic.seq = import_stage.cust AND i.day = import_stage.day "
            "AND i.at = import_stage.at AND st.key = import_stage.store "
            "AND a.key = import_stage.agent AND r.key = import_stage.reason)"
        )

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
