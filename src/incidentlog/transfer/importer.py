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

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from incidentlog.core.errors import DomainError
from incidentlog.records import journal
from incidentlog.records.sample import Ask
from incidentlog.storage.connection import Conn
from incidentlog.storage.statistics import refresh_after_import
from incidentlog.transfer.checks import Checker, IncidentReader, SessionRow, TrainingReader
from incidentlog.transfer.columns import BadValue, Progress, RowError
from incidentlog.transfer.planning import ImportResult, Plan, Planner
from incidentlog.transfer.sources import Source, open_file
from incidentlog.transfer.staging import CHECK_COLUMNS, CUSTOMER_COLUMNS, STAGE_COLUMNS, Staging

BATCH = 5000


class Importer(Staging, Planner):
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
        ask: Ask | None = None,
        bulk_threshold: int | None = None,
    ) -> None:
        from incidentlog.core.clock import Clock

        self.conn = conn
        self.sources = list(sources)
        self.allow_new = {"store": new_store, "agent": new_agent, "reason": True}
        self.progress = progress
        self.checker = Checker((now or Clock.from_environment().now()).replace(microsecond=0))
        self.result = ImportResult()
        self.sessions: list[SessionRow] = []
        self.index_prefix = ""
        self.skip_duplicates = skip_duplicates
        # How a terminal answers when real rows would join the demo's sample (None: refuse).
        self.ask = ask
        self.event_ids: Sequence[int] = []
        self.bulk_threshold = bulk_threshold

    def _flush_customers(self) -> None:
        pending = self.checker.new_customers
        self._insert("import_customer", CUSTOMER_COLUMNS, pending, " ON CONFLICT DO NOTHING")
        pending.clear()

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
        if self.conn.dialect == "postgresql":
            # Nothing analyses temporary tables by itself: without their sizes the planner
            # joins them row by row against the incident and customer tables.
            self.conn.run("ANALYZE import_stage, import_customer, import_check")
        # A customer the checker had forgotten got a second number, whose row the customer
        # table dropped as a repeat: its incidents take the first one.
        self.conn.run(
            "UPDATE import_stage SET cust = (SELECT ic.seq FROM import_customer ic "
            "WHERE ic.identity = import_stage.customer) "
            "WHERE NOT EXISTS (SELECT 1 FROM import_customer ic WHERE ic.seq = import_stage.cust)"
        )
        self.conn.run(
            f"CREATE INDEX {self.index_prefix}import_customer_name ON import_customer (name_key)"
        )
        self.conn.run(
            f"CREATE INDEX {self.index_prefix}import_stage_moment ON import_stage "
            "(at, cust, store, agent, reason)"
        )
        # Most files give no ids: then the index is empty and costs one scan.
        self.conn.run(
            f"CREATE INDEX {self.index_prefix}import_stage_wanted ON import_stage (wanted_id) "
            "WHERE wanted_id IS NOT NULL"
        )
        self._count_staged()
        self.result.sessions = len(self.sessions)

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
        except BadValue as bad:
            raise RowError(source.where(number), bad.column, bad.problem) from None
        if batch:
            yield batch
        if progress is not None:
            progress(stage, source.size, source.size)

    def _stage_incidents(self, source: Source, seq: int) -> int:
        reader = IncidentReader(source.columns, self.checker, seq, structured=source.unit != "line")
        for batch in self._batches(source, reader):
            self._flush_customers()
            self._insert("import_stage", STAGE_COLUMNS, batch)
            self._insert("import_check", CHECK_COLUMNS, reader.checks)
            reader.checks.clear()
        self._flush_customers()
        self._insert("import_check", CHECK_COLUMNS, reader.checks)
        reader.checks.clear()
        return reader.seq

    def _read_sessions(self, source: Source) -> None:
        reader = TrainingReader(source.columns, self.checker)
        for batch in self._batches(source, reader):
            self.sessions.extend(batch)

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
        with self._indexes_in_bulk(ceiling, bool(kept), self.result.incidents):
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
        self.event_ids = self._write_checks(after_kept, now)
        return [self._new_ids("incident", after_kept), kept_ids]

    def _write_checks(self, after_kept: int, now: dt.datetime) -> Sequence[int]:
        """The staged check-backs, as events of the incidents just inserted: an incident that
        kept its id has it, the others were numbered after `after_kept` in the file's order.
        The incident's time must match too, so a numbering that went otherwise cannot pin a
        check-back on the wrong incident: it stops the import instead."""
        conn = self.conn
        expected = self.result.checks
        if not expected:
            return []
        ceiling = self._ceiling("incident_event")
        numbered = (
            "SELECT seq, wanted_id AS id, at FROM import_stage WHERE wanted_id IS NOT NULL "
            "UNION ALL SELECT seq, :base + ROW_NUMBER() OVER (ORDER BY seq) AS id, at "
            "FROM import_stage WHERE wanted_id IS NULL"
        )
        conn.run(
            "INSERT INTO incident_event (incident_id, kind, at, outcome, note, actor, created_at) "
            "SELECT i.id, 'check', c.at, c.outcome, c.note, :actor, :now "
            f"FROM import_check c JOIN ({numbered}) s ON s.seq = c.seq "
            "JOIN incident i ON i.id = s.id AND i.at = s.at "
            "ORDER BY c.seq, c.at",
            {"base": after_kept, "actor": journal.actor(), "now": now},
        )
        ids = self._new_ids("incident_event", ceiling)
        if len(ids) != expected:
            raise DomainError(
                f"The import placed {len(ids)} of {expected} check-backs; nothing was imported."
            )
        return ids

    def _insert_staged(self, now: dt.datetime, *, with_id: bool) -> None:
        self.conn.run(
            "INSERT INTO incident ("
            + ("id, " if with_id else "")
            + "customer_id, reason_id, store_id, agent_id, "
            "resolved_on_spot, description, resolution, at, day, month, channel, follow_up, "
            "resolved_at, later_resolution, severity, remedy, cost_cents, created_at, updated_at, demo) "
            "SELECT "
            + ("s.wanted_id, " if with_id else "")
            + "ic.id, r.id, st.id, a.id, s.resolved_on_spot, s.description, s.resolution, "
            "s.at, s.day, s.month, s.channel, s.follow_up, s.resolved_at, s.later_resolution, "
            "s.severity, s.remedy, s.cost_cents, :now, :now, "
            "s.demo "
            "FROM import_stage s "
            "JOIN import_customer ic ON ic.seq = s.cust "
            "JOIN reason r ON r.key = s.reason "
            "JOIN store st ON st.key = s.store "
            "JOIN agent a ON a.key = s.agent "
            + ("WHERE s.wanted_id IS NOT NULL " if with_id else "WHERE s.wanted_id IS NULL ")
            + "ORDER BY s.seq",
            {"now": now},
        )

    def _write_sessions(self, plan: Plan) -> list[int]:
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
                    from incidentlog.records.sample import guard_real_write

                    guard_real_write(self.conn, self.ask)
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
                ("incident_event", self.event_ids),
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
            refresh_after_import(conn, self.result.incidents)
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
    now: dt.datetime | None = None,
    ask: Ask | None = None,
) -> ImportResult:
    importer = Importer(
        conn,
        [source],
        new_store=new_store,
        new_agent=new_agent,
        progress=progress,
        skip_duplicates=not allow_duplicates,
        now=now,
        ask=ask,
    )
    return importer.run(dry_run=dry_run)


def counted(result: ImportResult) -> str:
    """ "1,204 incidents", "3 training sessions" or both."""
    parts = []
    if result.incidents or not result.sessions:
        checks = f" with {_plural(result.checks, 'check-back')}" if result.checks else ""
        parts.append(_plural(result.incidents, "incident") + checks)
    if result.sessions:
        parts.append(_plural(result.sessions, "training session"))
    return ", ".join(parts)
