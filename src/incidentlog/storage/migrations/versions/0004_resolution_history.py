"""What happened after the first record: later resolutions, reopenings, check-backs, and
a version number per incident so that two tills cannot silently overwrite each other.

- `incident.later_resolution` keeps what `resolve` records beside the `resolution` written
  at the time, which is never overwritten.
- `incident.version` goes up by one with every change to the incident; a change is written
  only if the version is still the one it read (optimistic concurrency).
- `incident_event` is the incident's history after it was recorded: `resolve` and `reopen`
  (the note holds the resolution, or why it was reopened) and `check` (a check-back, with its
  outcome). Events go with their incident when it is deleted.
- Full-text search also covers the later resolution: the FTS5 table (SQLite) gets a third
  column, the GIN index (PostgreSQL) a longer expression.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The expression `search` matches on PostgreSQL; it must stay identical to use the index.
PG_DOCUMENT = (
    "to_tsvector('simple', description || ' ' || resolution || ' ' || "
    "coalesce(later_resolution, ''))"
)

FTS_COLUMNS = "description, resolution, later_resolution"
FTS_NEW = "new.description, new.resolution, new.later_resolution"
FTS_OLD = "old.description, old.resolution, old.later_resolution"
SQLITE_STATEMENTS = (
    "DROP TRIGGER IF EXISTS incident_fts_insert",
    "DROP TRIGGER IF EXISTS incident_fts_delete",
    "DROP TRIGGER IF EXISTS incident_fts_update",
    "DROP TABLE IF EXISTS incident_fts",
    "CREATE VIRTUAL TABLE incident_fts USING fts5("
    f"{FTS_COLUMNS}, content='incident', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER incident_fts_insert AFTER INSERT ON incident BEGIN "
    f"INSERT INTO incident_fts (rowid, {FTS_COLUMNS}) VALUES (new.id, {FTS_NEW}); END",
    "CREATE TRIGGER incident_fts_delete AFTER DELETE ON incident BEGIN "
    f"INSERT INTO incident_fts (incident_fts, rowid, {FTS_COLUMNS}) "
    f"VALUES ('delete', old.id, {FTS_OLD}); END",
    f"CREATE TRIGGER incident_fts_update AFTER UPDATE OF {FTS_COLUMNS} ON incident BEGIN "
    f"INSERT INTO incident_fts (incident_fts, rowid, {FTS_COLUMNS}) "
    f"VALUES ('delete', old.id, {FTS_OLD}); "
    f"INSERT INTO incident_fts (rowid, {FTS_COLUMNS}) VALUES (new.id, {FTS_NEW}); END",
    "INSERT INTO incident_fts (incident_fts) VALUES ('rebuild')",
)

EVENT_KINDS = ("resolve", "reopen", "check")
CHECK_OUTCOMES = ("satisfied", "not-satisfied", "no-answer")


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _sqlite_has_fts_table() -> bool:
    found = op.get_bind().exec_driver_sql(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'incident_fts'"
    )
    return bool(found.scalar())


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # Plain ADD COLUMNs: batch mode does not copy the table for these, so the FTS triggers,
    # the AUTOINCREMENT counter and every row stay as they are.
    with op.batch_alter_table("incident") as batch:
        batch.add_column(sa.Column("later_resolution", sa.Text, nullable=True))
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "incident_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer,
            sa.ForeignKey("incident.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
        sa.CheckConstraint(f"kind IN ({_quoted(EVENT_KINDS)})", name="ck_incident_event_kind"),
        sa.CheckConstraint(
            f"(kind = 'check') = (outcome IS NOT NULL) AND "
            f"(outcome IS NULL OR outcome IN ({_quoted(CHECK_OUTCOMES)}))",
            name="ck_incident_event_outcome",
        ),
    )
    op.create_index("ix_incident_event_incident", "incident_event", ["incident_id", "kind", "at"])
    if dialect == "sqlite":
        # Only where 0003 built the FTS table: a Python without FTS5 keeps the LIKE fallback.
        if _sqlite_has_fts_table():
            for statement in SQLITE_STATEMENTS:
                op.execute(statement)
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_incident_search")
        op.execute(f"CREATE INDEX ix_incident_search ON incident USING GIN ({PG_DOCUMENT})")
