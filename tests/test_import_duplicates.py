"""Importing the same records twice does not double them; ids from the file are kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Sql
from tests.helpers import Cli

pytestmark = pytest.mark.backends

HEADER = "customer,reason,resolved,store,agent,at,description,resolution,contact,channel\n"
ROWS = (
    "Ann Lee,billing,yes,North,Jane,2026-05-01 10:00,charged twice,,ann@x.org,\n"
    "Bob Day,late delivery,no,North,Jane,2026-05-02 11:00,,,,phone\n"
    "Cy Ott,billing,yes,North,Bob,2026-05-03 12:00,,,,\n"
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def count(sql: Sql, table: str = "incident") -> int:
    return int(sql.scalar(f"SELECT COUNT(*) FROM {table}"))


def test_importing_the_same_file_twice_skips_and_counts(cli: Cli, tmp_path: Path, sql: Sql) -> None:
    path = write(tmp_path / "in.csv", HEADER + ROWS)
    cli("import", str(path), "--new-agent")
    assert count(sql) == 3
    again = cli("import", str(path))
    assert "3 skipped as already recorded" in again.stdout
    assert count(sql) == 3
    # Nothing new was journalled: undo still takes out the first import.
    cli("undo")
    assert count(sql) == 0


def test_only_the_new_rows_of_a_grown_file_are_imported(cli: Cli, tmp_path: Path, sql: Sql) -> None:
    cli.add("Ann Lee", at="2026-05-01 10:00", contact="ann@x.org", description="typed by hand")
    path = write(
        tmp_path / "in.csv",
        HEADER + ROWS.replace("charged twice", "other words")
        + "Dee Fox,billing,yes,North,Jane,2026-05-04 09:00,,,,\n",
    )  # fmt: skip
    dry = cli("import", str(path), "--new-agent", "--dry-run")
    assert "1 would be skipped as already recorded" in dry.stdout
    assert count(sql) == 1
    result = cli("import", str(path), "--new-agent")
    assert "Imported 3 incidents" in result.stdout
    assert "1 skipped as already recorded" in result.stdout
    assert count(sql) == 4


def test_allow_duplicates_imports_them_anyway(cli: Cli, tmp_path: Path, sql: Sql) -> None:
    path = write(tmp_path / "in.csv", HEADER + ROWS)
    cli("import", str(path), "--new-agent")
    result = cli("import", str(path), "--allow-duplicates")
    assert "Imported 3 incidents" in result.stdout and "skipped" not in result.stdout
    assert count(sql) == 6


def test_a_row_repeated_within_the_file_is_a_duplicate_too(
    cli: Cli, tmp_path: Path, sql: Sql
) -> None:
    first = ROWS.splitlines()[0]
    path = write(tmp_path / "in.csv", HEADER + ROWS + first + "\n" + first.upper() + "\n")
    result = cli("import", str(path), "--new-agent")
    assert "2 skipped as already recorded" in result.stdout
    assert count(sql) == 3
    write(tmp_path / "twice.csv", HEADER + first + "\n" + first + "\n")
    cli("import", str(tmp_path / "twice.csv"), "--allow-duplicates")
    assert count(sql) == 5


def test_a_different_moment_store_agent_reason_or_customer_is_not_a_duplicate(
    cli: Cli, tmp_path: Path, sql: Sql
) -> None:
    cli("import", str(write(tmp_path / "a.csv", HEADER + ROWS)), "--new-agent")
    variants = [
        "Ann Lee,billing,yes,North,Jane,2026-05-01 10:01,,,ann@x.org,\n",
        "Ann Lee,billing,yes,South,Jane,2026-05-01 10:00,,,ann@x.org,\n",
        "Ann Lee,billing,yes,North,Bob,2026-05-01 10:00,,,ann@x.org,\n",
        "Ann Lee,refund,yes,North,Jane,2026-05-01 10:00,,,ann@x.org,\n",
        "Ann Lee,billing,yes,North,Jane,2026-05-01 10:00,,,other@x.org,\n",
    ]
    result = cli("import", str(write(tmp_path / "b.csv", HEADER + "".join(variants))))
    assert "skipped" not in result.stdout
    assert count(sql) == 8


def test_ids_in_the_file_are_kept_when_free(cli: Cli, tmp_path: Path, sql: Sql) -> None:
    taken = cli.add("Zed", at="2026-04-01 09:00")  # id 1
    path = write(
        tmp_path / "in.csv",
        "id," + HEADER
        + "40,Ann Lee,billing,yes,North,Jane,2026-05-01 10:00,,,,\n"
        + f"{taken},Bob Day,billing,yes,North,Jane,2026-05-02 10:00,,,,\n"
        + "7,Cy Ott,billing,yes,North,Jane,2026-05-03 10:00,,,,\n"
        + "7,Dee Fox,billing,yes,North,Jane,2026-05-04 10:00,,,,\n"
        + ",Eve Orr,billing,yes,North,Jane,2026-05-05 10:00,,,,\n",
    )  # fmt: skip
    cli("import", str(path))
    ids = {r["customer"]: r["id"] for r in cli("list", "-p", "2026", "--format", "json").json()}
    assert ids["Zed"] == taken
    assert ids["Ann Lee"] == 40 and ids["Cy Ott"] == 7
    # A taken id, or one asked for twice, gets a new one after every incident.
    assert ids["Bob Day"] > 40 and ids["Dee Fox"] > 40 and ids["Eve Orr"] > 40
    assert len(set(ids.values())) == 6
    # New incidents keep numbering after the kept ones, and undo takes out every one.
    assert cli.add("Fay", at="2026-05-06 10:00") > max(ids.values())
    cli("undo")
    cli("undo")
    assert [r["customer"] for r in cli("list", "-p", "2026", "--format", "json").json()] == ["Zed"]
    found = cli("search", "Lee", "--format", "json").json()
    assert found == []


def test_kept_ids_are_searchable(cli: Cli, tmp_path: Path) -> None:
    cli.add("Zed", at="2026-04-01 09:00", description="first one")
    path = write(
        tmp_path / "in.csv",
        "id," + HEADER + "1000,Ann Lee,billing,yes,North,Jane,2026-05-01 10:00,parcel lost,,,\n",
    )
    cli("import", str(path))
    assert [r["id"] for r in cli("search", "parcel", "--format", "json").json()] == [1000]


def test_a_bad_id_names_line_and_column(cli: Cli, tmp_path: Path, sql: Sql) -> None:
    for bad in ("x", "-3", "0", "99999999999999999999"):
        path = write(
            tmp_path / "in.csv",
            "id," + HEADER + f"{bad},Ann Lee,billing,yes,North,Jane,2026-05-01 10:00,,,,\n",
        )
        result = cli.fails("import", str(path), code=2)
        assert "line 2, column id" in result.stderr
    assert count(sql) == 0


def test_training_sessions_imported_twice_are_skipped(cli: Cli, tmp_path: Path, sql: Sql) -> None:
    path = write(
        tmp_path / "t.csv",
        "date,topic,kind,minutes,agents,store,trainer\n"
        "2026-03-10,De-escalation,roleplay,90,Jane;Bob,North,Rita\n"
        "2026-03-11,Refunds,review,20,Jane,,\n",
    )
    cli("import", str(path), "--new-agent", "--new-store")
    again = write(
        tmp_path / "t2.csv",
        "date,topic,kind,minutes,agents,store,trainer\n"
        "2026-03-10,de-escalation,roleplay,90,Bob;Jane,North,Rita\n"  # same session
        "2026-03-11,Refunds,review,20,Jane;Bob,,\n",  # other attendees: a new session
    )
    result = cli("import", str(again))
    assert "1 skipped as already recorded" in result.stdout
    assert count(sql, "training_session") == 3


def test_json_import_skips_what_is_recorded(cli: Cli, tmp_path: Path, sql: Sql) -> None:
    cli.add("Ann Lee", at="2026-05-01 10:00")
    cli.add("Bob Day", at="2026-05-02 10:00")
    path = tmp_path / "all.json"
    path.write_text(cli("export", "--format", "json").stdout)
    result = cli("import", str(path))
    assert "Nothing new" in result.stdout and "2 skipped as already recorded" in result.stdout
    assert count(sql) == 2
    assert json.loads(path.read_text())[0]["id"] == 1
