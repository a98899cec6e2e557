"""Import and export carry severity, remedy and cost, and the later resolution, exactly."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import Sql
from tests.helpers import Cli

pytestmark = pytest.mark.backends

HEADER = (
    "customer,reason,resolved,store,agent,at,description,resolution,contact,channel,"
    "follow_up,severity,remedy,cost,resolved_at,later_resolution\n"
)
SPEC_EXPORT = (
    "customer,reason,resolved,store,agent,at,description,resolution,contact,channel,"
    "id,follow_up,severity,remedy,cost,resolved_at,later_resolution"
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def stored(sql: Sql) -> list[tuple[object, ...]]:
    return [
        (r["severity"], r["remedy"], r["cost_cents"])
        for r in sql.rows("SELECT severity, remedy, cost_cents FROM incident ORDER BY id")
    ]


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_severity_remedy_and_cost_import_exactly_and_export_as_plain_amounts(
    cli: Cli, tmp_path: Path, sql: Sql
) -> None:
    path = write(
        tmp_path / "in.csv",
        HEADER
        + "Ann,billing,yes,N,J,2026-05-01 10:00,,,,,,High,Refund,12.5,,\n"
        + "Bob,billing,no,N,J,2026-05-02 10:00,,,,,,low, voucher ,0,2026-05-04 09:00,sent it\n"
        + "Cleo,billing,yes,N,J,2026-05-03 10:00,,,,,,,,,,\n"
        + 'Dan,billing,yes,N,J,2026-05-03 11:00,,,,,,medium,apology,"1234567,89",,\n'
        + "Eve,billing,yes,N,J,2026-05-03 12:00,,,,,,,repair,0.10,,\n",
    )
    cli("import", str(path), "--new-store", "--new-agent")
    assert stored(sql) == [
        ("high", "refund", 1250),
        ("low", "voucher", 0),
        (None, None, None),
        ("medium", "apology", 123456789),
        (None, "repair", 10),
    ]
    out = cli("export").stdout
    assert out.splitlines()[0] == SPEC_EXPORT
    rows = read_csv(out)
    assert [(r["severity"], r["remedy"], r["cost"]) for r in rows] == [
        ("high", "refund", "12.50"),
        ("low", "voucher", "0.00"),
        ("", "", ""),
        ("medium", "apology", "1234567.89"),
        ("", "repair", "0.10"),
    ]
    assert (rows[1]["resolved_at"], rows[1]["later_resolution"]) == (
        "2026-05-04 09:00:00",
        "sent it",
    )
    exported = cli("export", "--format", "json").json()
    assert [(r["severity"], r["remedy"], r["cost"]) for r in exported] == [
        ("high", "refund", 12.5),
        ("low", "voucher", 0),
        (None, None, None),
        ("medium", "apology", 1234567.89),
        (None, "repair", 0.1),
    ]
    assert exported[1]["later_resolution"] == "sent it"
    assert exported[1]["resolved_at"] == "2026-05-04T09:00:00"


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        ("urgent,refund,10", "severity", ["low, medium, high"]),
        ("high,cash,10", "remedy", ["refund, voucher, replacement, repair, apology, other"]),
        ("high,refund,-5", "cost", ["negative"]),
        ("high,refund,ten", "cost", ["amount such as 12.50", "ten"]),
        ("high,refund,1.234", "cost", ["two decimals"]),
        ("high,refund,1e3", "cost", ["amount such as 12.50"]),
    ],
)
def test_a_bad_severity_remedy_or_cost_writes_nothing_and_names_line_and_column(
    cli: Cli, tmp_path: Path, sql: Sql, cells: str, column: str, words: list[str]
) -> None:
    cli.add("Zed")
    before = int(sql.scalar("SELECT COUNT(*) FROM incident"))
    path = write(
        tmp_path / "in.csv",
        HEADER
        + "Ann,billing,yes,N,J,2026-05-01 10:00,,,,,,low,voucher,5,,\n"
        + f"Bob,billing,yes,N,J,2026-05-02 10:00,,,,,,{cells},,\n",
    )
    for extra in ((), ("--dry-run",)):
        stderr = cli.fails("import", str(path), "--new-store", "--new-agent", *extra, code=2).stderr
        assert f"in.csv line 3, column {column}:" in stderr
        for word in words:
            assert word in stderr
        assert "Nothing was imported." in stderr and len(stderr.strip().splitlines()) == 1
    assert int(sql.scalar("SELECT COUNT(*) FROM incident")) == before
    assert int(sql.scalar("SELECT COUNT(*) FROM store WHERE name = 'N'")) == 0


def test_json_cost_is_a_number_or_text_never_true(cli: Cli, tmp_path: Path, sql: Sql) -> None:
    base = {"reason": "billing", "resolved": True, "store": "N", "agent": "J"}
    path = write(
        tmp_path / "in.json",
        json.dumps(
            [
                {**base, "customer": "Ann", "at": "2026-05-01T10:00", "cost": 19.99},
                {**base, "customer": "Bob", "at": "2026-05-01T11:00", "cost": "7.5"},
                {**base, "customer": "Cleo", "at": "2026-05-01T12:00", "cost": None},
                {**base, "customer": "Dan", "at": "2026-05-01T13:00", "cost": 3},
            ]
        ),
    )
    cli("import", str(path), "--new-store", "--new-agent")
    assert [c for _s, _r, c in stored(sql)] == [1999, 750, None, 300]
    bad = write(
        tmp_path / "bad.json",
        json.dumps([{**base, "customer": "Eve", "at": "2026-05-02T10:00", "cost": True}]),
    )
    stderr = cli.fails("import", str(bad), code=2).stderr
    assert "bad.json record 1, column cost:" in stderr
    assert int(sql.scalar("SELECT COUNT(*) FROM incident")) == 4


def test_resolved_later_imports_and_a_resolution_before_the_incident_is_refused(
    cli: Cli, tmp_path: Path, sql: Sql
) -> None:
    path = write(
        tmp_path / "in.csv",
        HEADER + "Ann,billing,no,N,J,2026-05-01 10:00,,asked,,,,high,refund,40,"
        "2026-05-06 16:30:15,refund sent\n",
    )
    cli("import", str(path), "--new-store", "--new-agent")
    [row] = sql.rows("SELECT resolved_on_spot, resolved_at, later_resolution FROM incident")
    assert not row["resolved_on_spot"]
    assert str(row["resolved_at"]).startswith("2026-05-06 16:30:15")
    assert row["later_resolution"] == "refund sent"
    early = write(
        tmp_path / "early.csv",
        HEADER + "Bob,billing,no,N,J,2026-05-05 10:00,,,,,,,,,2026-05-04 09:00,done\n",
    )
    stderr = cli.fails("import", str(early), code=2).stderr
    assert "early.csv line 2, column resolved_at:" in stderr and "before the incident" in stderr
    assert int(sql.scalar("SELECT COUNT(*) FROM incident")) == 1
