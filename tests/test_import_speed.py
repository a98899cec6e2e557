"""How a large import writes: the incident indexes and the search index rebuilt around the
insert, inside the import's one transaction (the threshold lowered so the files stay small)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from incidentlog.transfer import staging
from tests.conftest import Sql
from tests.helpers import Cli

HEADER = "customer,reason,resolved,store,agent,at,description,resolution,contact,channel\n"


def write_incidents(
    path: Path, n: int, last: str = "Kettle arrived dented", who: str = "Customer"
) -> Path:
    lines = [
        f"{who} {i},billing,yes,North,Jane,2026-04-{1 + i % 28:02d} 10:{i % 60:02d},"
        f"Parcel {i} was late,Refunded the fee,{who.lower()}{i}@example.com,phone\n"
        for i in range(n - 1)
    ]
    lines.append(f"Last {who},billing,yes,North,Jane,2026-05-01 09:00,{last},Sent a new one,,\n")
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def schema() -> list[tuple[str, str, str]]:
    """The incident and customer tables' indexes and triggers as the file holds them."""
    raw = sqlite3.connect(os.environ["INCIDENTLOG_DB"])
    try:
        return sorted(
            (str(r[0]), str(r[1]), " ".join(str(r[2]).split()))
            for r in raw.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ('incident', 'customer') "
                "AND type IN ('index', 'trigger') AND sql IS NOT NULL"
            )
        )
    finally:
        raw.close()


@pytest.fixture
def rebuilds(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Lowers the threshold to 5 rows and records each set of indexes an import dropped."""
    monkeypatch.setattr(staging, "BULK_THRESHOLD", 5)
    seen: list[list[str]] = []
    dropped = staging.Staging._dropped_indexes

    def spy(self: staging.Staging, rows: int, table: str = "incident") -> list[str]:
        found = dropped(self, rows, table)
        if table == "incident":
            seen.append(found)
        return found

    monkeypatch.setattr(staging.Staging, "_dropped_indexes", spy)
    return seen


def test_large_import_rebuilds_every_index_and_search_finds_its_text(
    cli: Cli, tmp_path: Path, sql: Sql, rebuilds: list[list[str]]
) -> None:
    cli("db", "upgrade")
    before = schema()
    assert any(kind == "index" and name == "ix_incident_day" for kind, name, _sql in before)
    cli("import", str(write_incidents(tmp_path / "big.csv", 40)), "--new-store", "--new-agent")
    assert len(rebuilds) == 1 and len(rebuilds[0]) >= 7  # the indexes were dropped ...
    assert schema() == before  # ... and every one made again, as it was
    assert int(sql.scalar("SELECT COUNT(*) FROM incident")) == 40
    found = cli("search", "dented", "--format", "json").json()
    assert [r["customer"] for r in found] == ["Last Customer"]
    assert len(cli("search", "late", "--format", "json").json()) == 39
    # The search index stays kept by its triggers for the next change.
    cli.add("Zed Moss", description="Toaster smoked on first use")
    assert [r["customer"] for r in cli("search", "toaster", "--format", "json").json()] == [
        "Zed Moss"
    ]


def test_import_failing_on_its_last_row_after_the_drop_leaves_every_index(
    cli: Cli, tmp_path: Path, sql: Sql, rebuilds: list[list[str]]
) -> None:
    cli("db", "upgrade")
    raw = sqlite3.connect(os.environ["INCIDENTLOG_DB"])
    # A rule the checks do not know about refuses the file's last row inside the insert.
    raw.execute(
        "CREATE TRIGGER refuse_last BEFORE INSERT ON incident "
        "WHEN new.description = 'Refuse me' BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    raw.commit()
    raw.close()
    before = schema()
    path = write_incidents(tmp_path / "big.csv", 40, last="Refuse me")
    failed = cli("import", str(path), "--new-store", "--new-agent", ok=False)
    assert failed.exit_code != 0 and "refused" in failed.stderr, failed
    assert "Traceback" not in failed.stderr
    assert len(rebuilds) == 1 and rebuilds[0]  # it failed after dropping them
    assert schema() == before
    assert int(sql.scalar("SELECT COUNT(*) FROM incident")) == 0
    assert int(sql.scalar("SELECT COUNT(*) FROM customer")) == 0


def test_large_import_rebuilds_the_customer_name_index_only_when_it_pays(
    cli: Cli, tmp_path: Path, sql: Sql, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staging, "BULK_THRESHOLD", 5)
    dropped: list[tuple[str, list[str]]] = []
    original = staging.Staging._dropped_indexes

    def spy(self: staging.Staging, rows: int, table: str = "incident") -> list[str]:
        found = original(self, rows, table)
        dropped.append((table, found))
        return found

    monkeypatch.setattr(staging.Staging, "_dropped_indexes", spy)
    cli("db", "upgrade")
    before = schema()
    cli("import", str(write_incidents(tmp_path / "big.csv", 40)), "--new-store", "--new-agent")
    assert ("customer", [
        "CREATE INDEX ix_customer_name_key ON customer (name_key)"
    ]) in dropped  # fmt: skip
    assert schema() == before
    assert int(sql.scalar("SELECT COUNT(*) FROM customer")) == 40
    # A name without contact still finds its one customer through the rebuilt index.
    again = tmp_path / "again.csv"
    again.write_text(HEADER + "last  CUSTOMER,billing,yes,North,Jane,2026-05-02 09:00,Again,,,\n")
    cli("import", str(again))
    assert int(sql.scalar("SELECT COUNT(*) FROM incident")) == 41
    assert int(sql.scalar("SELECT COUNT(*) FROM customer")) == 40
    # Fewer new customers than the table holds: the index is kept.
    dropped.clear()
    cli("import", str(write_incidents(tmp_path / "more.csv", 6, who="Other")))
    assert ("customer", []) in dropped
    assert schema() == before


def test_small_import_or_one_into_a_larger_table_keeps_the_indexes(
    cli: Cli, tmp_path: Path, sql: Sql, rebuilds: list[list[str]]
) -> None:
    cli("db", "upgrade")
    cli("import", str(write_incidents(tmp_path / "few.csv", 4)), "--new-store", "--new-agent")
    for i in range(6):
        cli.add(f"Known {i}")
    # 5 rows reach the threshold, but the table already holds more than that.
    cli("import", str(write_incidents(tmp_path / "five.csv", 5, last="Mug chipped", who="Other")))
    assert rebuilds == [[], []]
    assert int(sql.scalar("SELECT COUNT(*) FROM incident")) == 4 + 6 + 5
    assert [r["customer"] for r in cli("search", "chipped", "--format", "json").json()] == [
        "Last Other"
    ]


@pytest.mark.backends
def test_postgres_stages_rows_through_copy_with_the_same_result(
    cli: Cli, tmp_path: Path, sql: Sql, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied: list[tuple[str, bool]] = []
    copy = staging.Staging._copy

    def spy(self: staging.Staging, table: str, *args: object) -> bool:
        done = copy(self, table, *args)  # type: ignore[arg-type]
        copied.append((table, done))
        return done

    monkeypatch.setattr(staging.Staging, "_copy", spy)
    path = tmp_path / "in.csv"
    path.write_text(
        HEADER + "Ann Lee,billing,yes,North,Jane,2026-05-01 09:00,Kettle \\N broken,,,\n"
        'ann  LEE,billing,no,North,Jane,2026-05-02 09:00,"Tab\there, ""quoted""",,,\n'
        "Bo,billing,yes,North,Jane,2026-05-03 09:00,Fine,Done,bo@example.com,phone\n",
        encoding="utf-8",
    )
    cli("import", str(path), "--new-store", "--new-agent")
    if backend == "postgres":
        assert ("import_stage", True) in copied and ("import_customer", True) in copied
    else:
        assert copied == []
    customers = sql.rows("SELECT name, key, contact FROM customer ORDER BY id")
    # Two spellings of one customer: the first met names it, once.
    assert customers == [
        {"name": "Ann Lee", "key": "name:ann lee", "contact": None},
        {"name": "Bo", "key": "email:bo@example.com", "contact": "bo@example.com"},
    ]
    rows = sql.rows("SELECT description, resolved_on_spot, at FROM incident ORDER BY id")
    assert [r["description"] for r in rows] == [
        "Kettle \\N broken",
        'Tab\there, "quoted"',
        "Fine",
    ]
    assert [bool(r["resolved_on_spot"]) for r in rows] == [True, False, True]
    assert str(rows[1]["at"])[:16] == "2026-05-02 09:00"


def test_the_threshold_can_be_given_to_one_import(cli: Cli, tmp_path: Path, sql: Sql) -> None:
    from incidentlog.storage.database import Database, resolve_location
    from incidentlog.transfer.importer import Importer
    from incidentlog.transfer.sources import open_file

    cli("db", "upgrade")
    before = schema()
    seen: list[list[str]] = []

    class Spying(Importer):
        def _dropped_indexes(self, rows: int, table: str = "incident") -> list[str]:
            found = super()._dropped_indexes(rows, table)
            if table == "incident":
                seen.append(found)
            return found

    db = Database(resolve_location(None))
    try:
        with db.connect() as conn:
            # 40 rows into an empty table, then 40 more into a table of 40.
            for threshold, name in ((41, "a"), (40, "b")):
                path = write_incidents(tmp_path / f"{name}.csv", 40, who=name)
                importer = Spying(
                    conn,
                    [open_file(path)],
                    new_store=True,
                    new_agent=True,
                    bulk_threshold=threshold,
                )
                assert importer.run().incidents == 40
    finally:
        db.dispose()
    assert [bool(found) for found in seen] == [False, True]
    assert schema() == before
    assert int(sql.scalar("SELECT COUNT(*) FROM incident")) == 80
