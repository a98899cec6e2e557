"""The schema's tables as SQLAlchemy Core, for queries: columns, types, keys.

Written by `python -m incidentlog.storage.mirror` from the SQLModel classes in
storage/tables.py, the one declaration of the schema; do not edit by hand.
`tests/test_reports_tables.py` fails when the two differ.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

METADATA = MetaData()

AGENT = Table(
    "agent",
    METADATA,
    Column("id", Integer(), primary_key=True, nullable=False),
    Column("name", String(length=200), nullable=False),
    Column("key", String(length=200), nullable=False),
)

ATTENDANCE = Table(
    "attendance",
    METADATA,
    Column(
        "session_id",
        Integer(),
        ForeignKey("training_session.id", ondelete="CASCADE"),
        primary_key=True,
        nullable=False,
    ),
    Column("agent_id", Integer(), ForeignKey("agent.id"), primary_key=True, nullable=False),
)

CUSTOMER = Table(
    "customer",
    METADATA,
    Column("id", Integer(), primary_key=True, nullable=False),
    Column("name", String(length=200), nullable=False),
    Column("name_key", String(length=200), nullable=False),
    Column("key", String(length=300), nullable=False),
    Column("contact", String(length=200), nullable=True),
)

INCIDENT = Table(
    "incident",
    METADATA,
    Column("id", Integer(), primary_key=True, nullable=False),
    Column("customer_id", Integer(), ForeignKey("customer.id"), nullable=False),
    Column("reason_id", Integer(), ForeignKey("reason.id"), nullable=False),
    Column("store_id", Integer(), ForeignKey("store.id"), nullable=False),
    Column("agent_id", Integer(), ForeignKey("agent.id"), nullable=False),
    Column("resolved_on_spot", Boolean(), nullable=False),
    Column("description", Text(), nullable=False),
    Column("resolution", Text(), nullable=False),
    Column("at", DateTime(), nullable=False),
    Column("day", Date(), nullable=False),
    Column("month", String(length=7), nullable=False),
    Column("channel", String(length=20), nullable=True),
    Column("follow_up", Date(), nullable=True),
    Column("resolved_at", DateTime(), nullable=True),
    Column("created_at", DateTime(), nullable=False),
    Column("updated_at", DateTime(), nullable=False),
    Column("later_resolution", Text(), nullable=True),
    Column("version", Integer(), nullable=False),
    Column("demo", Boolean(), nullable=False),
    Column("severity", String(length=10), nullable=True),
    Column("remedy", String(length=20), nullable=True),
    Column("cost_cents", BigInteger(), nullable=True),
)

INCIDENT_EVENT = Table(
    "incident_event",
    METADATA,
    Column("id", Integer(), primary_key=True, nullable=False),
    Column("incident_id", Integer(), ForeignKey("incident.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(length=20), nullable=False),
    Column("at", DateTime(), nullable=False),
    Column("outcome", String(length=20), nullable=True),
    Column("note", Text(), nullable=False),
    Column("actor", String(length=200), nullable=False),
    Column("created_at", DateTime(), nullable=False),
)

JOURNAL = Table(
    "journal",
    METADATA,
    Column("id", Integer(), primary_key=True, nullable=False),
    Column("created_at", DateTime(), nullable=False),
    Column("actor", String(length=200), nullable=False),
    Column("command", String(length=40), nullable=False),
    Column("summary", Text(), nullable=False),
    Column("payload", Text(), nullable=False),
)

REASON = Table(
    "reason",
    METADATA,
    Column("id", Integer(), primary_key=True, nullable=False),
    Column("name", String(length=200), nullable=False),
    Column("key", String(length=200), nullable=False),
)

SETTING = Table(
    "setting",
    METADATA,
    Column("key", String(length=100), primary_key=True, nullable=False),
    Column("value", Text(), nullable=False),
)

STORE = Table(
    "store",
    METADATA,
    Column("id", Integer(), primary_key=True, nullable=False),
    Column("name", String(length=200), nullable=False),
    Column("key", String(length=200), nullable=False),
)

TRAINING_SESSION = Table(
    "training_session",
    METADATA,
    Column("id", Integer(), primary_key=True, nullable=False),
    Column("day", Date(), nullable=False),
    Column("month", String(length=7), nullable=False),
    Column("topic", String(length=200), nullable=False),
    Column("kind", String(length=20), nullable=False),
    Column("minutes", Integer(), nullable=False),
    Column("store_id", Integer(), ForeignKey("store.id"), nullable=True),
    Column("trainer", String(length=200), nullable=True),
    Column("created_at", DateTime(), nullable=False),
    Column("demo", Boolean(), nullable=False),
)
