"""Build datasets quickly through the domain layer (the CLI path is tested elsewhere)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from typing import Any

from incidentlog.records.recording import IncidentInput, add_incident
from incidentlog.records.training import SessionInput, add_session
from incidentlog.storage.database import Database


def database() -> Database:
    return Database.from_option(os.environ["INCIDENTLOG_DB"])


def incident(
    *,
    customer: str = "Ann Lee",
    reason: str = "billing",
    resolved: bool = True,
    store: str = "North",
    agent: str = "Jane",
    at: str | dt.datetime = "2026-05-10 10:00",
    **extra: Any,
) -> IncidentInput:
    when = at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(at)
    return IncidentInput(
        customer=customer,
        reason=reason,
        resolved=resolved,
        store=store,
        agent=agent,
        at=when,
        **extra,
    )


def add_incidents(items: Iterable[IncidentInput]) -> list[int]:
    """Insert incidents; new stores and agents are accepted without look-alike checks."""
    ids = []
    with database().connect() as conn:
        for item in items:
            ids.append(add_incident(conn, item, new_store=True, new_agent=True).incident["id"])
    return ids


def add_training(
    *,
    topic: str = "De-escalation",
    kind: str = "roleplay",
    minutes: int = 60,
    agents: list[str] | None = None,
    on: str = "2026-03-10",
    store: str | None = None,
) -> int:
    with database().connect() as conn:
        session = add_session(
            conn,
            SessionInput(
                topic=topic,
                kind=kind,
                minutes=minutes,
                agents=agents or ["Jane"],
                on=dt.date.fromisoformat(on),
                store=store,
            ),
            new_agent=True,
            new_store=True,
        )
    return int(session["id"])
