"""Training sessions: who was trained, in what, for how long."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from incidentlog.core import names
from incidentlog.core.errors import InvalidInput, NotFound
from incidentlog.core.vocabulary import KINDS
from incidentlog.records import entities, journal
from incidentlog.records.sample import guard_real_write
from incidentlog.storage.connection import Conn, as_date

MAX_MINUTES = 24 * 60


@dataclass
class SessionInput:
    topic: str
    kind: str
    minutes: int
    agents: list[str]
    on: dt.date
    store: str | None = None
    trainer: str | None = None


def normalise_kind(kind: str) -> str:
    value = names.key(kind).replace(" ", "-").replace("_", "-")
    value = {"role-play": "roleplay", "newmaterial": "new-material", "new": "new-material"}.get(
        value, value
    )
    if value not in KINDS:
        raise InvalidInput(f'Unknown training kind "{kind}". Use one of: {", ".join(KINDS)}.')
    return value


def split_agents(text: str, separator: str = ",") -> list[str]:
    return [names.clean(a) for a in text.split(separator) if names.clean(a)]


def validate(data: SessionInput) -> SessionInput:
    if not 1 <= data.minutes <= MAX_MINUTES:
        raise InvalidInput(f"Minutes must be between 1 and {MAX_MINUTES}, not {data.minutes}.")
    agents = [entities.check_name("agent", a) for a in data.agents]
    if not agents:
        raise InvalidInput('Name the agents who attended, e.g. --agents "Jane,Bob".')
    first_spelling: dict[str, str] = {}
    for agent in agents:
        first_spelling.setdefault(names.key(agent), agent)
    unique = list(first_spelling.values())
    return SessionInput(
        topic=entities.check_name("topic", data.topic),
        kind=normalise_kind(data.kind),
        minutes=data.minutes,
        agents=unique,
        on=data.on,
        store=entities.check_name("store", data.store)
        if data.store and data.store.strip()
        else None,
        trainer=entities.check_name("trainer", data.trainer)
        if data.trainer and data.trainer.strip()
        else None,
    )


def insert_session(
    conn: Conn,
    data: SessionInput,
    resolved: entities.Resolved,
    *,
    new_agent: bool = False,
    new_store: bool = False,
) -> int:
    store_id = (
        entities.named(conn, "store", data.store, allow_new=new_store, resolved=resolved)
        if data.store
        else None
    )
    session_id = conn.insert(
        "INSERT INTO training_session (day, month, topic, kind, minutes, store_id, trainer, created_at) "
        "VALUES (:day, :month, :topic, :kind, :minutes, :store_id, :trainer, :created_at) RETURNING id",
        {
            "day": data.on,
            "month": data.on.strftime("%Y-%m"),
            "topic": data.topic,
            "kind": data.kind,
            "minutes": data.minutes,
            "store_id": store_id,
            "trainer": data.trainer,
            "created_at": dt.datetime.now().replace(microsecond=0),
        },
    )
    for agent in data.agents:
        agent_id = entities.named(conn, "agent", agent, allow_new=new_agent, resolved=resolved)
        conn.run(
            "INSERT INTO attendance (session_id, agent_id) VALUES (:s, :a)",
            {"s": session_id, "a": agent_id},
        )
    return session_id


def add_session(
    conn: Conn, data: SessionInput, *, new_agent: bool = False, new_store: bool = False
) -> dict[str, Any]:
    data = validate(data)
    guard_real_write(conn)  # a real record must not silently join the demo's sample
    resolved = entities.Resolved()
    with conn.transaction():
        session_id = insert_session(conn, data, resolved, new_agent=new_agent, new_store=new_store)
        journal.record(
            conn,
            command="training add",
            summary=f"add training session #{session_id} ({data.topic})",
            inserted=[("training_session", [session_id])]
            + [(t, resolved.created.get(t, [])) for t in ("store", "agent")],
        )
        return get_session(conn, session_id)


SESSION_SELECT = """
SELECT t.id, t.day, t.topic, t.kind, t.minutes, s.name AS store, t.trainer
FROM training_session t LEFT JOIN store s ON s.id = t.store_id
"""


def _attendees(conn: Conn, session_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {i: [] for i in session_ids}
    if not session_ids:
        return found
    ids = ", ".join(str(int(i)) for i in session_ids)
    for row in conn.rows(
        "SELECT at.session_id, a.name FROM attendance at JOIN agent a ON a.id = at.agent_id "
        f"WHERE at.session_id IN ({ids}) ORDER BY a.name"
    ):
        found[int(row["session_id"])].append(row["name"])
    return found


def _public(row: dict[str, Any], agents: list[str]) -> dict[str, Any]:
    day = as_date(row["day"])
    return {
        "id": int(row["id"]),
        "on": day.isoformat() if day else None,
        "topic": row["topic"],
        "kind": row["kind"],
        "minutes": int(row["minutes"]),
        "agents": agents,
        "store": row["store"],
        "trainer": row["trainer"],
    }


def get_session(conn: Conn, session_id: int) -> dict[str, Any]:
    row = conn.row(SESSION_SELECT + " WHERE t.id = :id", {"id": session_id})
    if row is None:
        raise NotFound(f"No training session #{session_id}.")
    return _public(row, _attendees(conn, [session_id])[session_id])


def list_sessions(
    conn: Conn,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    topic: str | None = None,
) -> list[dict[str, Any]]:
    clauses, params = [], {}
    if start is not None:
        clauses.append("t.day >= :start")
        params["start"] = start
    if end is not None:
        clauses.append("t.day <= :end")
        params["end"] = end
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = conn.rows(SESSION_SELECT + where + " ORDER BY t.day, t.id", params)
    if topic:
        wanted = names.key(topic)
        rows = [r for r in rows if wanted in names.key(r["topic"])]
    attendees = _attendees(conn, [int(r["id"]) for r in rows])
    return [_public(r, attendees[int(r["id"])]) for r in rows]
