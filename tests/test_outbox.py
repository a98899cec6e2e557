"""A till never loses a record: with the server away, `add` and `training add` keep it in
the outbox; the next command that reaches the server records it, exactly once."""

from __future__ import annotations

import json
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import pg
from tests.helpers import Cli

ADD = ["add", "Ann Lee", "--reason", "billing", "--resolved", "--store", "North",
       "--agent", "Jane", "--at", "2026-05-19 10:00", "--new-store", "--new-agent"]  # fmt: skip
TRAINING = ["training", "add", "--topic", "Calm voice", "--kind", "roleplay", "--minutes",
            "45", "--agents", "Jane", "--on", "2026-05-18"]  # fmt: skip


@pytest.fixture
def server() -> Iterator[pg.PostgresServer]:
    """A server of this test's own, so the test can stop and start it."""
    try:
        started = pg.start_server()
    except pg.PostgresUnavailable as exc:
        if pg.required():
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    try:
        yield started
    finally:
        started.stop()


def outbox_folder(tmp_path: Path) -> Path:
    return tmp_path / "data" / "incidentlog" / "outbox"  # XDG_DATA_HOME is tmp_path/data


@pytest.mark.postgres
def test_the_outbox_round_trip(
    cli: Cli, server: pg.PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = server.create_database()
    monkeypatch.setenv("INCIDENTLOG_DB", url)
    cli("add", "First", "--reason", "billing", "--resolved", "--store", "North", "--agent",
        "Jane", "--new-store", "--new-agent", "--at", "2026-05-19 09:00")  # fmt: skip

    server.halt()
    kept = cli(*ADD)
    assert "kept in this till's outbox" in kept.stderr and "Warning:" in kept.stderr
    assert "Traceback" not in kept.stderr
    cli(*TRAINING)
    waiting = cli("db", "outbox", "--format", "json").json()
    assert [(w["kind"], w["what"]) for w in waiting] == [
        ("incident", "Ann Lee"),
        ("training", "Calm voice"),
    ]
    folder = outbox_folder(tmp_path)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = sorted(folder.iterdir())
    assert len(files) == 2 and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert "Ann Lee" in cli("db", "outbox", "--format", "csv").stdout
    # a command that is not a recording one still fails plainly while the server is away
    assert "Cannot connect" in cli.fails("list", code=1).stderr
    # what a crash between the commit and the removal of the file would leave behind
    spare = tmp_path / "spare.json"
    shutil.copy(files[0], spare)

    server.resume()
    listed = cli("list", "--period", "2026-05", "--format", "json")
    assert "Recorded 2 records kept in this till's outbox." in listed.stderr
    assert sorted(r["customer"] for r in listed.json()) == ["Ann Lee", "First"]
    sessions = cli("training", "list", "--period", "2026-05", "--format", "json").json()
    assert [s["topic"] for s in sessions] == ["Calm voice"]
    assert cli("db", "outbox", "--format", "json").json() == []
    assert list(folder.iterdir()) == []

    shutil.copy(spare, files[0])
    again = cli("list", "--period", "2026-05", "--format", "json")
    assert "Recorded" not in again.stderr
    assert sorted(r["customer"] for r in again.json()) == ["Ann Lee", "First"]
    assert list(folder.iterdir()) == []
    assert json.loads(spare.read_text())["database"].startswith("postgresql+psycopg://")


@pytest.mark.postgres
def test_without_every_value_nothing_is_kept(
    cli: Cli, server: pg.PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INCIDENTLOG_DB", server.create_database())
    server.halt()
    # Values still to be asked for: there is no complete record to keep, and it says why.
    result = cli.fails("add", "Ann", "--reason", "billing", "--store", "North", code=1)
    assert "Cannot connect" in result.stderr
    assert not outbox_folder(tmp_path).exists()
    assert "outbox is empty" in cli("db", "outbox").stdout


@pytest.mark.postgres
def test_the_outbox_keeps_severity_remedy_and_cost(
    cli: Cli, server: pg.PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INCIDENTLOG_DB", server.create_database())
    cli("add", "First", "--reason", "billing", "--resolved", "--store", "North", "--agent",
        "Jane", "--new-store", "--new-agent", "--at", "2026-05-19 09:00")  # fmt: skip
    server.halt()
    kept = cli("add", "Ann", "--reason", "billing", "--resolved", "--store", "North",
               "--agent", "Jane", "--at", "2026-05-19 10:00", "--severity", "high",
               "--remedy", "voucher", "--cost", "15.25")  # fmt: skip
    assert "kept in this till's outbox" in kept.stderr
    server.resume()
    rows = {r["customer"]: r for r in cli("list", "--format", "json").json()}
    assert (rows["Ann"]["severity"], rows["Ann"]["remedy"], rows["Ann"]["cost"]) == (
        "high",
        "voucher",
        15.25,
    )
