"""Full-text search over incident descriptions and resolutions.

On SQLite an external-content FTS5 table mirrors incident(description, resolution) and
triggers keep it in step with every insert, update and delete. PostgreSQL gets a GIN
index over the same text, which `search` queries with to_tsvector/to_tsquery.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The expression `search` matches on PostgreSQL; it must stay identical to use the index.
PG_DOCUMENT = "to_tsvector('simple', description || ' ' || resolution)"

SQLITE_STATEMENTS = (
    # remove_diacritics 2: "cafe" finds "café", as names are matched elsewhere.
    "CREATE VIRTUAL TABLE incident_fts USING fts5("
    "description, resolution, content='incident', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER incident_fts_insert AFTER INSERT ON incident BEGIN "
    "INSERT INTO incident_fts (rowid, description, resolution) "
    "VALUES (new.id, new.description, new.resolution); END",
    "CREATE TRIGGER incident_fts_delete AFTER DELETE ON incident BEGIN "
    "INSERT INTO incident_fts (incident_fts, rowid, description, resolution) "
    "VALUES ('delete', old.id, old.description, old.resolution); END",
    "CREATE TRIGGER incident_fts_update AFTER UPDATE OF description, resolution ON incident "
    "BEGIN "
    "INSERT INTO incident_fts (incident_fts, rowid, description, resolution) "
    "VALUES ('delete', old.id, old.description, old.resolution); "
    "INSERT INTO incident_fts (rowid, description, resolution) "
    "VALUES (new.id, new.description, new.resolution); END",
    "INSERT INTO incident_fts (incident_fts) VALUES ('rebuild')",
)


def _sqlite_has_fts5() -> bool:
    try:
        options = op.get_bind().exec_driver_sql("PRAGMA compile_options").fetchall()
    except sa.exc.DBAPIError:
        return False
    return any(str(row[0]).upper() == "ENABLE_FTS5" for row in options)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # A Python built without FTS5 still works: `search` falls back to LIKE.
        if _sqlite_has_fts5():
            for statement in SQLITE_STATEMENTS:
                op.execute(statement)
    elif dialect == "postgresql":
        op.execute(f"CREATE INDEX ix_incident_search ON incident USING GIN ({PG_DOCUMENT})")
