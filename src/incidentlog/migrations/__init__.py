"""Alembic migrations; run by `incidentlog.schema`, never by hand."""
