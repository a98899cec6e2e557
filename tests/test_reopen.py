"""`resolve` keeps what was written at the time; `reopen` puts an incident back to open with
its history kept; upgrading a version-0003 database to the history schema keeps every row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from incidentlog.storage import schema
from tests import pg
from tests.conftest import Sql
from tests.helpers import Cli


def _open_incident(cli: Cli) -> int:
    return cli.add(
        "Marta Sousa",
        reason="late delivery",
        resolved=False,
        at="2026-05-18 10:00",
        description="parcel promised Monday",
        resolution="voucher offered, call back Thursday",
        follow_up="2026-05-21",
    )


@pytest.mark.backends
def test_resolve_keeps_the_first_resolution_beside_the_later_one(cli: Cli) -> None:
    incident_id = _open_incident(cli)
    cli("resolve", str(incident_id), "--resolution", "courier refunded", "--at", "2026-05-19 11:00")
    shown = cli("show", str(incident_id), "--format", "json").json()
    assert shown["resolution"] == "voucher offered, call back Thursday"
    assert shown["later_resolution"] == "courier refunded"
    assert shown["resolved_at"] == "2026-05-19T11:00"
    assert shown["status"] == "resolved later" and shown["resolved"] is False
    assert shown["checks"] == []
    [listed] = cli("list", "--format", "json").json()
    for key in ("resolved_at", "later_resolution", "checks", "resolution", "description"):
        assert listed[key] == shown[key], key
    card = cli("show", str(incident_id)).stdout
    assert "voucher offered, call back Thursday" in card and "courier refunded" in card


@pytest.mark.backends
def test_list_json_of_open_and_on_the_spot_incidents_has_the_new_keys(cli: Cli) -> None:
    cli.add("Ann", resolution="apologised")
    _open_incident(cli)
    rows = cli("list", "--format", "json").json()
    assert [(r["later_resolution"], r["resolved_at"], r["checks"]) for r in rows] == [
        (None, None, []),
        (None, None, []),
    ]
    csv_lines = cli("list", "--format", "csv").stdout.splitlines()
    assert csv_lines[0].split(",")[-5:] == [
        "later_resolution",
        "severity",
        "remedy",
        "cost",
        "checks",
    ]
    empty = cli("list", "--period", "2025", "--format", "csv").stdout.splitlines()
    assert empty == [csv_lines[0]]  # the same columns with no rows


@pytest.mark.backends
def test_resolving_again_is_a_conflict_and_keeps_the_first_later_resolution(cli: Cli) -> None:
    incident_id = _open_incident(cli)
    cli("resolve", str(incident_id), "--resolution", "courier refunded")
    again = cli.fails("resolve", str(incident_id), "--resolution", "second try", code=1)
    assert "changed since you read it" in again.stderr
    assert "reopen" in again.stderr
    shown = cli("show", str(incident_id), "--format", "json").json()
    assert shown["later_resolution"] == "courier refunded"


@pytest.mark.backends
def test_reopen_puts_it_back_to_open_and_keeps_the_earlier_resolution_in_history(
    cli: Cli,
) -> None:
    incident_id = _open_incident(cli)
    cli("resolve", str(incident_id), "--resolution", "courier refunded", "--at", "2026-05-19 11:00")
    result = cli("reopen", str(incident_id), "--note", "refund never arrived")
    assert f"Reopened incident #{incident_id}" in result.stdout
    shown = cli("show", str(incident_id), "--format", "json").json()
    assert shown["status"] == "open"
    assert shown["resolved_at"] is None and shown["later_resolution"] is None
    assert shown["resolution"] == "voucher offered, call back Thursday"
    assert [(e["kind"], e["note"]) for e in shown["history"]] == [
        ("resolve", "courier refunded"),
        ("reopen", "refund never arrived"),
    ]
    assert shown["history"][0]["at"] == "2026-05-19T11:00"
    assert [r["id"] for r in cli("list", "--open", "--format", "json").json()] == [incident_id]
    assert [r["id"] for r in cli("follow-ups", "--format", "json").json()] == [incident_id]
    card = cli("show", str(incident_id)).stdout
    assert "courier refunded" in card and "refund never arrived" in card
    # resolved again: the new later resolution, both in the history
    early = ["--resolution", "replacement sent", "--at", "2026-05-19 12:00"]
    assert "before the incident was reopened" in (
        cli.fails("resolve", str(incident_id), *early, code=2).stderr
    )
    cli("resolve", str(incident_id), "--resolution", "replacement sent")
    shown = cli("show", str(incident_id), "--format", "json").json()
    assert shown["later_resolution"] == "replacement sent"
    assert [e["kind"] for e in shown["history"]] == ["resolve", "reopen", "resolve"]


@pytest.mark.backends
def test_reopen_refuses_an_open_or_on_the_spot_incident_and_writes_nothing(
    cli: Cli, sql: Sql
) -> None:
    on_spot = cli.add("Ann")
    still_open = _open_incident(cli)
    journal = sql.scalar("SELECT COUNT(*) FROM journal")
    refused = cli.fails("reopen", str(on_spot), code=1)
    assert "resolved on the spot" in refused.stderr and "edit" in refused.stderr
    assert "is open" in cli.fails("reopen", str(still_open), code=1).stderr
    assert "No incident #99" in cli.fails("reopen", "99", code=1).stderr
    assert sql.scalar("SELECT COUNT(*) FROM journal") == journal
    assert sql.scalar("SELECT COUNT(*) FROM incident_event") == 0
    assert cli("show", str(on_spot), "--format", "json").json()["status"] == (
        "resolved on the spot"
    )


@pytest.mark.backends
def test_undo_of_reopen_and_resolve_walks_the_history_back(cli: Cli, sql: Sql) -> None:
    incident_id = _open_incident(cli)
    cli("resolve", str(incident_id), "--resolution", "courier refunded")
    cli("reopen", str(incident_id))
    assert "reopen incident" in cli("undo").stdout
    shown = cli("show", str(incident_id), "--format", "json").json()
    assert shown["status"] == "resolved later" and shown["later_resolution"] == "courier refunded"
    assert [e["kind"] for e in shown["history"]] == ["resolve"]
    assert "resolve incident" in cli("undo").stdout
    shown = cli("show", str(incident_id), "--format", "json").json()
    assert shown["status"] == "open" and shown["history"] == []
    assert sql.scalar("SELECT COUNT(*) FROM incident_event") == 0


@pytest.mark.backends
def test_delete_and_undo_bring_back_the_history(cli: Cli, sql: Sql) -> None:
    incident_id = _open_incident(cli)
    cli("resolve", str(incident_id), "--resolution", "courier refunded")
    cli("reopen", str(incident_id), "--note", "not received")
    cli("delete", str(incident_id), "--yes")
    assert sql.scalar("SELECT COUNT(*) FROM incident_event") == 0  # gone with the incident
    cli("undo")
    shown = cli("show", str(incident_id), "--format", "json").json()
    assert [(e["kind"], e["note"]) for e in shown["history"]] == [
        ("resolve", "courier refunded"),
        ("reopen", "not received"),
    ]


@pytest.mark.backends
def test_search_finds_a_word_only_in_the_later_resolution(cli: Cli) -> None:
    incident_id = _open_incident(cli)
    assert cli("search", "courier", "--format", "json").json() == []
    cli("resolve", str(incident_id), "--resolution", "courier refunded the postage")
    [found] = cli("search", "courier", "--format", "json").json()
    assert found["id"] == incident_id and "**courier**" in found["snippet"]
    # the first resolution is still searchable too
    assert [r["id"] for r in cli("search", "thursday", "--format", "json").json()] == [incident_id]


# -- upgrading a version-0003 database ------------------------------------------------------

OLD_ROWS = """
INSERT INTO store (id, name, key) VALUES (1, 'North', 'north');
INSERT INTO agent (id, name, key) VALUES (1, 'Jane', 'jane');
INSERT INTO reason (id, name, key) VALUES (1, 'billing', 'billing');
INSERT INTO customer (id, name, name_key, key) VALUES (1, 'Ann', 'ann', 'name:ann');
INSERT INTO incident (id, customer_id, reason_id, store_id, agent_id, resolved_on_spot,
    description, resolution, at, day, month, follow_up, resolved_at, created_at, updated_at)
VALUES
 (7, 1, 1, 1, 1, {true}, 'printer jammed', 'restarted it', '2026-04-01 10:00:00', '2026-04-01',
  '2026-04', NULL, NULL, '2026-04-01 10:00:00', '2026-04-01 10:00:00'),
 (8, 1, 1, 1, 1, {false}, 'charged twice', 'refund requested', '2026-04-02 10:00:00',
  '2026-04-02', '2026-04', '2026-04-05', '2026-04-03 09:00:00', '2026-04-02 10:00:00',
  '2026-04-03 09:00:00'),
 (9, 1, 1, 1, 1, {false}, 'parcel lost', 'tracing it', '2026-04-03 10:00:00', '2026-04-03',
  '2026-04', '2026-04-06', NULL, '2026-04-03 10:00:00', '2026-04-03 10:00:00');
"""


def _alembic(url: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    engine = create_engine(url)
    with engine.begin() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(schema.MIGRATIONS))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        for statement in OLD_ROWS.strip().split(";\n"):
            statement = statement.strip().rstrip(";")
            if statement:
                true, false = ("1", "0") if url.startswith("sqlite") else ("true", "false")
                conn.execute(text(statement.format(true=true, false=false)))
    engine.dispose()


def _check_upgraded(cli: Cli, db: str) -> None:
    result = cli("--db", db, "db", "upgrade")
    assert f"from version 0003 to {schema.HEAD}" in result.stdout
    rows = cli("--db", db, "list", "--period", "2026-04", "--format", "json").json()
    assert [(r["id"], r["status"], r["resolution"], r["later_resolution"]) for r in rows] == [
        (9, "open", "tracing it", None),
        (8, "resolved later", "refund requested", None),
        (7, "resolved on the spot", "restarted it", None),
    ]
    assert rows[1]["resolved_at"] == "2026-04-03T09:00"
    # search still finds the old rows, and the later resolution of a new one
    assert [r["id"] for r in cli("--db", db, "search", "jammed", "--format", "json").json()] == [7]
    cli("--db", db, "resolve", "9", "--resolution", "found by the depot", "--at", "2026-04-07")
    assert [r["id"] for r in cli("--db", db, "search", "depot", "--format", "json").json()] == [9]
    assert cli("--db", db, "show", "9", "--format", "json").json()["resolution"] == "tracing it"
    cli(
        "--db",
        db,
        "add",
        "Ann",
        "--reason",
        "billing",
        "--resolved",
        "--store",
        "North",
        "--agent",
        "Jane",
    )


def test_upgrade_from_0003_keeps_every_row_sqlite(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _alembic(f"sqlite:///{path}", "0003")
    _check_upgraded(cli, str(path))
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT id, version FROM incident ORDER BY id").fetchall() == [
        (7, 0),
        (8, 0),
        (9, 1),
        (10, 0),  # the AUTOINCREMENT counter survived: no id handed out twice
    ]
    assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    # the FTS index agrees with its content table
    raw.execute("INSERT INTO incident_fts (incident_fts) VALUES ('integrity-check')")


@pytest.mark.postgres
def test_upgrade_from_0003_keeps_every_row_postgres(
    cli: Cli, postgres_server: pg.PostgresServer
) -> None:
    url = postgres_server.create_database(empty=True)
    try:
        _alembic(url, "0003")
        _check_upgraded(cli, url)
    finally:
        postgres_server.drop_database(url)


@pytest.mark.backends
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_import_carries_the_later_resolution(cli: Cli, tmp_path: Path, fmt: str) -> None:
    incident_id = _open_incident(cli)
    cli("resolve", str(incident_id), "--resolution", "courier refunded")
    path = tmp_path / f"all.{fmt}"
    cli("export", "--format", fmt, "--output", str(path))
    target = str(tmp_path / "copy.db")
    cli("--db", target, "import", str(path), "--new-store", "--new-agent")
    [copied] = cli("--db", target, "list", "--format", "json").json()
    assert copied["later_resolution"] == "courier refunded"
    assert copied["resolution"] == "voucher offered, call back Thursday"


@pytest.mark.backends
def test_list_json_imports_as_it_is(cli: Cli, tmp_path: Path) -> None:
    incident_id = _open_incident(cli)
    cli("resolve", str(incident_id), "--resolution", "courier refunded")
    listed = cli("list", "--format", "json").json()
    path = tmp_path / "list.json"
    path.write_text(json.dumps(listed))
    target = str(tmp_path / "copy.db")
    cli("--db", target, "import", str(path), "--new-store", "--new-agent")
    assert cli("--db", target, "list", "--format", "json").json() == listed


@pytest.mark.backends
def test_check_backs_show_in_show_and_list(cli: Cli, sql: Sql) -> None:
    incident_id = _open_incident(cli)
    # as a check-back is stored (the `check` command writes these rows)
    for at, outcome, note in (
        ("2026-05-19 09:00:00", "no-answer", ""),
        ("2026-05-20 10:30:00", "satisfied", "happy with the voucher"),
    ):
        sql.rows(
            "INSERT INTO incident_event (incident_id, kind, at, outcome, note, actor, created_at) "
            "VALUES (:id, 'check', :at, :outcome, :note, 'jane@till-1', :at) RETURNING id",
            {
                "id": incident_id,
                "at": dt.datetime.fromisoformat(at),
                "outcome": outcome,
                "note": note,
            },
        )
    expected = [
        {"at": "2026-05-19T09:00", "outcome": "no-answer", "note": ""},
        {"at": "2026-05-20T10:30", "outcome": "satisfied", "note": "happy with the voucher"},
    ]
    assert cli("show", str(incident_id), "--format", "json").json()["checks"] == expected
    assert cli("list", "--format", "json").json()[0]["checks"] == expected
    [row] = csv.DictReader(io.StringIO(cli("list", "--format", "csv").stdout))
    assert row["checks"] == (
        "2026-05-19 09:00 no-answer; 2026-05-20 10:30 satisfied: happy with the voucher"
    )
    assert (
        "checked back (satisfied): happy with the voucher" in cli("show", str(incident_id)).stdout
    )
