"""`undo` on a database many tills share: a till reverses its own most recent change only
while no later change, by anyone, touched the same records; otherwise it refuses (exit 1)
and names the later change. Tills are told apart by INCIDENTLOG_TILL here (user@host else)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.conftest import Sql
from tests.helpers import Cli

pytestmark = pytest.mark.backends

Till = Callable[[str], None]  # names the till the next commands run on


@pytest.fixture
def till(monkeypatch: pytest.MonkeyPatch) -> Till:
    def use(name: str) -> None:
        monkeypatch.setenv("INCIDENTLOG_TILL", name)

    return use


def _journal(sql: Sql) -> list[tuple[str, str]]:
    return [
        (r["actor"], r["command"])
        for r in sql.rows("SELECT actor, command FROM journal ORDER BY id")
    ]


def test_undo_is_refused_when_another_till_changed_the_same_incident_later(
    cli: Cli, sql: Sql, till: Till
) -> None:
    till("jane@till-1")
    incident_id = cli.add("Ann", description="as Jane wrote it")
    till("bob@till-2")
    cli("edit", str(incident_id), "--description", "as Bob corrected it")
    journal = _journal(sql)
    till("jane@till-1")
    refused = cli.fails("undo", code=1)
    message = refused.stderr
    assert f"add incident #{incident_id}" in message
    assert f'edit "edit incident #{incident_id} (description)"' in message
    assert "by bob@till-2" in message
    assert re.search(r"on \d{4}-\d\d-\d\d \d\d:\d\d", message)
    # nothing was changed
    assert _journal(sql) == journal
    assert sql.scalar("SELECT description FROM incident") == "as Bob corrected it"
    # once Bob takes his change back, Jane's undo goes through
    till("bob@till-2")
    assert "Undid: edit incident" in cli("undo").stdout
    till("jane@till-1")
    assert "Undid: add incident" in cli("undo").stdout
    assert sql.scalar("SELECT COUNT(*) FROM incident") == 0


def test_a_resolve_is_not_undone_under_another_tills_reopen(cli: Cli, sql: Sql, till: Till) -> None:
    till("jane@till-1")
    incident_id = cli.add("Ann", resolved=False, at="2026-05-18 10:00")
    cli("resolve", str(incident_id), "--resolution", "refund sent")
    till("bob@till-2")
    cli("reopen", str(incident_id), "--note", "refund bounced")
    till("jane@till-1")
    message = cli.fails("undo", code=1).stderr
    assert 'reopen "reopen incident' in message and "bob@till-2" in message
    shown = cli("show", str(incident_id), "--format", "json").json()
    assert shown["status"] == "open"
    assert [e["kind"] for e in shown["history"]] == ["resolve", "reopen"]


def test_later_changes_to_other_records_do_not_stop_an_undo(cli: Cli, sql: Sql, till: Till) -> None:
    till("jane@till-1")
    first = cli.add("Ann", resolved=False, at="2026-05-18 10:00", store="North")
    cli("resolve", str(first), "--resolution", "refund sent")
    till("bob@till-2")
    # the same customer, store and agent, but another incident
    second = cli.add("Ann", resolved=False, at="2026-05-19 10:00", store="North")
    cli("edit", str(second), "--description", "second visit")
    till("jane@till-1")
    assert f"Undid: resolve incident #{first}" in cli("undo").stdout
    assert f"Undid: add incident #{first}" in cli("undo").stdout
    rows = cli("list", "--format", "json").json()
    assert [(r["id"], r["customer"], r["description"]) for r in rows] == [
        (second, "Ann", "second visit")
    ]
    # Bob's incident still needs the customer and store Jane's add created: they stay
    assert sql.scalar("SELECT COUNT(*) FROM customer") == 1
    assert sql.scalar("SELECT COUNT(*) FROM store") == 1


def test_undo_refuses_a_change_whose_record_moved_on_even_when_the_journal_forgot(
    cli: Cli, sql: Sql, till: Till, monkeypatch: pytest.MonkeyPatch
) -> None:
    till("jane@till-1")
    incident_id = cli.add("Ann")
    cli("edit", str(incident_id), "--description", "Jane's words")
    # Bob's edit leaves the journal (each till keeps only its last KEEP changes) ...
    monkeypatch.setattr("incidentlog.records.journal.KEEP", 1)
    till("bob@till-2")
    cli("edit", str(incident_id), "--description", "Bob's words")
    cli.add("Someone else")
    assert ("bob@till-2", "edit") not in _journal(sql)
    # ... but the incident's version still says it moved on since Jane's edit
    till("jane@till-1")
    message = cli.fails("undo", code=1).stderr
    assert "changed since" in message
    assert (
        sql.scalar("SELECT description FROM incident WHERE id = :id", {"id": incident_id})
        == "Bob's words"
    )


def test_each_till_undoes_its_own_latest_change(cli: Cli, till: Till) -> None:
    till("jane@till-1")
    cli.add("Ann")
    till("bob@till-2")
    cli.add("Bob")
    till("jane@till-1")
    assert "Ann" in cli("undo").stdout
    assert [r["customer"] for r in cli("list", "--format", "json").json()] == ["Bob"]
    assert "Nothing to undo" in cli.fails("undo", code=1).stderr


def test_undo_of_an_add_is_refused_after_another_till_renamed_the_store_it_created(
    cli: Cli, sql: Sql, till: Till
) -> None:
    till("jane@till-1")
    cli.add("Ann", store="harbour street")
    till("bob@till-2")
    cli("stores", "rename", "harbour street", "Harbour Street")
    till("jane@till-1")
    message = cli.fails("undo", code=1).stderr
    assert 'stores rename "rename store' in message and "bob@till-2" in message
    assert sql.scalar("SELECT name FROM store") == "Harbour Street"
    assert sql.scalar("SELECT COUNT(*) FROM incident") == 1
