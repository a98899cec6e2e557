"""SQLModel tables: the schema the reports query and the migrations create.

Incidents keep the store's local wall-clock time (naive datetimes) plus the local
`day` and `month` it falls in, so reports bucket by plain indexed columns that mean the
same thing on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
    text,
)
from sqlmodel import Field, SQLModel

from incidentlog.core.vocabulary import (  # noqa: F401 - re-exported
    CHANNELS,
    CHECK_OUTCOMES,
    KINDS,
    REMEDIES,
    SEVERITIES,
)


def core(model: type[SQLModel]) -> Table:
    """The SQLAlchemy Core table of a table class, for `select()` and friends."""
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


class Store(SQLModel, table=True):
    __tablename__ = "store"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(200), nullable=False))
    key: str = Field(sa_column=Column(String(200), nullable=False, unique=True))


class Agent(SQLModel, table=True):
    __tablename__ = "agent"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(200), nullable=False))
    key: str = Field(sa_column=Column(String(200), nullable=False, unique=True))


class Reason(SQLModel, table=True):
    __tablename__ = "reason"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(200), nullable=False))
    key: str = Field(sa_column=Column(String(200), nullable=False, unique=True))


class Customer(SQLModel, table=True):
    """A customer's identity `key` is the normalised contact when known, else the name."""

    __tablename__ = "customer"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(200), nullable=False))
    name_key: str = Field(sa_column=Column(String(200), nullable=False, index=True))
    key: str = Field(sa_column=Column(String(300), nullable=False, unique=True))
    contact: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))


class Incident(SQLModel, table=True):
    __tablename__ = "incident"
    __table_args__ = (
        # (day, customer_id) and the customer's spread: `repeat-customers` reads the
        # period's customers and then each returning one's incidents from indexes alone.
        Index("ix_incident_day", "day", "customer_id"),
        Index("ix_incident_month_store", "month", "store_id"),
        Index("ix_incident_month_agent", "month", "agent_id", "resolved_on_spot"),
        Index("ix_incident_store_day", "store_id", "day", "resolved_on_spot"),
        Index("ix_incident_agent_day", "agent_id", "day", "resolved_on_spot"),
        Index(
            "ix_incident_customer_day", "customer_id", "day", "agent_id", "store_id", "reason_id"
        ),
        Index("ix_incident_reason_day", "reason_id", "day", "resolved_on_spot"),
        Index("ix_incident_open", "resolved_on_spot", "resolved_at", "follow_up"),
        # Only the demo's rows: whether a database holds any is one probe of an empty index.
        Index(
            "ix_incident_demo_day", "day", sqlite_where=text("demo"), postgresql_where=text("demo")
        ),
        # Ids are quoted to customers and in notes: never hand out a deleted incident's id again.
        {"sqlite_autoincrement": True},
    )
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", nullable=False)
    reason_id: int = Field(foreign_key="reason.id", nullable=False)
    store_id: int = Field(foreign_key="store.id", nullable=False)
    agent_id: int = Field(foreign_key="agent.id", nullable=False)
    resolved_on_spot: bool = Field(nullable=False)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    resolution: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    at: dt.datetime = Field(sa_column=Column(DateTime(timezone=False), nullable=False))
    day: dt.date = Field(sa_column=Column(Date, nullable=False))
    month: str = Field(sa_column=Column(String(7), nullable=False))
    channel: str | None = Field(default=None, sa_column=Column(String(20), nullable=True))
    follow_up: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    resolved_at: dt.datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=False), nullable=True)
    )
    created_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=False), nullable=False))
    updated_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=False), nullable=False))
    # What `resolve` recorded; `resolution` stays as it was written at the time.
    later_resolution: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Up by one with each change; a change is written only if it is still the version it read.
    version: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    # Made by `incidentlog demo` (sample data), not a real record.
    demo: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    severity: str | None = Field(default=None, sa_column=Column(String(10), nullable=True))
    remedy: str | None = Field(default=None, sa_column=Column(String(20), nullable=True))
    # Hundredths of the shop's currency: sums of money stay exact on both backends.
    cost_cents: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class IncidentEvent(SQLModel, table=True):
    """What happened to an incident after it was recorded: resolved later, reopened, or a
    check-back with the customer (`outcome`)."""

    __tablename__ = "incident_event"
    __table_args__ = (
        Index("ix_incident_event_incident", "incident_id", "kind", "at"),
        CheckConstraint("kind IN ('resolve', 'reopen', 'check')", name="ck_incident_event_kind"),
        CheckConstraint(
            "(kind = 'check') = (outcome IS NOT NULL) AND "
            "(outcome IS NULL OR outcome IN ('satisfied', 'not-satisfied', 'no-answer'))",
            name="ck_incident_event_outcome",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(
        sa_column=Column(Integer, ForeignKey("incident.id", ondelete="CASCADE"), nullable=False)
    )
    kind: str = Field(sa_column=Column(String(20), nullable=False))
    at: dt.datetime = Field(sa_column=Column(DateTime(timezone=False), nullable=False))
    outcome: str | None = Field(default=None, sa_column=Column(String(20), nullable=True))
    # The resolution (resolve), why it was reopened (reopen), or what the customer said (check).
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    actor: str = Field(sa_column=Column(String(200), nullable=False))
    created_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=False), nullable=False))


class TrainingSession(SQLModel, table=True):
    __tablename__ = "training_session"
    __table_args__ = (Index("ix_training_session_day", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    day: dt.date = Field(sa_column=Column(Date, nullable=False))
    month: str = Field(sa_column=Column(String(7), nullable=False))
    topic: str = Field(sa_column=Column(String(200), nullable=False))
    kind: str = Field(sa_column=Column(String(20), nullable=False))
    minutes: int = Field(nullable=False)
    store_id: int | None = Field(default=None, foreign_key="store.id", nullable=True)
    trainer: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    created_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=False), nullable=False))
    demo: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )


class Attendance(SQLModel, table=True):
    __tablename__ = "attendance"
    __table_args__ = (Index("ix_attendance_agent", "agent_id"),)
    session_id: int = Field(foreign_key="training_session.id", primary_key=True, ondelete="CASCADE")
    agent_id: int = Field(foreign_key="agent.id", primary_key=True)


class JournalEntry(SQLModel, table=True):
    """One reversible change; `payload` holds what `undo` needs as JSON."""

    __tablename__ = "journal"
    __table_args__ = (Index("ix_journal_actor", "actor", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=False), nullable=False))
    # user@host of the till that made the change: `undo` only reverses the caller's own.
    actor: str = Field(sa_column=Column(String(200), nullable=False))
    command: str = Field(sa_column=Column(String(40), nullable=False))
    summary: str = Field(sa_column=Column(Text, nullable=False))
    payload: str = Field(sa_column=Column(Text, nullable=False))


class Setting(SQLModel, table=True):
    """A choice kept in the database for every till (e.g. `demo` = `keep`)."""

    __tablename__ = "setting"
    key: str = Field(sa_column=Column(String(100), primary_key=True))
    value: str = Field(sa_column=Column(Text, nullable=False))
