"""Check-backs travel in JSON exports and imports (one query, not one per incident); CSV
cells hold no structures, so CSV leaves them out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from incidentlog.storage.database import Database, resolve_location
from tests.conftest import Sql
from tests.helpers import Cli

pytestmark = pytest.mark.backends


def add_check(incident: int, at: str, outcome: str, note: str = "") -> None:
    """A check-back as `incidentlog check` stores it: an incident_event of kind check."""
    db = Database(resolve_location(None))
    try:
        with db.connect() as conn, conn.transaction():
            conn.run(
                "INSERT INTO incident_event (incident_id, kind, at, outcome, note, actor, "
                "created_at) VALUES (:i, 'check', :at, :o, :n, 'till', :at)",
                {"i": incident, "at": at, "o": outcome, "n": note},
            )
    finally:
        db.dispose()


def events(sql: Sql) -> list[tuple[Any, ...]]:
    return [
        (int(r["incident_id"]), str(r["at"])[:19], r["outcome"], r["note"])
        for r in sql.rows(
            "SELECT incident_id, at, outcome, note FROM incident_event "
            "WHERE kind = 'check' ORDER BY incident_id, at"
        )
    ]


def test_json_export_lists_each_incidents_check_backs_oldest_first(cli: Cli) -> None:
    first = cli.add("Ann", resolved=False, at="2026-05-01 10:00", follow_up="2026-05-05")
    second = cli.add("Bob", at="2026-05-02 10:00")
    cli.add("Cleo", at="2026-05-03 10:00")
    add_check(first, "2026-05-06 09:00:00", "not-satisfied", "still waiting")
    add_check(first, "2026-05-04 09:00:00", "no-answer")
    add_check(second, "2026-05-03 12:30:00", "satisfied", "happy now")
    exported = {r["customer"]: r for r in cli("export", "--format", "json").json()}
    assert exported["Ann"]["checks"] == [
        {"at": "2026-05-04T09:00:00", "outcome": "no-answer", "note": ""},
        {"at": "2026-05-06T09:00:00", "outcome": "not-satisfied", "note": "still waiting"},
    ]
    assert exported["Bob"]["checks"] == [
        {"at": "2026-05-03T12:30:00", "outcome": "satisfied", "note": "happy now"}
    ]
    assert exported["Cleo"]["checks"] == []
    # Filters apply to the check-backs too.
    only_bob = cli("export", "--format", "json", "--customer", "Bob").json()
    assert [len(r["checks"]) for r in only_bob] == [1]
    # CSV holds no lists of structures: the SPEC's columns, no check-backs.
    assert "checks" not in cli("export").stdout.splitlines()[0].split(",")


def test_json_export_reads_check_backs_in_one_query(cli: Cli, monkeypatch: Any) -> None:
    for n in range(6):
        incident = cli.add(f"Customer {n}", at=f"2026-05-0{n + 1} 10:00")
        add_check(incident, f"2026-05-0{n + 2} 10:00:00", "satisfied")
    from incidentlog.storage import connection

    seen: list[str] = []
    for cls in (connection.SqliteConn, connection.SAConn):
        for method in ("iter_rows", "rows"):
            original = getattr(cls, method)

            def spy(self: Any, sql: str, params: Any = None, _original: Any = original) -> Any:
                seen.append(sql)
                return _original(self, sql, params)

            monkeypatch.setattr(cls, method, spy)
    rows = cli("export", "--format", "json").json()
    assert sum(len(r["checks"]) for r in rows) == 6
    assert len([q for q in seen if "incident_event" in q]) == 1


def test_json_round_trip_keeps_check_backs_and_undo_takes_them_out(
    cli: Cli, tmp_path: Path, sql: Sql
) -> None:
    first = cli.add("Ann", resolved=False, at="2026-05-01 10:00")
    second = cli.add("Bob", at="2026-05-02 10:00")
    add_check(first, "2026-05-04 09:00:00", "no-answer")
    add_check(first, "2026-05-06 09:15:30", "satisfied", "refund arrived")
    add_check(second, "2026-05-03 12:30:00", "not-satisfied", "wants more")
    original = events(sql)
    path = tmp_path / "all.json"
    cli("export", "--format", "json", "--output", str(path))
    target = str(tmp_path / "copy.db")
    checked = cli("import", str(path), "--allow-duplicates", "--dry-run")
    assert "2 incidents with 3 check-backs, all valid" in checked.stdout
    out = cli("--db", target, "import", str(path), "--new-store", "--new-agent").stdout
    assert "Imported 2 incidents with 3 check-backs from" in out
    again = cli("--db", target, "export", "--format", "json").stdout
    assert json.loads(again) == json.loads(path.read_text())
    # Into a database that already holds incidents: the check-backs follow their incidents.
    for n in range(3):
        cli.add(f"Other {n}", at=f"2026-04-0{n + 1} 10:00")
    cli("import", str(path), "--allow-duplicates")
    copies = {
        r["customer"]: r["checks"] for r in cli("export", "--format", "json").json() if r["id"] > 5
    }
    assert [c["outcome"] for c in copies["Ann"]] == ["no-answer", "satisfied"]
    assert [c["note"] for c in copies["Bob"]] == ["wants more"]
    assert len(events(sql)) == 6
    cli("undo")
    assert events(sql) == original


@pytest.mark.parametrize(
    ("checks", "words"),
    [
        ("yes", ["must be a list"]),
        ([{"at": "2026-05-04 10:00", "outcome": "thrilled"}], ["check-back 1", "thrilled"]),
        ([{"outcome": "satisfied"}], ["check-back 1 needs an at"]),
        (
            [
                {"at": "2026-05-04", "outcome": "satisfied"},
                {"at": "2026-04-01", "outcome": "no-answer"},
            ],
            ["check-back 2", "before the incident"],
        ),
        ([{"at": "2026-06-01 10:00", "outcome": "satisfied"}], ["in the future"]),
        ([{"at": "2026-05-04", "outcome": "satisfied", "mood": "x"}], ["unknown field"]),
        ([{"at": "2026-05-04", "outcome": "satisfied", "note": 5}], ["note must be text"]),
    ],
)
def test_bad_check_backs_write_nothing_and_name_record_and_column(
    cli: Cli, tmp_path: Path, sql: Sql, checks: Any, words: list[str]
) -> None:
    base = {"reason": "billing", "resolved": False, "store": "N", "agent": "J"}
    path = tmp_path / "in.json"
    path.write_text(
        json.dumps(
            [
                {**base, "customer": "Ann", "at": "2026-05-01T10:00", "checks": []},
                {**base, "customer": "Bob", "at": "2026-05-02T10:00", "checks": checks},
            ]
        )
    )
    stderr = cli.fails("import", str(path), "--new-store", "--new-agent", code=2).stderr
    assert "in.json record 2, column checks:" in stderr
    for word in words:
        assert word in stderr
    assert int(sql.scalar("SELECT COUNT(*) FROM incident")) == 0
    assert int(sql.scalar("SELECT COUNT(*) FROM incident_event")) == 0


def test_outcomes_are_read_as_people_write_them(cli: Cli, tmp_path: Path, sql: Sql) -> None:
    path = tmp_path / "in.json"
    path.write_text(
        json.dumps(
            [
                {
                    "customer": "Ann",
                    "reason": "billing",
                    "resolved": True,
                    "store": "N",
                    "agent": "J",
                    "at": "2026-05-01T10:00",
                    "checks": [
                        {"at": "2026-05-02T10:00", "outcome": "Not satisfied", "note": None},
                        {"at": "2026-05-03T10:00", "outcome": "NO_ANSWER"},
                    ],
                }
            ]
        )
    )
    cli("import", str(path), "--new-store", "--new-agent")
    assert [e[2:] for e in events(sql)] == [("not-satisfied", ""), ("no-answer", "")]


def test_a_csv_checks_column_is_ignored(cli: Cli, tmp_path: Path, sql: Sql) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        "customer,reason,resolved,store,agent,at,checks\n"
        "Ann,billing,yes,N,J,2026-05-01 10:00,2026-05-02 satisfied\n"
    )
    cli("import", str(path), "--new-store", "--new-agent")
    assert int(sql.scalar("SELECT COUNT(*) FROM incident")) == 1
    assert events(sql) == []


def test_redact_takes_names_and_contacts_out_of_check_notes(cli: Cli) -> None:
    incident = cli.add("Ann Lee", contact="ann@example.com", resolved=False, at="2026-05-18")
    cli("resolve", str(incident), "--resolution", "Sent ANN LEE a voucher", "--at", "2026-05-19")
    note = "Ann Lee said thanks, call 0161 496 0000"
    add_check(incident, "2026-05-20 09:00:00", "satisfied", note)
    add_check(incident, "2026-05-20 10:00:00", "no-answer", "mail ann@example.com, ask for Lee")
    [row] = cli("export", "--format", "json", "--redact").json()
    assert row["later_resolution"] == "Sent Customer 1 a voucher"
    assert [c["note"] for c in row["checks"]] == [
        "Customer 1 said thanks, call [phone]",
        "mail [email], ask for Customer 1",
    ]
    assert [c["outcome"] for c in row["checks"]] == ["satisfied", "no-answer"]
    [plain] = cli("export", "--format", "json").json()
    assert plain["checks"][0]["note"] == note
