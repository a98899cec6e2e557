"""Alembic migrations; run by `incidentlog.storage.schema`, never by hand."""
