"""A chain of stores on one PostgreSQL server: schema creation and upgrades, the recording
commands telling the same story as on SQLite, and the errors a till meets on a network."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from incidentlog.storage import schema
from tests import pg
from tests.conftest import Sql
from tests.helpers import Cli


@pytest.fixture
def empty_url(postgres_server: pg.PostgresServer) -> Iterator[str]:
    """A database with no tables at all, as a DBA hands it over."""
    url = postgres_server.create_database(empty=True)
    try:
        yield url
    finally:
        postgres_server.drop_database(url)


def alembic_upgrade(url: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    engine = create_engine(url)
    with engine.begin() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(schema.MIGRATIONS))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    engine.dispose()


# -- schema --------------------------------------------------------------------------------


@pytest.mark.postgres
def test_first_command_creates_the_schema_the_models_describe(cli: Cli, empty_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from incidentlog.storage import tables  # noqa: F401 - registers the tables

    info = cli("--db", empty_url, "db", "info", "--format", "json").json()
    assert info["backend"] == "postgresql" and info["schema_version"] == schema.HEAD
    assert info["incidents"] == 0
    engine = create_engine(empty_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    # The full-text search index (an expression index) is the migrations' own business.
    diff = [d for d in diff if not (d[0] == "remove_index" and d[1].name == "ix_incident_search")]
    assert diff == []


@pytest.mark.postgres
def test_old_schema_is_upgraded_with_its_data(cli: Cli, empty_url: str) -> None:
    alembic_upgrade(empty_url, "0001")
    engine = create_engine(empty_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                """
                INSERT INTO store (id, name, key) VALUES (1, 'North', 'north');
                INSERT INTO agent (id, name, key) VALUES (1, 'Jane', 'jane');
                INSERT INTO reason (id, name, key) VALUES (1, 'billing', 'billing');
                INSERT INTO customer (id, name, name_key, key) VALUES (1, 'Ann', 'ann', 'name:ann');
                INSERT INTO incident (id, customer_id, reason_id, store_id, agent_id,
                    resolved_on_spot, description, resolution, at, day, month,
                    created_at, updated_at)
                VALUES (7, 1, 1, 1, 1, true, 'old record', '', '2026-04-01 10:00', '2026-04-01',
                    '2026-04', '2026-04-01 10:00', '2026-04-01 10:00');
                """
            )
        )
    engine.dispose()
    result = cli("--db", empty_url, "db", "upgrade")
    assert f"from version 0001 to {schema.HEAD}" in result.stdout
    assert "up to date" in cli("--db", empty_url, "db", "upgrade").stdout
    rows = cli("--db", empty_url, "list", "--period", "2026-04", "--format", "json").json()
    assert [(r["id"], r["customer"], r["description"]) for r in rows] == [(7, "Ann", "old record")]


@pytest.mark.postgres
def test_tills_opening_a_fresh_database_at_once_create_the_schema_once(
    empty_url: str,
) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "incidentlog", "--db", empty_url, "db", "info"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert f"schema version:   {schema.HEAD}" in out


@pytest.mark.postgres
def test_newer_schema_is_refused(cli: Cli, postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    result = cli.fails("--db", postgres_url, "list", code=1)
    assert "newer than this incidentlog" in result.stderr


# -- connecting ----------------------------------------------------------------------------


@pytest.mark.postgres
def test_plain_postgresql_urls_use_psycopg(
    cli: Cli, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    monkeypatch.setenv("INCIDENTLOG_DB", plain)
    cli.add("Ann Lee", new_store=True, new_agent=True)
    short = postgres_url.replace("postgresql+psycopg://", "postgres://")
    assert cli("--db", short, "db", "info", "--format", "json").json()["incidents"] == 1


@pytest.mark.postgres
def test_missing_database_is_one_clear_line(cli: Cli, postgres_server: pg.PostgresServer) -> None:
    result = cli.fails("--db", postgres_server.url("no_such_db"), "list", code=1)
    assert result.stderr.startswith("Error: Cannot connect to postgresql")
    assert 'database "no_such_db" does not exist' in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unreachable_server_is_one_clear_line(cli: Cli) -> None:
    port = pg.free_port()  # nothing listens there
    result = cli.fails("--db", f"postgresql://till@127.0.0.1:{port}/shop", "add", "Ann", code=1)
    assert result.stderr.startswith(
        f"Error: Cannot connect to postgresql+psycopg://till@127.0.0.1:{port}/shop"
    )
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.postgres
def test_backup_of_postgresql_points_to_pg_dump(cli: Cli, postgres_url: str) -> None:
    result = cli.fails("--db", postgres_url, "db", "backup", "copy.db", code=1)
    assert "pg_dump" in result.stderr


# -- the same story on both backends -------------------------------------------------------


@pytest.mark.backends
def test_recording_commands_tell_the_same_story_on_both_backends(
    cli: Cli, sql: Sql, backend: str
) -> None:
    ann = cli.add(
        "Ann Lee", reason="Billing", at="2026-05-02 09:15", new_store=True, new_agent=True
    )
    bob = cli.add(
        "Bob Stone",
        reason="late delivery",
        resolved=False,
        store="South",
        agent="Omar",
        new_store=True,
        new_agent=True,
        at="2026-05-10 16:40",
        follow_up="2026-05-12",
        contact="bob@example.org",
        channel="phone",
        description="Parcel lost twice",
    )
    cy = cli.add("Cy Rowe", reason="billing", resolved=False, at="2026-04-28 11:00")
    assert (ann, bob, cy) == (1, 2, 3)

    listed = cli("list", "--format", "json").json()  # this month: May
    assert [(r["id"], r["customer"], r["reason"], r["status"]) for r in listed] == [
        (2, "Bob Stone", "late delivery", "open"),
        (1, "Ann Lee", "billing", "resolved on the spot"),
    ]
    assert listed[0]["contact"] == "bob@example.org" and listed[0]["channel"] == "phone"
    assert listed[0]["at"] == "2026-05-10T16:40" and listed[0]["follow_up"] == "2026-05-12"
    by_store = cli(
        "list", "--period", "2026-04-01..2026-05-31", "--store", "north", "--format", "json"
    )
    assert [r["id"] for r in by_store.json()] == [1, 3]
    assert [
        r["id"] for r in cli("list", "--customer", "BOB@example.org", "--format", "json").json()
    ] == [2]

    # overdue first (Bob's follow-up was 12 May; today is 20 May), then Cy with none
    follow = cli("follow-ups", "--format", "json").json()
    assert [(r["id"], r["overdue_days"]) for r in follow] == [(2, 8), (3, 0)]

    cli("edit", "3", "--reason", "refund", "--at", "2026-05-01 08:00")
    cli("resolve", "2", "--resolution", "Refund sent", "--at", "2026-05-11 10:00")
    resolved = cli("show", "2", "--format", "json").json()
    assert (resolved["status"], resolved["resolved_at"]) == ("resolved later", "2026-05-11T10:00")
    assert cli.fails("resolve", "2", "--resolution", "again", code=1).stderr.startswith("Error: ")
    # Bob's is resolved now, but nobody has checked back since his follow-up day
    assert [(r["id"], r["status"]) for r in cli("follow-ups", "--format", "json").json()] == [
        (3, "open"),
        (2, "to check"),
    ]

    cli("delete", "1", "--yes")
    assert cli.fails("show", "1", code=1).stderr == "Error: No incident #1.\n"
    assert "delete incident #1" in cli("undo").stdout
    assert cli("show", "1", "--format", "json").json()["customer"] == "Ann Lee"
    assert "resolve incident #2" in cli("undo").stdout
    assert cli("show", "2", "--format", "json").json()["status"] == "open"
    assert "edit incident #3" in cli("undo").stdout
    third = cli("show", "3", "--format", "json").json()
    assert (third["reason"], third["at"]) == ("billing", "2026-04-28T11:00")
    assert sql.scalar("SELECT COUNT(*) FROM reason") == 2  # "refund" went with the edit

    cli(
        "training", "add", "--topic", "Calm voice", "--kind", "role-play", "--minutes", "45",
        "--agents", "Jane, Omar", "--on", "2026-03-10", "--store", "North",
    )  # fmt: skip
    sessions = cli("training", "list", "--period", "2026-Q1", "--format", "json").json()
    assert sessions == [
        {
            "id": 1,
            "on": "2026-03-10",
            "topic": "Calm voice",
            "kind": "roleplay",
            "minutes": 45,
            "agents": ["Jane", "Omar"],
            "store": "North",
            "trainer": None,
        }
    ]
    assert cli("training", "list", "--format", "json").json() == []  # none this month

    info = cli("db", "info", "--format", "json").json()
    assert info["backend"] == ("postgresql" if backend == "postgres" else "sqlite")
    assert (info["incidents"], info["training_sessions"], info["customers"]) == (3, 1, 3)
    assert (info["stores"], info["agents"], info["reasons"]) == (2, 2, 2)
    assert (info["first_incident"], info["last_incident"]) == ("2026-04-28", "2026-05-10")
    assert info["schema_version"] == schema.HEAD
    assert "up to date" in cli("db", "upgrade").stdout

    found = cli("search", "parcel", "--format", "json").json()
    assert [r["id"] for r in found] == [2]
