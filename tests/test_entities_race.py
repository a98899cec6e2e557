"""Two tills meeting the same new name at once, on a shared PostgreSQL server."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, text

from incidentlog.core import names
from incidentlog.records import entities
from tests import pg
from tests.conftest import Sql
from tests.helpers import Cli


@pytest.mark.postgres
def test_a_reason_another_till_just_created_is_that_reason_not_a_lookalike(
    cli: Cli, sql: Sql, postgres_server: pg.PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres_server.create_database()
    monkeypatch.setenv("INCIDENTLOG_DB", url)
    cli.add("Ann", reason="billing", at="2026-05-01 10:00")
    original = entities.known_names

    def another_till_got_there_first(conn: Any, table: str) -> dict[str, str]:
        # Between this till's look-up of "late delivery" and its look-alike check, another
        # till records an incident with the same new reason and commits.
        if table == "reason" and sql.scalar("SELECT COUNT(*) FROM reason") == 1:
            other = create_engine(url)
            with other.begin() as till:
                till.execute(
                    text("INSERT INTO reason (name, key) VALUES (:n, :k)"),
                    {"n": "late delivery", "k": names.key("late delivery")},
                )
            other.dispose()
        return original(conn, table)

    monkeypatch.setattr(entities, "known_names", another_till_got_there_first)
    cli.add("Bob", reason="late delivery", at="2026-05-02 10:00")
    assert [r["name"] for r in sql.rows("SELECT name FROM reason ORDER BY id")] == [
        "billing",
        "late delivery",
    ]
    assert (
        sql.scalar(
            "SELECT COUNT(*) FROM incident i JOIN reason r ON r.id = i.reason_id "
            "WHERE r.name = 'late delivery'"
        )
        == 1
    )
